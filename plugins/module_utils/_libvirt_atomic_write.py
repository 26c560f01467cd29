# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Writing the file of a ``_libvirt_files.Target``: the atomic replacement and the backup.

``Target.write`` and ``Target.backup`` import this file only when they are
called, so a run that changes nothing never compiles it on the host.  Both
work through the target's open, locked directory: new files are created in
it with O_EXCL and O_NOFOLLOW (never through a link), written, flushed to
disk, given their owner and mode through the descriptor, and the temporary
file is renamed over the old one within that directory.
"""

import errno
import os
import stat
import time

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import FileError


def temp_name(target, attempt):
    """The name of the temporary file of ``target`` for this process's ``attempt``: .NAME.PID.N.tmp."""
    return '.%s.%d.%d.tmp' % (target.name, os.getpid(), attempt)


def fd_path(target, name):
    """A path naming ``name`` in the open directory itself, whatever its path now leads to."""
    proc = '/proc/self/fd/%d' % target.dir_fd
    if os.path.isdir(proc):
        return os.path.join(proc, name)
    return os.path.join(os.path.dirname(target.path), name)


def create_new(target, names, failure):
    """Create the first of ``names`` that does not exist yet, in the open directory.

    Never through a link (O_EXCL, O_NOFOLLOW), mode 0600 until the caller
    sets the final one.  Returns (name, fd); FileError starting with
    ``failure`` when none can be created.
    """
    for name in names:
        try:
            return name, os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600,
                                 dir_fd=target.dir_fd)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise FileError('%s: %s' % (failure, os.strerror(exc.errno)))
    raise FileError('%s: every candidate name exists' % failure)


def backup(target, data):
    """Save ``data``, the file's bytes as read, as NAME.PID.DATE~ next to it.

    The copy is created in the open directory (never through a link) with
    the file's owner, group and mode.  Returns the backup's path.
    """
    stamp = time.strftime('%Y-%m-%d@%H:%M:%S', time.localtime(time.time()))
    name, fd = create_new(
        target,
        ('%s.%d.%s%s~' % (target.name, os.getpid(), stamp, '' if attempt == 0 else '.%d' % attempt)
         for attempt in range(100)),
        "cannot create a backup of '%s'" % target.path)
    try:
        try:
            _write_all(fd, data)
            if target.stat is not None:
                if os.geteuid() == 0:
                    os.fchown(fd, target.stat.st_uid, target.stat.st_gid)
                os.fchmod(fd, stat.S_IMODE(target.stat.st_mode))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        try:
            os.unlink(name, dir_fd=target.dir_fd)
        except OSError:
            pass
        raise FileError("cannot write a backup of '%s': %s" % (target.path, os.strerror(exc.errno)))
    return os.path.join(os.path.dirname(target.path), name)


def write(target, data, mode=None, selinux=None):
    """Replace the file with ``data`` atomically; returns nothing.

    A new file gets the owner (user scope) or root, and ``mode`` or 0644;
    an existing one keeps its owner, group and mode.  ``selinux`` is a
    callable given the temporary path before the rename, to set a context.
    """
    if not target.dir_exists:
        raise FileError("cannot write '%s': its directory does not exist" % target.path)
    tmp, fd = create_new(
        target,
        (temp_name(target, attempt) for attempt in range(100)),
        "cannot replace '%s': cannot create a temporary file in '%s'" % (target.path, os.path.dirname(target.path)))
    try:
        try:
            _write_all(fd, data)
            owner = None
            if target.stat is not None:
                owner, perms = (target.stat.st_uid, target.stat.st_gid), stat.S_IMODE(target.stat.st_mode)
            else:
                perms = 0o644 if mode is None else mode
                if target.owner is not None:
                    owner = (target.owner.pw_uid, target.owner.pw_gid)
            if owner is not None and os.geteuid() == 0:
                os.fchown(fd, *owner)
            os.fchmod(fd, perms)
            os.fsync(fd)
        finally:
            os.close(fd)
        if selinux is not None:
            selinux(fd_path(target, tmp))
        os.rename(tmp, target.name, src_dir_fd=target.dir_fd, dst_dir_fd=target.dir_fd)
        tmp = None
        os.fsync(target.dir_fd)
    except OSError as exc:
        raise FileError("cannot write '%s': %s" % (target.path, os.strerror(exc.errno)))
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp, dir_fd=target.dir_fd)
            except OSError:
                pass


def _write_all(fd, data):
    """Write all of ``data`` to ``fd`` (os.write may write less than asked)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
