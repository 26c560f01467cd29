# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_libvirt_files.Target on real files, in this process: what each step writes, creates and refuses."""

import os
import pwd
import stat
from unittest import mock

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_files as libvirt_files
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_write as libvirt_write

from reliability_helpers import snapshot, temp_files, write


def tree(path):
    found = []
    for top, dirs, files in os.walk(str(path)):
        found += [os.path.join(top, n) + '/' for n in dirs] + [os.path.join(top, n) for n in files]
    return sorted(found)


@pytest.mark.parametrize('follow', [True, False])
def test_missing_directory_without_create_makes_nothing(world_tmp, follow):
    path = world_tmp / 'a' / 'b' / 'libvirt.conf'
    target = libvirt_files.open_system_target(str(path), False, follow)
    try:
        assert (target.path, target.name, target.dir_exists) == (str(path), 'libvirt.conf', False)
        target.lock()
        assert target.remove_stale_temps() == []
        assert target.read() is None
        assert target.set_attributes(0, 0, 0o600, check=True) is False
        with pytest.raises(libvirt_files.FileError, match="cannot write '%s': its directory does not exist" % path):
            target.write(b'x = 1\n')
    finally:
        target.close()
    assert tree(world_tmp) == []


def test_missing_user_directory_without_create_makes_nothing(make_user):
    pw = make_user()
    home, rel = libvirt_files.user_config_path(pw)
    assert (home, rel) == (pw.pw_dir, os.path.join('.config', 'libvirt', 'libvirt.conf'))
    target = libvirt_files.open_user_target(pw, rel, False)
    try:
        assert target.dir_exists is False and target.read() is None
        assert target.path == os.path.join(pw.pw_dir, rel)
    finally:
        target.close()
    assert os.listdir(pw.pw_dir) == []


def test_create_makes_directories_and_a_new_file_mode(world_tmp):
    path = world_tmp / 'a' / 'b' / 'libvirt.conf'
    target = libvirt_files.open_system_target(str(path), True, True)
    try:
        assert target.dir_exists is True
        target.lock()
        assert target.read() is None
        target.write(b'x = 1\n', mode=0o640)
    finally:
        target.close()
    assert stat.S_IMODE(os.stat(str(world_tmp / 'a')).st_mode) == 0o755
    st = os.stat(str(path))
    assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o640, 0, 0)
    with open(str(path), 'rb') as f:
        assert f.read() == b'x = 1\n'
    assert temp_files(path.parent) == []


def test_write_keeps_owner_group_and_mode_of_an_existing_file(conf):
    write(conf, 'x = 1\n', mode=0o604)
    os.chown(str(conf), 65534, 65534)
    target = libvirt_files.open_system_target(str(conf), True, True)
    try:
        target.lock()
        assert target.read() == b'x = 1\n'
        target.write(b'x = 2\n', mode=0o600)
    finally:
        target.close()
    st = os.stat(str(conf))
    assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o604, 65534, 65534)


def test_set_attributes_reports_and_applies(conf):
    write(conf, 'x = 1\n', mode=0o644)
    target = libvirt_files.open_system_target(str(conf), True, True)
    try:
        before = snapshot(conf)
        assert target.set_attributes(-1, -1, 0o644) is False
        assert target.set_attributes(-1, -1, 0o600, check=True) is True
        assert target.set_attributes(65534, -1, None, check=True) is True
        assert target.set_attributes(-1, 65534, None, check=True) is True
        assert snapshot(conf) == before
        assert target.set_attributes(65534, 65534, lambda st: 0o600) is True
        st = os.stat(str(conf))
        assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o600, 65534, 65534)
        assert target.set_attributes(65534, 65534, 0o600) is False
    finally:
        target.close()


def test_backup_copies_bytes_owner_and_mode(conf):
    write(conf, 'x = 1\n', mode=0o640)
    os.chown(str(conf), 65534, 0)
    target = libvirt_files.open_system_target(str(conf), True, True)
    try:
        data = target.read()
        with mock.patch.object(libvirt_write.time, 'time', lambda: 1800000000.0):
            first = target.backup(data)
            second = target.backup(data)
    finally:
        target.close()
    assert first != second and os.path.dirname(first) == str(conf.parent)
    for backup in (first, second):
        assert os.path.basename(backup).startswith('libvirt.conf.%d.' % os.getpid()) and backup.endswith('~')
        st = os.stat(backup)
        assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o640, 65534, 0)
        with open(backup, 'rb') as f:
            assert f.read() == b'x = 1\n'
    assert second.endswith('.1~')


