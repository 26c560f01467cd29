# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""virtkit.libvirt_client.libvirt_uri_info run by ansible-playbook on real files, checked with real virsh.

Path-scope files are checked against ``virsh`` run as ``nobody`` reading that file; user-scope files
against ``virsh`` run as a real user created for the test, with its own home, so that libvirt picks
the file itself and reads it with that user's permissions.

Every test runs on three targets (see virsh_oracle): this machine (libvirt 9.0), a Debian 13 root
(libvirt 11.3, Python 3.13) and a Debian 11 root (libvirt 7.0, Python 3.9), where the module runs
with the root's own Python (chrooted, as ansible_python_interpreter) and is checked with the root's
own virsh.
"""

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid

import pytest

from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import run_one

from ansible_collections.virtkit.libvirt_client.tests.helpers import virsh as helpers_virsh
from ansible_collections.virtkit.libvirt_client.tests.helpers.files import write
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh_oracle import ORACLES, oracle, uri_answer

MODULE = 'virtkit.libvirt_client.libvirt_uri_info'
HAIL = 'test:///default?host=hail'
SLEET = 'test:///default?host=sleet'
SYSTEM_CONF = '/etc/libvirt/libvirt.conf'


def make_conf(base, key, text):
    """BASE/KEY/libvirt/libvirt.conf holding ``text``, readable by everyone."""
    directory = base / key / 'libvirt'
    directory.mkdir(parents=True)
    os.chmod(str(base / key), 0o755)
    os.chmod(str(directory), 0o755)
    path = directory / 'libvirt.conf'
    write(path, text)
    return path


# The target of the current test (set by the autouse fixture below).
TARGET = {}


@pytest.fixture(scope='module')
def wrappers():
    directory = tempfile.mkdtemp(prefix='vk-info-targets.')
    os.chmod(directory, 0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


# The module runs on this machine, in the Debian 13 root and in the Debian 11 root (libvirt 7.0,
# Python 3.9: the oldest target here).  Debian unstable's libvirt is compared with the rules in
# tests/differential only, which keeps the suite's time down.
TARGETS = tuple(name for name in ORACLES if name in ('host', 'debian13', 'debian11'))


@pytest.fixture(autouse=True, params=TARGETS)
def target(request, wrappers):
    """Run the test on this machine, then in the Debian 13 and Debian 11 roots."""
    TARGET['oracle'] = oracle(request.param)
    TARGET['python'] = TARGET['oracle'].wrapper(wrappers, '/usr/bin/python3')
    yield TARGET['oracle']
    TARGET.clear()


def info(args, **kwargs):
    args = dict(args)
    args.setdefault('system', False)
    if TARGET['oracle'].name != 'host':
        # The module runs in the root: its payload goes through stdin, its temporary files to /tmp.
        kwargs['interpreter'] = TARGET['python']
        kwargs['extra_env'] = {'ANSIBLE_PIPELINING': '1', 'ANSIBLE_REMOTE_TMP': '/tmp/.ansible-vk-info'}
    return run_one(args, module=MODULE, **kwargs)


def virsh_uri(conf_path, name=None, env=None):
    """(ok, text): the target's ``virsh [-c name] uri`` as nobody, reading DIR/libvirt/libvirt.conf."""
    return helpers_virsh.virsh_uri(conf_path, name, env, oracle=TARGET['oracle'])


def expected(resolution):
    """A resolution in virsh_uri's form."""
    if 'uri' in resolution:
        return True, resolution['uri']
    return False, resolution['error']


def assert_same_as_virsh(conf_path, config, env=None):
    """Every resolution, and the default when it is not the probe, agree with virsh."""
    assert config['resolutions'], config
    for name, resolution in config['resolutions'].items():
        assert virsh_uri(str(conf_path), name, env=env) == expected(resolution), name
    if config['default_uri']['source'] != 'probe':
        assert virsh_uri(str(conf_path), env=env) == expected(config['default_uri'])


# -- path scope ----------------------------------------------------------------------------------

