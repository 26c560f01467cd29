# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The libvirt_uri_role_plan filter: called directly, then through the role in ansible-playbook."""

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.virtkit.libvirt_client.tests.unit.plugins.filter.playbook_command import ansible_playbook
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.virtkit.libvirt_client.plugins.filter.libvirt_uri_role import (
    FilterModule,
    libvirt_uri_role_plan,
)

CHARS = "A-Z, a-z, 0-9, '_' and '-'"
UNWRITABLE = ' cannot be written to libvirt.conf: no whitespace, and not both kinds of quote'
TEMPLATE = 'qemu+ssh://root@{{ host }}/system'
GROUPS = {
    'all': ['lab1', 'hv1.example.com', 'hv2', 'hv6.a', 'hv6-a'],
    'hypervisors': ['hv1.example.com', 'hv2'],
    'colliding': ['hv6.a', 'hv6-a'],
    'empty': [],
}
HOSTVARS = {
    'lab1': {},
    'hv1.example.com': {},
    'hv2': {'ansible_host': '10.0.0.12'},
    'hv6.a': {},
    'hv6-a': {},
}


def plan(**variables):
    return libvirt_uri_role_plan(variables, 'lab1', GROUPS, HOSTVARS)


def errors(**variables):
    return plan(**variables)['errors']


# ============================================================ direct calls

def test_filter_is_registered():
    assert FilterModule().filters() == {'libvirt_uri_role_plan': libvirt_uri_role_plan}


def test_nothing_asked_manages_nothing():
    assert plan() == {'errors': [], 'targets': [], 'group_entries': [], 'system_aliases': {},
                      'default_set': False, 'manage_system': False}
    # the role's defaults, as the role passes them
    assert plan(libvirt_uri_default=None, libvirt_uri_aliases={}, libvirt_uri_aliases_exclusive=False,
                libvirt_uri_aliases_from_group='', libvirt_uri_alias_uri_template=TEMPLATE,
                libvirt_uri_users=[])['targets'] == []


def test_system_file():
    assert plan(libvirt_uri_default='lab', libvirt_uri_aliases={'lab': 'qemu+tls://lab/system'})['targets'] == [
        {'label': 'system', 'scope': 'system', 'aliases': {'lab': 'qemu+tls://lab/system'},
         'exclusive': False, 'uri_default': 'lab'}]
    # '' removes uri_default: still a request
    assert plan(libvirt_uri_default='')['targets'] == [
        {'label': 'system', 'scope': 'system', 'aliases': {}, 'exclusive': False, 'uri_default': ''}]
    # exclusive alone empties the aliases; 'yes' is a boolean as for the bool filter
    assert plan(libvirt_uri_aliases_exclusive='yes')['targets'] == [
        {'label': 'system', 'scope': 'system', 'aliases': {}, 'exclusive': True}]


def test_mesh_first_then_explicit_aliases():
    result = plan(libvirt_uri_aliases_from_group='hypervisors', libvirt_uri_alias_uri_template=TEMPLATE,
                  libvirt_uri_aliases={'hv2': 'test:///default', 'lab': 'qemu:///system'},
                  libvirt_uri_default='hv1-example-com', libvirt_uri_aliases_exclusive=True)
    assert result['errors'] == []
    assert result['group_entries'] == [
        {'host': 'hv1.example.com', 'name': 'hv1-example-com', 'address': 'hv1.example.com',
         'uri': 'qemu+ssh://root@hv1.example.com/system'},
        {'host': 'hv2', 'name': 'hv2', 'address': '10.0.0.12', 'uri': 'qemu+ssh://root@10.0.0.12/system'},
    ]
    assert list(result['system_aliases'].items()) == [
        ('hv1-example-com', 'qemu+ssh://root@hv1.example.com/system'),
        ('hv2', 'test:///default'),
        ('lab', 'qemu:///system'),
    ]
    assert result['targets'] == [{'label': 'system', 'scope': 'system', 'aliases': result['system_aliases'],
                                  'exclusive': True, 'uri_default': 'hv1-example-com'}]


def test_address_is_not_a_replacement_pattern():
    result = libvirt_uri_role_plan(
        {'libvirt_uri_aliases_from_group': 'g', 'libvirt_uri_alias_uri_template': 'test:///default?h={{host}}'},
        'x', {'g': ['x']}, {'x': {'ansible_host': r'a\1\g<0>'}})
    assert result['system_aliases'] == {'x': r'test:///default?h=a\1\g<0>'}


def test_users():
    users = [
        {'user': 'alice'},  # asks for nothing: no module run
        {'user': 'bob', 'default': 'qemu:///session'},
        {'user': 'carol', 'exclusive': True, 'xdg_config_home': '/srv/carol/.cfg'},
        {'user': 'dave', 'aliases': {'a': 'test:///default'}, 'default': None},
    ]
    assert plan(libvirt_uri_users=users)['targets'] == [
        {'label': 'user bob', 'scope': 'user', 'user': 'bob', 'aliases': {}, 'exclusive': False,
         'uri_default': 'qemu:///session'},
        {'label': 'user carol (/srv/carol/.cfg)', 'scope': 'user', 'user': 'carol', 'aliases': {},
         'exclusive': True, 'xdg_config_home': '/srv/carol/.cfg'},
        {'label': 'user dave', 'scope': 'user', 'user': 'dave', 'aliases': {'a': 'test:///default'},
         'exclusive': False},
    ]


