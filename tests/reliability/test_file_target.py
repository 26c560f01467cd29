# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_libvirt_files.Target on real files, in this process: what each step writes, creates and refuses."""

import contextlib
import os
import pwd
import stat
import threading
import time
from unittest import mock

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_files as libvirt_files
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_atomic_write as libvirt_write

from reliability_helpers import read, snapshot, temp_files, write


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
        assert (target.path, target.name) == (os.path.join(pw.pw_dir, rel), 'libvirt.conf')
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


NOW = 1800000000.0


def backup_names(count):
    """The first ``count`` names a backup made at NOW by this process may take."""
    stamp = libvirt_write.time.strftime('%Y-%m-%d@%H:%M:%S', libvirt_write.time.localtime(NOW))
    return ['libvirt.conf.%d.%s%s~' % (os.getpid(), stamp, '' if n == 0 else '.%d' % n) for n in range(count)]


def test_backup_copies_bytes_owner_and_mode(conf):
    write(conf, 'x = 1\n', mode=0o640)
    os.chown(str(conf), 65534, 0)
    target = libvirt_files.open_system_target(str(conf), True, True)
    try:
        data = target.read()
        with mock.patch.object(libvirt_write.time, 'time', lambda: NOW):
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
    assert os.path.basename(first) == backup_names(1)[0]


# -- the candidate names, the new files' first mode, the failures on the way --

def temp_names(target, count):
    return [libvirt_write.temp_name(target, n) for n in range(count)]


def occupy(directory, names):
    for name in names:
        write(directory / name, 'taken\n')


def test_backup_takes_the_hundredth_name_and_no_further(conf):
    write(conf, 'x = 1\n')
    occupy(conf.parent, backup_names(99))
    target = libvirt_files.open_system_target(str(conf), True, True)
    try:
        with mock.patch.object(libvirt_write.time, 'time', lambda: NOW):
            last = target.backup(b'x = 1\n')
            assert os.path.basename(last) == backup_names(100)[99]
            with pytest.raises(libvirt_files.FileError) as caught:
                target.backup(b'x = 1\n')
    finally:
        target.close()
    assert str(caught.value) == "cannot create a backup of '%s': every candidate name exists" % conf
    assert sorted(os.listdir(str(conf.parent))) == sorted(backup_names(100) + ['libvirt.conf'])


def test_write_takes_the_hundredth_temporary_name_and_no_further(conf):
    write(conf, 'x = 1\n')
    target = libvirt_files.open_system_target(str(conf), True, True)
    try:
        occupy(conf.parent, temp_names(target, 99))
        target.write(b'x = 2\n')
        assert read(conf) == 'x = 2\n'
        occupy(conf.parent, temp_names(target, 100)[99:])
        with pytest.raises(libvirt_files.FileError) as caught:
            target.write(b'x = 3\n')
    finally:
        target.close()
    assert str(caught.value) == ("cannot replace '%s': cannot create a temporary file in '%s': every candidate "
                                 "name exists" % (conf, conf.parent))
    assert read(conf) == 'x = 2\n'
    assert len(temp_files(conf.parent)) == 100


@contextlib.contextmanager
def modes_before_fchmod():
    """The permission bits of each descriptor just before os.fchmod changes them, in a list."""
    seen = []
    real_fchmod = os.fchmod

    def spy(fd, mode):
        seen.append(stat.S_IMODE(os.fstat(fd).st_mode))
        real_fchmod(fd, mode)
    with mock.patch.object(os, 'fchmod', spy):
        yield seen


@pytest.mark.parametrize('step', ['backup', 'write'])
def test_new_files_are_0600_until_their_mode_is_set(conf, step):
    write(conf, 'x = 1\n', mode=0o644)
    target = libvirt_files.open_system_target(str(conf), True, True)
    try:
        data = target.read()
        with modes_before_fchmod() as first_modes:
            if step == 'backup':
                target.backup(data)
            else:
                target.write(b'x = 2\n')
    finally:
        target.close()
    assert first_modes == [0o600]


def refusal(conf, step, **replacements):
    """(message, target) of the FileError ``step(target)`` raises with these os functions replaced."""
    target = libvirt_files.open_system_target(str(conf), True, True)
    try:
        with contextlib.ExitStack() as stack:
            for name, replacement in replacements.items():
                stack.enter_context(mock.patch.object(libvirt_write.os, name, replacement))
            with pytest.raises(libvirt_files.FileError) as caught:
                step(target)
    finally:
        target.close()
    return str(caught.value), target


def not_permitted(*args, **kwargs):
    raise OSError(1, 'Operation not permitted')


@pytest.mark.parametrize('unlink_fails', [False, True])
def test_a_backup_that_cannot_be_written_is_removed_and_reported(conf, unlink_fails):
    write(conf, 'x = 1\n')

    def no_space(fd):
        raise OSError(28, 'No space left on device')
    message, _target = refusal(conf, lambda target: target.backup(b'x = 1\n'), fsync=no_space,
                               unlink=not_permitted if unlink_fails else os.unlink)
    assert message == "cannot write a backup of '%s': No space left on device" % conf
    left = sorted(os.listdir(str(conf.parent)))
    assert len(left) == (2 if unlink_fails else 1) and left[0] == 'libvirt.conf'