def test_valid_file_reports_aliases_duplicates_and_resolutions(world_tmp):
    conf = make_conf(world_tmp, 'valid', (
        '# fleet aliases\n'
        'remote_mode = "legacy"\n'
        'uri_aliases = [\n'
        '  "hail=%s",\n'
        "  'sleet=%s',\n"
        '  "hail=test:///default?host=shadowed",\n'
        '  "eq=test:///default?a=b=c",\n'
        ']\n'
        'uri_default = "sleet"\n'
        'uri_default = "hail"\n' % (HAIL, SLEET)))
    before = os.stat(str(conf))
    result = info({'paths': [str(conf)], 'names': ['test:///default', 'nosuch', 'hail']})
    assert result['changed'] is False, result
    # the libvirt of the target, as its virsh reports it
    assert result['libvirt_version'] == TARGET['oracle'].version
    [config] = result['configs']
    assert config == {
        'scope': 'path', 'user': None, 'path': str(conf), 'managed_path': None, 'read_as': 'root',
        'exists': True, 'readable': True, 'valid': True, 'error': None,
        'aliases': [
            {'name': 'hail', 'uri': HAIL, 'line': 4},
            {'name': 'sleet', 'uri': SLEET, 'line': 5},
            {'name': 'hail', 'uri': 'test:///default?host=shadowed', 'line': 6},
            {'name': 'eq', 'uri': 'test:///default?a=b=c', 'line': 7},
        ],
        'uri_default': 'sleet',
        # test:/// URIs never reach the remote driver: no mode.
        'remote_mode': 'legacy', 'remote_proxy': None, 'alias_modes': {'hail': None, 'sleet': None, 'eq': None},
        'duplicates': {'aliases': ['hail'], 'uri_default': True},
        'malformed': [], 'broken': False, 'broken_reason': None,
        'default_uri': {'uri': SLEET, 'source': 'uri_default'},
        'resolutions': {
            'hail': {'uri': HAIL},
            'sleet': {'uri': SLEET},
            'eq': {'uri': 'test:///default?a=b=c'},
            'test:///default': {'uri': 'test:///default'},
            'nosuch': {'error': "no connection driver available for URI 'nosuch' does not include a driver name"},
        },
        # A path is no account's file: no login environment, no virsh check; its URIs hold no risk.
        'findings': [], 'effective': None, 'verification': None,
    }
    assert_same_as_virsh(conf, config)
    after = os.stat(str(conf))
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_environment_default_goes_through_aliases(world_tmp):
    conf = make_conf(world_tmp, 'env', 'uri_aliases = [ "hail=%s" ]\nuri_default = "test:///default"\n' % HAIL)
    env = {'LIBVIRT_DEFAULT_URI': 'hail'}
    result = info({'paths': [str(conf)], 'environment': dict(env, HOME='/root', PATH='/usr/bin')})
    [config] = result['configs']
    assert config['default_uri'] == {'uri': HAIL, 'source': 'environment'}
    assert virsh_uri(str(conf), env=env) == (True, HAIL)
    assert_same_as_virsh(conf, config, env=env)

    # An empty LIBVIRT_DEFAULT_URI counts as unset.
    result = info({'paths': [str(conf)], 'environment': {'LIBVIRT_DEFAULT_URI': ''}})
    assert result['configs'][0]['default_uri'] == {'uri': 'test:///default', 'source': 'uri_default'}
    assert virsh_uri(str(conf), env={'LIBVIRT_DEFAULT_URI': ''}) == (True, 'test:///default')


def test_default_without_driver_is_an_error_like_virsh(world_tmp):
    conf = make_conf(world_tmp, 'nodriver', 'uri_default = "nosuch"\nuri_aliases = [ "hail=%s" ]\n' % HAIL)
    [config] = info({'paths': [str(conf)]})['configs']
    assert config['default_uri'] == {
        'error': "no connection driver available for URI '(null)' does not include a driver name",
        'source': 'uri_default'}
    assert config['broken'] is False
    assert_same_as_virsh(conf, config)


def test_syntax_error_breaks_everything(world_tmp):
    conf = make_conf(world_tmp, 'syntax', 'uri_aliases = [\n  "hail=%s", # a comment\n]\n' % HAIL)
    [config] = info({'paths': [str(conf)], 'names': ['test:///default']})['configs']
    message = 'configuration file syntax error: %s:2: expecting a value' % conf
    assert config['exists'] is True and config['readable'] is True
    assert config['valid'] is False
    assert config['error'] == message
    assert config['aliases'] == [] and config['malformed'] == []
    assert config['broken'] is True
    assert config['broken_reason'] == (
        'Every libvirt connection that reads %s fails, even one given an explicit URI: %s' % (conf, message))
    assert config['default_uri'] == {'error': message, 'source': None}
    assert config['resolutions'] == {'test:///default': {'error': message}}
    assert virsh_uri(str(conf), 'test:///default') == (False, message)
    assert virsh_uri(str(conf)) == (False, message)


