# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Time the module and the libvirt_uri role against a ping play on a fleet of SSH hosts.

Usage: python benchmarks/fleet_bench.py FLEET_DIR OUT.json --group GROUP [--forks N] [--reps N]

FLEET_DIR is a directory made by ``tests/fleet/fleet.sh up`` (its
inventory.yml and hosts.json are read); GROUP is a local group whose members
have a home on every host.  Four plays, every one of them a run in which
nothing changes:

- ``ping``: one ansible.builtin.ping task (the floor: one round trip);
- ``bare``: one virtkit.libvirt_client.libvirt_uri_alias task;
- ``role``: the libvirt_uri role, system file only;
- ``role_users``: the role, system file and the file of every member of GROUP.

Each is run with SSH pipelining on and off (ANSIBLE_PIPELINING).  A warm-up
per configuration opens the multiplexed SSH connections and makes every file
what the role wants (the warm-up role runs must change every host).  Each
repetition then runs the eight (configuration, play) pairs in an order that
rotates from one repetition to the next, so that load from elsewhere falls
on all of them alike.  Every run is checked: no host may fail or be
unreachable, and no host may change.
"""

from __future__ import annotations

import argparse
import grp
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PLAYBOOKS = os.path.join(HERE, 'playbooks')
PLAY_TIMEOUT = 300
RECAP = re.compile(r'^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.M)
PLAYS = ('ping', 'bare', 'role', 'role_users')
CONFIGS = (('pipelining', 'True'), ('no_pipelining', 'False'))


class BenchError(Exception):
    """A benchmark run did not do what it is meant to measure."""


def run_play(name, inventory, env, extra, expect_changed, nhosts):
    """Run one playbook; returns its wall time and the CPU time of the controller, in seconds.

    The CPU time is that of ansible-playbook and every process it started
    (its forks, the ssh clients), not of the hosts' sshd and modules: it
    varies much less than the wall time on a machine shared with other work.
    """
    # Every play gets the variables of vars.yml the same way, as extra variables read once per run, the
    # ping play included.  A play's vars_files would be read and parsed again for every host and task
    # (ansible-core caches only vaulted files): a cost of how the benchmark passes its values, which
    # ping would not pay.
    cmd = ['ansible-playbook', '-i', inventory, '-e', '@vars.yml', '-e', json.dumps(extra), name + '.yml']
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=PLAYBOOKS, env=env, stdout=out, stderr=err)
        deadline = start + PLAY_TIMEOUT
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise BenchError('%s.yml: no end after %d s' % (name, PLAY_TIMEOUT))
            time.sleep(0.02)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode('utf-8', 'replace')
        stderr = err.read().decode('utf-8', 'replace')
    cpu = usage.ru_utime + usage.ru_stime
    recap = RECAP.findall(stdout)
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
        raise BenchError('%s.yml (%s): %s\n%s\n%s' % (name, 'pipelining=' + env['ANSIBLE_PIPELINING'], problem,
                                                      stdout[-4000:], stderr[-2000:]))
    return elapsed, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('fleet_dir')
    parser.add_argument('out')
    parser.add_argument('--group', required=True)
    parser.add_argument('--forks', type=int, default=10)
    parser.add_argument('--reps', type=int, default=5)
    args = parser.parse_args()

    inventory = os.path.join(args.fleet_dir, 'inventory.yml')
    with open(os.path.join(args.fleet_dir, 'hosts.json'), encoding='utf-8') as handle:
        hosts = json.load(handle)
    nhosts = len(hosts)
    extra = {'bench_group': args.group}
    group_members = grp.getgrnam(args.group).gr_mem

    base = dict(os.environ)
    base.update({
        'ANSIBLE_FORKS': str(args.forks),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_SSH_CONTROL_PATH_DIR': os.path.join(args.fleet_dir, 'cp'),
        'ANSIBLE_LOCAL_TEMP': os.path.join(args.fleet_dir, 'tmp'),
    })
    envs = {}
    for config, value in CONFIGS:
        envs[config] = dict(base, ANSIBLE_PIPELINING=value)

    # Warm-up: connections, then every file as the role wants it (the first
    # role runs change every host; the second configuration finds them done).
    for index, (config, dummy) in enumerate(CONFIGS):
        run_play('ping', inventory, envs[config], extra, False, nhosts)
        if index == 0:
            run_play('role', inventory, envs[config], extra, True, nhosts)
            run_play('role_users', inventory, envs[config], extra, True, nhosts)

    pairs = [(config, play) for config, dummy in CONFIGS for play in PLAYS]
    times = {config: {play: [] for play in PLAYS} for config, dummy in CONFIGS}
    cpu = {config: {play: [] for play in PLAYS} for config, dummy in CONFIGS}
    load = [os.getloadavg()[0]]
    for rep in range(args.reps):
        shift = (rep * 3) % len(pairs)
        for config, play in pairs[shift:] + pairs[:shift]:
            elapsed, used = run_play(play, inventory, envs[config], extra, False, nhosts)
            times[config][play].append(elapsed)
            cpu[config][play].append(used)
            print('  fleet rep %d/%d  %-13s %-10s %6.2f s  (controller CPU %5.2f s)'
                  % (rep + 1, args.reps, config, play, elapsed, used), file=sys.stderr, flush=True)
        load.append(os.getloadavg()[0])

    result = {
        'hosts': nhosts,
        'forks': args.forks,
        'reps': args.reps,
        'group': args.group,
        'users': len(group_members),
        'times': times,
        'median': {config: {play: statistics.median(values) for play, values in per.items()}
                   for config, per in times.items()},
        'cpu': cpu,
        'cpu_median': {config: {play: statistics.median(values) for play, values in per.items()}
                       for config, per in cpu.items()},
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
