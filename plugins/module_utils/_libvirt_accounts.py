# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Which accounts of a host a selection means: the one home of that rule.

Used by libvirt_uri_accounts (which writes their files) and libvirt_uri_info
(which audits them), so that both select the same accounts: the members of a
group (primary and supplementary, through NSS, as ``getent`` reads them) and
every local account whose uid lies in login.defs' UID_MIN..UID_MAX range and
whose home directory exists.
"""

import grp
import os
import pwd

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import SelectionError

LOGIN_DEFS = '/etc/login.defs'
# shadow's own defaults, when login.defs does not set them.
UID_RANGE_DEFAULT = (1000, 60000)


def login_defs_uid_range(path=LOGIN_DEFS):
    """(UID_MIN, UID_MAX) of login.defs, with shadow's defaults for what is not set."""
    low, high = UID_RANGE_DEFAULT
    try:
        with open(path) as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 2 and fields[0] in ('UID_MIN', 'UID_MAX'):
                    try:
                        value = int(fields[1], 0)
                    except ValueError:
                        continue
                    if fields[0] == 'UID_MIN':
                        low = value
                    else:
                        high = value
    except (IOError, OSError):
        pass
    return low, high


def group_members(name):
    """The passwd entries of a group's members: supplementary ones in the group's order, then primary ones."""
    try:
        group = grp.getgrnam(name)
    except KeyError:
        raise SelectionError("users_from_group: there is no group '%s' on this host" % name)
    members = []
    for member in group.gr_mem:
        try:
            members.append(pwd.getpwnam(member))
        except KeyError:
            continue
    members.extend(sorted((pw for pw in pwd.getpwall() if pw.pw_gid == group.gr_gid), key=lambda pw: pw.pw_uid))
    return members


def local_accounts():
    """Every account with a uid in login.defs' range and an existing home, by uid."""
    low, high = login_defs_uid_range()
    return sorted((pw for pw in pwd.getpwall() if low <= pw.pw_uid <= high and os.path.isdir(pw.pw_dir)),
                  key=lambda pw: pw.pw_uid)


def select(first=(), group='', all_users=False):
    """``first`` (passwd entries), then the group's members, then every local account, each uid once."""
    selected = list(first)
    seen = set(pw.pw_uid for pw in selected)
    more = []
    if group:
        more.extend(group_members(group))
    if all_users:
        more.extend(local_accounts())
    for pw in more:
        if pw.pw_uid not in seen:
            seen.add(pw.pw_uid)
            selected.append(pw)
    return selected
