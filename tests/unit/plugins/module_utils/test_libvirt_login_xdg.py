# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_libvirt_login_xdg and the walk's XDG_CONFIG_HOME: the pre-check's byte scan, the walk's setting, the file.

The scan reads real files (in tmp_path); the walk reads a dict of files (FakeReader).
"""

import collections
import os
import shutil
import tempfile

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_env as env
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_login_pam as pam
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_login_xdg as lx
from ansible_collections.virtkit.libvirt_client.tests.unit.plugins.module_utils.test_libvirt_env import (
    ACCOUNT, HOME, FakeReader,
)

Pw = collections.namedtuple('Pw', 'pw_name pw_uid pw_dir pw_shell')
ALICE = Pw('alice', 1000, HOME, '/bin/bash')
X = env.XDG_VAR


# -- the pre-check ---------------------------------------------------------------------------------

def test_the_scan_knows_pam_envs_default_files():
    assert lx.SYSTEM_FILES[:2] == (pam.PAM_ENV_CONF, pam.PAM_ENVFILE)
    assert lx.DOTFILES[0] == pam.PAM_USER_ENVFILE and lx.PAM_DIR == pam.PAM_DIR


@pytest.fixture
def world(tmp_path):
    """A home with a profile, system files in tmp_path/etc, and a Scan of those system files."""
    etc = tmp_path / 'etc'
    (etc / 'profile.d').mkdir(parents=True)
    (etc / 'profile').write_text('for i in %s/profile.d/*.sh; do . $i; done\n' % etc)
    (etc / 'environment').write_text('PATH=/usr/bin\n')
    home = tmp_path / 'home'
    home.mkdir()
    (home / '.profile').write_text('[ -f ~/.bashrc ] && . ~/.bashrc\n')
    (home / '.bashrc').write_text('alias ll="ls -l"\n')
    pw = Pw('alice', os.getuid(), str(home), '/bin/bash')

    def scan():
        return lx.Scan(system=[str(etc / 'profile'), str(etc / 'environment')] +
                       lx.source_paths(str(etc / 'profile.d' / '*'), '/'))
    return {'etc': etc, 'home': home, 'pw': pw, 'scan': scan}


def test_a_login_that_never_names_it_cannot_move_it(world):
    assert world['scan']().may_move(world['pw']) is False


@pytest.mark.parametrize('where', ['profile', 'environment', 'profile.d/z.sh', '~/.profile', '~/.bashrc',
                                   '~/.pam_environment', '~/.zshenv'])
def test_the_name_anywhere_a_login_reads_sends_the_account_to_the_walk(world, where):
    if where.startswith('~/'):
        path = world['home'] / where[2:]
    else:
        path = world['etc'] / where
    with open(str(path), 'a') as f:
        f.write('export XDG_CONFIG_HOME=$HOME/.cfg\n')
    assert world['scan']().may_move(world['pw']) is True


def test_files_sourced_by_a_plain_name_are_scanned(world):
    helper = world['etc'] / 'helper.sh'
    helper.write_text('export XDG_CONFIG_HOME=/srv/cfg\n')
    (world['home'] / '.bashrc').write_text('source "%s"\n' % helper)
    assert world['scan']().may_move(world['pw']) is True
    (world['home'] / '.bash_aliases').write_text('XDG_CONFIG_HOME=$HOME/x; export XDG_CONFIG_HOME\n')
    (world['home'] / '.bashrc').write_text('if [ -f ~/.bash_aliases ]; then\n    . ~/.bash_aliases\nfi\n')
    assert world['scan']().may_move(world['pw']) is True
    # A computed name is not followed (the walk cannot settle it either).
    (world['home'] / '.bashrc').write_text('. "$(dirname "$0")/helper.sh"\n')
    assert world['scan']().may_move(world['pw']) is False


def test_what_cannot_be_scanned_safely_sends_the_account_to_the_walk(world):
    elsewhere = world['etc'] / 'dotfiles-profile'
    elsewhere.write_text('# nothing\n')
    (world['home'] / '.profile').unlink()
    os.symlink(str(elsewhere), str(world['home'] / '.profile'))
    assert world['scan']().may_move(world['pw']) is True
    (world['home'] / '.profile').unlink()
    os.mkfifo(str(world['home'] / '.profile'))
    assert world['scan']().may_move(world['pw']) is True
    (world['home'] / '.profile').unlink()
    (world['home'] / '.profile').write_text('. ~/.config/sh/env\n')
    assert world['scan']().may_move(world['pw']) is True


def test_the_system_files_are_scanned_once_per_run(world):
    scan = world['scan']()
    for dummy in range(3):
        assert scan.may_move(world['pw']) is False
    system = len(scan.shared)
    per_account = scan.scanned - system
    assert system == 2 and per_account == 3 * len(lx.DOTFILES)


def test_source_paths():
    assert lx.source_paths('~/.bashrc', HOME) == [HOME + '/.bashrc']
    assert lx.source_paths('"$HOME/.env"', HOME) == [HOME + '/.env']
    assert lx.source_paths('${HOME}/a/../b', HOME) == [HOME + '/b']
    assert lx.source_paths('$i', HOME) == []
    assert lx.source_paths('env.sh', HOME) == []
    assert lx.source_paths('`x`', HOME) == []


# -- the walk's setting ------------------------------------------------------------------------------

def setting_of(files, account=None):
    reader = FakeReader(dict({'/etc/pam.d/sshd': 'session required pam_env.so readenv=1 user_readenv=1\n'},
                             **files))
    return env.xdg_setting(env.analyse(account or ACCOUNT, reader))


@pytest.mark.parametrize('files, value, where', [
    ({}, None, None),
    ({HOME + '/.profile': 'export XDG_CONFIG_HOME=$HOME/.cfg\n'}, HOME + '/.cfg', (HOME + '/.profile', 1)),
    ({HOME + '/.profile': 'XDG_CONFIG_HOME=~/.cfg\nexport XDG_CONFIG_HOME\n'}, HOME + '/.cfg',
     (HOME + '/.profile', 2)),
    ({HOME + '/.bash_profile': 'export XDG_CONFIG_HOME=/srv/a\n', HOME + '/.profile': 'export XDG_CONFIG_HOME=/b\n'},
     '/srv/a', (HOME + '/.bash_profile', 1)),
    ({'/etc/environment': 'XDG_CONFIG_HOME=/etc/xdg/u\n'}, '/etc/xdg/u', ('/etc/environment', 1)),
    ({HOME + '/.pam_environment': '# user_readenv=1\nXDG_CONFIG_HOME=%s/.pam-cfg\n' % HOME}, HOME + '/.pam-cfg',
     (HOME + '/.pam_environment', 2)),
    ({'/etc/security/pam_env.conf': 'XDG_CONFIG_HOME DEFAULT=@{HOME}/.pam-conf\n'}, HOME + '/.pam-conf',
     ('/etc/security/pam_env.conf', 1)),
    ({'/etc/profile': '. /etc/site.sh\n', '/etc/site.sh': 'export XDG_CONFIG_HOME="${HOME}/site"\n'},
     HOME + '/site', ('/etc/site.sh', 1)),
    # Set but not exported: virsh does not see it; an empty value is libvirt's ~/.config.
    ({HOME + '/.profile': 'XDG_CONFIG_HOME=$HOME/.cfg\n'}, None, (HOME + '/.profile', 1)),
    ({HOME + '/.profile': 'export XDG_CONFIG_HOME=\n'}, None, (HOME + '/.profile', 1)),
    # unset after a setting.
    ({'/etc/environment': 'XDG_CONFIG_HOME=/x\n', HOME + '/.profile': 'unset XDG_CONFIG_HOME\n'}, None,
     (HOME + '/.profile', 1)),
])
def test_the_walk_settles_xdg_config_home(files, value, where):
    setting = setting_of(files)
    assert setting['kind'] == ('set' if value else 'unset')
    assert setting['value'] == value
    assert (setting['file'], setting['line']) == (where or (None, None))


@pytest.mark.parametrize('text, reason', [
    ('export XDG_CONFIG_HOME="$(xdg-user-dir CONFIG)"\n', 'command substitution'),
    ('eval "$(dircolors)"; eval "export XDG_CONFIG_HOME=$HOME/.c"\n', 'eval'),
    ('[ -n "$SSH_CONNECTION" ] && export XDG_CONFIG_HOME=$HOME/.c\n', None),
    ('export XDG_CONFIG_HOME=$SOMEWHERE/cfg\n', '$SOMEWHERE'),
])
def test_a_computed_setting_cannot_be_told(text, reason):
    setting = setting_of({HOME + '/.profile': text})
    assert setting['kind'] == 'dynamic' and setting['value'] is None
    assert (setting['file'], setting['line']) == (HOME + '/.profile', 1)
    if reason:
        assert reason in setting['reason']


def test_effective_cannot_tell_when_the_file_cannot_be_told():
    reader = FakeReader({HOME + '/.profile': 'export LIBVIRT_DEFAULT_URI=test:///default\n'
                                             'export XDG_CONFIG_HOME="$(mktemp -d)"\n'})
    result = env.effective(env.analyse(ACCOUNT, reader), lambda e, v: {'uri': e}, None)
    assert result['uri'] is None and result['source']['kind'] == 'dynamic'
    assert result['source']['variable'] == X and result['source']['line'] == 2
    assert result['summary'].endswith('(which libvirt.conf is read)')
    assert [c['variable'] for c in result['cannot_tell']] == [X]
    # Without the XDG_CONFIG_HOME events, the URI is told again.
    result = env.effective(env.without_xdg(env.analyse(ACCOUNT, reader)), lambda e, v: {'uri': e}, None,
                           {'path': HOME + '/.config/libvirt/libvirt.conf', 'moved_by': None})
    assert result['uri'] == 'test:///default'
    assert result['source']['config_file'] == HOME + '/.config/libvirt/libvirt.conf'
    assert result['source']['moved_by'] is None


# -- the file -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('value, kind, path', [
    (HOME + '/.cfg', 'login', HOME + '/.cfg/libvirt/libvirt.conf'),
    (HOME + '/a/../b/', 'login', HOME + '/b/libvirt/libvirt.conf'),
    ('/srv/cfg/alice', 'outside', '/srv/cfg/alice/libvirt/libvirt.conf'),
    (HOME + '/../bob', 'outside', '/home/bob/libvirt/libvirt.conf'),
    ('.cfg', 'relative', None),
])
def test_classify(value, kind, path):
    setting = {'kind': 'set', 'value': value, 'file': HOME + '/.profile', 'line': 3, 'text': 'x', 'reason': None}
    answer = lx.classify(ALICE, setting)
    assert (answer['kind'], answer['path'], answer['xdg_config_home']) == (kind, path, value)
    assert (answer['file'], answer['line']) == (HOME + '/.profile', 3)
    if kind == 'login':
        assert answer['reason'] is None
    else:
        assert HOME + '/.profile:3' in answer['reason'] and value in answer['reason']
    admin = lx.classify(ALICE, setting, name='libvirt-admin.conf')
    assert admin['path'] == (path.replace('libvirt.conf', 'libvirt-admin.conf') if path else None)


def test_classify_unset_and_dynamic():
    unset = {'kind': 'unset', 'value': None, 'file': None, 'line': None, 'text': None, 'reason': None}
    assert lx.classify(ALICE, unset)['path'] == HOME + '/.config/libvirt/libvirt.conf'
    assert lx.classify(ALICE, unset)['kind'] == 'default'
    dynamic = dict(unset, kind='dynamic', file='/etc/profile', line=9, reason='computes the value: x')
    answer = lx.classify(ALICE, dynamic)
    assert answer['kind'] == 'dynamic' and answer['path'] is None
    assert 'cannot be told' in answer['reason'] and '/etc/profile:9' in answer['reason']


def test_a_sourced_file_not_every_account_may_read_is_left_to_the_walk(world):
    # pytest's own temporary directories are private: this one is searchable by all, as /etc is.
    public = tempfile.mkdtemp(prefix='vk-unit.')
    try:
        os.chmod(public, 0o755)
        private = os.path.join(public, 'private')
        os.mkdir(private, 0o755)
        with open(os.path.join(private, 'env.sh'), 'w') as f:
            f.write('# nothing here\n')
        os.chmod(os.path.join(private, 'env.sh'), 0o644)
        (world['home'] / '.bashrc').write_text('. %s/env.sh\n' % private)
        assert world['scan']().may_move(world['pw']) is False
        os.chmod(os.path.join(private, 'env.sh'), 0o600)
        assert world['scan']().may_move(world['pw']) is True
        os.chmod(os.path.join(private, 'env.sh'), 0o644)
        os.chmod(private, 0o700)
        assert world['scan']().may_move(world['pw']) is True
    finally:
        shutil.rmtree(public)
