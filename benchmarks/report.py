# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Print the benchmark table and save every number in one JSON file.

Usage: python benchmarks/report.py RESULTS_DIR

RESULTS_DIR holds fleet.json, module.json and lookup.json (written by the
other scripts of this directory); results.json (all of them, with the
machine description and the verdicts) and table.md (the table printed) are
written next to them.
"""

from __future__ import annotations

import json
import os
import platform
import sys

# Targets (issue 12), with SSH pipelining on: ratios of medians of unchanged runs.
BARE_MAX_PING = 1.10          # one libvirt_uri_alias task / one ping task
ROLE_MAX_PING = 1.25          # the role, system file only / ping
USERS_MAX_ROLE = 1.15         # the role with the group's members / the role, system file only
MODULE_MAX = 0.5
LOOKUP_MAX = 0.5
CONFIG_LABELS = (('pipelining', 'pipelining on'), ('no_pipelining', 'pipelining off'))


def machine():
    model = ''
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            for line in handle:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kib = 0
    try:
        with open('/proc/meminfo', encoding='utf-8') as handle:
            for line in handle:
                if line.startswith('MemTotal:'):
                    mem_kib = int(line.split()[1])
                    break
    except OSError:
        pass
    return {'nproc': os.cpu_count(), 'cpu': model, 'ram_gib': round(mem_kib / 1048576, 1),
            'python': platform.python_version(), 'kernel': platform.release()}


def verdict(ok):
    return 'met' if ok else 'MISSED'


def build_rows(fleet, module, lookup):
    """(what, median, detail, target, verdict) rows, and the verdict list."""
    rows = []
    checks = []
    head = '%d hosts, forks %d' % (fleet['hosts'], fleet['forks'])
    for config, label in CONFIG_LABELS:
        med = fleet['median'][config]
        cpu = fleet['cpu_median'][config]
        ping = med['ping']
        judged = config == 'pipelining'
        rows.append(('%s: ping play (%s)' % (label, head), '%.2f s' % ping,
                     'baseline; controller CPU %.2f s' % cpu['ping'], '', ''))
        for key, what, base, base_label, limit in (
                ('bare', 'one libvirt_uri_alias task', 'ping', 'ping', BARE_MAX_PING),
                ('role', 'role, system file only', 'ping', 'ping', ROLE_MAX_PING),
                ('role_users', 'role, %d group members' % fleet.get('users', 30), 'role', 'role, no users',
                 USERS_MAX_ROLE)):
            ratio = med[key] / med[base]
            detail = '%.2fx %s' % (ratio, base_label)
            if key == 'role_users':
                detail += ', %.2fx ping' % (med[key] / ping)
            detail += '; controller CPU %.2f s (%.2fx)' % (cpu[key], cpu[key] / cpu[base])
            target, mark = '', ''
            if judged:
                ok = ratio <= limit
                target = '<= %.2fx %s' % (limit, base_label)
                mark = verdict(ok)
                checks.append(('%s / %s' % (key, base), ok))
            rows.append(('%s: %s (no change)' % (label, what), '%.2f s' % med[key], detail, target, mark))

    floor = module['floor']['median']
    rows.append(('ansible.builtin.ping module, one process', '%.3f s' % floor, 'floor of any module', '', ''))
    for size in module['sizes']:
        per = module['module'][str(size)]
        for case in ('add', 'change', 'none'):
            target, mark = '', ''
            if size == max(module['sizes']):
                target = '< %.1f s' % MODULE_MAX
                ok = per[case]['median'] < MODULE_MAX
                mark = verdict(ok)
                checks.append(('module %d aliases %s' % (size, case), ok))
            what = {'add': 'add one', 'change': 'change one', 'none': 'no change'}[case]
            rows.append(('module, %d aliases, %s' % (size, what),
                         '%.3f s' % per[case]['median'], '%.1f MiB peak RSS' % (per[case]['max_rss_kib'] / 1024),
                         target, mark))
    biggest = module['module'][str(max(module['sizes']))]
    peak = max(case['max_rss_kib'] for case in biggest.values())
    rows.append(('module peak memory, %d aliases' % max(module['sizes']), '%.1f MiB' % (peak / 1024),
                 'ping module: %.1f MiB' % (max(module['floor']['rss_kib']) / 1024), '', ''))

    for case in lookup['cases']:
        target, mark = '', ''
        if case['terms'] == 10000 and case['aliases'] == 100:
            target = '< %.1f s' % LOOKUP_MAX
            ok = case['median'] < LOOKUP_MAX
            mark = verdict(ok)
            checks.append(('lookup 10000 terms', ok))
        rows.append(('lookup, %d terms, file of %d aliases' % (case['terms'], case['aliases']),
                     '%.4f s' % case['median'], '%.1f us/term' % (case['median'] / case['terms'] * 1e6),
                     target, mark))
    return rows, checks


def render(rows):
    header = ('measurement', 'median', 'ratio / detail', 'target', 'verdict')
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(len(header))]
    lines = ['| ' + ' | '.join(h.ljust(w) for h, w in zip(header, widths)) + ' |',
             '|' + '|'.join('-' * (w + 2) for w in widths) + '|']
    for row in rows:
        lines.append('| ' + ' | '.join(str(c).ljust(w) for c, w in zip(row, widths)) + ' |')
    return '\n'.join(lines)


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__.split('\n\n', 2)[1])
    results_dir = sys.argv[1]
    data = {}
    for name in ('fleet', 'module', 'lookup'):
        with open(os.path.join(results_dir, name + '.json'), encoding='utf-8') as handle:
            data[name] = json.load(handle)
    data['machine'] = machine()
    rows, checks = build_rows(data['fleet'], data['module'], data['lookup'])
    data['verdicts'] = dict(checks)
    mach = data['machine']
    fleet = data['fleet']
    title = ('Medians of %d repetitions (fleet) and %d (module, lookup); %d CPUs (%s), %.1f GiB RAM, Python %s; '
             'fleet of %d hosts, forks %d, %d accounts in the group; 1-min load average during the fleet runs '
             '%.1f to %.1f.'
             % (fleet['reps'], data['module']['reps'], mach['nproc'], mach['cpu'], mach['ram_gib'], mach['python'],
                fleet['hosts'], fleet['forks'], fleet.get('users', 0), min(fleet['loadavg_1min']),
                max(fleet['loadavg_1min'])))
    table = render(rows)
    missed = [label for label, ok in checks if not ok]
    listed = (' (' + '; '.join(missed) + ')') if missed else ''
    summary = 'targets: %d met, %d missed%s' % (len(checks) - len(missed), len(missed), listed)
    with open(os.path.join(results_dir, 'results.json'), 'w', encoding='utf-8') as handle:
        json.dump(data, handle, indent=2)
    with open(os.path.join(results_dir, 'table.md'), 'w', encoding='utf-8') as handle:
        handle.write(title + '\n\n' + table + '\n\n' + summary + '\n')
    print(title)
    print()
    print(table)
    print()
    print(summary)


if __name__ == '__main__':
    main()
