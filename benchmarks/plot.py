# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Draw the cost curves of a benchmark run.

Usage: python benchmarks/plot.py RESULTS_DIR/results.json OUT.png

Three panels: the module's wall time by file size (add one, change one, no
change, with the ping module as floor and the 0.5 s target); the lookup's
run time by number of terms; the fleet plays (medians, with every repetition
as a dot).
"""

from __future__ import annotations

import json
import sys

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402  pylint: disable=wrong-import-position


def module_panel(axis, module):
    sizes = module['sizes']
    for case, label, style in (('add', 'add one alias (Augeas)', 'o-'),
                               ('change', 'change one alias (Augeas)', 's-'),
                               ('none', 'no change (parser only)', '^-')):
        axis.plot(sizes, [module['module'][str(s)][case]['median'] for s in sizes], style, label=label)
    axis.axhline(module['floor']['median'], color='grey', linestyle=':', label='ping module (floor)')
    axis.axhline(0.5, color='red', linestyle='--', label='target 0.5 s')
    axis.set_xscale('log')
    axis.set_yscale('log')
    axis.set_xlabel('uri_aliases entries in the file')
    axis.set_ylabel('wall time of one module run (s)')
    axis.set_title('libvirt_uri_alias on the target')
    axis.grid(True, which='both', alpha=0.3)
    axis.legend(fontsize='small')


def lookup_panel(axis, lookup):
    by_size = {}
    for case in lookup['cases']:
        by_size.setdefault(case['aliases'], []).append((case['terms'], case['median']))
    for size in sorted(by_size):
        points = sorted(by_size[size])
        axis.plot([p[0] for p in points], [p[1] for p in points], 'o-', label='file of %d aliases' % size)
    axis.axhline(0.5, color='red', linestyle='--', label='target 0.5 s (10,000 terms)')
    axis.set_xscale('log')
    axis.set_yscale('log')
    axis.set_xlabel('terms resolved in one call')
    axis.set_ylabel('run() time (s)')
    axis.set_title('libvirt_uri lookup (controller)')
    axis.grid(True, which='both', alpha=0.3)
    axis.legend(fontsize='small')


def fleet_panel(axis, fleet):
    plays = [('ping', 'ping'), ('bare', 'module\ntask'), ('role', 'role\nsystem'),
             ('role_users', 'role\n+%d users' % fleet.get('users', 30))]
    width = 0.38
    for offset, config, label, color in ((-width / 2, 'pipelining', 'pipelining on', 'tab:blue'),
                                         (width / 2, 'no_pipelining', 'pipelining off', 'tab:grey')):
        positions = [i + offset for i in range(len(plays))]
        axis.bar(positions, [fleet['median'][config][k] for k, dummy in plays], width, color=color, alpha=0.6,
                 label=label)
        for pos, (key, dummy) in zip(positions, plays):
            values = fleet['times'][config][key]
            axis.plot([pos] * len(values), values, 'k.', markersize=3)
    ping = fleet['median']['pipelining']['ping']
    role = fleet['median']['pipelining']['role']
    axis.hlines([ping * 1.10, ping * 1.25, role * 1.15], [0.6, 1.6, 2.6], [1.4, 2.4, 3.4], colors='red',
                linestyles=['--', ':', '-.'])
    axis.plot([], [], 'r--', label='targets (pipelining on): 1.10x, 1.25x ping; 1.15x role')
    axis.set_xticks(range(len(plays)))
    axis.set_xticklabels([label for dummy, label in plays])
    axis.set_ylabel('ansible-playbook wall time, no change (s)')
    axis.set_title('%d hosts, forks %d, %d runs each' % (fleet['hosts'], fleet['forks'], fleet['reps']))
    axis.legend(fontsize='small')


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.split('\n\n', 2)[1])
    with open(sys.argv[1], encoding='utf-8') as handle:
        data = json.load(handle)
    fig, axes = plt.subplots(1, 3, figsize=(17, 5.2))
    module_panel(axes[0], data['module'])
    lookup_panel(axes[1], data['lookup'])
    fleet_panel(axes[2], data['fleet'])
    mach = data['machine']
    fig.suptitle('virtkit.libvirt_client performance: %d CPUs (%s), %.0f GiB RAM, Python %s'
                 % (mach['nproc'], mach['cpu'], mach['ram_gib'], mach['python']))
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=90)


if __name__ == '__main__':
    main()
