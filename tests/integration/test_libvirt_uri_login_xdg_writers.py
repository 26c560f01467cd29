# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The writers follow the XDG_CONFIG_HOME an account's login sets: libvirt_uri_accounts and
libvirt_uri_alias (scope=user) write the file the login makes libvirt read, refuse one outside the home
or one that cannot be told, and let an explicit xdg_config_home win; a real login's virsh agrees.

Every run happens in a private mount namespace (``tests/helpers/playbook.py``) with its own /etc (an
overlay: profile.d scripts are added to its upper layer), /home and accounts.
"""

import os
import subprocess

import pytest

from ansible_collections.virtkit.libvirt_client.tests.helpers.files import read
from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import VIRSH, PrivateHost

ACCOUNTS = {'vkxdg1': 2961, 'vkxdg2': 2962, 'vkxdg3': 2963, 'vkxdg4': 2964}
GROUP = 'vkxdgg'
HV1 = 'test:///default?host=hv1'
SYSTEM = {'aliases': {'hv1': HV1}, 'uri_default': 'hv1'}
INHERITED = 'uri_aliases = [\n  "hv1=%s",\n]\nuri_default = "hv1"\n' % HV1


@pytest.fixture
def host(world_tmp):
    assert os.geteuid() == 0, 'these tests use mount namespaces: run them as root (make test)'
    return PrivateHost(world_tmp, accounts=ACCOUNTS, members={GROUP: (2969, sorted(ACCOUNTS))})


def write_as(host, name, relative, text):
    path = os.path.join(host.home(name), relative)
    with open(path, 'w') as f:
        f.write(text)
    os.chown(path, ACCOUNTS[name], ACCOUNTS[name])
    return path


def login_virsh(host, name):
    """``virsh uri`` in a login shell of the account on the host (/etc/profile, ~/.profile)."""
    # runuser -l: a login shell through PAM (su asks the accounts' password database, which this host's
    # overlay of /etc does not give them).
    command = host.wrapper() + ['runuser', '-l', name, '-c', 'LIBVIRT_AUTOSTART=0 %s -q uri' % VIRSH]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False,
                          env={'PATH': '/usr/sbin:/usr/bin:/sbin:/bin'})
    return proc.stdout.strip() if proc.returncode == 0 else 'error: ' + proc.stderr.strip()


def accounts(host, args, **kwargs):
    return host.run('virtkit.libvirt_client.libvirt_uri_accounts', args, **kwargs)


def test_accounts_write_the_file_the_login_reads_and_refuse_one_outside_the_home(host):
    write_as(host, 'vkxdg1', '.profile', 'export XDG_CONFIG_HOME="$HOME/.cfg"\n')
    write_as(host, 'vkxdg2', '.profile', '# site layout\nexport XDG_CONFIG_HOME=/srv/cfg/vkxdg2\n')
    write_as(host, 'vkxdg3', '.profile', 'export XDG_CONFIG_HOME=$HOME/.ignored\n')
    users = [{'user': 'vkxdg3', 'xdg_config_home': '/home/vkxdg3/.explicit'}]
    args = {'system': SYSTEM, 'users_from_group': GROUP, 'users': users}

    # Check mode and diff: nothing is made, the diff names the files the logins read.
    checked = accounts(host, args, check=True, diff=True)
    assert checked['failed'] is True and checked['changed'] is True, checked
    assert [d['before_header'] for d in checked['diff']][1:] == [
        '/home/vkxdg3/.explicit/libvirt/libvirt.conf', '/home/vkxdg1/.cfg/libvirt/libvirt.conf',
        '/home/vkxdg4/.config/libvirt/libvirt.conf']
    assert sorted(os.listdir(host.home('vkxdg1'))) == ['.profile']

    result = accounts(host, args)
    assert result['failed'] is True and result['changed'] is True, result
    files = dict((f['user'], f) for f in result['files'] if f['scope'] == 'user')
    assert files['vkxdg1']['path'] == '/home/vkxdg1/.cfg/libvirt/libvirt.conf'
    assert files['vkxdg1']['config_home'] == {'source': 'login', 'value': '/home/vkxdg1/.cfg',
                                              'file': '/home/vkxdg1/.profile', 'line': 1}
    assert files['vkxdg3']['path'] == '/home/vkxdg3/.explicit/libvirt/libvirt.conf'
    assert files['vkxdg3']['config_home'] == {'source': 'option', 'value': '/home/vkxdg3/.explicit',
                                              'file': None, 'line': None}
    assert files['vkxdg4']['config_home'] == {'source': 'default', 'value': None, 'file': None, 'line': None}
    assert files['vkxdg2']['failed'] is True and files['vkxdg2']['changed'] is False
    assert files['vkxdg2']['path'] == '/home/vkxdg2/.config/libvirt/libvirt.conf'
    [unsafe] = result['unsafe']
    assert unsafe['user'] == 'vkxdg2'
    assert ("sets XDG_CONFIG_HOME to '/srv/cfg/vkxdg2' in /home/vkxdg2/.profile:2, outside the home directory"
            in unsafe['reason'])
    assert 'vkxdg2' in result['msg'] and 'left untouched' in result['msg']
    assert os.listdir(host.home('vkxdg2')) == ['.profile']
    for name, relative in (('vkxdg1', '.cfg'), ('vkxdg3', '.explicit'), ('vkxdg4', '.config')):
        path = os.path.join(host.home(name), relative, 'libvirt', 'libvirt.conf')
        assert read(path) == INHERITED
        assert os.stat(path).st_uid == ACCOUNTS[name]
        assert os.stat(os.path.dirname(path)).st_uid == ACCOUNTS[name]
    assert not os.path.exists(os.path.join(host.home('vkxdg1'), '.config'))
    # A real login of the moved account connects where the collection said.
    assert login_virsh(host, 'vkxdg1') == HV1
    assert login_virsh(host, 'vkxdg4') == HV1

    # The same run again changes nothing and still fails for the account it cannot reach.
    again = accounts(host, args)
    assert again['changed'] is False and again['failed'] is True
    assert [u['user'] for u in again['unsafe']] == ['vkxdg2']


def test_a_site_policy_in_profile_d_moves_every_account(host):
    profile_d = os.path.join(host.root, 'etc-upper', 'profile.d')
    os.makedirs(profile_d)
    with open(os.path.join(profile_d, 'xdg.sh'), 'w') as f:
        f.write('export XDG_CONFIG_HOME="$HOME/.site-config"\n')
    os.chmod(os.path.join(profile_d, 'xdg.sh'), 0o644)
    result = accounts(host, {'system': SYSTEM, 'users_from_group': GROUP})
    assert not result.get('failed') and result['changed'] is True, result
    for name in ACCOUNTS:
        path = '/home/%s/.site-config/libvirt/libvirt.conf' % name
        [entry] = [f for f in result['files'] if f['user'] == name]
        assert entry['path'] == path
        assert entry['config_home'] == {'source': 'login', 'value': '/home/%s/.site-config' % name,
                                        'file': '/etc/profile.d/xdg.sh', 'line': 1}
        assert read(os.path.join(host.root, path.lstrip('/'))) == INHERITED
        assert login_virsh(host, name) == HV1


def test_a_setting_that_cannot_be_told_is_refused(host):
    write_as(host, 'vkxdg1', '.profile', 'export XDG_CONFIG_HOME="$(mktemp -d)"\n')
    result = accounts(host, {'system': SYSTEM, 'users': [{'user': 'vkxdg1'}]})
    assert result['failed'] is True
    [unsafe] = result['unsafe']
    assert 'cannot be told' in unsafe['reason'] and '/home/vkxdg1/.profile:1' in unsafe['reason']
    assert os.listdir(host.home('vkxdg1')) == ['.profile']


def alias(host, args, **kwargs):
    return host.run('virtkit.libvirt_client.libvirt_uri_alias', dict(args, scope='user'), **kwargs)


def test_alias_in_user_scope_follows_the_login(host):
    write_as(host, 'vkxdg1', '.profile', 'export XDG_CONFIG_HOME=~/.cfg\n')
    checked = alias(host, {'user': 'vkxdg1', 'name': 'hv1', 'uri': HV1}, check=True, diff=True)
    assert checked['changed'] is True and checked['path'] == '/home/vkxdg1/.cfg/libvirt/libvirt.conf', checked
    assert checked['config_home'] == {'source': 'login', 'value': '/home/vkxdg1/.cfg',
                                      'file': '/home/vkxdg1/.profile', 'line': 1}
    assert os.listdir(host.home('vkxdg1')) == ['.profile']
    result = alias(host, {'user': 'vkxdg1', 'name': 'hv1', 'uri': HV1, 'uri_default': 'hv1'})
    assert result['changed'] is True and result['path'] == '/home/vkxdg1/.cfg/libvirt/libvirt.conf', result
    assert login_virsh(host, 'vkxdg1') == HV1
    # An explicit xdg_config_home wins.
    explicit = alias(host, {'user': 'vkxdg1', 'name': 'hv1', 'uri': HV1, 'xdg_config_home': '/home/vkxdg1/.x'})
    assert explicit['path'] == '/home/vkxdg1/.x/libvirt/libvirt.conf'
    assert explicit['config_home']['source'] == 'option'
    # Outside the home: refused, nothing written.
    write_as(host, 'vkxdg2', '.profile', 'export XDG_CONFIG_HOME=/tmp\n')
    refused = alias(host, {'user': 'vkxdg2', 'name': 'hv1', 'uri': HV1})
    assert refused['failed'] is True and refused['changed'] is False
    assert "user 'vkxdg2'" in refused['msg'] and "XDG_CONFIG_HOME to '/tmp'" in refused['msg']
    assert 'left untouched' in refused['msg']
    assert os.listdir(host.home('vkxdg2')) == ['.profile']
    # An account whose login never names it gets ~/.config, and says so.
    plain = alias(host, {'user': 'vkxdg4', 'name': 'hv1', 'uri': HV1})
    assert plain['path'] == '/home/vkxdg4/.config/libvirt/libvirt.conf'
    assert plain['config_home'] == {'source': 'default', 'value': None, 'file': None, 'line': None}
