# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""virtkit.libvirt_client.libvirt_uri_alias run by ansible-playbook on real files, checked with real virsh."""

import os
import pwd
import subprocess
import sys
import time
import uuid

import pytest

from ansible_collections.virtkit.libvirt_client.tests.helpers.files import read, write
from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import DEBIAN_PYTHON, run_one, run_play
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh import virsh_uri

MODULE = 'virtkit.libvirt_client.libvirt_uri_alias'
HAIL = 'test:///default?host=hail'
SLEET = 'test:///default?host=sleet'
DEBIAN_CONF = '/etc/libvirt/libvirt.conf'


def snapshot(path):
    st = os.stat(str(path))
    with open(str(path), 'rb') as f:
        return f.read(), st.st_mtime_ns, st.st_ino


# -- adding, changing, removing ------------------------------------------------

def test_add_alias_to_debian_file_keeps_everything(conf):
    original = read(DEBIAN_CONF)
    write(conf, original)
    result = run_one({'path': str(conf), 'name': 'hail', 'uri': HAIL})
    assert result['changed'] is True, result
    assert read(conf) == original + 'uri_aliases = [\n  "hail=%s",\n]\n' % HAIL
    assert result['aliases'] == [{'name': 'hail', 'uri': HAIL}]
    assert result['uri_default'] is None
    assert result['path'] == str(conf)
    assert virsh_uri(str(conf), 'hail') == (True, HAIL)


def test_new_alias_joins_list_in_its_style(conf):
    write(conf, "# mine\nuri_aliases = [\n    'old=test:///default?host=old'\n]   # keep me\nremote_mode = \"legacy\"\n")
    result = run_one({'path': str(conf), 'aliases': {'hail': HAIL, 'sleet': SLEET}})
    assert result['changed'] is True
    assert read(conf) == ("# mine\nuri_aliases = [\n    'old=test:///default?host=old',\n"
                          "    'hail=%s',\n    'sleet=%s'\n]   # keep me\nremote_mode = \"legacy\"\n" % (HAIL, SLEET))
    assert [a['name'] for a in result['aliases']] == ['old', 'hail', 'sleet']
    for name, uri in (('old', 'test:///default?host=old'), ('hail', HAIL), ('sleet', SLEET)):
        assert virsh_uri(str(conf), name) == (True, uri)


def test_one_line_list_stays_one_line(conf):
    write(conf, 'uri_aliases = [ "a=test:///default?a" ]\n')
    run_one({'path': str(conf), 'name': 'b', 'uri': 'test:///default?b'})
    assert read(conf) == 'uri_aliases = [ "a=test:///default?a", "b=test:///default?b" ]\n'


def test_change_first_of_duplicates_like_libvirt(conf):
    write(conf, 'uri_aliases = [\n  "hail=test:///default?old1",\n  "x=test:///default",\n'
                '  "hail=test:///default?old2",\n]\n')
    assert virsh_uri(str(conf), 'hail') == (True, 'test:///default?old1')
    result = run_one({'path': str(conf), 'name': 'hail', 'uri': HAIL})
    assert result['changed'] is True
    assert read(conf) == ('uri_aliases = [\n  "hail=%s",\n  "x=test:///default",\n'
                          '  "hail=test:///default?old2",\n]\n' % HAIL)
    assert virsh_uri(str(conf), 'hail') == (True, HAIL)


def test_remove_alias_removes_every_occurrence(conf):
    write(conf, 'uri_aliases = [\n  "hail=a:///",\n  "sleet=%s",\n  "hail=b:///",\n]\n' % SLEET)
    result = run_one({'path': str(conf), 'name': 'hail', 'state': 'absent'})
    assert result['changed'] is True
    assert read(conf) == 'uri_aliases = [\n  "sleet=%s",\n]\n' % SLEET
    assert result['aliases'] == [{'name': 'sleet', 'uri': SLEET}]
    ok, message = virsh_uri(str(conf), 'hail')
    assert not ok and "does not include a driver name" in message


