# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Finding, reading and replacing libvirt.conf files safely.

A user's file lives in a directory tree that user controls, while the
module runs as root.  Directories below the user's home are therefore
opened one at a time relative to their parent, never following a symbolic
link, and must belong to that user; the file itself must be a regular file
with a single link.  Files are replaced atomically: a temporary file in the
same directory, flushed to disk, then renamed over the old one, all while
an exclusive lock on the directory keeps concurrent editors out.  Temporary
files a killed run left behind are removed by the next run, under the lock.
In a user's tree, backups, owner, group and mode are handled through
descriptors of that directory too, never through a path the user could
redirect.  The code that writes (the temporary file, the rename, backups)
is in ``_libvirt_atomic_write``, which ``Target.write`` and ``Target.backup`` load
only when called.
"""

import errno
import fcntl
import os
import pwd
import re
import stat

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import FileError

SYSTEM_DIR = '/etc/libvirt'
CONFIG_NAME = 'libvirt.conf'
#: The file virt-admin reads, next to CONFIG_NAME (see _libvirt_admin).
ADMIN_CONF_NAME = 'libvirt-admin.conf'
SYSTEM_PATH = SYSTEM_DIR + '/' + CONFIG_NAME
MAX_CONFIG_FILE_SIZE = 10 * 1024 * 1024


def system_path():
    return SYSTEM_PATH


def lookup_user(user):
    """The passwd entry of a user name or numeric uid."""
    try:
        if isinstance(user, int) or (user and user.isdigit()):
            return pwd.getpwuid(int(user))
        return pwd.getpwnam(user)
    except KeyError:
        raise FileError("user '%s' does not exist on this host" % (user,))


def check_xdg_config_home(xdg_config_home, user):
    """Refuse an XDG_CONFIG_HOME option that is given but not an absolute path."""
    if xdg_config_home in (None, ''):
        return
    if not isinstance(xdg_config_home, str) or not os.path.isabs(xdg_config_home):
        raise FileError("xdg_config_home '%s' of user '%s' is not an absolute path" % (xdg_config_home, user))


def xdg_config_dir(home, xdg_config_home=None):
    """libvirt's user configuration base: XDG_CONFIG_HOME, or ~/.config when it is unset or empty."""
    return xdg_config_home if xdg_config_home not in (None, '') else os.path.join(home, '.config')


def config_path(uid, home, xdg_config_home=None, name=CONFIG_NAME):
    """The client configuration file libvirt reads for a process of effective uid ``uid``.

    libvirt's rule: root (uid 0) reads the system file and nothing else;
    every other account reads ``$XDG_CONFIG_HOME/libvirt/NAME`` only, with
    ``~/.config`` when XDG_CONFIG_HOME is unset or empty.
    """
    if uid == 0:
        return os.path.join(SYSTEM_DIR, name)
    return user_config_file(home, xdg_config_home, name)


def user_config_file(home, xdg_config_home=None, name=CONFIG_NAME):
    """``$XDG_CONFIG_HOME/libvirt/NAME`` of an account that is not root (``~/.config`` by default)."""
    return os.path.join(xdg_config_dir(home, xdg_config_home), 'libvirt', name)


def user_config_path(pw, xdg_config_home=None, name=CONFIG_NAME):
    """libvirt.conf (or ``name``, such as libvirt-admin.conf) of the user ``pw`` (not root): (home, relative path).

    ``xdg_config_home`` replaces ``~/.config``; it must be absolute and lie
    inside the user's home directory.
    """
    home = os.path.normpath(pw.pw_dir)
    if not os.path.isabs(home):
        raise FileError("user '%s' has a home directory that is not absolute: '%s'" % (pw.pw_name, pw.pw_dir))
    check_xdg_config_home(xdg_config_home, pw.pw_name)
    base = xdg_config_dir(home, os.path.normpath(xdg_config_home) if xdg_config_home else None)
    rel = os.path.relpath(base, home)
    if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        raise FileError("xdg_config_home '%s' is not inside the home directory '%s' of user '%s'"
                        % (xdg_config_home, home, pw.pw_name))
    return home, os.path.join(rel, 'libvirt', name)


def _write_path():
    # Imported here: only a run that writes a file loads the code that writes one, so a run that changes
    # nothing never compiles it on the host.
    from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_atomic_write
    return _libvirt_atomic_write


