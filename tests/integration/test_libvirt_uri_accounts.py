# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""virtkit.libvirt_client.libvirt_uri_accounts run by ansible-playbook, checked with real virsh as each account.

Every run happens in a private mount namespace (``tests/helpers/playbook.py``)
with its own /etc/libvirt, /home, /etc/skel, /etc/login.defs and accounts
(/etc/passwd and /etc/group), so nothing of the machine's is touched.
"""

import glob
import json
import os
import shutil
import subprocess
import sys

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._libvirt_role_plan import role_plan
from ansible_collections.virtkit.libvirt_client.tests.helpers.files import read
from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import PrivateHost, run_play

MODULE = 'virtkit.libvirt_client.libvirt_uri_accounts'
GROUP = 'vkaccg'
GID = 2950
# vkacc1 and vkacc2 are supplementary members of GROUP, vkacc3 a primary one; vkacc4 and vkacc5 are not members.
ACCOUNTS = {'vkacc1': 2901, 'vkacc2': 2902, 'vkacc3': (2903, GID), 'vkacc4': 2904, 'vkacc5': 2905}
HV1 = 'test:///default?host=hv1'
HV2 = 'test:///default?host=hv2'


class Host(PrivateHost):
    def run(self, args, **kwargs):  # pylint: disable=arguments-differ
        return PrivateHost.run(self, MODULE, args, **kwargs)


@pytest.fixture
def host(world_tmp):
    assert os.geteuid() == 0, 'these tests use mount namespaces: run them as root (make test)'
    return Host(world_tmp, accounts=ACCOUNTS, members={GROUP: (GID, ['vkacc1', 'vkacc2'])})


def uid_gid(name):
    ids = ACCOUNTS[name]
    return ids if isinstance(ids, tuple) else (ids, ids)


SYSTEM = {'aliases': {'hv1': HV1, 'hv2': HV2}, 'uri_default': 'hv1'}
INHERITED = 'uri_aliases = [\n  "hv1=%s",\n  "hv2=%s",\n]\nuri_default = "hv1"\n' % (HV1, HV2)


def test_group_members_and_skel_get_the_system_settings_and_virsh_agrees(host):
    result = host.run({'system': SYSTEM, 'users_from_group': GROUP, 'skel': True})
    assert result['changed'] is True and not result.get('failed'), result
    assert result['accounts'] == ['vkacc1', 'vkacc2', 'vkacc3']
    assert [(f['scope'], f['user'], f['path']) for f in result['files']] == [
        ('system', 'root', '/etc/libvirt/libvirt.conf'),
        ('skel', None, '/etc/skel/.config/libvirt/libvirt.conf'),
        ('user', 'vkacc1', '/home/vkacc1/.config/libvirt/libvirt.conf'),
        ('user', 'vkacc2', '/home/vkacc2/.config/libvirt/libvirt.conf'),
        ('user', 'vkacc3', '/home/vkacc3/.config/libvirt/libvirt.conf')]
    for path in (host.system_conf, host.skel_conf, host.user_conf('vkacc1'), host.user_conf('vkacc2'),
                 host.user_conf('vkacc3')):
        assert read(path) == INHERITED, path
    for name in ('vkacc1', 'vkacc2', 'vkacc3'):
        st = os.stat(host.user_conf(name))
        uid, gid = uid_gid(name)
        assert (st.st_uid, st.st_gid) == (uid, gid)
        for d in (os.path.dirname(host.user_conf(name)), os.path.dirname(os.path.dirname(host.user_conf(name)))):
            assert os.stat(d).st_uid == uid and os.stat(d).st_mode & 0o777 == 0o700
        assert host.virsh(name) == HV1
    assert host.virsh('root') == HV1
    # The non-members get no file; plain virsh as them still probes.
    assert not os.path.exists(os.path.dirname(os.path.dirname(host.user_conf('vkacc4'))))
    assert host.virsh('vkacc4') != HV1

    # An account created after the run starts from /etc/skel, as useradd -m does.
    shutil.copytree(os.path.join(host.root, 'skel'), host.home('vkacc5'), dirs_exist_ok=True)
    for dirpath, dirnames, filenames in os.walk(host.home('vkacc5')):
        for name in [dirpath] + [os.path.join(dirpath, n) for n in filenames]:
            os.chown(name, *uid_gid('vkacc5'))
    assert host.virsh('vkacc5') == HV1

    before = dict((p, os.stat(p).st_mtime_ns) for p in (host.system_conf, host.user_conf('vkacc1')))
    again = host.run({'system': SYSTEM, 'users_from_group': GROUP, 'skel': True})
    assert again['changed'] is False and not again.get('failed'), again
    assert dict((p, os.stat(p).st_mtime_ns) for p in before) == before


def test_check_mode_creates_nothing_and_diff_names_each_file(host):
    result = host.run({'system': SYSTEM, 'users_from_group': GROUP, 'skel': True}, check=True, diff=True)
    assert result['changed'] is True, result
    assert os.listdir(os.path.join(host.root, 'etc-libvirt')) == []
    assert os.listdir(os.path.join(host.root, 'skel')) == []
    for name in ACCOUNTS:
        assert os.listdir(host.home(name)) == []
    headers = [(d['before_header'], d['after'] == INHERITED) for d in result['diff']]
    assert headers == [('/etc/libvirt/libvirt.conf', True), ('/etc/skel/.config/libvirt/libvirt.conf', True),
                       ('/home/vkacc1/.config/libvirt/libvirt.conf', True),
                       ('/home/vkacc2/.config/libvirt/libvirt.conf', True),
                       ('/home/vkacc3/.config/libvirt/libvirt.conf', True)]


def test_explicit_entries_override_per_key_and_root_means_the_system_file(host):
    users = [{'user': 'vkacc4', 'aliases': {'own': 'test:///default?host=own', 'hv2': 'test:///default?x=1'},
              'uri_default': 'own'},
             {'user': 'root', 'aliases': {'rootonly': 'test:///default?host=root'}}]
    result = host.run({'system': SYSTEM, 'users': users})
    assert not result.get('failed'), result
    assert [(f['scope'], f['user']) for f in result['files']] == [('system', 'root'), ('user', 'vkacc4')]
    assert read(host.system_conf) == ('uri_aliases = [\n  "hv1=%s",\n  "hv2=%s",\n  "rootonly=test:///default'
                                      '?host=root",\n]\nuri_default = "hv1"\n' % (HV1, HV2))
    assert not os.path.exists(os.path.join(host.root, 'home', 'root'))
    assert read(host.user_conf('vkacc4')) == (
        'uri_aliases = [\n  "hv1=%s",\n  "hv2=test:///default?x=1",\n  "rootonly=test:///default?host=root",\n'
        '  "own=test:///default?host=own",\n]\nuri_default = "own"\n' % HV1)
    assert host.virsh('vkacc4') == 'test:///default?host=own'
    assert host.virsh('root') == HV1


def test_without_inherit_only_explicit_entries_count(host):
    result = host.run({'system': SYSTEM, 'users_from_group': GROUP, 'inherit': False,
                       'users': [{'user': 'vkacc1', 'uri_default': HV2}]})
    assert not result.get('failed'), result
    assert [(f['scope'], f['user']) for f in result['files']] == [('system', 'root'), ('user', 'vkacc1')]
    assert read(host.user_conf('vkacc1')) == 'uri_default = "%s"\n' % HV2
    assert not os.path.exists(os.path.join(host.home('vkacc2'), '.config'))
    assert host.virsh('vkacc1') == HV2


def test_unsafe_homes_are_reported_and_left_alone_while_others_are_done(host):
    # vkacc1: ~/.config is a link to a directory of root's; vkacc2: home owned by root; vkacc3: no home.
    target = os.path.join(host.root, 'elsewhere')
    os.mkdir(target)
    os.symlink(target, os.path.join(host.home('vkacc1'), '.config'))
    os.chown(host.home('vkacc2'), 0, 0)
    os.rmdir(host.home('vkacc3'))
    result = host.run({'system': SYSTEM, 'users_from_group': GROUP,
                       'users': [{'user': 'vkacc4', 'uri_default': HV2}]})
    assert result.get('failed') is True and result['changed'] is True, result
    unsafe = dict((u['user'], u['reason']) for u in result['unsafe'])
    assert sorted(unsafe) == ['vkacc1', 'vkacc2', 'vkacc3']
    assert 'symbolic link' in unsafe['vkacc1']
    assert 'belongs to uid 0' in unsafe['vkacc2']
    assert 'No such file or directory' in unsafe['vkacc3']
    for name in ('vkacc1', 'vkacc2', 'vkacc3'):
        assert name in result['msg'] and unsafe[name] in result['msg']
    assert os.listdir(target) == []
    assert os.listdir(host.home('vkacc2')) == []
    assert read(host.user_conf('vkacc4')) == INHERITED.replace('uri_default = "hv1"', 'uri_default = "%s"' % HV2)
    assert read(host.system_conf) == INHERITED


def test_all_users_follows_login_defs(host):
    host.set_login_defs('# only vkacc2 and vkacc3\nUID_MIN %d\nUID_MAX\t%d\n'
                        % (uid_gid('vkacc2')[0], uid_gid('vkacc3')[0]))
    result = host.run({'system': SYSTEM, 'all_users': True})
    assert not result.get('failed'), result
    assert result['accounts'] == ['vkacc2', 'vkacc3']


def test_refusals_name_the_value_and_change_nothing(host):
    result = host.run({'system': {'aliases': {'bad name': HV1}}, 'users_from_group': GROUP})
    assert result.get('failed') is True
    assert "alias name 'bad name' is not a valid alias name" in result['msg']
    result = host.run({'system': SYSTEM, 'users_from_group': 'vk-no-such-group'})
    assert result.get('failed') is True
    assert result['msg'] == "users_from_group: there is no group 'vk-no-such-group' on this host"
    assert os.listdir(os.path.join(host.root, 'etc-libvirt')) == []


def test_unchanged_run_needs_no_augeas_and_a_change_says_it_is_missing(host):
    pyenv = os.environ.get('PYENV_ROOT', os.path.expanduser('~/.pyenv'))
    candidates = sorted(glob.glob(os.path.join(pyenv, 'versions', '3.*', 'bin', 'python3')))
    bare = [p for p in candidates
            if subprocess.run([p, '-c', 'import sys; assert sys.version_info >= (3, 8); import augeas'],
                              capture_output=True, check=False).returncode != 0
            and subprocess.run([p, '-c', 'import sys; assert sys.version_info >= (3, 8)'],
                               capture_output=True, check=False).returncode == 0]
    assert bare, 'no Python without python-augeas found under pyenv'
    with open(host.system_conf, 'w') as f:
        f.write(INHERITED)
    result = host.run({'system': SYSTEM}, interpreter=bare[0])
    assert result['changed'] is False and not result.get('failed'), result
    result = host.run({'system': dict(SYSTEM, uri_default='hv2')}, interpreter=bare[0])
    assert result.get('failed') is True and result['missing_python_augeas'] is True, result
    assert read(host.system_conf) == INHERITED


def test_alias_module_user_scope_for_root_edits_the_system_file(host):
    result = run_play([{'name': 'call', 'virtkit.libvirt_client.libvirt_uri_alias': {
        'scope': 'user', 'user': 'root', 'name': 'hv1', 'uri': HV1}, 'ignore_errors': True}],
        wrapper=host.wrapper())[0]
    assert not result.get('failed'), result
    assert (result['scope'], result['user'], result['path']) == ('system', 'root', '/etc/libvirt/libvirt.conf')
    assert read(host.system_conf) == 'uri_aliases = [\n  "hv1=%s",\n]\n' % HV1
    assert not os.path.exists('/root/.config/libvirt/libvirt.conf') or 'hv1=' not in read(
        '/root/.config/libvirt/libvirt.conf')


def test_the_audit_selects_the_same_accounts(host):
    """libvirt_uri_info's users_from_group and all_users mean the accounts libvirt_uri_accounts writes."""
    written = host.run({'system': SYSTEM, 'users_from_group': GROUP, 'users': [{'user': 'vkacc4', 'uri_default': HV2}]})
    assert not written.get('failed'), written
    audit = PrivateHost.run(host, 'virtkit.libvirt_client.libvirt_uri_info',
                            {'users': ['vkacc4'], 'users_from_group': GROUP})
    assert not audit.get('failed'), audit
    assert [(c['scope'], c['user'], c['path']) for c in audit['configs']] == \
        [('system', None, '/etc/libvirt/libvirt.conf')] + [
            ('user', f['user'], f['path']) for f in written['files'] if f['scope'] == 'user']
    assert [c['default_uri']['uri'] for c in audit['configs']] == [HV1, HV2, HV1, HV1, HV1]
    host.set_login_defs('UID_MIN 2902\nUID_MAX 2903\n')
    audit = PrivateHost.run(host, 'virtkit.libvirt_client.libvirt_uri_info', {'system': False, 'all_users': True})
    assert [c['user'] for c in audit['configs']] == ['vkacc2', 'vkacc3']
    missing = PrivateHost.run(host, 'virtkit.libvirt_client.libvirt_uri_info', {'users_from_group': 'vk-nope'})
    assert missing['failed'] is True and missing['msg'] == "users_from_group: there is no group 'vk-nope' on this host"


