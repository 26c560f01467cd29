# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real faults (full, read-only and forbidden filesystems) and things that are not a libvirt.conf file.

Every case fails with a message naming the path and the reason, leaves the
original as it was and leaves no temporary file; nothing blocks (every run
has a timeout).
"""

import errno
import os
import stat
import subprocess

import pytest

from reliability_helpers import (call_module, read, run_module, snapshot, temp_files, virsh_uri, write)

ORIGINAL = '# original\nuri_aliases = [\n  "a=test:///default?a",\n]\n'
ADD = {'name': 'b', 'uri': 'test:///default?b'}


def mount(*args):
    subprocess.run(['mount'] + list(args), check=True, capture_output=True, timeout=60)


def umount(path):
    subprocess.run(['umount', '-l', str(path)], check=False, capture_output=True, timeout=60)


def assert_refused(result, path, reason, before):
    assert result.get('failed') is True, result
    assert result['changed'] is False
    assert str(path) in result['msg'] and reason in result['msg'], result['msg']
    assert 'Traceback' not in result.get('stderr', '')
    if before is not None:
        assert snapshot(path) == before
    assert temp_files(os.path.dirname(str(path))) == []


def test_full_filesystem(world_tmp):
    small = world_tmp / 'small'
    small.mkdir()
    mount('-t', 'tmpfs', '-o', 'size=256k,mode=0755', 'tmpfs', str(small))
    try:
        conf = small / 'libvirt.conf'
        write(conf, ORIGINAL)
        before = snapshot(conf)
        fd = os.open(str(small / 'filler'), os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            for dummy in range(1000):
                try:
                    os.write(fd, b'x' * 4096)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
        finally:
            os.close(fd)
        result = run_module(dict(ADD, path=str(conf)), timeout=60)
        assert_refused(result, conf, 'No space left on device', before)
        # Room again: the same run succeeds.
        os.unlink(str(small / 'filler'))
        result = run_module(dict(ADD, path=str(conf)), timeout=60)
        assert result['changed'] is True
        assert read(conf) == ORIGINAL.replace(']', '  "b=test:///default?b",\n]')
    finally:
        umount(small)


def test_read_only_mount(conf, world_tmp):
    write(conf, ORIGINAL)
    view = world_tmp / 'ro'
    view.mkdir()
    mount('--bind', str(conf.parent), str(view))
    try:
        mount('-o', 'remount,bind,ro', str(view))
        path = view / 'libvirt.conf'
        before = snapshot(path)
        result = run_module(dict(ADD, path=str(path)), timeout=60)
        assert_refused(result, path, 'Read-only file system', before)
        assert run_module(dict(ADD, path=str(path)), check=True)['changed'] is True
    finally:
        umount(view)
    assert read(conf) == ORIGINAL


def test_permission_denied_for_an_unprivileged_user(conf):
    """The module run as 'nobody' on a root-owned file: it reads it, cannot replace it."""
    write(conf, ORIGINAL)
    before = snapshot(conf)
    result = run_module(dict(ADD, path=str(conf)), user='nobody', timeout=60)
    assert_refused(result, conf, 'Permission denied', before)
    # An unreadable file is refused before anything else.
    os.chmod(str(conf), 0o600)
    before = snapshot(conf)
    result = run_module(dict(ADD, path=str(conf)), user='nobody', timeout=60)
    assert_refused(result, conf, 'Permission denied', before)


def test_immutable_directory_even_for_root(conf):
    write(conf, ORIGINAL)
    before = snapshot(conf)
    subprocess.run(['chattr', '+i', str(conf.parent)], check=True, timeout=60)
    try:
        result = run_module(dict(ADD, path=str(conf)), timeout=60)
        assert_refused(result, conf, 'Operation not permitted', before)
    finally:
        subprocess.run(['chattr', '-i', str(conf.parent)], check=True, timeout=60)
    assert virsh_uri(str(conf), 'a') == (True, 'test:///default?a')


def test_file_over_ten_mebibytes(conf):
    line = '# ' + 'x' * 1021 + '\n'
    with open(str(conf), 'w') as f:
        f.write(line * (10 * 1024) + '\n')
    before = snapshot(conf)
    assert os.path.getsize(str(conf)) == 10 * 1024 * 1024 + 1
    result = run_module(dict(ADD, path=str(conf)), timeout=60)
    assert_refused(result, conf, "is larger than libvirt's limit of 10485760 bytes", before)


def test_directory_at_the_path(conf):
    conf.mkdir()
    result = call_module(dict(ADD, path=str(conf)))
    assert_refused(result, conf, 'is a directory, not a libvirt.conf file', None)
    assert os.listdir(str(conf)) == []


@pytest.mark.parametrize('kind', ['fifo', 'chardev', 'blockdev', 'socket'])
def test_special_file_at_the_path(conf, kind):
    if kind == 'fifo':
        os.mkfifo(str(conf))
    elif kind == 'socket':
        import socket
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(conf))
        sock.close()
    else:
        # /dev/zero (would never end) and /dev/loop0 (a disk).
        mode, dev = (stat.S_IFCHR, os.makedev(1, 5)) if kind == 'chardev' else (stat.S_IFBLK, os.makedev(7, 0))
        os.mknod(str(conf), mode | 0o644, dev)
    before = snapshot(conf)
    result = run_module(dict(ADD, path=str(conf)), timeout=30)
    assert_refused(result, conf, 'is not a regular file (a FIFO, socket or device node); refusing to use it', before)


def test_fifo_in_user_scope(make_user):
    pw = make_user()
    directory = os.path.join(pw.pw_dir, '.config', 'libvirt')
    os.makedirs(directory)
    for p in (os.path.dirname(directory), directory):
        os.chown(p, pw.pw_uid, pw.pw_gid)
    path = os.path.join(directory, 'libvirt.conf')
    os.mkfifo(path)
    os.chown(path, pw.pw_uid, pw.pw_gid)
    result = run_module(dict(ADD, scope='user', user=pw.pw_name), timeout=30)
    assert_refused(result, path, 'is not a regular file', None)
    assert stat.S_ISFIFO(os.lstat(path).st_mode)


def test_non_utf8_and_nul_files_are_left_untouched(conf):
    for data, reason in ((b'# caf\xe9\n', 'is not UTF-8 text'), (b'a = 1\n\x00\n', 'holds a NUL character')):
        with open(str(conf), 'wb') as f:
            f.write(data)
        before = snapshot(conf)
        result = call_module(dict(ADD, path=str(conf)))
        assert_refused(result, conf, reason, before)


@pytest.mark.parametrize('text', ['#c\x01\n', 'a = "x\x01"\n', 'a = "\u00e9\x01"\n', 'a = ["x"] #c\x01\n'])
def test_control_characters_the_lens_cannot_write_are_refused(conf, text):
    """libvirt accepts them; the lens cannot write them back: a clear refusal, never a traceback."""
    write(conf, text)
    before = snapshot(conf)
    result = call_module(dict(ADD, path=str(conf)))
    assert_refused(result, conf, 'it is left untouched', before)