def test_exclusive_removes_unlisted_and_malformed_keeps_comments(conf):
    write(conf, '# hand made\nuri_aliases = [\n  "keep=%s",\n  "gone=test:///default",\n  "broken",\n'
                '  "keep=test:///default?dup",\n]\n# trailer\n' % HAIL)
    result = run_one({'path': str(conf), 'aliases': {'keep': HAIL, 'new': SLEET}, 'exclusive': True})
    assert result['changed'] is True
    assert read(conf) == '# hand made\nuri_aliases = [\n  "keep=%s",\n  "new=%s",\n]\n# trailer\n' % (HAIL, SLEET)
    assert result['malformed'] == []
    assert virsh_uri(str(conf), 'new') == (True, SLEET)


def test_exclusive_with_no_aliases_empties_the_list(conf):
    write(conf, 'uri_aliases = [ "a=test:///default" ]\n')
    result = run_one({'path': str(conf), 'aliases': {}, 'exclusive': True})
    assert result['changed'] is True
    assert read(conf) == 'uri_aliases = []\n'
    assert virsh_uri(str(conf), 'test:///default') == (True, 'test:///default')


# -- uri_default ------------------------------------------------------------

def test_uri_default_alias_and_virsh_uses_it(conf):
    write(conf, 'uri_default = 1\nuri_default = "test:///default?second"\n')
    result = run_one({'path': str(conf), 'aliases': {'hail': HAIL}, 'uri_default': 'hail'})
    assert result['changed'] is True
    assert read(conf) == ('uri_default = "hail"\nuri_default = "test:///default?second"\n'
                          'uri_aliases = [\n  "hail=%s",\n]\n' % HAIL)
    assert result['uri_default'] == 'hail'
    assert virsh_uri(str(conf)) == (True, HAIL)


def test_uri_default_keeps_quote_and_comment(conf):
    write(conf, "uri_default = 'test:///default'   # the lab\n")
    run_one({'path': str(conf), 'uri_default': 'test:///default?lab=2'})
    assert read(conf) == "uri_default = 'test:///default?lab=2'   # the lab\n"
    assert virsh_uri(str(conf)) == (True, 'test:///default?lab=2')


def test_empty_uri_default_removes_every_occurrence(conf):
    write(conf, 'a = 1\nuri_default = "test:///default?1"\n\n# b\nb = 2\nuri_default = "test:///default?2"\n')
    result = run_one({'path': str(conf), 'uri_default': ''})
    assert result['changed'] is True
    assert read(conf) == 'a = 1\n\n# b\nb = 2\n'
    assert result['uri_default'] is None


@pytest.mark.parametrize('uri', ['test:///default?note="x"', 'test:///default?a="b"&c=d'])
def test_uri_with_double_quote_follows_virsh(conf, uri):
    """Written in single quotes if libvirt can use it, refused like libvirt refuses it otherwise."""
    probe = conf.parent / 'probe.conf'
    write(conf, "uri_aliases = [ 'q=%s' ]\n" % uri)
    virsh_ok, virsh_text = virsh_uri(str(conf), 'q')
    os.unlink(str(conf))
    result = run_one({'path': str(conf), 'name': 'q', 'uri': uri})
    if virsh_ok:
        assert result['changed'] is True, result
        assert read(conf) == "uri_aliases = [\n  'q=%s',\n]\n" % uri
        assert virsh_uri(str(conf), 'q') == (True, uri)
    else:
        assert result.get('failed') is True
        assert virsh_text.split(': ', 1)[-1] in result['msg'], (virsh_text, result['msg'])
        assert not conf.exists() and not probe.exists()


def test_file_without_final_newline(conf):
    write(conf, 'remote_mode = "legacy"')
    run_one({'path': str(conf), 'uri_default': 'test:///default'})
    assert read(conf) == 'remote_mode = "legacy"\nuri_default = "test:///default"\n'


def test_crlf_file(conf):
    write(conf, 'uri_aliases = [\r\n  "a=test:///default?a",\r\n]\r\n')
    run_one({'path': str(conf), 'name': 'b', 'uri': 'test:///default?b'})
    assert read(conf) == 'uri_aliases = [\r\n  "a=test:///default?a",\r\n  "b=test:///default?b",\r\n]\r\n'
    assert virsh_uri(str(conf), 'b') == (True, 'test:///default?b')