def test_alias_and_uri_errors():
    aliases = {'db.old': 'qemu:///system', 'empty': '', 'num': 5, 'plain': 'noscheme', 'space': 'qemu:///a b',
               'quotes': 'qemu:///a\'"', 'srv': 'qemu://system', 'vz': 'vz://session/'}
    assert errors(libvirt_uri_aliases=aliases) == [
        "lab1: libvirt_uri_aliases: alias name 'db.old' is invalid: libvirt allows only %s"
        " (and at least one of them)" % CHARS,
        'lab1: libvirt_uri_aliases.empty: the URI must be a non-empty string, got ""',
        'lab1: libvirt_uri_aliases.num: the URI must be a non-empty string, got 5',
        "lab1: libvirt_uri_aliases.plain: 'noscheme' is not a URI: it must start with a scheme,"
        " e.g. qemu:///system or qemu+ssh://root@host/system",
        'lab1: libvirt_uri_aliases.space: "qemu:///a b"' + UNWRITABLE,
        'lab1: libvirt_uri_aliases.quotes: "qemu:///a\'\\""' + UNWRITABLE,
        "lab1: libvirt_uri_aliases.srv: 'qemu://system' names a server, which libvirt refuses;"
        " did you mean qemu:///system?",
        "lab1: libvirt_uri_aliases.vz: 'vz://session/' names a server, which libvirt refuses;"
        " did you mean vz:///session?",
    ]
    assert errors(libvirt_uri_aliases=['a']) == [
        'lab1: libvirt_uri_aliases must be a dict of alias name -> URI, got ["a"]']


@pytest.mark.parametrize('default, exclusive, message', [
    (5, False, 'lab1: libvirt_uri_default: must be a string (an alias name or a URI; an empty string'
               ' removes it), got 5'),
    ('bad.alias', False, "lab1: libvirt_uri_default: 'bad.alias' is neither a URI (scheme:...) nor an"
                         " alias name (%s)" % CHARS),
    ('qemu:///a b', False, 'lab1: libvirt_uri_default: "qemu:///a b"' + UNWRITABLE),
    ('nope', True, "lab1: libvirt_uri_default: 'nope' is not one of the aliases this file will have (lab)"),
])
def test_default_errors(default, exclusive, message):
    assert errors(libvirt_uri_default=default, libvirt_uri_aliases_exclusive=exclusive,
                  libvirt_uri_aliases={'lab': 'qemu:///system'}) == [message]


def test_mesh_errors():
    assert errors(libvirt_uri_aliases_from_group='colliding', libvirt_uri_alias_uri_template=TEMPLATE) == [
        "lab1: libvirt_uri_aliases_from_group: hosts 'hv6.a' and 'hv6-a' of group 'colliding' both make"
        " the alias name 'hv6-a'"]
    assert errors(libvirt_uri_aliases_from_group='nosuchgroup', libvirt_uri_alias_uri_template=TEMPLATE) == [
        "lab1: libvirt_uri_aliases_from_group: there is no inventory group 'nosuchgroup'"]
    assert errors(libvirt_uri_aliases_from_group='hypervisors',
                  libvirt_uri_alias_uri_template='qemu+ssh://root@example.com/system') == [
        "lab1: libvirt_uri_alias_uri_template: 'qemu+ssh://root@example.com/system' does not contain the"
        " {{ host }} placeholder (keep the value marked !unsafe so that Ansible leaves it to the role)"]
    assert errors(libvirt_uri_aliases_from_group='hypervisors', libvirt_uri_alias_uri_template='{{ host }}') == [
        "lab1: libvirt_uri_alias_uri_template: the URI made for host '%s' (address '%s') is '%s', which is"
        " not a usable URI (it must start with a scheme such as qemu+ssh: and hold no whitespace or double"
        " quote)" % (host, address, address)
        for host, address in (('hv1.example.com', 'hv1.example.com'), ('hv2', '10.0.0.12'))]


def test_user_errors():
    users = [1, {}, {'user': ''}, {'user': 'bad user'}, {'user': 'alice', 'xdg_config_home': 'rel'},
             {'user': 'bob', 'aliases': ['x']}, {'user': 'alice', 'xdg_config_home': 'rel'},
             {'user': 'carol', 'default': 'x', 'exclusive': True, 'aliases': {'y': 'test:///default'}}]
    assert errors(libvirt_uri_users=users) == [
        'lab1: libvirt_uri_users[0] needs a "user" (an account name), got 1',
        'lab1: libvirt_uri_users[1] needs a "user" (an account name), got {}',
        'lab1: libvirt_uri_users[2] needs a "user" (an account name), got {"user": ""}',
        "lab1: libvirt_uri_users[3].user: 'bad user' is not a valid account name",
        "lab1: libvirt_uri_users[4].xdg_config_home: 'rel' must be an absolute path",
        'lab1: libvirt_uri_users[5].aliases must be a dict of alias name -> URI, got ["x"]',
        "lab1: libvirt_uri_users[6].xdg_config_home: 'rel' must be an absolute path",
        "lab1: libvirt_uri_users[6]: user 'alice' is already listed at libvirt_uri_users[4] for the same"
        " file; merge the two entries",
        "lab1: libvirt_uri_users[7].default: 'x' is not one of the aliases this file will have (y)",
    ]
    assert errors(libvirt_uri_users='alice') == [
        'lab1: libvirt_uri_users must be a list of {user, default, aliases, exclusive, xdg_config_home},'
        ' got "alice"']


