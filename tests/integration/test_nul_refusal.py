# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Arguments holding a NUL character are refused on the controller, naming the option and value.

Since ansible-core 2.21 such an argument never reaches the module's own checks: AnsibleModule
logs its arguments to syslog first and fails there ("embedded null character"), with a message
that names neither.  The modules' action plugins refuse the value before the module is sent, on
every supported ansible-core line; these tests run the modules through ansible-playbook.
"""

import hashlib

import pytest

from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import run_play
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh import virsh_uri

ALIAS = 'virtkit.libvirt_client.libvirt_uri_alias'
INFO = 'virtkit.libvirt_client.libvirt_uri_info'
START = '# keep\nuri_aliases = [\n  "keep=test:///default?keep",\n]\n'

CASES = [
    (ALIAS, {'name': 'a', 'uri': 'test:///default?x=\x00y'}, 'uri', 'test:///default?x=\x00y', 18),
    (ALIAS, {'name': 'a\x00b', 'uri': 'test:///default'}, 'name', 'a\x00b', 1),
    (ALIAS, {'aliases': {'hail': 'test:///default\x00'}}, "aliases['hail']", 'test:///default\x00', 15),
    (ALIAS, {'aliases': {'ha\x00il': 'test:///default'}}, 'a key of aliases', 'ha\x00il', 2),
    (ALIAS, {'uri_default': '\x00'}, 'uri_default', '\x00', 0),
    (INFO, {'names': ['keep', 'x\x00']}, 'names[1]', 'x\x00', 1),
]


def _digest(path):
    with open(str(path), 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.mark.parametrize('module, args, where, value, pos', CASES,
                         ids=['%s:%s' % (case[0].rsplit('.', 1)[1], case[2]) for case in CASES])
def test_nul_is_refused_with_option_and_value(conf, module, args, where, value, pos):
    conf.write_text(START)
    before = _digest(conf)
    args = dict(args, path=str(conf)) if module == ALIAS else dict(args, paths=[str(conf)], system=False)
    result = run_play([{'name': 'call', module: args, 'ignore_errors': True}])[0]
    assert result.get('failed') is True, result
    assert result.get('changed') is False, result
    msg = result['msg']
    assert '%s is %r, which holds a NUL character at position %d' % (where, value, pos) in msg, msg
    assert 'refused on the controller' in msg, msg
    assert 'Traceback' not in repr(result) and 'syslog' not in msg, result
    assert _digest(conf) == before
    assert virsh_uri(str(conf), 'keep') == (True, 'test:///default?keep')


def test_values_without_nul_still_reach_the_module(conf):
    """The check stops nothing else: the same play without the NUL edits the file."""
    conf.write_text(START)
    result = run_play([{'name': 'call', ALIAS: {'path': str(conf), 'name': 'a', 'uri': 'test:///default?x=y'}}])[0]
    assert result.get('changed') is True, result
    assert virsh_uri(str(conf), 'a') == (True, 'test:///default?x=y')
