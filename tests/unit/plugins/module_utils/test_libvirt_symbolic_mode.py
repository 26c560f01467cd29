# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Symbolic modes (plugins/module_utils/_libvirt_symbolic_mode.py): a table of answers, the messages for bad
modes, and the same answers as ansible-core's AnsibleModule gives for its ``mode`` option."""

import contextlib
import itertools
import os
import stat

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_alias_run import owner_group_mode
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import Refusal
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_symbolic_mode import (
    symbolic_mode_to_octal,
)


def stat_of(mode, directory=False):
    kind = stat.S_IFDIR if directory else stat.S_IFREG
    return os.stat_result((kind | mode, 0, 0, 1, 0, 0, 0, 0, 0, 0))


@contextlib.contextmanager
def umask(value):
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


# (mode of the file, directory?, umask, symbolic mode, expected permission bits)
TABLE = [
    (0o644, False, 0o022, 'u+x', 0o744),
    (0o644, False, 0o022, 'u=rw,go=', 0o600),
    (0o600, False, 0o022, 'g+r', 0o640),
    (0o664, False, 0o022, 'g-w', 0o644),
    (0o777, False, 0o022, 'o=r', 0o774),
    (0o640, False, 0o022, 'u+rw,g-w,o=r', 0o644),
    (0o644, False, 0o022, 'ug+x', 0o754),
    (0o755, False, 0o022, 'a-x', 0o644),
    (0o600, False, 0o022, 'a+r', 0o644),
    (0o644, False, 0o022, 'a=', 0o000),
    # No class: all three, the umask's bits left alone.
    (0o600, False, 0o022, '+rwx', 0o755),
    (0o600, False, 0o022, '+w', 0o600),
    (0o000, False, 0o027, '=rw', 0o640),
    (0o777, False, 0o022, '-x', 0o666),
    (0o777, False, 0o077, '-x', 0o677),
    (0o600, False, 0o000, '+r', 0o644),
    # X: execute for a directory or a file that already has an execute bit.
    (0o644, False, 0o022, 'a+X', 0o644),
    (0o744, False, 0o022, 'a+X', 0o755),
    (0o644, True, 0o022, 'a+X', 0o755),
    (0o600, False, 0o022, 'u+x,go+X', 0o711),
    # s and t, and '=' clearing the class's special bit.
    (0o755, False, 0o022, 'u+s', 0o4755),
    (0o755, False, 0o022, 'g+s', 0o2755),
    (0o755, False, 0o022, 'o+t', 0o1755),
    (0o755, False, 0o022, 'o+s', 0o755),
    (0o755, False, 0o022, 'u+t', 0o755),
    (0o6755, False, 0o022, 'ug-s', 0o755),
    (0o4755, False, 0o022, 'u=rwx', 0o755),
    (0o1777, False, 0o022, 'o=rwx', 0o777),
    (0o2755, False, 0o022, 'u=rwx', 0o2755),
    (0o7777, False, 0o022, 'a=r', 0o444),
    # u, g, o: a copy of a class's current bits, taken when the clause applies.
    (0o640, False, 0o022, 'o=g', 0o644),
    (0o750, False, 0o022, 'g=u', 0o770),
    (0o700, False, 0o022, 'go=u', 0o777),
    (0o600, False, 0o022, 'g=u,o=g', 0o666),
    (0o751, False, 0o022, 'u-o', 0o651),
    # Several operators in one clause, left to right.
    (0o000, False, 0o022, 'u=rw-w+x', 0o500),
    (0o777, False, 0o022, 'go-w+t', 0o1755),
    # What the grammar lets through and changes nothing.
    (0o644, False, 0o022, 'u+x,', 0o744),
    (0o644, False, 0o022, '', 0o644),
    (0o644, False, 0o022, 'u', 0o644),
    (0o644, False, 0o022, 'u+', 0o644),
]