def test_a_file_over_the_limit_is_refused_before_it_is_read(conf):
    """The size libvirt allows is checked on the open file first: not one byte of a huge file is read."""
    with open(str(conf), 'wb') as f:
        f.truncate(libvirt_files.MAX_CONFIG_FILE_SIZE + 1)
    reads = []
    real_read = os.read

    def counting_read(fd, size):
        reads.append(size)
        return real_read(fd, size)
    target = libvirt_files.open_system_target(str(conf), False, True)
    try:
        with mock.patch.object(libvirt_files.os, 'read', counting_read):
            with pytest.raises(libvirt_files.FileError, match="is larger than libvirt's limit of 10485760 bytes"):
                target.read()
    finally:
        target.close()
    assert reads == []


def test_a_file_that_grows_past_the_limit_while_read_is_refused(conf):
    """fstat said small (the file grew after it): the limit is also counted on the bytes read."""
    with open(str(conf), 'wb') as f:
        f.truncate(libvirt_files.MAX_CONFIG_FILE_SIZE + 1)
    real_fstat = os.fstat

    def small_fstat(fd):
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 100,
                               st.st_atime, st.st_mtime, st.st_ctime))
    target = libvirt_files.open_system_target(str(conf), False, True)
    try:
        with mock.patch.object(libvirt_files.os, 'fstat', small_fstat):
            with pytest.raises(libvirt_files.FileError, match="is larger than libvirt's limit of 10485760 bytes"):
                target.read()
        assert target.stat is None
    finally:
        target.close()


def test_set_attributes_defaults_keep_owner_and_group(conf):
    write(conf, 'x = 1\n', mode=0o644)
    os.chown(str(conf), 65534, 65534)
    target = libvirt_files.open_system_target(str(conf), False, True)
    try:
        assert target.set_attributes(mode=0o600) is True
    finally:
        target.close()
    st = os.stat(str(conf))
    assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o600, 65534, 65534)


@pytest.mark.parametrize('check', [False, True])
def test_set_attributes_never_follows_a_link_swapped_in(make_user, shadow, check):
    """The file read was a regular file; a link to a secret put in its place is refused, not chmod-ed."""
    pw = make_user()
    home, rel = libvirt_files.user_config_path(pw)
    target = libvirt_files.open_user_target(pw, rel, True)
    path = os.path.join(home, rel)
    try:
        target.write(b'x = 1\n')
        assert target.read() == b'x = 1\n'
        os.unlink(path)
        os.symlink(str(shadow), path)
        before = snapshot(shadow)
        with pytest.raises(libvirt_files.FileError, match="cannot open '%s' to set its owner, group or mode: "
                                                          "it is a symbolic link" % path):
            target.set_attributes(pw.pw_uid, pw.pw_gid, 0o666, check=check)
        assert snapshot(shadow) == before
    finally:
        target.close()


def test_set_attributes_reports_a_failed_chmod(conf):
    write(conf, 'x = 1\n', mode=0o644)
    target = libvirt_files.open_system_target(str(conf), False, True)

    def refuse(fd, mode):
        raise OSError(1, 'Operation not permitted')
    try:
        with mock.patch.object(libvirt_files.os, 'fchmod', refuse):
            with pytest.raises(libvirt_files.FileError) as caught:
                target.set_attributes(mode=0o600)
    finally:
        target.close()
    assert str(caught.value) == ("cannot set the owner, group or mode of '%s': Operation not permitted" % conf)


def test_a_file_that_turns_special_between_lstat_and_open_is_refused(conf):
    write(conf, 'x = 1\n')
    real_fstat = os.fstat

    def fifo_fstat(fd):
        st = real_fstat(fd)
        return os.stat_result((stat.S_IFIFO | 0o644,) + tuple(st)[1:10])
    target = libvirt_files.open_system_target(str(conf), False, True)
    try:
        with mock.patch.object(libvirt_files.os, 'fstat', fifo_fstat):
            with pytest.raises(libvirt_files.FileError) as caught:
                target.read()
    finally:
        target.close()
    assert str(caught.value) == ("'%s' is not a regular file (a FIFO, socket or device node); refusing to use it"
                                 % conf)