# -- idempotence, check mode, diff, backup, create ---------------------------

def test_second_run_changes_nothing(conf):
    write(conf, read(DEBIAN_CONF))
    args = {'path': str(conf), 'aliases': {'hail': HAIL, 'sleet': SLEET}, 'uri_default': 'sleet'}
    first = run_one(args)
    assert first['changed'] is True
    before = snapshot(conf)
    second = run_one(args)
    assert second['changed'] is False, second
    assert snapshot(conf) == before
    assert virsh_uri(str(conf)) == (True, SLEET)


def test_check_mode_writes_nothing_and_diff_is_exact(conf):
    write(conf, 'uri_default = "test:///default"\n')
    before = snapshot(conf)
    result = run_one({'path': str(conf), 'name': 'hail', 'uri': HAIL}, check=True, diff=True)
    assert result['changed'] is True
    assert snapshot(conf) == before
    assert result['diff']['before'] == 'uri_default = "test:///default"\n'
    assert result['diff']['after'] == 'uri_default = "test:///default"\nuri_aliases = [\n  "hail=%s",\n]\n' % HAIL
    assert result['aliases'] == [{'name': 'hail', 'uri': HAIL}]


def test_check_mode_does_not_create(conf):
    result = run_one({'path': str(conf), 'name': 'hail', 'uri': HAIL}, check=True)
    assert result['changed'] is True
    assert not conf.exists()


def test_create_false_refuses_missing_file(conf):
    result = run_one({'path': str(conf), 'name': 'hail', 'uri': HAIL, 'create': False})
    assert result.get('failed') is True
    assert "does not exist and create is false" in result['msg']
    assert not conf.exists()


def test_create_makes_file_and_directories(tmp_path):
    path = tmp_path / 'a' / 'b' / 'libvirt.conf'
    result = run_one({'path': str(path), 'uri_default': 'test:///default', 'mode': '0640'})
    assert result['changed'] is True
    assert read(path) == 'uri_default = "test:///default"\n'
    assert oct(os.stat(str(path)).st_mode & 0o7777) == oct(0o640)


def test_backup_and_attributes_kept(conf):
    write(conf, 'uri_default = "test:///default"\n')
    os.chmod(str(conf), 0o600)
    os.chown(str(conf), 65534, 65534)
    result = run_one({'path': str(conf), 'uri_default': 'test:///default?b', 'backup': True})
    assert result['changed'] is True
    assert read(result['backup_file']) == 'uri_default = "test:///default"\n'
    st = os.stat(str(conf))
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (65534, 65534, 0o600)
    leftovers = [n for n in os.listdir(str(conf.parent)) if n.endswith('.tmp')]
    assert leftovers == []


def test_owner_and_mode_options(conf):
    write(conf, '')
    result = run_one({'path': str(conf), 'uri_default': 'test:///default', 'owner': 'nobody', 'mode': '0600'})
    assert result['changed'] is True
    st = os.stat(str(conf))
    assert st.st_uid == pwd.getpwnam('nobody').pw_uid and st.st_mode & 0o7777 == 0o600
    again = run_one({'path': str(conf), 'uri_default': 'test:///default', 'owner': 'nobody', 'mode': '0600'})
    assert again['changed'] is False


# -- refusals: clear message, file untouched -------------------------------

