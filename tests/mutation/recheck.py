# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the surviving mutants of a session again, with the tests as they are now (run.sh, RECHECK=1).

    recheck.py NAME SESSION.sqlite

Tests written for survivors after a session ran are checked without running
the whole session again: each survivor is applied (cosmic-ray
mutate-and-test) in the copy of the checkout and the session's current test
command is run.  The outcomes go to SESSION-recheck.json, which report.py
reads; a survivor a new test kills is reported as killed on recheck.
"""

import json
import subprocess
import sys

from configure import SESSIONS, PYTEST


def main():
    name, db = sys.argv[1:3]
    command = PYTEST + ' '.join(SESSIONS[name][2])
    dump = subprocess.run(['cosmic-ray', 'dump', db], capture_output=True, text=True, check=True).stdout
    outcomes = {}
    for line in dump.splitlines():
        job, result = json.loads(line)
        if not result or result.get('test_outcome') != 'survived':
            continue
        mutation = job['mutations'][0]
        proc = subprocess.run(['cosmic-ray', 'mutate-and-test', mutation['module_path'], mutation['operator_name'],
                               str(mutation['occurrence']), command], capture_output=True, text=True, check=False)
        try:
            outcome = json.loads(proc.stdout.strip().splitlines()[-1]).get('test_outcome')
        except (ValueError, IndexError):
            outcome = 'error: %s' % proc.stderr.strip()[-300:]
        outcomes[job['job_id']] = outcome
        print('%s line %d %s #%d: %s' % (name, mutation['start_pos'][0], mutation['operator_name'],
                                         mutation['occurrence'], outcome))
        sys.stdout.flush()
    with open(db.rsplit('.', 1)[0] + '-recheck.json', 'w') as f:
        json.dump(outcomes, f, indent=1)


if __name__ == '__main__':
    main()
