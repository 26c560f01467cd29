# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The libvirt_uri_role_plan filter: called directly, then through the role in ansible-playbook."""

import json
import os
import re
import subprocess
import sys

import pytest

import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.virtkit.libvirt_client.plugins.filter.libvirt_uri_role import FilterModule, libvirt_uri_role_plan
from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._libvirt_role_plan import ROLE_VARIABLES
from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import ansible_playbook

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
NO_ARGS = {'system': None, 'admin': None, 'users': [], 'users_from_group': '', 'all_users': False, 'skel': False,
           'inherit': True, 'backup': False}


def plan(**variables):
    return libvirt_uri_role_plan(variables, 'lab1', GROUPS, HOSTVARS)


def errors(**variables):
    return plan(**variables)['errors']


# ============================================================ direct calls

def test_filter_is_registered():
    assert FilterModule().filters() == {'libvirt_uri_role_plan': libvirt_uri_role_plan}


def test_nothing_asked_manages_nothing():
    assert plan() == {'errors': [], 'args': NO_ARGS, 'group_entries': [], 'system_aliases': {}}
    # the role's defaults, as the role passes them
    assert plan(libvirt_uri_default=None, libvirt_uri_aliases={}, libvirt_uri_aliases_exclusive=False,
                libvirt_uri_aliases_from_group='', libvirt_uri_alias_uri_template=TEMPLATE,
                libvirt_uri_users=[], libvirt_uri_users_from_group='', libvirt_uri_all_users=False,
                libvirt_uri_skel=False, libvirt_uri_users_inherit=True, libvirt_uri_backup=False)['args'] == NO_ARGS


def test_system_file():
    assert plan(libvirt_uri_default='lab', libvirt_uri_aliases={'lab': 'qemu+tls://lab/system'})['args']['system'] \
        == {'aliases': {'lab': 'qemu+tls://lab/system'}, 'exclusive': False, 'uri_default': 'lab'}
    # '' removes uri_default: still a request
    assert plan(libvirt_uri_default='')['args']['system'] == {'aliases': {}, 'exclusive': False, 'uri_default': ''}
    # exclusive alone empties the aliases; 'yes' is a boolean as for the bool filter
    assert plan(libvirt_uri_aliases_exclusive='yes')['args']['system'] == {'aliases': {}, 'exclusive': True}


def test_account_selection_is_passed_on():
    args = plan(libvirt_uri_users_from_group='libvirt', libvirt_uri_all_users='yes', libvirt_uri_skel=True,
                libvirt_uri_users_inherit=False, libvirt_uri_backup=True)['args']
    assert args == dict(NO_ARGS, users_from_group='libvirt', all_users=True, skel=True, inherit=False,
                        backup=True)


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
    assert result['args']['system'] == {'aliases': result['system_aliases'], 'exclusive': True,
                                        'uri_default': 'hv1-example-com'}


def test_address_is_not_a_replacement_pattern():
    result = libvirt_uri_role_plan(
        {'libvirt_uri_aliases_from_group': 'g', 'libvirt_uri_alias_uri_template': 'test:///default?h={{host}}'},
        'x', {'g': ['x']}, {'x': {'ansible_host': r'a\1\g<0>'}})
    assert result['system_aliases'] == {'x': r'test:///default?h=a\1\g<0>'}


def test_users():
    users = [
        {'user': 'alice'},
        {'user': 'bob', 'default': 'qemu:///session'},
        {'user': 'carol', 'exclusive': True, 'xdg_config_home': '/srv/carol/.cfg'},
        {'user': 'dave', 'aliases': {'a': 'test:///default'}, 'default': None},
    ]
    assert plan(libvirt_uri_users=users)['args']['users'] == [
        {'user': 'alice', 'aliases': {}},
        {'user': 'bob', 'aliases': {}, 'uri_default': 'qemu:///session'},
        {'user': 'carol', 'aliases': {}, 'exclusive': True, 'xdg_config_home': '/srv/carol/.cfg'},
        {'user': 'dave', 'aliases': {'a': 'test:///default'}},
    ]


def test_alias_and_uri_errors_are_the_modules_messages():
    aliases = {'db.old': 'qemu:///system', 'empty': '', 'num': 5, 'srv': 'qemu://system'}
    found = errors(libvirt_uri_aliases=aliases)
    assert found[:3] == [
        "lab1: libvirt_uri_aliases: alias name 'db.old' is not a valid alias name: aliases may only contain the"
        " characters A-Z, a-z, 0-9, '_' and '-', and must not be empty",
        "lab1: libvirt_uri_aliases.empty: the URI of alias 'empty' is empty: an alias needs a URI such as"
        " qemu:///system",
        "lab1: libvirt_uri_aliases.num: the URI of alias 'num' must be a string, got 5",
    ]
    assert found[3].startswith("lab1: libvirt_uri_aliases.srv: the URI of alias 'srv' 'qemu://system' is refused: ")
    assert len(found) == 4
    assert errors(libvirt_uri_aliases=['a']) == [
        'lab1: libvirt_uri_aliases must be a dict of alias name -> URI, got ["a"]']


def test_default_errors():
    assert errors(libvirt_uri_default=5) == [
        'lab1: libvirt_uri_default: uri_default must be a string (an alias name or a URI; an empty string'
        ' removes it), got 5']
    assert errors(libvirt_uri_default='nope', libvirt_uri_aliases_exclusive=True,
                  libvirt_uri_aliases={'lab': 'qemu:///system'}) == [
        "lab1: libvirt_uri_default: uri_default 'nope' is neither an alias defined in the file nor a URI libvirt"
        " can use (a URI needs a driver, such as qemu:///system)"]
    # Not exclusive: the file may hold the alias already.
    assert errors(libvirt_uri_default='nope') == []


