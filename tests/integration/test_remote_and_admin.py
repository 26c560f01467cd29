# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""remote_mode, remote_proxy and libvirt-admin.conf written by the modules, judged by real virsh and virt-admin.

Every run happens in a private mount namespace (``tests/helpers/playbook.py``) with its own
/etc/libvirt, /home and accounts: the machine's own files are never touched.  No daemon runs, so
libvirt's clients fail with the socket they tried, which shows what they made of the files:
``virsh -c qemu:///system`` tries ``libvirt-sock`` in the legacy mode and ``virtqemud-sock`` in the
direct mode; ``virt-admin -c ALIAS`` tries the admin socket of the URI the alias stands for.
"""

import hashlib
import os
import shutil
import subprocess

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.filter.libvirt_uri_role import libvirt_uri_role_plan
from ansible_collections.virtkit.libvirt_client.tests.helpers.files import read
from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import PrivateHost, run_one

ACCOUNTS_MODULE = 'virtkit.libvirt_client.libvirt_uri_accounts'
ALIAS_MODULE = 'virtkit.libvirt_client.libvirt_uri_alias'
GROUP = 'vkremg'
GID = 2970
ACCOUNTS = {'vkrem1': 2971, 'vkrem2': 2972}
VIRT_ADMIN = shutil.which('virt-admin')
SSH_ALIAS = 'qemu+ssh://root@127.0.0.1/system'
# Where Debian's virsh looks for the system daemons' sockets (virt-admin uses /run/libvirt).
VIRSH_RUN = '/var/run/libvirt'


@pytest.fixture
def host(world_tmp):
    assert os.geteuid() == 0, 'these tests use mount namespaces: run them as root (make test)'
    assert VIRT_ADMIN, 'virt-admin is missing: run `make deps` (libvirt-clients)'
    return PrivateHost(world_tmp, accounts=ACCOUNTS, members={GROUP: (GID, sorted(ACCOUNTS))})


def runtime_dir(user):
    return '/tmp/vk-run-%s' % user


def client(host, user, program, name):
    """The last line ``program -c name uri`` prints as ``user`` on ``host`` (its output or its last error)."""
    home = '/root' if user == 'root' else '/home/%s' % user
    cmd = host.wrapper() + ['runuser', '-u', user, '--', 'env', '-i', 'PATH=/usr/bin:/bin', 'HOME=' + home,
                            'XDG_RUNTIME_DIR=' + runtime_dir(user), 'LIBVIRT_AUTOSTART=0',
                            program, '-q', '-c', name, 'uri']
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode == 0:
        return proc.stdout.strip()
    errors = [line for line in proc.stderr.splitlines() if line.startswith('error: ')]
    return errors[-1] if errors else 'error: ' + proc.stderr.strip()


def socket_error(path):
    return "error: Failed to connect socket to '%s': No such file or directory" % path


def admin_conf(host, user):
    if user == 'root':
        return os.path.join(host.root, 'etc-libvirt', 'libvirt-admin.conf')
    return os.path.join(host.home(user), '.config', 'libvirt', 'libvirt-admin.conf')


def digest(paths):
    out = {}
    for path in paths:
        if os.path.exists(path):
            with open(path, 'rb') as f:
                out[path] = hashlib.sha256(f.read()).hexdigest()
        else:
            out[path] = None
    return out


def test_accounts_set_remote_mode_and_admin_aliases_that_virsh_and_virt_admin_follow(host):
    args = {'system': {'remote_mode': 'legacy'},
            'admin': {'aliases': {'qemud': 'virtqemud:///system', 'mine': 'virtqemud:///session'}},
            'users_from_group': GROUP}
    result = host.run(ACCOUNTS_MODULE, args)
    assert result['changed'] is True and not result.get('failed'), result
    assert [(f['config'], f['scope'], f['user'], f['path']) for f in result['files']] == [
        ('client', 'system', 'root', '/etc/libvirt/libvirt.conf'),
        ('client', 'user', 'vkrem1', '/home/vkrem1/.config/libvirt/libvirt.conf'),
        ('client', 'user', 'vkrem2', '/home/vkrem2/.config/libvirt/libvirt.conf'),
        ('admin', 'system', 'root', '/etc/libvirt/libvirt-admin.conf'),
        ('admin', 'user', 'vkrem1', '/home/vkrem1/.config/libvirt/libvirt-admin.conf'),
        ('admin', 'user', 'vkrem2', '/home/vkrem2/.config/libvirt/libvirt-admin.conf')]
    assert [f.get('remote_mode') for f in result['files']] == ['legacy'] * 3 + [None] * 3
    # (the play's YAML lists the keys in sorted order)
    admin_text = 'uri_aliases = [\n  "mine=virtqemud:///session",\n  "qemud=virtqemud:///system",\n]\n'
    for user in ['root'] + sorted(ACCOUNTS):
        conf = host.system_conf if user == 'root' else host.user_conf(user)
        assert read(conf) == 'remote_mode = "legacy"\n', conf
        assert read(admin_conf(host, user)) == admin_text
    # virsh reads remote_mode: the legacy mode goes to libvirtd's socket.
    assert client(host, 'root', 'virsh', 'qemu:///system') == socket_error(VIRSH_RUN + '/libvirt-sock')
    for user in ACCOUNTS:
        assert client(host, user, 'virsh', 'qemu:///session') == socket_error(
            runtime_dir(user) + '/libvirt/libvirt-sock')
        # virt-admin resolves the aliases of the user's own libvirt-admin.conf.
        assert client(host, user, 'virt-admin', 'qemud') == socket_error('/run/libvirt/virtqemud-admin-sock')
        assert client(host, user, 'virt-admin', 'mine') == socket_error(
            runtime_dir(user) + '/libvirt/virtqemud-admin-sock')
    assert client(host, 'root', 'virt-admin', 'qemud') == socket_error('/run/libvirt/virtqemud-admin-sock')
    assert client(host, 'root', 'virt-admin', 'mine') == socket_error(
        runtime_dir('root') + '/libvirt/virtqemud-admin-sock')

    # A second run changes nothing.
    files = [host.system_conf, admin_conf(host, 'root')] + [
        p for user in ACCOUNTS for p in (host.user_conf(user), admin_conf(host, user))]
    before = digest(files)
    again = host.run(ACCOUNTS_MODULE, args)
    assert again['changed'] is False and not again.get('failed'), again
    assert digest(files) == before

    # Switching to the direct mode: virsh then goes to virtqemud's socket.
    direct = host.run(ACCOUNTS_MODULE, {'system': {'remote_mode': 'direct'}, 'users_from_group': GROUP})
    assert direct['changed'] is True and not direct.get('failed'), direct
    assert read(host.system_conf) == 'remote_mode = "direct"\n'
    assert client(host, 'root', 'virsh', 'qemu:///system') == socket_error(VIRSH_RUN + '/virtqemud-sock')
    assert client(host, 'vkrem1', 'virsh', 'qemu:///session') == socket_error(
        runtime_dir('vkrem1') + '/libvirt/virtqemud-sock')
    # Removing it: every occurrence goes.
    removed = host.run(ACCOUNTS_MODULE, {'system': {'remote_mode': ''}, 'users_from_group': GROUP})
    assert removed['changed'] is True and not removed.get('failed'), removed
    assert read(host.system_conf) == '' and read(host.user_conf('vkrem2')) == ''


@pytest.mark.parametrize('args, message', [
    ({'system': {'remote_mode': 'Legacy'}}, "remote_mode 'Legacy' is refused: Unknown remote mode 'Legacy'"),
    ({'system': {'remote_proxy': 'nc'}}, "remote_proxy 'nc' is refused: Unnkown proxy type 'nc'"),
    ({'system': {}, 'users': [{'user': 'vkrem2', 'remote_mode': 'fast'}]},
     "remote_mode 'fast' is refused: Unknown remote mode 'fast'"),
    ({'system': {'remote_mode': 'direct'}},
     "remote_mode 'direct' would break the URI of alias 'far' of /etc/libvirt/libvirt.conf"),
    ({'admin': {'aliases': {'q': 'qemu:///system'}}}, "Unsupported URI scheme 'qemu'"),
])
def test_bad_values_are_refused_before_anything_is_written(host, args, message):
    original = 'uri_aliases = [ "far=%s" ]  # by hand\nremote_mode = "legacy"\n' % SSH_ALIAS
    files = [host.system_conf, host.user_conf('vkrem1'), host.user_conf('vkrem2'), admin_conf(host, 'root')]
    for path in files[:3]:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(original)
    for user, uid in ACCOUNTS.items():
        for path in (os.path.dirname(os.path.dirname(host.user_conf(user))), os.path.dirname(host.user_conf(user)),
                     host.user_conf(user)):
            os.chown(path, uid, uid)
    before = digest(files)
    result = host.run(ACCOUNTS_MODULE, dict(args, users_from_group=GROUP))
    assert result.get('failed') is True and result['changed'] is False, result
    assert message in result['msg'], result['msg']
    assert digest(files) == before
    assert not os.path.exists(admin_conf(host, 'vkrem1'))


def test_virsh_refuses_what_the_module_refuses_for_direct_mode(host):
    """The refusal of remote_mode=direct with an SSH alias is libvirt's own: virsh fails the same way."""
    with open(host.system_conf, 'w') as f:
        f.write('uri_aliases = [ "far=%s" ]\n' % SSH_ALIAS)
    result = host.run(ALIAS_MODULE, {'remote_mode': 'direct'})
    assert result.get('failed') is True, result
    assert 'Cannot use direct socket mode for ssh transport' in result['msg']
    assert read(host.system_conf) == 'uri_aliases = [ "far=%s" ]\n' % SSH_ALIAS
    with open(host.system_conf, 'a') as f:
        f.write('remote_mode = "direct"\n')
    assert client(host, 'root', 'virsh', 'far') == \
        'error: Operation not supported: Cannot use direct socket mode for ssh transport'
    # With socket= the alias works in the direct mode, and the module accepts the setting.
    with open(host.system_conf, 'w') as f:
        f.write('uri_aliases = [ "far=%s?socket=/run/libvirt/virtqemud-sock" ]\n' % SSH_ALIAS)
    result = host.run(ALIAS_MODULE, {'remote_mode': 'direct'})
    assert result['changed'] is True and not result.get('failed'), result
    assert result['remote_mode'] == 'direct'