def test_a_failed_rename_leaves_the_file_and_reports_even_if_the_temporary_file_stays(conf):
    write(conf, 'x = 1\n')
    message, target = refusal(conf, lambda target: target.write(b'x = 2\n'), rename=not_permitted,
                              unlink=not_permitted)
    assert message == "cannot write '%s': Operation not permitted" % conf
    assert read(conf) == 'x = 1\n'
    assert temp_files(conf.parent) == [libvirt_write.temp_name(target, 0)]


@pytest.mark.parametrize('proc', [True, False], ids=['proc', 'no-proc'])
def test_the_context_setter_gets_the_temporary_file_before_the_rename(conf, proc):
    write(conf, 'x = 1\n')
    seen = []

    def setter(path):
        with open(path, 'rb') as handle:
            seen.append((path, handle.read(), read(conf)))
    target = libvirt_files.open_system_target(str(conf), True, True)
    try:
        with mock.patch.object(libvirt_write.os.path, 'isdir', lambda path: proc):
            target.write(b'x = 2\n', selinux=setter)
        name = libvirt_write.temp_name(target, 0)
        where = '/proc/self/fd/%d' % target.dir_fd if proc else str(conf.parent)
    finally:
        target.close()
    assert seen == [(os.path.join(where, name), b'x = 2\n', 'x = 1\n')]
    assert read(conf) == 'x = 2\n' and temp_files(conf.parent) == []


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


# -- paths, refusals and limits, each with its exact message --

def test_root_reads_the_system_file_and_everyone_else_their_own():
    assert libvirt_files.config_path(0, '/root') == '/etc/libvirt/libvirt.conf'
    assert libvirt_files.config_path(0, '/root', '/x', 'libvirt-admin.conf') == '/etc/libvirt/libvirt-admin.conf'
    assert libvirt_files.config_path(1000, '/home/u') == '/home/u/.config/libvirt/libvirt.conf'
    assert libvirt_files.config_path(1000, '/home/u', '/home/u/xdg') == '/home/u/xdg/libvirt/libvirt.conf'
    assert libvirt_files.config_path(1000, '/home/u', '') == '/home/u/.config/libvirt/libvirt.conf'


@pytest.mark.parametrize('value', ['relative/xdg', b'/abs/but/bytes', 7])
def test_xdg_config_home_must_be_an_absolute_path(value):
    with pytest.raises(libvirt_files.FileError) as caught:
        libvirt_files.check_xdg_config_home(value, 'u')
    assert str(caught.value) == "xdg_config_home '%s' of user 'u' is not an absolute path" % (value,)
    assert libvirt_files.check_xdg_config_home('/abs', 'u') is None


def test_a_home_that_is_not_absolute():
    pw = pwd.struct_passwd(('u', 'x', 1000, 1000, '', 'relative/home', '/bin/sh'))
    with pytest.raises(libvirt_files.FileError) as caught:
        libvirt_files.user_config_path(pw)
    assert str(caught.value) == "user 'u' has a home directory that is not absolute: 'relative/home'"


def test_the_root_directory_names_no_file():
    with pytest.raises(libvirt_files.FileError) as caught:
        libvirt_files.open_system_target('/', True, True)
    assert str(caught.value) == "'/' names a directory, not a file"


def test_a_directory_where_the_file_should_be(conf):
    os.mkdir(str(conf))
    target = libvirt_files.open_system_target(str(conf), False, False)
    try:
        with pytest.raises(libvirt_files.FileError) as caught:
            target.read()
    finally:
        target.close()
    assert str(caught.value) == "'%s' is a directory, not a libvirt.conf file" % conf


def fifo_unblocked_after(path, seconds):
    """Make a FIFO at ``path``; a thread opens it for writing after ``seconds``, so a blocking open returns."""
    os.mkfifo(str(path))
    stop = threading.Event()

    def unblock():
        if not stop.wait(seconds):
            os.close(os.open(str(path), os.O_RDWR))  # a writer that never blocks
    thread = threading.Thread(target=unblock, daemon=True)
    thread.start()
    return stop, thread


def refused_at_once(call):
    """The message of the FileError ``call()`` raises, which it must raise within two seconds."""
    started = time.monotonic()
    with pytest.raises(libvirt_files.FileError) as caught:
        call()
    assert time.monotonic() - started < 2
    return str(caught.value)


