# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cost of the libvirt_uri_alias module on the target, by file size.

Usage: python benchmarks/module_bench.py WORKDIR OUT.json [--reps N] [--sizes 10,100,...]

The module runs the way it runs on a managed host: a fresh Python process,
``python -m ansible_collections.virtkit.libvirt_client.plugins.modules.libvirt_uri_alias
ARGS.json``, with PYTHONPATH pointing at the collection tree (the caller sets
it).  For every file size (number of uri_aliases entries) three runs are
timed, each on a fresh copy of the file:

- ``add``: one new alias (appended through Augeas);
- ``change``: a new URI for the alias in the middle of the list (Augeas);
- ``none``: the alias in the middle of the list with its current URI (the
  module sees that nothing changes and does not start Augeas).

Each case is run once more first, as a warm-up that is not counted.
Wall time and peak memory (max RSS of the child, from wait4) are recorded.
The floor is ansible.builtin.ping run the same way: interpreter start-up,
AnsibleModule, JSON in and out.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

MODULE = 'ansible_collections.virtkit.libvirt_client.plugins.modules.libvirt_uri_alias'
HEADER = ('# libvirt client configuration file (benchmark copy)\n'
          '#\n'
          '# Aliases of connection URIs, and the default URI.\n'
          '#\n')


def alias_name(index):
    return 'hv%05d' % index


def alias_uri(index):
    return 'qemu+ssh://root@hv%05d.example.com/system' % index


def make_file(path, size):
    lines = [HEADER, 'uri_aliases = [\n']
    lines.extend('  "%s=%s",\n' % (alias_name(i), alias_uri(i)) for i in range(size))
    lines.append(']\n')
    lines.append('uri_default = "%s"\n' % alias_name(0))
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(''.join(lines))


def run_child(argv):
    """(wall seconds, max RSS in KiB, stdout) of one child process."""
    start = time.perf_counter()
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
        out = proc.stdout.read()
        # wait4 reaps the child and reports its own peak memory (ru_maxrss, KiB on Linux).
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError('%s failed (exit %d): %r' % (' '.join(argv), proc.returncode, out[-2000:]))
    return elapsed, usage.ru_maxrss, out


def run_module(workdir, path, aliases, expect_changed):
    args_path = os.path.join(workdir, 'args.json')
    with open(args_path, 'w', encoding='utf-8') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': {'path': path, 'aliases': aliases}}, handle)
    elapsed, rss, out = run_child([sys.executable, '-m', MODULE, args_path])
    result = json.loads(out)
    if result.get('failed') or result.get('changed') != expect_changed:
        raise RuntimeError('unexpected module result for %s: %s' % (aliases, out[:2000]))
    return elapsed, rss


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('workdir')
    parser.add_argument('out')
    parser.add_argument('--reps', type=int, default=5)
    parser.add_argument('--sizes', default='10,100,1000,10000')
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(',')]

    results = {'reps': args.reps, 'sizes': sizes, 'python': sys.version.split()[0],
               'floor': {}, 'module': {}}
    args_path = os.path.join(args.workdir, 'ping.json')
    with open(args_path, 'w', encoding='utf-8') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': {}}, handle)
    ping = [sys.executable, '-m', 'ansible.modules.ping', args_path]
    run_child(ping)  # warm-up, not counted: the first start reads cold files
    floor = [run_child(ping)[:2] for dummy in range(args.reps)]
    results['floor'] = {'times': [f[0] for f in floor], 'rss_kib': [f[1] for f in floor],
                        'median': statistics.median(f[0] for f in floor)}

    for size in sizes:
        source = os.path.join(args.workdir, 'aliases-%d.conf' % size)
        make_file(source, size)
        with open(source, 'rb') as handle:
            pristine = handle.read()
        middle = size // 2
        cases = [
            ('add', {'bench-new': 'qemu+ssh://root@new.example.com/system'}, True),
            ('change', {alias_name(middle): 'qemu+tls://moved.example.com/system'}, True),
            ('none', {alias_name(middle): alias_uri(middle)}, False),
        ]
        per_size = {}
        for case, aliases, changes in cases:
            times, rss = [], []
            for rep in range(args.reps + 1):
                path = os.path.join(args.workdir, 'libvirt.conf')
                with open(path, 'wb') as handle:
                    handle.write(pristine)
                elapsed, peak = run_module(args.workdir, path, aliases, changes)
                if rep == 0:
                    continue  # warm-up, not counted
                times.append(elapsed)
                rss.append(peak)
            per_size[case] = {'times': times, 'rss_kib': rss, 'median': statistics.median(times),
                              'max_rss_kib': max(rss)}
            print('  module %5d aliases  %-6s median %6.3f s  max RSS %6d KiB'
                  % (size, case, per_size[case]['median'], max(rss)), file=sys.stderr, flush=True)
        results['module'][str(size)] = per_size

    with open(args.out, 'w', encoding='utf-8') as handle:
        json.dump(results, handle, indent=2)


if __name__ == '__main__':
    main()