def test_malformed_entry_breaks_every_connection_given_a_uri(world_tmp):
    conf = make_conf(world_tmp, 'malformed', (
        'uri_aliases = [\n'
        '  "hail=%s",\n'
        '  "old host",\n'
        '  "bad.name=test:///default",\n'
        '  "sleet=%s",\n'
        ']\n' % (HAIL, SLEET)))
    [config] = info({'paths': [str(conf)], 'names': ['test:///default']})['configs']
    no_equals = ("configuration file syntax error: Malformed 'uri_aliases' config entry 'old host', "
                 "expected 'alias=uri://host/path'")
    bad_chars = ("configuration file syntax error: Malformed 'uri_aliases' config entry "
                 "'bad.name=test:///default', aliases may only contain 'a-Z, 0-9, _, -'")
    assert config['valid'] is True and config['error'] is None
    assert config['aliases'] == [{'name': 'hail', 'uri': HAIL, 'line': 2},
                                 {'name': 'sleet', 'uri': SLEET, 'line': 5}]
    assert config['malformed'] == [{'entry': 'old host', 'line': 3, 'message': no_equals},
                                   {'entry': 'bad.name=test:///default', 'line': 4, 'message': bad_chars}]
    assert config['broken'] is True
    assert config['broken_reason'].startswith(
        'Every libvirt connection that reads %s and is given a URI, or a name no earlier alias has, fails '
        'with "%s" (line 3); only the aliases listed before that entry still work: hail.' % (conf, no_equals))
    # Lazy validation: the alias before the malformed entry works, the one after it does not.
    assert config['resolutions'] == {'hail': {'uri': HAIL}, 'sleet': {'error': no_equals},
                                     'test:///default': {'error': no_equals}}
    assert_same_as_virsh(conf, config)
    # Without LIBVIRT_DEFAULT_URI or uri_default libvirt skips alias lookup: the connection gets as far as
    # the daemon (which is not running here), unlike any connection given a URI.
    assert config['default_uri'] == {'uri': 'qemu:///system', 'source': 'probe'}
    ok, message = virsh_uri(str(conf))
    assert not ok and 'uri_aliases' not in message, message
    # Named by the environment, the default goes through the aliases and fails like virsh says.
    env = {'LIBVIRT_DEFAULT_URI': 'test:///default'}
    [config] = info({'paths': [str(conf)], 'environment': env})['configs']
    assert config['default_uri'] == {'error': no_equals, 'source': 'environment'}
    assert virsh_uri(str(conf), env=env) == (False, no_equals)


def test_uri_aliases_as_a_string_is_invalid(world_tmp):
    conf = make_conf(world_tmp, 'string', 'uri_aliases = "hail=%s"\nuri_default = "test:///default"\n' % HAIL)
    [config] = info({'paths': [str(conf)], 'names': ['hail']})['configs']
    message = "internal error: %s: expected a string list for 'uri_aliases' parameter" % conf
    assert config['valid'] is False
    assert config['error'] == message
    assert config['aliases'] == [] and config['malformed'] == []
    assert config['uri_default'] == 'test:///default'
    assert config['broken'] is True and message in config['broken_reason']
    assert config['resolutions'] == {'hail': {'error': message}}
    assert config['default_uri'] == {'error': message, 'source': 'uri_default'}
    assert_same_as_virsh(conf, config)


def test_missing_file_and_directory_at_the_path(world_tmp):
    missing = world_tmp / 'missing' / 'libvirt' / 'libvirt.conf'
    directory = make_conf(world_tmp, 'dir', '')
    os.unlink(str(directory))
    directory.mkdir()
    os.chmod(str(directory), 0o755)
    result = info({'paths': [str(missing), str(directory)], 'names': ['test:///default']})
    gone, isdir = result['configs']
    assert gone['exists'] is False and gone['readable'] is False
    assert gone['valid'] is True and gone['error'] is None and gone['broken'] is False
    assert gone['default_uri'] == {'uri': 'qemu:///system', 'source': 'probe'}
    assert gone['resolutions'] == {'test:///default': {'uri': 'test:///default'}}
    assert virsh_uri(str(missing), 'test:///default') == (True, 'test:///default')

    message = "Failed to read file '%s': Is a directory" % directory
    assert isdir['exists'] is True and isdir['readable'] is False and isdir['valid'] is False
    assert isdir['error'] == message
    assert isdir['broken'] is True
    assert isdir['resolutions'] == {'test:///default': {'error': message}}
    assert virsh_uri(str(directory), 'test:///default') == (False, message)
    assert virsh_uri(str(directory)) == (False, message)