class Target:
    """An open directory and a file name in it, locked for editing.

    ``owner`` is the passwd entry that must own every directory below
    ``top`` and the file (user scope), or None (system scope, or an
    explicit path), where the path is taken as given.
    """

    def __init__(self, path, dir_fd, name, owner):
        self.path = path
        self.dir_fd = dir_fd
        self.name = name
        self.owner = owner
        self.stat = None
        # False when the file's directory does not exist (and was not made):
        # then the file reads as missing and nothing can be written.
        self.dir_exists = dir_fd is not None

    def close(self):
        if self.dir_fd is not None:
            os.close(self.dir_fd)
            self.dir_fd = None

    def lock(self):
        if self.dir_exists:
            fcntl.flock(self.dir_fd, fcntl.LOCK_EX)

    def remove_stale_temps(self):
        """Remove temporary files of this file that a killed run left behind.

        Call it with the lock held: a writer holds the lock as long as its
        temporary file exists, so every such file found then is stale.  Only
        regular files named like this module's temporary files
        (``.NAME.PID.N.tmp``) are removed; unlink never follows a link.
        Returns the names removed.
        """
        pattern = re.compile(r'\A\.' + re.escape(self.name) + r'\.[0-9]+\.[0-9]+\.tmp\Z')
        removed = []
        if not self.dir_exists:
            return removed
        try:
            names = os.listdir(self.dir_fd)
        except OSError:
            return removed
        for name in names:
            if not pattern.match(name):
                continue
            try:
                if stat.S_ISREG(os.lstat(name, dir_fd=self.dir_fd).st_mode):
                    os.unlink(name, dir_fd=self.dir_fd)
                    removed.append(name)
            except OSError:
                pass
        return removed

    def backup(self, data):
        """Save ``data``, the file's bytes as read, next to the file; returns the backup's path (see _libvirt_atomic_write)."""
        return _write_path().backup(self, data)

    def write(self, data, mode=None, selinux=None):
        """Replace the file with ``data`` atomically (see _libvirt_atomic_write)."""
        _write_path().write(self, data, mode, selinux)

    def set_attributes(self, uid=-1, gid=-1, mode=None, check=False):
        """Give the file owner ``uid``, group ``gid`` (-1: keep) and permissions ``mode``.

        The file is opened in the open directory without following a link
        and must be a regular file (with one link and belonging to the user
        or to ``uid``, in a user's tree); the change is made on that
        descriptor.  ``mode`` is the permission bits, None (keep), or a
        callable given the file's stat result that returns them.  With
        ``check``, nothing is changed.  Returns whether anything differs.
        """
        if not self.dir_exists and check:
            return False
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY
        try:
            fd = os.open(self.name, flags, dir_fd=self.dir_fd)
        except OSError as exc:
            if exc.errno == errno.ENOENT and check:
                return False
            raise FileError("cannot open '%s' to set its owner, group or mode: %s"
                            % (self.path, 'it is a symbolic link' if exc.errno == errno.ELOOP
                               else os.strerror(exc.errno)))
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise FileError("'%s' is not a regular file; refusing to set its owner, group or mode" % self.path)
            if self.owner is not None and (st.st_nlink > 1 or st.st_uid not in (self.owner.pw_uid, uid)):
                raise FileError("'%s' changed under the module (it has %d links and belongs to uid %d); "
                                "refusing to set its owner, group or mode" % (self.path, st.st_nlink, st.st_uid))
            perms = mode(st) if callable(mode) else mode
            changed = False
            if (uid != -1 and uid != st.st_uid) or (gid != -1 and gid != st.st_gid):
                changed = True
                if not check:
                    os.fchown(fd, uid, gid)
            if perms is not None and perms != stat.S_IMODE(st.st_mode):
                changed = True
                if not check:
                    os.fchmod(fd, perms)
            return changed
        except OSError as exc:
            raise FileError("cannot set the owner, group or mode of '%s': %s" % (self.path, os.strerror(exc.errno)))
        finally:
            os.close(fd)

    def read(self):
        """The file's bytes, or None when it (or its directory) does not exist."""
        if not self.dir_exists:
            return None
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY
        try:
            # Special files are refused before being opened: opening a device
            # can have effects of its own, and a socket cannot be opened.
            mode = os.lstat(self.name, dir_fd=self.dir_fd).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
                raise FileError("'%s' is not a regular file (a FIFO, socket or device node); refusing to use it"
                                % self.path)
            fd = os.open(self.name, flags, dir_fd=self.dir_fd)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return None
            if exc.errno == errno.ELOOP:
                raise FileError("'%s' is a symbolic link; refusing to follow it" % self.path)
            raise FileError("cannot open '%s': %s" % (self.path, os.strerror(exc.errno)))
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise FileError("'%s' is a directory, not a libvirt.conf file" % self.path)
            if not stat.S_ISREG(st.st_mode):
                raise FileError("'%s' is not a regular file (a FIFO, socket or device node); refusing to use it"
                                % self.path)
            if self.owner is not None:
                if st.st_nlink > 1:
                    raise FileError("'%s' has %d hard links; refusing to edit a file that is linked elsewhere"
                                    % (self.path, st.st_nlink))
                if st.st_uid != self.owner.pw_uid:
                    raise FileError("'%s' belongs to uid %d, not to user '%s'; refusing to edit it"
                                    % (self.path, st.st_uid, self.owner.pw_name))
            if st.st_size > MAX_CONFIG_FILE_SIZE:
                raise FileError("'%s' is larger than libvirt's limit of %d bytes" % (self.path, MAX_CONFIG_FILE_SIZE))
            chunks = []
            size = 0
            while True:
                chunk = os.read(fd, 1024 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_CONFIG_FILE_SIZE:
                    raise FileError("'%s' is larger than libvirt's limit of %d bytes"
                                    % (self.path, MAX_CONFIG_FILE_SIZE))
                chunks.append(chunk)
            self.stat = st
            return b''.join(chunks)
        finally:
            os.close(fd)


def _open_dir(name, parent_fd, follow=False):
    flags = os.O_RDONLY | os.O_DIRECTORY
    if not follow:
        flags |= os.O_NOFOLLOW
    return os.open(name, flags, dir_fd=parent_fd)


def open_user_target(pw, rel_path, create):
    """Open the directory of ``home/rel_path`` for user ``pw``.

    Each directory below the home is opened without following links and
    must belong to the user; missing ones are made (mode 0700, owned by the
    user) when ``create`` is true.  Returns a Target; when a directory is
    missing and ``create`` is false, its ``dir_exists`` is false: the file
    reads as missing, and nothing is created.
    """
    home = os.path.normpath(pw.pw_dir)
    path = os.path.join(home, rel_path)
    parts = rel_path.split(os.sep)
    try:
        fd = os.open(home, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise FileError("cannot open the home directory '%s' of user '%s': %s"
                        % (home, pw.pw_name, os.strerror(exc.errno)))
    current = home
    try:
        owner = os.fstat(fd).st_uid
        if owner != pw.pw_uid:
            raise FileError("the home directory '%s' of user '%s' belongs to uid %d, not to the user; refusing to "
                            "create or edit files below it" % (home, pw.pw_name, owner))
        for part in parts[:-1]:
            current = os.path.join(current, part)
            try:
                child = _open_dir(part, fd)
            except OSError as exc:
                if exc.errno == errno.ENOENT and create:
                    try:
                        os.mkdir(part, 0o700, dir_fd=fd)
                        child = _open_dir(part, fd)
                        if os.fstat(child).st_uid not in (os.geteuid(), pw.pw_uid):
                            os.close(child)
                            raise OSError(errno.EEXIST, 'it was replaced while being created')
                        if os.geteuid() == 0:
                            os.fchown(child, pw.pw_uid, pw.pw_gid)
                        os.fchmod(child, 0o700)
                    except OSError as exc2:
                        raise FileError("cannot create directory '%s': %s" % (current, os.strerror(exc2.errno)))
                elif exc.errno == errno.ENOENT:
                    os.close(fd)
                    return Target(path, None, parts[-1], pw)
                elif exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise FileError("'%s' is a symbolic link or not a directory; refusing to follow it"
                                    % current)
                else:
                    raise FileError("cannot open directory '%s': %s" % (current, os.strerror(exc.errno)))
            os.close(fd)
            fd = child
            st = os.fstat(fd)
            if st.st_uid != pw.pw_uid:
                raise FileError("directory '%s' belongs to uid %d, not to user '%s'; refusing to use it"
                                % (current, st.st_uid, pw.pw_name))
    except Exception:
        os.close(fd)
        raise
    return Target(path, fd, parts[-1], pw)


def open_system_target(path, create, follow):
    """Open the directory of ``path`` (system scope or an explicit path).

    With ``follow``, a symbolic link at ``path`` is resolved and its target
    edited; otherwise a link is refused when the file is read.  Missing
    parent directories are made (mode 0755) when ``create`` is true.
    Returns a Target; when the directory is missing and ``create`` is
    false, its ``dir_exists`` is false: the file reads as missing, and
    nothing is created.
    """
    path = os.path.abspath(path)
    if follow and os.path.islink(path):
        path = os.path.realpath(path)
    directory, name = os.path.split(path)
    if not name:
        raise FileError("'%s' names a directory, not a file" % path)
    if not os.path.isdir(directory):
        if os.path.lexists(directory) and not os.path.isdir(directory):
            raise FileError("'%s' is not a directory" % directory)
        if not create:
            return Target(path, None, name, None)
        try:
            os.makedirs(directory, 0o755)
        except OSError as exc:
            raise FileError("cannot create directory '%s': %s" % (directory, os.strerror(exc.errno)))
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise FileError("cannot open directory '%s': %s" % (directory, os.strerror(exc.errno)))
    return Target(path, fd, name, None)