REFUSALS = [
    ({'name': 'bad name', 'uri': HAIL}, "'bad name' is not a valid alias name"),
    ({'name': 'h@il', 'uri': HAIL}, "'h@il' is not a valid alias name"),
    ({'name': '', 'uri': HAIL}, "'' is not a valid alias name"),
    ({'name': 'hail', 'uri': ''}, 'uri is empty'),
    ({'name': 'hail', 'uri': 'hail.example.com'}, "'hail.example.com' is refused"),
    ({'name': 'hail', 'uri': 'qemu://system'}, 'maybe you want qemu:///system'),
    ({'name': 'hail', 'uri': 'test:///default\nx'}, 'is refused'),
    ({'name': 'hail', 'uri': 'test:///default?a=\'"'}, 'is refused'),
    ({'aliases': {'ok': HAIL, 'b/d': SLEET}}, "'b/d' is not a valid alias name"),
    ({'uri_default': 'nosuchalias'}, "uri_default 'nosuchalias' is neither an alias"),
    ({'uri_default': 'qemu://session'}, 'maybe you want qemu:///session'),
    ({'name': 'hail'}, 'uri is required'),
    ({'exclusive': True, 'uri_default': 'test:///default'}, 'exclusive needs aliases'),
]


@pytest.mark.parametrize('args,message', REFUSALS, ids=[str(i) for i in range(len(REFUSALS))])
def test_refusals_leave_file_untouched(conf, args, message):
    write(conf, '# untouched\nuri_aliases = [ "a=test:///default" ]\n')
    before = snapshot(conf)
    result = run_one(dict(args, path=str(conf)))
    assert result.get('failed') is True, result
    assert message in result['msg'], result['msg']
    assert 'Traceback' not in result.get('module_stderr', '')
    assert snapshot(conf) == before


BROKEN = [
    ('uri_aliases = [ "a=test:///default", # no comments in lists\n]\n', ':1: expecting a value'),
    ('a = 1\nb = yes\n', ':2: expecting a value'),
    ('uri_aliases = "a=test:///default"\n', "expected a string list for 'uri_aliases' parameter"),
    ('uri_aliases = [ "a=test:///default", 3 ]\n', "expected a string list for 'uri_aliases' parameter"),
    ('   \n', ':2: expecting a name'),
]


@pytest.mark.parametrize('text,message', BROKEN, ids=[str(i) for i in range(len(BROKEN))])
def test_unparsable_files_are_left_untouched(conf, text, message):
    write(conf, text)
    before = snapshot(conf)
    result = run_one({'path': str(conf), 'name': 'hail', 'uri': HAIL})
    assert result.get('failed') is True
    assert str(conf) in result['msg'] and message in result['msg'], result['msg']
    assert snapshot(conf) == before


def test_non_string_uri_default_warns_and_can_be_fixed(conf):
    write(conf, 'uri_default = [ "x" ]\n')
    result = run_one({'path': str(conf), 'name': 'hail', 'uri': HAIL})
    assert result['changed'] is True and result['uri_default'] is None
    assert any("expected a string for 'uri_default' parameter" in w for w in result['warnings'])
    ok, message = virsh_uri(str(conf))
    assert not ok and "expected a string for 'uri_default' parameter" in message
    result = run_one({'path': str(conf), 'uri_default': 'hail'})
    assert read(conf) == 'uri_default = "hail"\nuri_aliases = [\n  "hail=%s",\n]\n' % HAIL
    assert 'warnings' not in result
    assert virsh_uri(str(conf)) == (True, HAIL)


def test_malformed_entries_warn_and_can_be_removed(conf):
    write(conf, 'uri_aliases = [\n  "bro ken=test:///default",\n  "noequals",\n  "a=%s",\n]\n' % HAIL)
    ok, message = virsh_uri(str(conf), 'test:///default')
    assert not ok and "Malformed 'uri_aliases' config entry 'bro ken=test:///default'" in message
    result = run_one({'path': str(conf), 'uri_default': 'a'})
    assert result['malformed'] == ['bro ken=test:///default', 'noequals']
    assert any('bro ken=test:///default' in w for w in result['warnings'])
    assert any('noequals' in w for w in result['warnings'])
    run_one({'path': str(conf), 'name': 'bro ken', 'state': 'absent'})
    result = run_one({'path': str(conf), 'name': 'noequals', 'state': 'absent'})
    assert result['malformed'] == [] and 'warnings' not in result
    assert read(conf) == 'uri_aliases = [\n  "a=%s",\n]\nuri_default = "a"\n' % HAIL
    assert virsh_uri(str(conf)) == (True, HAIL)


# -- scopes, bindings ----------------------------------------------------------