def test_alias_module_admin_config_as_root_and_as_a_user(host):
    root = host.run(ALIAS_MODULE, {'config': 'admin', 'name': 'logd', 'uri': 'virtlogd:///system',
                                   'uri_default': 'logd'})
    assert root['changed'] is True and not root.get('failed'), root
    assert (root['path'], root['config'], root['uri_default']) == ('/etc/libvirt/libvirt-admin.conf', 'admin', 'logd')
    assert 'remote_mode' not in root
    assert read(admin_conf(host, 'root')) == 'uri_aliases = [\n  "logd=virtlogd:///system",\n]\nuri_default = "logd"\n'
    assert not os.path.exists(host.system_conf)
    assert client(host, 'root', 'virt-admin', 'logd') == socket_error('/run/libvirt/virtlogd-admin-sock')

    user = host.run(ALIAS_MODULE, {'config': 'admin', 'scope': 'user', 'user': 'vkrem1', 'name': 'own',
                                   'uri': 'virtproxyd:///session'})
    assert user['changed'] is True and not user.get('failed'), user
    assert user['path'] == '/home/vkrem1/.config/libvirt/libvirt-admin.conf'
    st = os.stat(admin_conf(host, 'vkrem1'))
    assert (st.st_uid, st.st_gid) == (2971, 2971)
    assert client(host, 'vkrem1', 'virt-admin', 'own') == socket_error(
        runtime_dir('vkrem1') + '/libvirt/virtproxyd-admin-sock')
    # root's admin file means nothing to the user.
    assert client(host, 'vkrem1', 'virt-admin', 'logd') == 'error: unsupported configuration: No URI scheme specified'

    again = host.run(ALIAS_MODULE, {'config': 'admin', 'scope': 'user', 'user': 'vkrem1', 'name': 'own',
                                    'uri': 'virtproxyd:///session'})
    assert again['changed'] is False, again

    refused = host.run(ALIAS_MODULE, {'config': 'admin', 'remote_mode': 'legacy'})
    assert refused.get('failed') is True
    assert refused['msg'].startswith("remote_mode 'legacy' cannot be used with config=admin: libvirt-admin.conf has "
                                     'no such setting')