def test_file_that_is_not_utf8_is_not_guessed(world_tmp):
    conf = make_conf(world_tmp, 'latin1', '')
    with open(str(conf), 'wb') as f:
        f.write(b'# caf\xe9\nuri_default = "test:///default"\n')
    [config] = info({'paths': [str(conf)]})['configs']
    assert config['readable'] is True
    assert config['valid'] is None and config['broken'] is None
    assert config['error'] == "File '%s' is not UTF-8 text: invalid byte 0xe9 at offset 5" % conf
    assert config['default_uri'] == {'error': config['error'], 'source': None}


def test_check_mode_reports_the_same_and_writes_nothing(world_tmp):
    conf = make_conf(world_tmp, 'check', 'uri_aliases = [ "hail=%s", "x" ]\n' % HAIL)
    normal = info({'paths': [str(conf)]})
    checked = info({'paths': [str(conf)]}, check=True)
    assert checked['configs'] == normal['configs']
    assert checked['changed'] is False
    with open(str(conf)) as f:
        assert f.read() == 'uri_aliases = [ "hail=%s", "x" ]\n' % HAIL


def test_system_file_is_read_as_root_reads_it():
    result = info({'system': True, 'names': ['test:///default']})
    config = result['configs'][0]
    assert len(result['configs']) == 1
    assert (config['scope'], config['user'], config['path'], config['read_as']) == (
        'system', None, SYSTEM_CONF, 'root')
    # virsh as root (on the target) reads the same file.
    ok, text = uri_answer(TARGET['oracle'].run(['-q', '-c', 'test:///default', 'uri'],
                                               {'PATH': '/usr/bin:/bin', 'LIBVIRT_AUTOSTART': '0'}, user=None))
    assert config['resolutions']['test:///default'] == ({'uri': text} if ok else {'error': text})
    if config['uri_default'] is None:
        assert config['default_uri'] == {'uri': 'qemu:///system', 'source': 'probe'}


# -- bad input -----------------------------------------------------------------------------------

def test_bad_input_is_refused_with_a_clear_message(world_tmp):
    result = info({'users': ['vk-no-such-user-%s' % uuid.uuid4().hex[:8]]})
    assert result['failed'] is True
    assert "does not exist on this host" in result['msg']

    result = info({'users': [], 'xdg_config_home': {'ghost': str(world_tmp)}})
    assert result['failed'] is True
    assert result['msg'] == "xdg_config_home names 'ghost', which is not in users (empty)"

    result = info({'users': ['nobody'], 'xdg_config_home': {'nobody': 'relative/dir'}})
    assert result['failed'] is True
    assert result['msg'] == "xdg_config_home 'relative/dir' of user 'nobody' is not an absolute path"

    for service in ('../shadow', 'vk-no-such-service'):
        result = info({'pam_service': service})
        assert result['failed'] is True
        assert result['msg'] == "pam_service must be the name of a file in /etc/pam.d, got '%s'" % service

    result = info({'environment': {'LIBVIRT_DEFAULT_URI': ['hail']}})
    assert result['failed'] is True
    assert result['msg'] == "environment LIBVIRT_DEFAULT_URI must be a string, got list (['hail'])"


# -- user scope ----------------------------------------------------------------------------------

@pytest.fixture
def user(world_tmp):
    """A real user with its home in world_tmp; removed afterwards."""
    name = 'vkinfo%s' % uuid.uuid4().hex[:8]
    home = world_tmp / 'home'
    subprocess.run(['useradd', '--create-home', '--home-dir', str(home), '--shell', '/usr/sbin/nologin',
                    '--comment', 'libvirt_client test user', name], check=True, capture_output=True, timeout=60)
    try:
        yield pwd.getpwnam(name)
    finally:
        subprocess.run(['userdel', name], check=False, capture_output=True, timeout=60)


def user_conf(pw, text, base=None):
    """Write the user's libvirt.conf (in base, default ~/.config), owned by the user."""
    base = base or os.path.join(pw.pw_dir, '.config')
    directory = os.path.join(base, 'libvirt')
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, 'libvirt.conf')
    write(path, text)
    for p in (base, directory, path):
        os.chown(p, pw.pw_uid, pw.pw_gid)
    return path


