# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The role refuses, on the controller, exactly what the module refuses on the host, with the module's message."""

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.filter.libvirt_uri_role import libvirt_uri_role_plan
from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import run_one

BAD_URIS = ['qemu://system', 'qemu+foo://h/system', 'qemu://system/x', 'qemu+ssh://hv1/system?no_verify=maybe']


@pytest.mark.parametrize('uri', BAD_URIS)
def test_alias_uri(conf, uri):
    module = run_one({'path': str(conf), 'aliases': {'hv': uri}}, check=True)
    assert module.get('failed') is True, module
    plan = libvirt_uri_role_plan({'libvirt_uri_aliases': {'hv': uri}}, 'lab1')
    assert plan['errors'] == ['lab1: libvirt_uri_aliases.hv: ' + module['msg']]
    assert uri in module['msg']
    assert not conf.exists()


@pytest.mark.parametrize('uri', BAD_URIS)
def test_default(conf, uri):
    module = run_one({'path': str(conf), 'uri_default': uri}, check=True)
    assert module.get('failed') is True, module
    plan = libvirt_uri_role_plan({'libvirt_uri_default': uri}, 'lab1')
    assert plan['errors'] == ['lab1: libvirt_uri_default: ' + module['msg']]


def test_user_default_naming_a_system_alias(conf):
    # The module, on a user's file without that alias, refuses the name ...
    module = run_one({'path': str(conf), 'uri_default': 'hv9', 'aliases': {'own': 'test:///default'},
                      'exclusive': True}, check=True)
    assert module.get('failed') is True
    assert "uri_default 'hv9' is neither an alias defined in the file" in module['msg']
    # ... and the role says why before any host is contacted, unless the user inherits the system aliases.
    variables = {'libvirt_uri_aliases': {'hv9': 'test:///default?h=9'}, 'libvirt_uri_users_inherit': False,
                 'libvirt_uri_users': [{'user': 'alice', 'default': 'hv9'}]}
    [message] = libvirt_uri_role_plan(variables, 'lab1')['errors']
    assert message.startswith("lab1: libvirt_uri_users[0].default: uri_default 'hv9' is an alias of "
                              "/etc/libvirt/libvirt.conf only")
    assert 'every other account reads only its own $XDG_CONFIG_HOME/libvirt/libvirt.conf' in message
    variables['libvirt_uri_users_inherit'] = True
    assert libvirt_uri_role_plan(variables, 'lab1')['errors'] == []