def test_check_mode_and_diff_write_nothing(host):
    with open(host.system_conf, 'w') as f:
        f.write("# keep\nremote_mode = 'auto'  # tuned\nremote_mode = \"direct\"\n")
    before = digest([host.system_conf])
    result = host.run(ALIAS_MODULE, {'remote_mode': 'legacy', 'remote_proxy': 'netcat'}, check=True, diff=True)
    assert result['changed'] is True and not result.get('failed'), result
    assert result['diff']['after'] == "# keep\nremote_mode = 'legacy'  # tuned\nremote_mode = \"direct\"\n" \
                                      'remote_proxy = "netcat"\n'
    assert digest([host.system_conf]) == before
    result = host.run(ALIAS_MODULE, {'remote_mode': 'legacy', 'remote_proxy': 'netcat'})
    assert read(host.system_conf) == "# keep\nremote_mode = 'legacy'  # tuned\nremote_mode = \"direct\"\n" \
                                     'remote_proxy = "netcat"\n'
    # libvirt reads the first occurrence: the legacy mode.
    assert client(host, 'root', 'virsh', 'qemu:///system') == socket_error(VIRSH_RUN + '/libvirt-sock')


def virsh_mode(host, user, name):
    """The mode virsh logs for ``name`` as ``user`` (libvirt's remote driver), or None when it logs none."""
    home = '/root' if user == 'root' else '/home/%s' % user
    cmd = host.wrapper() + ['runuser', '-u', user, '--', 'env', '-i', 'PATH=/usr/bin:/bin', 'HOME=' + home,
                            'XDG_RUNTIME_DIR=' + runtime_dir(user), 'LIBVIRT_AUTOSTART=0',
                            'LIBVIRT_LOG_FILTERS=1:remote.remote_sockets', 'LIBVIRT_LOG_OUTPUTS=1:stderr',
                            'virsh', '-q', '-c', name, 'uri']
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    marker = 'Choosing remote socket for transport=unix mode='
    for line in proc.stderr.splitlines():
        if marker in line:
            return line.split(marker, 1)[1].split()[0]
    return None


