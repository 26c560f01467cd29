# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""What every reader of a login file shares: the tracked variables, the event record, ``Dynamic``.

A reader (pam_env's files in ``_libvirt_login_pam``, shell files in ``_libvirt_shell_walker``,
environment.d in ``_libvirt_env``) turns a file into events, one per line that sets, unsets,
exports or dynamically changes a tracked variable; ``_libvirt_env.evaluate()`` applies them in order.
"""

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import LibvirtClientError

LIBVIRT_VAR = 'LIBVIRT_DEFAULT_URI'
VIRSH_VAR = 'VIRSH_DEFAULT_CONNECT_URI'
#: Where libvirt looks for an account's libvirt.conf (``$XDG_CONFIG_HOME/libvirt/``).
XDG_VAR = 'XDG_CONFIG_HOME'
TRACKED = (LIBVIRT_VAR, VIRSH_VAR, XDG_VAR)

#: How deep ``.``/``source`` and PAM includes are followed.
MAX_DEPTH = 8


class Dynamic(LibvirtClientError):
    """A value the reader cannot settle; the message says why."""

    rule = 'dynamic'


def make_event(op, variable, path, line, text, **extra):
    """An event: ``op`` (set, unset, export, dynamic, pam_conf, not_followed) of ``variable`` at ``path:line``."""
    event = {'op': op, 'variable': variable, 'file': path, 'line': line, 'text': text.strip()[:200]}
    event.update(extra)
    return event


def joined_lines(text):
    """(first line number, text) of each line, backslash-newline continuations joined."""
    lines = text.split('\n')
    result = []
    index = 0
    while index < len(lines):
        start = index
        line = lines[index]
        while line.endswith('\\') and index + 1 < len(lines):
            index += 1
            line = line[:-1] + lines[index]
        result.append((start + 1, line))
        index += 1
    return result
