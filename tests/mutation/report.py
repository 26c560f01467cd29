# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Score and surviving mutants of a cosmic-ray session (used by tests/mutation/run.sh).

    report.py NAME SESSION.sqlite CONFIG.toml

Prints the counts (killed, survived, incompetent, not yet run; a survivor that
a test written later kills, see recheck.py, counts as killed on recheck), the
score (killed / (killed + survived)) and each surviving mutant as function, line,
operator and diff; writes the same to SESSION-report.txt next to the session.
"""

import collections
import json
import os
import subprocess
import sys


def main():
    name, db, config = sys.argv[1:4]
    dump = subprocess.run(['cosmic-ray', 'dump', db], capture_output=True, text=True, check=True).stdout
    recheck = {}
    if os.path.exists(db.rsplit('.', 1)[0] + '-recheck.json'):
        with open(db.rsplit('.', 1)[0] + '-recheck.json') as f:
            recheck = json.load(f)
    counts = collections.Counter()
    survivors = []
    for line in dump.splitlines():
        job, result = json.loads(line)
        mutation = job['mutations'][0]
        if result is None:
            counts['not run'] += 1
            continue
        if result.get('worker_outcome') == 'skipped':
            counts['filtered'] += 1
            continue
        outcome = result.get('test_outcome') or result.get('worker_outcome')
        if outcome == 'survived' and recheck.get(job['job_id']) == 'killed':
            outcome = 'killed on recheck'
        counts[outcome] += 1
        if outcome == 'survived':
            survivors.append((mutation['start_pos'][0], mutation.get('definition_name'),
                              mutation['operator_name'], mutation['occurrence'], result.get('diff') or ''))
    killed, survived = counts['killed'] + counts['killed on recheck'], counts['survived']
    tested = killed + survived
    lines = ['%s: %s' % (name, ', '.join('%s %d' % kv for kv in sorted(counts.items())))]
    if tested:
        lines.append('%s: score %.1f%% (%d killed of %d tested)' % (name, 100.0 * killed / tested, killed, tested))
    for lineno, function, operator, occurrence, diff in sorted(survivors):
        lines.append('')
        lines.append('SURVIVED %s line %d in %s(): %s #%d' % (name, lineno, function, operator, occurrence))
        lines.extend('    ' + d for d in diff.splitlines() if d.startswith(('-', '+')) and not d.startswith(('---', '+++')))
    text = '\n'.join(lines) + '\n'
    sys.stdout.write(text)
    with open(db.rsplit('.', 1)[0] + '-report.txt', 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
