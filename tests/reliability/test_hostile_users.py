# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A hostile user cannot turn the module (running as root) against files that are not theirs.

Each test plants a symbolic or hard link where the user's libvirt.conf or one
of its directories should be, pointing at a root-only copy of /etc/shadow,
runs the module in user scope (as root) and checks that the copy was not
read into a diff, written, chowned or chmodded.
"""

import os
import stat
import subprocess
import threading
import time

import pytest

from reliability_helpers import call_module, read, run_module, snapshot, temp_files, virsh_uri, write

URI = 'test:///default?host=hail'
HOSTILE_ARGS = {'name': 'hail', 'uri': URI, 'mode': '0666', 'owner': '0', 'group': '0', 'backup': True}


def as_user(pw, path, kind='dir'):
    if kind == 'dir':
        os.mkdir(str(path), 0o700)
    os.lchown(str(path), pw.pw_uid, pw.pw_gid)


def user_args(pw, **extra):
    return dict(HOSTILE_ARGS, scope='user', user=pw.pw_name, **extra)


def assert_untouched(shadow, before, result):
    assert snapshot(shadow) == before
    secret = read(shadow)
    assert secret not in repr(result)
    assert result.get('failed') is True, result
    assert result['changed'] is False


def plant(pw, shadow, where, link):
    """Plant a link at ``where`` (file, config, libvirt) of the user's tree; returns its path."""
    config = os.path.join(pw.pw_dir, '.config')
    libvirt = os.path.join(config, 'libvirt')
    conf = os.path.join(libvirt, 'libvirt.conf')
    if where == 'file':
        as_user(pw, config)
        as_user(pw, libvirt)
        if link == 'symlink':
            os.symlink(str(shadow), conf)
            os.lchown(conf, pw.pw_uid, pw.pw_gid)
        else:
            os.link(str(shadow), conf)
        return conf
    # A directory link: the target tree holds the secret where libvirt.conf would be.
    decoy = shadow.parent / ('decoy-' + where)
    os.makedirs(str(decoy / 'libvirt'))
    os.link(str(shadow), str(decoy / 'libvirt' / 'libvirt.conf'))
    if where == 'config':
        os.symlink(str(decoy), config)
        os.lchown(config, pw.pw_uid, pw.pw_gid)
        return config
    as_user(pw, config)
    os.symlink(str(decoy / 'libvirt'), libvirt)
    os.lchown(libvirt, pw.pw_uid, pw.pw_gid)
    return libvirt


@pytest.mark.parametrize('where,link,message', [
    ('file', 'symlink', 'is a symbolic link; refusing to follow it'),
    ('file', 'hardlink', 'has 2 hard links; refusing to edit a file that is linked elsewhere'),
    ('config', 'symlink', 'is a symbolic link or not a directory; refusing to follow it'),
    ('libvirt', 'symlink', 'is a symbolic link or not a directory; refusing to follow it'),
])
def test_planted_link_is_refused(make_user, shadow, where, link, message):
    pw = make_user()
    planted = plant(pw, shadow, where, link)
    before = snapshot(shadow)
    planted_before = snapshot(planted)
    for runner, check in ((call_module, True), (run_module, False)):
        result = runner(user_args(pw), check=check, diff=True)
        assert_untouched(shadow, before, result)
        assert planted in result['msg'] and message in result['msg'], result['msg']
        assert 'diff' not in result
        assert snapshot(planted) == planted_before


def test_root_owned_file_of_the_user_is_refused(make_user, shadow):
    """A regular file in the user's directory that is not the user's (e.g. moved there) is not edited."""
    pw = make_user()
    config = os.path.join(pw.pw_dir, '.config')
    as_user(pw, config)
    as_user(pw, os.path.join(config, 'libvirt'))
    conf = os.path.join(config, 'libvirt', 'libvirt.conf')
    write(conf, 'uri_default = "test:///default"\n', mode=0o600)
    before = snapshot(conf)
    result = run_module(user_args(pw), diff=True)
    assert result.get('failed') is True
    assert "belongs to uid 0, not to user '%s'" % pw.pw_name in result['msg']
    assert snapshot(conf) == before
    assert 'diff' not in result


def test_root_owned_directory_is_refused(make_user):
    pw = make_user()
    config = os.path.join(pw.pw_dir, '.config')
    os.mkdir(config, 0o755)
    result = run_module(user_args(pw))
    assert result.get('failed') is True
    assert "directory '%s' belongs to uid 0, not to user '%s'" % (config, pw.pw_name) in result['msg']
    assert os.listdir(config) == []


