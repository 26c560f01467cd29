# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Many module runs on one file at once lose nothing, and the directory lock is what serializes them."""

import fcntl
import os
import threading
import time

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf

from reliability_helpers import parse_result, read, start_module, temp_files, virsh_uri, write, write_args

PROCESSES = 16
ROUNDS = 5


def uri(round_, index):
    return 'test:///default?round=%d&proc=%d' % (round_, index)


def test_concurrent_runs_lose_no_alias(conf):
    write(conf, '# shared\nremote_mode = "legacy"\n')
    problems = []
    done = threading.Event()

    def watch():
        """Read and parse the file over and over while the writers run."""
        reads = 0
        while not done.is_set() and reads < 100000:
            reads += 1
            text = read(conf)
            try:
                libvirt_conf.parse(text, str(conf))
            except libvirt_conf.ConfError as exc:
                problems.append((text, exc.message))
            if not text.startswith('# shared\nremote_mode = "legacy"\n'):
                problems.append((text, 'lost the first lines'))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for round_ in range(ROUNDS):
            files = [write_args({'path': str(conf), 'name': 'r%dp%d' % (round_, i), 'uri': uri(round_, i)})
                     for i in range(PROCESSES)]
            procs = [start_module(f) for f in files]
            for i, proc in enumerate(procs):
                out, err = proc.communicate(timeout=120)
                result = parse_result(out, err, proc.returncode)
                assert result['rc'] == 0 and result['changed'] is True, result
                # What the run reported is in the file after it.
                assert {'name': 'r%dp%d' % (round_, i), 'uri': uri(round_, i)} in result['aliases']
            for f in files:
                os.unlink(f)
            entries = libvirt_conf.parse(read(conf), str(conf))
            aliases = libvirt_conf.get_string_list(entries, 'uri_aliases', str(conf))
            for r in range(round_ + 1):
                for i in range(PROCESSES):
                    assert libvirt_conf.find_alias(aliases, 'r%dp%d' % (r, i)) == uri(r, i)
    finally:
        done.set()
        watcher.join()
    assert problems == []
    text = read(conf)
    assert text.count('=test:///default?round=') == PROCESSES * ROUNDS
    assert temp_files(conf.parent) == []
    for name, expected in (('r0p0', uri(0, 0)), ('r4p15', uri(4, 15)), ('r2p7', uri(2, 7))):
        assert virsh_uri(str(conf), name) == (True, expected)


def blocked_on(pid, inode):
    """Whether process ``pid`` waits in /proc/locks for a FLOCK on inode ``inode``."""
    with open('/proc/locks') as f:
        for line in f:
            fields = line.split()
            if '->' in fields and 'FLOCK' in fields:
                rest = fields[fields.index('->') + 1:]
                if rest[3] == str(pid) and rest[4].split(':')[-1] == str(inode):
                    return True
    return False


def test_module_waits_for_the_directory_lock(conf):
    write(conf, '# locked\n')
    before = read(conf)
    fd = os.open(str(conf.parent), os.O_RDONLY | os.O_DIRECTORY)
    args = write_args({'path': str(conf), 'name': 'late', 'uri': 'test:///default?late'})
    proc = None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        proc = start_module(args)
        inode = os.fstat(fd).st_ino
        for dummy in range(600):
            if blocked_on(proc.pid, inode) or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert proc.poll() is None, 'the module did not wait for the lock: %s' % (proc.communicate(),)
        assert blocked_on(proc.pid, inode)
        assert read(conf) == before and temp_files(conf.parent) == []
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        if proc is not None:
            out, err = proc.communicate(timeout=120)
        os.unlink(args)
    result = parse_result(out, err, proc.returncode)
    assert result['changed'] is True, result
    assert read(conf) == '# locked\nuri_aliases = [\n  "late=test:///default?late",\n]\n'