def test_errors_leave_no_targets():
    result = plan(libvirt_uri_default='qemu:///system', libvirt_uri_aliases={'a b': 'qemu:///system'})
    assert result['targets'] == []
    assert len(result['errors']) == 1


@pytest.mark.parametrize('variables, message', [
    ('x', "libvirt_uri_role_plan expects a dict of the libvirt_uri role variables (libvirt_uri_default,"
          " libvirt_uri_aliases, libvirt_uri_aliases_exclusive, libvirt_uri_aliases_from_group,"
          " libvirt_uri_alias_uri_template, libvirt_uri_users), got str: 'x'"),
    ({'libvirt_uri_alias': {}}, 'libvirt_uri_role_plan: unknown variable libvirt_uri_alias; the role'
                                ' variables it reads are libvirt_uri_default, libvirt_uri_aliases,'
                                ' libvirt_uri_aliases_exclusive, libvirt_uri_aliases_from_group,'
                                ' libvirt_uri_alias_uri_template, libvirt_uri_users'),
])
def test_bad_filter_input(variables, message):
    with pytest.raises(AnsibleFilterError) as info:
        libvirt_uri_role_plan(variables, 'lab1')
    assert str(info.value) == message


# ============================================================ through the role

def test_role_refuses_on_the_controller(tmp_path):
    """Real inventory groups and hostvars; the role stops at its first task with the filter's messages."""
    inventory = {'all': {'children': {'hypervisors': {'hosts': {
        'hv1.example.com': {}, 'hv2': {'ansible_host': '10.0.0.12'}, 'hv2.x': {}}}}}}
    play = [{
        'name': 'bad role input',
        'hosts': 'hv1.example.com',
        'gather_facts': False,
        'tasks': [
            {'name': 'plan', 'ansible.builtin.debug': {'msg': '{{ plan }}'}, 'register': 'shown',
             'vars': {'plan': "{{ {'libvirt_uri_aliases_from_group': 'hypervisors',"
                              " 'libvirt_uri_alias_uri_template': template}"
                              " | virtkit.libvirt_client.libvirt_uri_role_plan(inventory_hostname, groups,"
                              " hostvars) }}"}},
            {'name': 'write the plan', 'ansible.builtin.copy': {
                'content': '{{ shown.msg | to_json }}', 'dest': str(tmp_path / 'plan.json'), 'mode': '0600'}},
            {'name': 'role', 'ansible.builtin.include_role': {'name': 'virtkit.libvirt_client.libvirt_uri'},
             'vars': {'libvirt_uri_aliases': {'db.old': 'qemu:///system'}}},
        ],
    }]
    (tmp_path / 'inventory.yml').write_text(yaml.safe_dump(inventory))
    (tmp_path / 'play.yml').write_text(
        yaml.safe_dump(play, sort_keys=False)
        + '  vars:\n    template: !unsafe "test:///default?mesh={{ host }}"\n'
        + '    ansible_connection: local\n    ansible_python_interpreter: %s\n' % sys.executable)
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='0',
               ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'), ANSIBLE_STDOUT_CALLBACK='default')
    assert env.get('ANSIBLE_COLLECTIONS_PATH'), 'tests/conftest.py sets ANSIBLE_COLLECTIONS_PATH'
    proc = subprocess.run([ansible_playbook(), '-i', 'inventory.yml', 'play.yml'], env=env, cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=300, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 2, output
    assert 'Traceback' not in output
    assert 'TASK [virtkit.libvirt_client.libvirt_uri : Check alias names, URIs and defaults]' in output
    assert ("hv1.example.com: libvirt_uri_aliases: alias name 'db.old' is invalid: libvirt allows only %s"
            " (and at least one of them)" % CHARS) in output
    assert 'Configure libvirt client configuration files' not in output
    result = json.loads((tmp_path / 'plan.json').read_text())
    assert result['errors'] == []
    assert result['group_entries'] == [
        {'host': 'hv1.example.com', 'name': 'hv1-example-com', 'address': 'hv1.example.com',
         'uri': 'test:///default?mesh=hv1.example.com'},
        {'host': 'hv2', 'name': 'hv2', 'address': '10.0.0.12', 'uri': 'test:///default?mesh=10.0.0.12'},
        {'host': 'hv2.x', 'name': 'hv2-x', 'address': 'hv2.x', 'uri': 'test:///default?mesh=hv2.x'},
    ]