# -- the libvirt_uri role's way in: its variables, planned by the action -----------------------------------------------

ROLE_OPTION = '__libvirt_uri_role_vars'


def test_the_roles_variables_give_the_same_files_as_the_options_of_their_plan(host):
    variables = {'libvirt_uri_aliases': SYSTEM['aliases'], 'libvirt_uri_default': 'hv1',
                 'libvirt_uri_users_from_group': GROUP}
    plan = role_plan(variables, 'localhost')
    assert plan['errors'] == []
    check = host.run({ROLE_OPTION: variables}, check=True, diff=True)
    assert check['changed'] is True and not check.get('failed'), check
    assert not os.path.exists(host.system_conf)
    result = host.run({ROLE_OPTION: variables})
    assert result['changed'] is True and not result.get('failed'), result
    assert result['accounts'] == ['vkacc1', 'vkacc2', 'vkacc3']
    for path in (host.system_conf, host.user_conf('vkacc1'), host.user_conf('vkacc3')):
        assert read(path) == INHERITED, path
    assert host.virsh('vkacc2') == HV1
    again = host.run(plan['args'])
    assert again['changed'] is False and not again.get('failed'), again


UNREACHABLE = {'ansible_connection': 'ssh', 'ansible_host': '127.0.0.1', 'ansible_port': 9,
               'ansible_ssh_common_args': '-o ConnectTimeout=5 -o ControlMaster=no -o ControlPath=none'}