@pytest.mark.parametrize('start,directory,mask,mode,expected', TABLE, ids=[row[3] or 'empty' for row in TABLE])
def test_table(start, directory, mask, mode, expected):
    with umask(mask):
        assert oct(symbolic_mode_to_octal(stat_of(start, directory), mode)) == oct(expected)


BAD = [
    ('z+x', 'z+x'),
    ('u+q', 'u+q'),
    ('u+r,g+q', 'g+q'),
    ('ua+x', 'ua+x'),
    ('rwx', 'rwx'),
    ('0999', '0999'),
    ('u+r w', 'u+r w'),
    ('u+x\n', 'u+x\n'),
]


@pytest.mark.parametrize('mode,clause', BAD)
def test_bad_modes_name_the_clause(mode, clause):
    with pytest.raises(ValueError) as info:
        symbolic_mode_to_octal(stat_of(0o644), mode)
    assert str(info.value) == 'bad symbolic permission for mode: %s' % clause


def test_the_module_refuses_a_bad_mode_with_its_message():
    params = {'owner': None, 'group': None, 'mode': 'u+q'}
    uid, gid, bits = owner_group_mode(params)
    assert (uid, gid) == (-1, -1) and callable(bits)
    with pytest.raises(Refusal) as info:
        bits(stat_of(0o644))
    assert str(info.value) == "mode 'u+q' is not valid: bad symbolic permission for mode: u+q"
    assert owner_group_mode(dict(params, mode='g+r'))[2](stat_of(0o600)) == 0o640
    assert owner_group_mode(dict(params, mode='0640'))[2] == 0o640


CLASSES = ['', 'a', 'u', 'g', 'o', 'ug', 'go', 'uo', 'ugo']
PERMS = ['', 'r', 'w', 'x', 'X', 's', 't', 'u', 'g', 'o', 'rw', 'rwx', 'rX', 'st', 'ug', 'rwxXstugo']
STARTS = [0o000, 0o644, 0o751, 0o6070, 0o1707]


def _clauses():
    for who, op, perms in itertools.product(CLASSES, '+-=', PERMS):
        yield who + op + perms


def _modes():
    clauses = list(_clauses())
    yield from clauses
    # Two operators in a clause, and two clauses.
    for who, (op1, perms1), (op2, perms2) in itertools.product(
            ['', 'a', 'u', 'go'], itertools.product('+-=', ['r', 'X', 'g', 'st']),
            itertools.product('+-=', ['w', 'X', 'o'])):
        yield '%s%s%s%s%s' % (who, op1, perms1, op2, perms2)
    for first, second in itertools.product(clauses[::17], clauses[::23]):
        yield first + ',' + second


@pytest.mark.parametrize('mask', [0o022, 0o077])
def test_same_answers_as_ansible(mask):
    """Every mode of the grammar, on files and directories of several modes, as AnsibleModule computes it."""
    from ansible.module_utils.basic import AnsibleModule
    theirs = AnsibleModule._symbolic_mode_to_octal  # pylint: disable=protected-access
    compared = 0
    with umask(mask):
        for mode in _modes():
            for start, directory in itertools.product(STARTS, (False, True)):
                st = stat_of(start, directory)
                assert symbolic_mode_to_octal(st, mode) == theirs(st, mode), (oct(start), directory, mode)
                compared += 1
    assert compared > 10000, compared


@pytest.mark.parametrize('mode', [mode for mode, clause in BAD if not mode.endswith('\n')])
def test_same_refusals_as_ansible(mode):
    from ansible.module_utils.basic import AnsibleModule
    with pytest.raises(ValueError) as ours:
        symbolic_mode_to_octal(stat_of(0o644), mode)
    with pytest.raises(ValueError) as theirs:
        AnsibleModule._symbolic_mode_to_octal(stat_of(0o644), mode)  # pylint: disable=protected-access
    assert str(ours.value) == str(theirs.value)