def test_info_reports_the_remote_settings_and_the_mode_virsh_uses_per_alias(host):
    with open(host.system_conf, 'w') as f:
        f.write('uri_aliases = [ "l=qemu:///system", "d=qemu:///system?MODE=direct", "t=test:///default" ]\n'
                'remote_mode = "legacy"\nremote_proxy = "netcat"\n')
    result = host.run('virtkit.libvirt_client.libvirt_uri_info', {})
    [config] = [c for c in result['configs'] if c['scope'] == 'system']
    assert (config['remote_mode'], config['remote_proxy']) == ('legacy', 'netcat')
    assert config['alias_modes'] == {'l': 'legacy', 'd': 'direct', 't': None}
    for name, mode in config['alias_modes'].items():
        assert virsh_mode(host, 'root', name) == mode, name


@pytest.mark.parametrize('option, variable, value', [
    ('remote_mode', 'libvirt_uri_remote_mode', 'Legacy'),
    ('remote_mode', 'libvirt_uri_remote_mode', 'native'),
    ('remote_proxy', 'libvirt_uri_remote_proxy', 'ssh'),
])
def test_role_refuses_remote_values_with_the_modules_message(conf, option, value, variable):
    module = run_one({'path': str(conf), option: value}, check=True)
    assert module.get('failed') is True, module
    plan = libvirt_uri_role_plan({variable: value}, 'lab1')
    assert plan['errors'] == ['lab1: %s: %s' % (variable, module['msg'])]
    assert not conf.exists()


@pytest.mark.parametrize('uri', ['qemu:///system', 'virtqemud:///sys', 'virtqemud:///system?mode=direct', 'xx'])
def test_role_refuses_admin_uris_with_the_modules_message(conf, uri):
    module = run_one({'path': str(conf), 'config': 'admin', 'aliases': {'adm': uri}}, check=True)
    assert module.get('failed') is True, module
    plan = libvirt_uri_role_plan({'libvirt_uri_admin_aliases': {'adm': uri}}, 'lab1')
    assert plan['errors'] == ['lab1: libvirt_uri_admin_aliases.adm: ' + module['msg']]
    module = run_one({'path': str(conf), 'config': 'admin', 'uri_default': uri}, check=True)
    assert module.get('failed') is True, module
    if uri == 'xx':
        # A name: the module knows the file has no such alias; the role cannot know (the file may hold it).
        assert module['msg'] == ("uri_default 'xx' is neither an alias defined in the file nor an admin URI "
                                 'virt-admin can use (an admin URI names a daemon, such as virtqemud:///system)')
        assert libvirt_uri_role_plan({'libvirt_uri_admin_default': uri}, 'lab1')['errors'] == []
    else:
        plan = libvirt_uri_role_plan({'libvirt_uri_admin_default': uri}, 'lab1')
        assert plan['errors'] == ['lab1: libvirt_uri_admin_default: ' + module['msg']]
    assert not conf.exists()