@pytest.fixture
def user(world_tmp):
    name = 'vkmod-' + uuid.uuid4().hex[:8]
    home = world_tmp / 'home'
    subprocess.run(['userdel', name], capture_output=True, check=False)
    subprocess.run(['useradd', '-M', '-d', str(home), '-s', '/bin/sh', name], check=True)
    home.mkdir()
    pw = pwd.getpwnam(name)
    os.chown(str(home), pw.pw_uid, pw.pw_gid)
    yield pw
    subprocess.run(['userdel', name], capture_output=True, check=False)


def test_user_scope_creates_owned_file_and_virsh_reads_it(user):
    result = run_one({'scope': 'user', 'user': user.pw_name, 'aliases': {'hail': HAIL}, 'uri_default': 'hail'})
    assert result['changed'] is True, result
    path = os.path.join(user.pw_dir, '.config', 'libvirt', 'libvirt.conf')
    assert result['path'] == path
    for p, mode in ((os.path.dirname(os.path.dirname(path)), 0o700), (os.path.dirname(path), 0o700), (path, 0o644)):
        st = os.stat(p)
        assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (user.pw_uid, user.pw_gid, mode), p
    proc = subprocess.run(['runuser', '-u', user.pw_name, '--', 'env', '-i', 'HOME=' + user.pw_dir,
                           'PATH=/usr/bin:/bin', 'virsh', '-q', 'uri'], capture_output=True, text=True,
                          check=False)
    assert proc.stdout.strip() == HAIL, proc.stderr


def test_user_scope_xdg_config_home(user):
    xdg = os.path.join(user.pw_dir, 'cfg')
    result = run_one({'scope': 'user', 'user': user.pw_name, 'xdg_config_home': xdg, 'uri_default': HAIL})
    assert result['path'] == os.path.join(xdg, 'libvirt', 'libvirt.conf')
    assert read(result['path']) == 'uri_default = "%s"\n' % HAIL


def test_user_scope_refuses_symlinked_directory(user, tmp_path):
    secret = tmp_path / 'secret'
    secret.mkdir()
    write(secret / 'libvirt.conf', 'root_only = 1\n')
    os.symlink(str(secret), os.path.join(user.pw_dir, '.config'))
    result = run_one({'scope': 'user', 'user': user.pw_name, 'uri_default': HAIL}, diff=True)
    assert result.get('failed') is True
    assert 'symbolic link' in result['msg']
    assert read(secret / 'libvirt.conf') == 'root_only = 1\n'


def test_user_scope_refuses_escaping_xdg(user):
    result = run_one({'scope': 'user', 'user': user.pw_name, 'xdg_config_home': user.pw_dir + '/../../etc',
                      'uri_default': HAIL})
    assert result.get('failed') is True
    assert 'is not inside the home directory' in result['msg']


def test_debian_python3_augeas_binding(conf):
    """The distribution's python3-augeas (0.5.0 on Debian 12) drives the same module."""
    assert os.path.exists(DEBIAN_PYTHON)
    write(conf, read(DEBIAN_CONF))
    result = run_one({'path': str(conf), 'aliases': {'hail': HAIL}, 'uri_default': 'hail'},
                     interpreter=DEBIAN_PYTHON)
    assert result['changed'] is True, result
    assert read(conf) == read(DEBIAN_CONF) + 'uri_aliases = [\n  "hail=%s",\n]\nuri_default = "hail"\n' % HAIL
    again = run_one({'path': str(conf), 'aliases': {'hail': HAIL}, 'uri_default': 'hail'},
                    interpreter=DEBIAN_PYTHON)
    assert again['changed'] is False
    assert virsh_uri(str(conf)) == (True, HAIL)


def test_missing_augeas_names_the_package(conf, tmp_path):
    bare = tmp_path / 'bare'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(bare)], check=True)
    result = run_one({'path': str(conf), 'name': 'hail', 'uri': HAIL}, interpreter=str(bare / 'bin' / 'python'))
    assert result.get('failed') is True
    assert 'python3-augeas' in result['msg'] and 'python-augeas' in result['msg']
    assert not conf.exists()


