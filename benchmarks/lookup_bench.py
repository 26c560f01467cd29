# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run time of the libvirt_uri lookup plugin, by number of terms and file size.

Usage: python benchmarks/lookup_bench.py WORKDIR OUT.json [--reps N]

The plugin is loaded in-process through Ansible's lookup_loader (the
collection must be on ANSIBLE_COLLECTIONS_PATH) and its ``run()`` is timed:
reading and parsing the configuration file once, then resolving every term.
Term i names alias i modulo the file's alias count, so the terms reach every
part of the list.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

from ansible.plugins.loader import init_plugin_loader, lookup_loader

# (aliases in the file, terms resolved)
CASES = [(100, 1), (100, 100), (100, 10000), (10, 10000), (10000, 1), (10000, 100)]


def alias_name(index):
    return 'hv%05d' % index


def alias_uri(index):
    return 'qemu+ssh://root@hv%05d.example.com/system' % index


def make_file(path, size):
    lines = ['# benchmark copy\n', 'uri_aliases = [\n']
    lines.extend('  "%s=%s",\n' % (alias_name(i), alias_uri(i)) for i in range(size))
    lines.append(']\nuri_default = "%s"\n' % alias_name(0))
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(''.join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('workdir')
    parser.add_argument('out')
    parser.add_argument('--reps', type=int, default=5)
    args = parser.parse_args()

    init_plugin_loader()
    lookup = lookup_loader.get('virtkit.libvirt_client.libvirt_uri')
    if lookup is None:
        raise SystemExit('lookup_bench: virtkit.libvirt_client.libvirt_uri not found on ANSIBLE_COLLECTIONS_PATH')

    results = {'reps': args.reps, 'cases': []}
    for size, nterms in CASES:
        path = os.path.join(args.workdir, 'lookup-%d.conf' % size)
        if not os.path.exists(path):
            make_file(path, size)
        terms = [alias_name(i % size) for i in range(nterms)]
        expected = [alias_uri(i % size) for i in range(nterms)]
        times = []
        for _rep in range(args.reps):
            start = time.perf_counter()
            got = lookup.run(terms, variables={}, config=path)
            times.append(time.perf_counter() - start)
            if got != expected:
                raise SystemExit('lookup_bench: wrong answer for %d terms on %d aliases' % (nterms, size))
        case = {'aliases': size, 'terms': nterms, 'times': times, 'median': statistics.median(times)}
        results['cases'].append(case)
        print('  lookup %5d terms on %5d aliases  median %7.4f s' % (nterms, size, case['median']),
              file=sys.stderr, flush=True)

    with open(args.out, 'w', encoding='utf-8') as handle:
        json.dump(results, handle, indent=2)


if __name__ == '__main__':
    main()