@pytest.mark.parametrize('step', ['read', 'set_attributes'])
def test_a_fifo_is_refused_without_waiting_for_a_writer(conf, step):
    """read() finds it with lstat; set_attributes() and a FIFO swapped in after lstat: opened non-blocking."""
    stop, thread = fifo_unblocked_after(conf, 3)
    target = libvirt_files.open_system_target(str(conf), False, False)
    try:
        if step == 'read':
            not_regular = "'%s' is not a regular file (a FIFO, socket or device node); refusing to use it" % conf
            assert refused_at_once(target.read) == not_regular
            regular = os.lstat(__file__)
            with mock.patch.object(libvirt_files.os, 'lstat', lambda *args, **kwargs: regular):
                assert refused_at_once(target.read) == not_regular
        else:
            assert refused_at_once(lambda: target.set_attributes(mode=0o600)) == (
                "'%s' is not a regular file; refusing to set its owner, group or mode" % conf)
    finally:
        target.close()
        stop.set()
        thread.join(10)


def test_a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_refused(conf):
    limit = libvirt_files.MAX_CONFIG_FILE_SIZE
    with open(str(conf), 'wb') as handle:
        handle.write(b'#' * limit)
    target = libvirt_files.open_system_target(str(conf), False, False)
    try:
        assert len(target.read()) == limit
        with open(str(conf), 'ab') as handle:
            handle.write(b'#')
        with pytest.raises(libvirt_files.FileError) as caught:
            target.read()
    finally:
        target.close()
    assert str(caught.value) == "'%s' is larger than libvirt's limit of %d bytes" % (conf, limit)


def test_check_mode_on_a_missing_file_reports_no_change(conf):
    target = libvirt_files.open_system_target(str(conf), False, False)
    try:
        assert target.dir_exists is True
        assert target.set_attributes(0, 0, 0o600, check=True) is False
    finally:
        target.close()


def test_stale_temporary_files_that_cannot_be_listed_or_removed_are_left(conf):
    write(conf, 'x = 1\n')
    target = libvirt_files.open_system_target(str(conf), False, False)
    try:
        stale = temp_names(target, 2)
        occupy(conf.parent, stale)
        with mock.patch.object(libvirt_files.os, 'listdir', not_permitted):
            assert target.remove_stale_temps() == []
        real_unlink = os.unlink

        def unlink_all_but_the_first(name, **kwargs):
            if name == stale[0]:
                not_permitted()
            return real_unlink(name, **kwargs)
        with mock.patch.object(libvirt_files.os, 'unlink', unlink_all_but_the_first):
            assert target.remove_stale_temps() == [stale[1]]
    finally:
        target.close()
    assert temp_files(conf.parent) == [stale[0]]


def test_new_directories_in_a_home_are_0700_from_the_start(make_user):
    pw = make_user()
    _home, rel = libvirt_files.user_config_path(pw)
    with modes_before_fchmod() as first_modes:
        libvirt_files.open_user_target(pw, rel, True).close()
    assert first_modes == [0o700, 0o700]


def test_a_home_that_is_not_a_directory(make_user):
    pw = make_user()
    os.rmdir(pw.pw_dir)
    write(pw.pw_dir, 'not a directory\n')
    os.chown(pw.pw_dir, pw.pw_uid, pw.pw_gid)
    home, rel = libvirt_files.user_config_path(pw)
    with pytest.raises(libvirt_files.FileError) as caught:
        libvirt_files.open_user_target(pw, rel, True)
    assert str(caught.value) == ("cannot open the home directory '%s' of user '%s': Not a directory"
                                 % (home, pw.pw_name))


def test_a_file_where_a_directory_of_the_home_should_be(make_user):
    pw = make_user()
    config = os.path.join(pw.pw_dir, '.config')
    write(config, 'not a directory\n')
    os.chown(config, pw.pw_uid, pw.pw_gid)
    home, rel = libvirt_files.user_config_path(pw)
    with pytest.raises(libvirt_files.FileError) as caught:
        libvirt_files.open_user_target(pw, rel, True)
    assert str(caught.value) == "'%s' is a symbolic link or not a directory; refusing to follow it" % config


def test_a_system_directory_replaced_by_a_file_after_the_check(world_tmp):
    write(world_tmp / 'file', 'x')
    with mock.patch.object(libvirt_files.os.path, 'isdir', lambda path: True):
        with pytest.raises(libvirt_files.FileError) as caught:
            libvirt_files.open_system_target(str(world_tmp / 'file' / 'libvirt.conf'), True, True)
    assert str(caught.value) == "cannot open directory '%s': Not a directory" % (world_tmp / 'file')


def test_a_home_or_a_directory_below_it_owned_by_someone_else(make_user):
    pw = make_user()
    home, rel = libvirt_files.user_config_path(pw)
    os.chown(home, 0, 0)
    with pytest.raises(libvirt_files.FileError) as caught:
        libvirt_files.open_user_target(pw, rel, True)
    assert str(caught.value) == ("the home directory '%s' of user '%s' belongs to uid 0, not to the user; refusing "
                                 "to create or edit files below it" % (home, pw.pw_name))
    os.chown(home, pw.pw_uid, pw.pw_gid)
    os.mkdir(os.path.join(home, '.config'))
    with pytest.raises(libvirt_files.FileError) as caught:
        libvirt_files.open_user_target(pw, rel, True)
    assert str(caught.value) == ("directory '%s' belongs to uid 0, not to user '%s'; refusing to use it"
                                 % (os.path.join(home, '.config'), pw.pw_name))