def test_many_tasks_one_play(conf):
    """Several calls in one play, as a role would make them."""
    results = run_play([
        {MODULE: {'path': str(conf), 'name': 'a', 'uri': 'test:///default?a'}},
        {MODULE: {'path': str(conf), 'name': 'b', 'uri': 'test:///default?b'}},
        {MODULE: {'path': str(conf), 'name': 'a', 'state': 'absent'}},
    ])
    assert [r['changed'] for r in results] == [True, True, True]
    assert read(conf) == 'uri_aliases = [\n  "b=test:///default?b",\n]\n'


# -- check mode changes nothing; removing from a missing file creates nothing --

REMOVALS = [{'name': 'a', 'state': 'absent'}, {'uri_default': ''}, {'aliases': {}, 'exclusive': True}]


@pytest.fixture
def private_etc(world_tmp):
    """(copy of /etc without libvirt/, argv prefix running a command with that copy at /etc).

    The command runs in a mount namespace of its own, so the system scope
    (/etc/libvirt/libvirt.conf) can be tried without the host's file.
    """
    copy = world_tmp / 'etc'
    # Other tests add and remove accounts meanwhile: the shadow tools' lock
    # files (/etc/passwd.lock, ...) can vanish between cp's listing and its
    # copy. Such a copy is retried, a bounded number of times.
    for attempt in range(5):
        done = subprocess.run(['cp', '-a', '/etc', str(copy)], capture_output=True, text=True, timeout=60, check=False)
        if done.returncode == 0:
            break
        subprocess.run(['rm', '-rf', str(copy)], check=True, timeout=60)
        time.sleep(0.2 * (attempt + 1))
    else:
        pytest.fail('cp -a /etc failed five times: %s' % done.stderr)
    subprocess.run(['rm', '-rf', str(copy / 'libvirt')], check=True, timeout=60)
    prefix = ['unshare', '--mount', '--propagation', 'private', '--',
              'sh', '-c', 'mount --bind "$0" /etc && exec "$@"', str(copy)]
    return copy, prefix


def tree(path):
    """Every name below ``path`` with its kind, for 'nothing was created' checks."""
    found = []
    for top, dirs, files in os.walk(str(path)):
        found += [os.path.join(top, n) + '/' for n in dirs] + [os.path.join(top, n) for n in files]
    return sorted(found)


def test_check_mode_creates_no_directory_with_path(world_tmp):
    path = world_tmp / 'sub' / 'libvirt' / 'libvirt.conf'
    result = run_one({'path': str(path), 'name': 'hail', 'uri': HAIL}, check=True, diff=True)
    assert result['changed'] is True, result
    assert result['diff']['after'] == 'uri_aliases = [\n  "hail=%s",\n]\n' % HAIL
    assert tree(world_tmp) == []
    result = run_one({'path': str(path), 'name': 'hail', 'uri': HAIL})
    assert result['changed'] is True, result
    assert virsh_uri(str(path), 'hail') == (True, HAIL)


def test_check_mode_creates_no_directory_in_user_scope(user):
    result = run_one({'scope': 'user', 'user': user.pw_name, 'uri_default': HAIL}, check=True)
    assert result['changed'] is True, result
    assert result['path'] == os.path.join(user.pw_dir, '.config', 'libvirt', 'libvirt.conf')
    assert tree(user.pw_dir) == []
    # With .config there but not libvirt/ in it.
    config = os.path.join(user.pw_dir, '.config')
    os.mkdir(config)
    os.chown(config, user.pw_uid, user.pw_gid)
    result = run_one({'scope': 'user', 'user': user.pw_name, 'uri_default': HAIL}, check=True)
    assert result['changed'] is True, result
    assert tree(user.pw_dir) == [config + '/']