def test_new_file_in_system_scope_is_0644_and_new_directories_0755(world_tmp):
    path = world_tmp / 'a' / 'b' / 'libvirt.conf'
    old = os.umask(0o022)
    try:
        target = libvirt_files.open_system_target(str(path), True, True)
    finally:
        os.umask(old)
    try:
        target.write(b'x = 1\n')
    finally:
        target.close()
    for p, mode in ((world_tmp / 'a', 0o755), (world_tmp / 'a' / 'b', 0o755), (path, 0o644)):
        assert stat.S_IMODE(os.stat(str(p)).st_mode) == mode, p


def test_directory_that_cannot_be_made_or_opened(world_tmp):
    write(world_tmp / 'file', 'x')
    path = world_tmp / 'file' / 'sub' / 'libvirt.conf'
    with pytest.raises(libvirt_files.FileError) as caught:
        libvirt_files.open_system_target(str(path), True, True)
    assert str(caught.value) == "cannot create directory '%s': Not a directory" % path.parent
    real_open = os.open

    def no_directory(name, flags, *args, **kwargs):
        if flags & os.O_DIRECTORY:
            raise OSError(13, 'Permission denied')
        return real_open(name, flags, *args, **kwargs)
    with mock.patch.object(libvirt_files.os, 'open', no_directory):
        with pytest.raises(libvirt_files.FileError) as caught:
            libvirt_files.open_system_target(str(world_tmp / 'libvirt.conf'), True, True)
    assert str(caught.value) == "cannot open directory '%s': Permission denied" % world_tmp


def test_user_home_or_directory_that_cannot_be_opened(make_user):
    pw = make_user()
    home, rel = libvirt_files.user_config_path(pw)
    with mock.patch.object(libvirt_files, '_open_dir', mock.Mock(side_effect=OSError(13, 'Permission denied'))):
        with pytest.raises(libvirt_files.FileError) as caught:
            libvirt_files.open_user_target(pw, rel, True)
    assert str(caught.value) == "cannot open directory '%s': Permission denied" % os.path.join(home, '.config')
    os.rmdir(home)
    with pytest.raises(libvirt_files.FileError) as caught:
        libvirt_files.open_user_target(pw, rel, True)
    assert str(caught.value) == ("cannot open the home directory '%s' of user '%s': No such file or directory"
                                 % (home, pw.pw_name))


@pytest.mark.parametrize('create', [True, False])
def test_a_file_where_the_directory_should_be(world_tmp, create):
    write(world_tmp / 'file', 'x')
    with pytest.raises(libvirt_files.FileError) as caught:
        libvirt_files.open_system_target(str(world_tmp / 'file' / 'libvirt.conf'), create, True)
    assert str(caught.value) == "'%s' is not a directory" % (world_tmp / 'file')


def test_users_by_name_uid_and_numeric_string():
    nobody = pwd.getpwnam('nobody')
    assert libvirt_files.lookup_user('nobody') == nobody
    assert libvirt_files.lookup_user(nobody.pw_uid) == nobody
    assert libvirt_files.lookup_user(str(nobody.pw_uid)) == nobody
    with pytest.raises(libvirt_files.FileError) as caught:
        libvirt_files.lookup_user('vk-no-such-user-4711')
    assert str(caught.value) == "user 'vk-no-such-user-4711' does not exist on this host"


def test_user_directory_that_cannot_be_made(make_user):
    pw = make_user()
    home, rel = libvirt_files.user_config_path(pw)
    with mock.patch.object(libvirt_files.os, 'mkdir', mock.Mock(side_effect=OSError(28, 'No space left on device'))):
        with pytest.raises(libvirt_files.FileError) as caught:
            libvirt_files.open_user_target(pw, rel, True)
    assert str(caught.value) == "cannot create directory '%s': No space left on device" % os.path.join(home, '.config')


@pytest.mark.parametrize('change', ['hard link', 'owner'])
def test_set_attributes_refuses_a_user_file_changed_after_it_was_read(make_user, change):
    pw = make_user()
    home, rel = libvirt_files.user_config_path(pw)
    path = os.path.join(home, rel)
    target = libvirt_files.open_user_target(pw, rel, True)
    try:
        target.write(b'x = 1\n')
        assert target.read() == b'x = 1\n'
        if change == 'hard link':
            os.link(path, os.path.join(home, 'other'))
            links, uid = 2, pw.pw_uid
        else:
            os.chown(path, 0, 0)
            links, uid = 1, 0
        with pytest.raises(libvirt_files.FileError) as caught:
            target.set_attributes(-1, -1, 0o600)
    finally:
        target.close()
    assert str(caught.value) == ("'%s' changed under the module (it has %d links and belongs to uid %d); refusing to "
                                 "set its owner, group or mode" % (path, links, uid))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
