# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Symbolic file modes (chmod's ``u+rw,g-w,o=r``), as the ``mode`` option of ansible's file arguments takes them.

``symbolic_mode_to_octal(st, mode)`` gives the permission bits that ``mode`` makes of a file whose
stat result is ``st``.  The grammar and the answers are those of ansible-core's AnsibleModule for
its ``mode`` option, so the option means the same on a file in a user's directory (which the
collection changes itself, through the opened directory) as on any other file:

- clauses separated by ``,``; each is ``WHO`` then one or more ``OP PERMS``;
- ``WHO``: one or more of ``u``, ``g``, ``o``, or ``a`` alone; empty means all three, with the bits
  set in the process umask left out of ``r``, ``w`` and ``x``;
- ``OP``: ``+`` adds, ``-`` removes, ``=`` sets (clearing the class's bits and its special bit:
  set-user-ID for ``u``, set-group-ID for ``g``, sticky for ``o``);
- ``PERMS``: any of ``r``, ``w``, ``x``, ``X`` (execute when the file is a directory or already has
  an execute bit), ``s`` (set-ID, for ``u`` and ``g``), ``t`` (sticky, for ``o``), or ``u``, ``g``,
  ``o`` (a copy of that class's current bits); may be empty.

Clauses and operators apply left to right, each to the mode the previous ones made.  A bad ``WHO``
or ``PERMS`` raises ValueError("bad symbolic permission for mode: CLAUSE").
"""

import os
import re
import stat

_OPERATOR_RE = re.compile(r'[+=-]')
_WHO_RE = re.compile(r'\A[ugo]+\Z')
_PERMS_RE = re.compile(r'\A[rwxXstugo]*\Z')

#: Position of each class's rwx bits in the mode.
_SHIFT = {'u': 6, 'g': 3, 'o': 0}
#: The special bit each class's 's' or 't' means, and that '=' clears with the class's bits.
_SPECIAL = {'u': (stat.S_ISUID, 0), 'g': (stat.S_ISGID, 0), 'o': (0, stat.S_ISVTX)}
_PERM_BITS = 0o7777
_ANY_EXEC = 0o111


def _current_umask():
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _class_bits(st, who, perms, use_umask, current):
    """The bits ``perms`` stands for in class ``who`` (u, g or o) of a file whose mode is now ``current``."""
    shift = _SHIFT[who]
    allowed = (~_current_umask() & _PERM_BITS) if use_umask and set(perms) & set('rwx') else _PERM_BITS
    setid, sticky = _SPECIAL[who]
    bits = 0
    for perm in perms:
        if perm == 'r':
            bits |= (4 << shift) & allowed
        elif perm == 'w':
            bits |= (2 << shift) & allowed
        elif perm == 'x':
            bits |= (1 << shift) & allowed
        elif perm == 'X':
            if stat.S_ISDIR(st.st_mode) or current & _ANY_EXEC:
                bits |= 1 << shift
        elif perm == 's':
            bits |= setid
        elif perm == 't':
            bits |= sticky
        else:
            # u, g or o: a copy of that class's current rwx bits.
            bits |= ((current >> _SHIFT[perm]) & 0o7) << shift
    return bits


def _apply(who, operator, bits, current):
    if operator == '=':
        setid, sticky = _SPECIAL[who]
        cleared = (0o7 << _SHIFT[who]) | setid | sticky
        return (current & ~cleared & _PERM_BITS) | bits
    if operator == '+':
        return current | bits
    return current & ~bits


def symbolic_mode_to_octal(st, mode):
    """The permission bits ``mode`` (symbolic, e.g. ``u+rw,g-w,o=r``) makes of a file with stat result ``st``."""
    current = stat.S_IMODE(st.st_mode)
    for clause in mode.split(','):
        perms_list = _OPERATOR_RE.split(clause)
        operators = _OPERATOR_RE.findall(clause)
        who = perms_list.pop(0)
        use_umask = who == ''
        if who in ('', 'a'):
            who = 'ugo'
        if not _WHO_RE.match(who):
            raise ValueError('bad symbolic permission for mode: %s' % clause)
        for operator, perms in zip(operators, perms_list):
            if not _PERMS_RE.match(perms):
                raise ValueError('bad symbolic permission for mode: %s' % clause)
            for one in who:
                current = _apply(one, operator, _class_bits(st, one, perms, use_umask, current), current)
    return current