def test_check_mode_creates_no_directory_in_system_scope(private_etc):
    copy, prefix = private_etc
    result = run_play([{'name': 'call', MODULE: {'name': 'hail', 'uri': HAIL}, 'ignore_errors': True}],
                      check=True, wrapper=prefix)[0]
    assert result['changed'] is True, result
    assert result['path'] == '/etc/libvirt/libvirt.conf'
    assert not (copy / 'libvirt').exists()
    # The same run, for real, makes the directory and the file in the copy.
    result = run_play([{'name': 'call', MODULE: {'name': 'hail', 'uri': HAIL}}], wrapper=prefix)[0]
    assert result['changed'] is True, result
    assert read(copy / 'libvirt' / 'libvirt.conf') == 'uri_aliases = [\n  "hail=%s",\n]\n' % HAIL


@pytest.mark.parametrize('args', REMOVALS, ids=['absent', 'empty-default', 'exclusive-none'])
@pytest.mark.parametrize('check', [False, True], ids=['run', 'check'])
def test_removing_from_missing_file_creates_nothing(world_tmp, args, check):
    for path in (world_tmp / 'libvirt.conf', world_tmp / 'sub' / 'dir' / 'libvirt.conf'):
        result = run_one(dict(args, path=str(path)), check=check, diff=True)
        assert result['changed'] is False, result
        assert result['diff']['before'] == result['diff']['after'] == ''
        assert (result['aliases'], result['uri_default'], result['malformed']) == ([], None, [])
        assert tree(world_tmp) == []


@pytest.mark.parametrize('args', REMOVALS, ids=['absent', 'empty-default', 'exclusive-none'])
def test_removing_from_missing_file_creates_nothing_in_user_scope(user, args):
    result = run_one(dict(args, scope='user', user=user.pw_name))
    assert result['changed'] is False, result
    assert tree(user.pw_dir) == []


def test_removing_from_existing_empty_file_is_no_change(conf):
    write(conf, '')
    before = snapshot(conf)
    for args in REMOVALS:
        assert run_one(dict(args, path=str(conf)))['changed'] is False
    assert snapshot(conf) == before


ATTRIBUTES = [({'mode': '0600'}, lambda st: st.st_mode & 0o7777 == 0o600),
              ({'mode': 'u=rw,go='}, lambda st: st.st_mode & 0o7777 == 0o600),
              ({'owner': 'nobody'}, lambda st: st.st_uid == pwd.getpwnam('nobody').pw_uid),
              ({'group': 'nogroup'}, lambda st: st.st_gid == 65534)]


@pytest.mark.parametrize('attrs,done', ATTRIBUTES, ids=['mode', 'symbolic-mode', 'owner', 'group'])
def test_check_mode_reports_attribute_changes_with_path(conf, attrs, done):
    write(conf, 'uri_default = "test:///default"\n')
    before = snapshot(conf)
    args = dict(attrs, path=str(conf), uri_default='test:///default')
    result = run_one(args, check=True, diff=True)
    assert result['changed'] is True, result
    assert result['diff']['before'] == result['diff']['after'] == 'uri_default = "test:///default"\n'
    assert snapshot(conf) == before and not done(os.stat(str(conf)))
    result = run_one(args, diff=True)
    assert result['changed'] is True, result
    assert done(os.stat(str(conf)))
    assert run_one(args, check=True)['changed'] is False
    assert run_one(args)['changed'] is False


def test_check_mode_reports_attribute_changes_in_system_scope(private_etc):
    copy, prefix = private_etc
    os.mkdir(str(copy / 'libvirt'))
    path = copy / 'libvirt' / 'libvirt.conf'
    write(path, 'uri_default = "test:///default"\n')
    args = {'uri_default': 'test:///default', 'mode': '0600', 'group': 'nogroup'}
    task = [{'name': 'call', MODULE: args, 'ignore_errors': True}]
    before = snapshot(path)
    result = run_play(task, check=True, wrapper=prefix)[0]
    assert result['changed'] is True, result
    assert snapshot(path) == before
    result = run_play(task, wrapper=prefix)[0]
    assert result['changed'] is True, result
    st = os.stat(str(path))
    assert (st.st_mode & 0o7777, st.st_gid) == (0o600, 65534)
    assert run_play(task, check=True, wrapper=prefix)[0]['changed'] is False
