# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Running a function with the identity of another account: a forked child takes the account's uid,
gid and groups, computes a JSON-able answer and hands it back through a pipe.

Used by the audit (libvirt_uri_info) to read an account's files exactly as libvirt, running as that
account, would read them.
"""

import grp
import json
import os


def groups_of(pw):
    if hasattr(os, 'getgrouplist'):
        return os.getgrouplist(pw.pw_name, pw.pw_gid)
    groups = set([pw.pw_gid])
    for group in grp.getgrall():
        if pw.pw_name in group.gr_mem:
            groups.add(group.gr_gid)
    return sorted(groups)


def as_user(pw, func, what):
    """``func()`` (JSON-able) computed by a child process running with the identity of ``pw``.

    A failure is returned as {'kind': 'identity', 'message': ...}.
    """
    groups = groups_of(pw)
    rfd, wfd = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:
        os.close(rfd)
        os.close(wfd)
        message = 'cannot read %s as user %s: %s' % (what, pw.pw_name, os.strerror(exc.errno))
        return {'kind': 'identity', 'message': message}
    if pid == 0:
        status = 0
        try:
            os.close(rfd)
            try:
                os.setgroups(groups)
                os.setgid(pw.pw_gid)
                os.setuid(pw.pw_uid)
                outcome = func()
            except OSError as exc:
                message = 'cannot take the identity of user %s: %s' % (pw.pw_name, os.strerror(exc.errno))
                outcome = {'kind': 'identity', 'message': message}
            data = json.dumps(outcome).encode('utf-8')
            while data:
                written = os.write(wfd, data)
                data = data[written:]
        except BaseException:  # pylint: disable=broad-except
            status = 1
        finally:
            os._exit(status)  # pylint: disable=protected-access
    os.close(wfd)
    chunks = []
    try:
        while True:
            chunk = os.read(rfd, 1024 * 1024)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(rfd)
        os.waitpid(pid, 0)
    try:
        return json.loads(b''.join(chunks).decode('utf-8'))
    except ValueError:
        return {'kind': 'identity', 'message': 'reading %s as user %s failed' % (what, pw.pw_name)}


def as_account(pw, func, what):
    """``func()`` with the identity of ``pw`` when the module can take it, else with its own."""
    euid = os.geteuid()
    if euid == 0 and pw.pw_uid != 0:
        return as_user(pw, func, what)
    return func()