@pytest.mark.parametrize('xdg', [
    '{home}/..', '{home}/../other', '{home}/a/../../b', '/etc', '{home}', 'relative/path', '{home}/../{name}x',
])
def test_escaping_xdg_config_home_is_refused(make_user, xdg):
    pw = make_user()
    value = xdg.format(home=pw.pw_dir, name=os.path.basename(pw.pw_dir))
    result = call_module({'scope': 'user', 'user': pw.pw_name, 'xdg_config_home': value, 'uri_default': URI})
    assert result.get('failed') is True
    assert repr(value)[1:-1] in result['msg']
    assert 'is not inside the home directory' in result['msg'] or 'is not an absolute path' in result['msg']
    assert os.listdir(os.path.dirname(pw.pw_dir)) == [os.path.basename(pw.pw_dir)]


@pytest.mark.parametrize('umask', [0o000, 0o077])
def test_created_tree_belongs_to_the_user(make_user, umask):
    pw = make_user()
    result = run_module({'scope': 'user', 'user': pw.pw_name, 'name': 'hail', 'uri': URI},
                        preexec_fn=lambda: os.umask(umask))
    assert result['changed'] is True, result
    conf = os.path.join(pw.pw_dir, '.config', 'libvirt', 'libvirt.conf')
    assert result['path'] == conf
    for path, mode in ((os.path.dirname(os.path.dirname(conf)), 0o700), (os.path.dirname(conf), 0o700),
                       (conf, 0o644)):
        st = os.lstat(path)
        assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (pw.pw_uid, pw.pw_gid, mode), path
    assert stat.S_ISREG(os.lstat(conf).st_mode)
    # The user's own virsh reads it.
    proc = subprocess.run(['runuser', '-u', pw.pw_name, '--', 'env', '-i', 'HOME=' + pw.pw_dir,
                           'PATH=/usr/bin:/bin', 'virsh', '-q', '-c', 'hail', 'uri'],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.stdout.strip() == URI, proc.stderr


def test_mode_option_and_symbolic_mode_in_user_scope(make_user):
    pw = make_user()
    xdg = os.path.join(pw.pw_dir, 'cfg')
    args = {'scope': 'user', 'user': pw.pw_name, 'xdg_config_home': xdg, 'uri_default': URI, 'mode': '0600'}
    result = run_module(args)
    conf = os.path.join(xdg, 'libvirt', 'libvirt.conf')
    assert result['changed'] is True and result['path'] == conf
    st = os.stat(conf)
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (pw.pw_uid, pw.pw_gid, 0o600)
    assert run_module(args)['changed'] is False
    result = run_module(dict(args, mode='g+r'))
    assert result['changed'] is True
    assert stat.S_IMODE(os.stat(conf).st_mode) == 0o640
    result = run_module(dict(args, attributes='+i'))
    assert result.get('failed') is True and 'attributes cannot be used with scope=user' in result['msg']


def test_user_scope_with_path_of_other_user(make_user, shadow):
    """One user's tree cannot be used to reach another user's file."""
    alice = make_user()
    bob = make_user()
    os.chmod(bob.pw_dir, 0o755)
    as_user(bob, os.path.join(bob.pw_dir, '.config'))
    as_user(bob, os.path.join(bob.pw_dir, '.config', 'libvirt'))
    bob_conf = os.path.join(bob.pw_dir, '.config', 'libvirt', 'libvirt.conf')
    write(bob_conf, 'uri_default = "test:///default?bob"\n')
    os.chown(bob_conf, bob.pw_uid, bob.pw_gid)
    os.symlink(os.path.join(bob.pw_dir, '.config'), os.path.join(alice.pw_dir, '.config'))
    before = snapshot(bob_conf)
    result = run_module(user_args(alice))
    assert result.get('failed') is True and 'symbolic link' in result['msg']
    assert snapshot(bob_conf) == before


def test_backup_never_follows_planted_links(make_user, shadow):
    """The backup copy is created in the opened directory, never through a name the user prepared.

    The module runs in this process, so its pid is known: links are planted
    under every backup name it could pick in the next seconds.
    """
    pw = make_user()
    config = os.path.join(pw.pw_dir, '.config')
    as_user(pw, config)
    libvirt = os.path.join(config, 'libvirt')
    as_user(pw, libvirt)
    conf = os.path.join(libvirt, 'libvirt.conf')
    write(conf, 'uri_default = "test:///default"\n', mode=0o640)
    os.chown(conf, pw.pw_uid, pw.pw_gid)
    now = time.time()
    for delta in range(0, 30):
        stamp = time.strftime('%Y-%m-%d@%H:%M:%S~', time.localtime(now + delta))
        os.symlink(str(shadow), os.path.join(libvirt, 'libvirt.conf.%d.%s' % (os.getpid(), stamp)))
    before = snapshot(shadow)
    result = call_module({'scope': 'user', 'user': pw.pw_name, 'uri_default': URI, 'backup': True})
    assert result['changed'] is True, result
    assert snapshot(shadow) == before
    backup = result['backup_file']
    assert os.path.dirname(backup) == libvirt
    st = os.lstat(backup)
    assert stat.S_ISREG(st.st_mode) and st.st_nlink == 1
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (pw.pw_uid, pw.pw_gid, 0o640)
    assert read(backup) == 'uri_default = "test:///default"\n'
    assert read(conf) == 'uri_default = "%s"\n' % URI


def test_swapping_the_file_for_a_link_while_the_module_runs(make_user, shadow):
    """A user racing the module, swapping libvirt.conf and a link to the secret back and forth.

    Whatever the interleaving, each run either edits the user's own file or
    fails with a message, and the secret is never read, written, chowned or
    chmodded (owner, group and mode are applied through a descriptor that
    was checked, never through the path).
    """
    pw = make_user()
    libvirt = os.path.join(pw.pw_dir, '.config', 'libvirt')
    as_user(pw, os.path.dirname(libvirt))
    as_user(pw, libvirt)
    conf = os.path.join(libvirt, 'libvirt.conf')
    before = snapshot(shadow)
    stop = threading.Event()

    def swap():
        regular = os.path.join(libvirt, 'regular')
        link = os.path.join(libvirt, 'link')
        for dummy in range(200000):
            if stop.is_set():
                return
            write(regular, '# mine\n')
            os.chown(regular, pw.pw_uid, pw.pw_gid)
            os.rename(regular, conf)
            try:
                os.symlink(str(shadow), link)
            except FileExistsError:
                pass
            os.rename(link, conf)

    swapper = threading.Thread(target=swap)
    swapper.start()
    outcomes = []
    try:
        for i in range(6):
            result = run_module(user_args(pw, mode='0600', owner=pw.pw_name, uri='test:///default?i=%d' % i),
                                diff=True)
            assert 'msg' in result or result.get('changed') is not None, result
            assert 'Traceback' not in result['stderr']
            outcomes.append('failed' if result.get('failed') else 'ok')
            assert snapshot(shadow) == before
            assert read(shadow) not in repr(result)
    finally:
        stop.set()
        swapper.join()
    assert snapshot(shadow) == before
    assert outcomes


def test_system_scope_follow(conf, world_tmp, shadow):
    """follow=true edits the target of a link at the path; follow=false refuses the link."""
    real_dir = world_tmp / 'real'
    real_dir.mkdir()
    real = real_dir / 'libvirt.conf'
    write(real, '# real\n')
    os.symlink(str(real), str(conf))
    result = run_module({'path': str(conf), 'name': 'hail', 'uri': URI})
    assert result['changed'] is True and result['path'] == str(real)
    assert os.path.islink(str(conf))
    assert read(real) == '# real\nuri_aliases = [\n  "hail=%s",\n]\n' % URI
    assert virsh_uri(str(conf), 'hail') == (True, URI)

    before = snapshot(real)
    result = run_module({'path': str(conf), 'name': 'sleet', 'uri': URI, 'follow': False})
    assert result.get('failed') is True
    assert "'%s' is a symbolic link; refusing to follow it" % conf in result['msg']
    assert snapshot(real) == before

    # A dangling link: follow=true creates the file the link names.
    os.unlink(str(conf))
    os.unlink(str(real))
    os.symlink(str(real), str(conf))
    result = run_module({'path': str(conf), 'uri_default': URI})
    assert result['changed'] is True and read(real) == 'uri_default = "%s"\n' % URI
    assert temp_files(real_dir) == [] and temp_files(conf.parent) == []
