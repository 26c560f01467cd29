# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A module run killed at any moment leaves the complete old or the complete new file.

A temporary file may be left behind by a run killed between creating it and
renaming it; the next run (not in check mode) removes it under the lock.
"""

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf

from reliability_helpers import (COLLECTIONS, HERE, call_module, read, run_module, snapshot, start_module,
                                 temp_files, virsh_uri, write, write_args)

ITERATIONS = 40
HEADER = '# kept\n' + ''.join('# padding line %d so the write takes a moment\n' % i for i in range(3000))


def text_for(i):
    return HEADER + 'uri_aliases = [\n  "k=test:///default?i=%d",\n]\n' % i


def test_sigkill_at_random_moments(conf):
    rng = random.Random(20261125)
    write(conf, text_for(0))
    current = 0
    # How long a run takes here, to spread the kills over its whole life.
    args = write_args({'path': str(conf), 'name': 'k', 'uri': 'test:///default?i=0'})
    started = time.monotonic()
    proc = start_module(args)
    proc.communicate(timeout=120)
    span = time.monotonic() - started
    os.unlink(args)
    outcomes = {'old': 0, 'new': 0}
    for i in range(1, ITERATIONS + 1):
        args = write_args({'path': str(conf), 'name': 'k', 'uri': 'test:///default?i=%d' % i})
        proc = start_module(args)
        time.sleep(rng.uniform(0, span * 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=120)
        os.unlink(args)
        text = read(conf)
        assert text in (text_for(current), text_for(i)), 'iteration %d left a torn file' % i
        if text == text_for(i):
            outcomes['new'] += 1
            current = i
        else:
            outcomes['old'] += 1
        libvirt_conf.parse(text, str(conf))
        # Leftovers are possible, but never more than one per killed run.
        assert len(temp_files(conf.parent)) <= i
    result = run_module({'path': str(conf), 'name': 'k', 'uri': 'test:///default?final'})
    assert result['changed'] is True
    assert temp_files(conf.parent) == []
    assert read(conf) == text_for(0).replace('i=0', 'final')
    assert virsh_uri(str(conf), 'k') == (True, 'test:///default?final')
    assert sum(outcomes.values()) == ITERATIONS


@pytest.mark.parametrize('point,lands', [
    ('half-written', False), ('before-fsync', False), ('before-rename', False), ('after-rename', True),
])
def test_sigkill_at_each_step_of_the_write(conf, point, lands):
    old = '# old\nuri_aliases = [\n  "a=test:///default?old",\n]\n'
    new = '# old\nuri_aliases = [\n  "a=test:///default?new",\n]\n'
    write(conf, old)
    args = write_args({'path': str(conf), 'name': 'a', 'uri': 'test:///default?new'})
    env = dict(os.environ, PYTHONPATH=COLLECTIONS)
    proc = subprocess.run([sys.executable, os.path.join(HERE, 'crash_inject.py'), point, args], env=env,
                          capture_output=True, timeout=120, check=False)
    os.unlink(args)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert read(conf) == (new if lands else old)
    left = temp_files(conf.parent)
    assert len(left) == (0 if lands else 1)
    # Check mode never deletes anything.
    call_module({'path': str(conf), 'name': 'a', 'uri': 'test:///default?new'}, check=True)
    assert temp_files(conf.parent) == left
    # The next real run cleans the stale temporary file up, whether or not it changes the file.
    result = call_module({'path': str(conf), 'name': 'a', 'uri': 'test:///default?new'})
    assert result['changed'] is (not lands)
    assert temp_files(conf.parent) == []
    assert read(conf) == new
    assert virsh_uri(str(conf), 'a') == (True, 'test:///default?new')


def test_cleanup_touches_only_its_own_stale_files(conf, shadow):
    write(conf, '# x\n')
    directory = conf.parent
    keep = ['.libvirt.conf.x.tmp', '.libvirt.conf.1.tmp', '.libvirt-admin.conf.1.0.tmp', 'libvirt.conf.1.0.tmp',
            '.libvirt.conf.1.0.tmp.orig']
    for name in keep:
        write(directory / name, 'not mine\n')
    os.symlink(str(shadow), str(directory / '.libvirt.conf.7.0.tmp'))
    os.mkdir(str(directory / '.libvirt.conf.8.0.tmp'))
    write(directory / '.libvirt.conf.9.3.tmp', 'stale\n')
    before = snapshot(shadow)
    result = call_module({'path': str(conf), 'uri_default': 'test:///default'})
    assert result['changed'] is True
    names = set(os.listdir(str(directory)))
    assert set(keep) <= names
    assert '.libvirt.conf.9.3.tmp' not in names
    # Only regular files are removed: a link or a directory of that name stays, and nothing is followed.
    assert os.path.islink(str(directory / '.libvirt.conf.7.0.tmp'))
    assert os.path.isdir(str(directory / '.libvirt.conf.8.0.tmp'))
    assert snapshot(shadow) == before