def test_user_default_naming_a_system_alias_needs_inheritance():
    variables = dict(libvirt_uri_aliases={'hv9': 'qemu:///system'}, libvirt_uri_users=[
        {'user': 'alice', 'default': 'hv9'}])
    assert errors(**variables) == []
    assert errors(libvirt_uri_users_inherit=False, **variables) == [
        "lab1: libvirt_uri_users[0].default: uri_default 'hv9' is an alias of /etc/libvirt/libvirt.conf only, not"
        " of this user's file: libvirt reads /etc/libvirt/libvirt.conf only for root; every other account reads"
        " only its own $XDG_CONFIG_HOME/libvirt/libvirt.conf, so an alias of the system file means nothing to a"
        " user"]


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
    found = errors(libvirt_uri_aliases_from_group='hypervisors', libvirt_uri_alias_uri_template='{{ host }}')
    assert [m.split(' is refused: ')[0] for m in found] == [
        "lab1: libvirt_uri_alias_uri_template: the URI made for host 'hv1.example.com' (address"
        " 'hv1.example.com') 'hv1.example.com'",
        "lab1: libvirt_uri_alias_uri_template: the URI made for host 'hv2' (address '10.0.0.12') '10.0.0.12'"]


def test_user_errors():
    users = [1, {}, {'user': ''}, {'user': 'alice', 'xdg_config_home': 'rel'},
             {'user': 'bob', 'aliases': ['x']}, {'user': 'alice', 'xdg_config_home': 'rel'},
             {'user': 'carol', 'default': 'x', 'exclusive': True, 'aliases': {'y': 'test:///default'}},
             {'user': 'dave', 'defualt': 'x'}]
    assert errors(libvirt_uri_users=users) == [
        'lab1: libvirt_uri_users[0] needs a "user" (an account name or uid), got 1',
        'lab1: libvirt_uri_users[1] needs a "user" (an account name or uid), got {}',
        'lab1: libvirt_uri_users[2] needs a "user" (an account name or uid), got {"user": ""}',
        "lab1: libvirt_uri_users[3].xdg_config_home: xdg_config_home 'rel' of user 'alice' is not an absolute path",
        'lab1: libvirt_uri_users[4].aliases must be a dict of alias name -> URI, got ["x"]',
        "lab1: libvirt_uri_users[5].xdg_config_home: xdg_config_home 'rel' of user 'alice' is not an absolute path",
        "lab1: libvirt_uri_users[5]: user 'alice' is already listed at libvirt_uri_users[3] for the same"
        " file; merge the two entries",
        'lab1: libvirt_uri_users[7]: unknown key defualt; the keys are user, default, aliases, exclusive,'
        ' xdg_config_home, remote_mode, remote_proxy',
        "lab1: libvirt_uri_users[6].default: uri_default 'x' is neither an alias defined in the file nor a URI"
        " libvirt can use (a URI needs a driver, such as qemu:///system)",
    ]
    assert errors(libvirt_uri_users='alice') == [
        'lab1: libvirt_uri_users must be a list of {user, default, aliases, exclusive, xdg_config_home, remote_mode,'
        ' remote_proxy}, got "alice"']


@pytest.mark.parametrize('variables, message', [
    ('x', "libvirt_uri_role_plan expects a dict of the libvirt_uri role variables (%s), got str: 'x'"),
    ({'libvirt_uri_alias': {}}, 'libvirt_uri_role_plan: unknown variable libvirt_uri_alias; the role'
                                ' variables it reads are %s'),
])
def test_bad_filter_input(variables, message):
    with pytest.raises(AnsibleFilterError) as info:
        libvirt_uri_role_plan(variables, 'lab1')
    assert str(info.value) == message % ', '.join(ROLE_VARIABLES)


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
    message = ("hv1.example.com: libvirt_uri_aliases: alias name 'db.old' is not a valid alias name: aliases may"
               " only contain the characters A-Z, a-z, 0-9, '_' and '-', and must not be empty")
    # The module task fails with the plan's errors (its action refuses them on the controller), and the
    # rescue raises that failure again, unchanged; the bindings path goes no further.
    tasks = re.findall(r'^TASK \[virtkit\.libvirt_client\.libvirt_uri : (.*?)\]', output, re.M)
    assert tasks[1:] == ['Configure libvirt client configuration files (libvirt.conf, libvirt-admin.conf)',
                         'Install the Augeas Python bindings and configure again',
                         'Fail as the configuration task did'], output
    assert tasks[0].startswith("Validating arguments against arg spec 'main'")
    fatal = re.findall(r'^fatal: \[hv1\.example\.com\]: FAILED! => (.*)$', output, re.M)
    assert [json.loads(line)['msg'] for line in fatal] == [message, message], output
    assert json.loads(fatal[0])['errors'] == [message]
    result = json.loads((tmp_path / 'plan.json').read_text())
    assert result['errors'] == []
    assert result['group_entries'] == [
        {'host': 'hv1.example.com', 'name': 'hv1-example-com', 'address': 'hv1.example.com',
         'uri': 'test:///default?mesh=hv1.example.com'},
        {'host': 'hv2', 'name': 'hv2', 'address': '10.0.0.12', 'uri': 'test:///default?mesh=10.0.0.12'},
        {'host': 'hv2.x', 'name': 'hv2-x', 'address': 'hv2.x', 'uri': 'test:///default?mesh=hv2.x'},
    ]