def virsh_as(pw, name=None, env=None):
    """(ok, text): the target's ``virsh [-c name] uri`` run as the user, who finds the file on its own."""
    full = dict(env or {}, PATH='/usr/bin:/bin', HOME=pw.pw_dir, LIBVIRT_AUTOSTART='0')
    args = ['-q'] + (['-c', name] if name is not None else []) + ['uri']
    return uri_answer(TARGET['oracle'].run(args, full, user=pw.pw_name))


def test_user_file_is_found_and_read_as_the_user(user):
    path = user_conf(user, 'uri_aliases = [ "hail=%s", "sleet=%s" ]\nuri_default = "hail"\n' % (HAIL, SLEET))
    result = info({'users': [user.pw_name, str(user.pw_uid), 'root']})
    mine, by_uid, root = result['configs']
    assert mine == by_uid
    assert (mine['scope'], mine['user'], mine['path'], mine['read_as']) == ('user', user.pw_name, path,
                                                                            user.pw_name)
    assert mine['aliases'] == [{'name': 'hail', 'uri': HAIL, 'line': 1}, {'name': 'sleet', 'uri': SLEET, 'line': 1}]
    assert mine['default_uri'] == {'uri': HAIL, 'source': 'uri_default'}
    assert virsh_as(user) == (True, HAIL)
    for name, resolution in mine['resolutions'].items():
        assert virsh_as(user, name) == expected(resolution)
    # libvirt running as root reads the system file.
    assert (root['scope'], root['user'], root['path']) == ('user', 'root', SYSTEM_CONF)


def test_user_file_unreadable_by_the_user(user):
    """A mode-000 file: root could read it, libvirt running as the user cannot, and every connection fails."""
    path = user_conf(user, 'uri_aliases = [ "hail=%s" ]\n' % HAIL)
    os.chmod(path, 0)
    [config] = info({'users': [user.pw_name], 'names': ['test:///default']})['configs']
    message = "Failed to open file '%s': Permission denied" % path
    assert config['exists'] is True and config['readable'] is False and config['valid'] is False
    assert config['error'] == message
    assert config['broken'] is True
    assert config['resolutions'] == {'test:///default': {'error': message}}
    assert virsh_as(user, 'test:///default') == (False, message)


def test_user_file_behind_a_directory_the_user_cannot_search(user):
    """A file root can read below a directory the user cannot enter is no configuration for libvirt."""
    path = user_conf(user, 'uri_aliases = [ "hail=%s" ]\n' % HAIL)
    config_dir = os.path.join(user.pw_dir, '.config')
    os.chown(config_dir, 0, 0)
    os.chmod(config_dir, 0o700)
    [config] = info({'users': [user.pw_name], 'names': ['hail']})['configs']
    assert config['path'] == path
    assert config['exists'] is False and config['error'] is None and config['broken'] is False
    assert config['default_uri'] == {'uri': 'qemu:///session', 'source': 'probe'}
    assert config['resolutions'] == {
        'hail': {'error': "no connection driver available for URI 'hail' does not include a driver name"}}
    assert virsh_as(user, 'hail') == expected(config['resolutions']['hail'])


def test_user_xdg_config_home(user):
    xdg = os.path.join(user.pw_dir, 'xdg')
    os.makedirs(xdg)
    os.chown(xdg, user.pw_uid, user.pw_gid)
    path = user_conf(user, 'uri_aliases = [\n "hail=%s",\n "=%s",\n]\n' % (HAIL, SLEET), base=xdg)
    # The default location holds something else, which must not be read.
    user_conf(user, 'uri_aliases = [ "hail=test:///default?wrong" ]\n')
    [config] = info({'users': [user.pw_name], 'xdg_config_home': {user.pw_name: xdg},
                     'names': ['']})['configs']
    assert config['path'] == path
    assert config['aliases'] == [{'name': 'hail', 'uri': HAIL, 'line': 2}, {'name': '', 'uri': SLEET, 'line': 3}]
    assert config['resolutions']['hail'] == {'uri': HAIL}
    env = {'XDG_CONFIG_HOME': xdg}
    # An empty name is the default connection, which gets the probe answer without alias lookup.
    assert config['resolutions'][''] == {'uri': 'qemu:///session'}
    for name, resolution in config['resolutions'].items():
        if name:
            assert virsh_as(user, name, env=env) == expected(resolution)