@pytest.mark.parametrize('args, message', [
    ({ROLE_OPTION: {'libvirt_uri_aliases': {'db.old': 'qemu:///system'}, 'libvirt_uri_users': 'alice'}},
     "localhost: libvirt_uri_aliases: alias name 'db.old' is not a valid alias name: aliases may only contain the"
     " characters A-Z, a-z, 0-9, '_' and '-', and must not be empty; localhost: libvirt_uri_users must be a list of"
     ' {user, default, aliases, exclusive, xdg_config_home, remote_mode, remote_proxy}, got "alice"'),
    ({ROLE_OPTION: {}, 'skel': True},
     MODULE + ': __libvirt_uri_role_vars takes the place of every other option; also given: skel'),
    ({ROLE_OPTION: {'libvirt_uri_alias': {}}},
     MODULE + ': libvirt_uri_role_plan: unknown variable libvirt_uri_alias; the role variables it reads are '
     'libvirt_uri_default, libvirt_uri_aliases, libvirt_uri_aliases_exclusive, libvirt_uri_aliases_from_group, '
     'libvirt_uri_alias_uri_template, libvirt_uri_users, libvirt_uri_users_from_group, libvirt_uri_all_users, '
     'libvirt_uri_skel, libvirt_uri_users_inherit, libvirt_uri_backup, libvirt_uri_remote_mode, '
     'libvirt_uri_remote_proxy, libvirt_uri_admin_aliases, libvirt_uri_admin_default'),
])
def test_refused_role_variables_fail_on_the_controller_without_contacting_the_host(args, message):
    # The host is a closed port: any attempt to reach it would make the task unreachable instead.
    result = run_play([{'name': 'call', MODULE: args, 'ignore_errors': True, 'vars': UNREACHABLE}])[0]
    assert result.get('failed') is True and not result.get('unreachable'), result
    assert result['msg'] == message


def test_the_roles_option_is_no_option_of_the_module(tmp_path):
    """Without its action (the module run as on a target), the module refuses the role's option and reads no file."""
    import ansible_collections
    args = tmp_path / 'args.json'
    args.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': {ROLE_OPTION: {'libvirt_uri_skel': True}}}))
    env = dict(os.environ, PYTHONPATH=os.path.dirname(list(ansible_collections.__path__)[0]))
    module = 'ansible_collections.virtkit.libvirt_client.plugins.modules.libvirt_uri_accounts'
    proc = subprocess.run([sys.executable, '-m', module, str(args)], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    result = json.loads(proc.stdout)
    assert result['failed'] is True and not result.get('changed'), result
    assert result['msg'].startswith('Unsupported parameters for (') and ROLE_OPTION in result['msg'], result
    assert 'files' not in result
