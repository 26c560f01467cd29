# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Time the libvirt_uri role against two baselines on a fleet of SSH hosts.

Usage: python benchmarks/fleet_bench.py FLEET_DIR OUT.json [--forks N] [--reps N]

FLEET_DIR is a directory made by ``tests/fleet/fleet.sh up`` (its
inventory.yml and hosts.json are read).  Each repetition runs, in an order
that rotates from one repetition to the next:

- ``ping``: one ansible.builtin.ping task;
- ``template`` first run (every host's libvirt.conf reset to the seeded copy
  before it, so every host changes) and second run (nothing changes);
- ``role`` first and second run, likewise.

The wall time of every ansible-playbook run is recorded, and every run is
checked: no host may fail or be unreachable, and the number of changed hosts
must be what the run is about (all on a first run, none on a second run).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PLAYBOOKS = os.path.join(HERE, 'playbooks')
PLAY_TIMEOUT = 300
RECAP = re.compile(r'^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.M)


class BenchError(Exception):
    """A benchmark run did not do what it is meant to measure."""


def reset_hosts(hosts, pristine):
    """Give every host the libvirt.conf it was seeded with."""
    for host in hosts:
        path = os.path.join(host['root'], 'etc-libvirt', 'libvirt.conf')
        with open(path, 'wb') as handle:
            handle.write(pristine)
        os.chmod(path, 0o644)


def run_play(name, inventory, env, expect_changed, nhosts):
    """Run one playbook; returns its wall time in seconds."""
    cmd = ['ansible-playbook', '-i', inventory, name + '.yml']
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=PLAYBOOKS, env=env, capture_output=True, text=True,
                          timeout=PLAY_TIMEOUT, check=False)
    elapsed = time.perf_counter() - start
    recap = RECAP.findall(proc.stdout)
    problem = None
    if proc.returncode != 0:
        problem = 'exit status %d' % proc.returncode
    elif len(recap) != nhosts:
        problem = 'recap lists %d hosts, expected %d' % (len(recap), nhosts)
    else:
        changed = sum(1 for row in recap if int(row[2]) > 0)
        bad = sum(1 for row in recap if int(row[3]) or int(row[4]))
        want = nhosts if expect_changed else 0
        if bad or changed != want:
            problem = '%d hosts changed (expected %d), %d failed or unreachable' % (changed, want, bad)
    if problem:
        raise BenchError('%s.yml: %s\n%s\n%s' % (name, problem, proc.stdout[-4000:], proc.stderr[-2000:]))
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('fleet_dir')
    parser.add_argument('out')
    parser.add_argument('--forks', type=int, default=10)
    parser.add_argument('--reps', type=int, default=5)
    args = parser.parse_args()

    inventory = os.path.join(args.fleet_dir, 'inventory.yml')
    with open(os.path.join(args.fleet_dir, 'hosts.json'), encoding='utf-8') as handle:
        hosts = json.load(handle)
    with open(os.path.join(hosts[0]['root'], 'etc-libvirt', 'libvirt.conf'), 'rb') as handle:
        pristine = handle.read()

    env = dict(os.environ)
    env.update({
        'ANSIBLE_FORKS': str(args.forks),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_SSH_CONTROL_PATH_DIR': os.path.join(args.fleet_dir, 'cp'),
        'ANSIBLE_LOCAL_TEMP': os.path.join(args.fleet_dir, 'tmp'),
    })

    nhosts = len(hosts)
    # Warm-up: open the multiplexed SSH connections every later run reuses.
    reset_hosts(hosts, pristine)
    run_play('ping', inventory, env, False, nhosts)

    groups = [
        [('ping', None, False)],
        [('template', 'template_first', True), ('template', 'template_second', False)],
        [('role', 'role_first', True), ('role', 'role_second', False)],
    ]
    times = {'ping': [], 'template_first': [], 'template_second': [], 'role_first': [], 'role_second': []}
    load = [os.getloadavg()[0]]
    for rep in range(args.reps):
        order = groups[rep % 3:] + groups[:rep % 3]
        for group in order:
            if group[0][1] is not None:
                reset_hosts(hosts, pristine)
            for play, key, changes in group:
                elapsed = run_play(play, inventory, env, changes, nhosts)
                times[key or play].append(elapsed)
                print('  fleet rep %d/%d  %-16s %6.2f s' % (rep + 1, args.reps, key or play, elapsed),
                      file=sys.stderr, flush=True)
        load.append(os.getloadavg()[0])
    reset_hosts(hosts, pristine)

    result = {
        'hosts': nhosts,
        'forks': args.forks,
        'reps': args.reps,
        'times': times,
        'median': {key: statistics.median(values) for key, values in times.items()},
        'loadavg_1min': load,
    }
    with open(args.out, 'w', encoding='utf-8') as handle:
        json.dump(result, handle, indent=2)


if __name__ == '__main__':
    try:
        main()
    except (BenchError, subprocess.TimeoutExpired) as exc:
        print('fleet_bench: %s' % exc, file=sys.stderr)
        sys.exit(1)
