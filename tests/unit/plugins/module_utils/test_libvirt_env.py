# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_libvirt_env: each file kind's syntax, the order of a login, and "cannot tell".

Shell snippets the reader settles are run through real bash as well (bash is the judge of what a
shell file sets); pam_env's files follow Linux-PAM's pam_env.c.
"""

import os
import subprocess

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_env as env
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_login_pam as pam

HOME = '/home/alice'
ACCOUNT = {'name': 'alice', 'uid': 1000, 'home': HOME, 'shell': '/bin/bash'}
L = env.LIBVIRT_VAR
V = env.VIRSH_VAR
X = env.XDG_VAR


class FakeReader(env.Reader):
    """Files from a dict (path -> text); directories are the parents of those files."""

    def __init__(self, files):
        self.files = dict(files)

    def read(self, path):
        return self.files.get(path)

    def test(self, op, path):
        if op == '-d':
            return any(p.startswith(path.rstrip('/') + '/') for p in self.files)
        return path in self.files

    def glob(self, pattern):
        import fnmatch
        return sorted(p for p in self.files if fnmatch.fnmatchcase(p, pattern) and
                      os.path.dirname(p) == os.path.dirname(pattern))


def settled(events):
    """{VAR: value} after applying the events ('?' when it cannot be told, None when unset/unexported)."""
    state = env.evaluate(events)
    out = {}
    for name in env.TRACKED:
        value = state[name]['value']
        if value is Ellipsis:
            out[name] = '?'
        else:
            out[name] = value if (value and state[name]['exported']) else None
    return out


def shell(text, files=None, account=None, path='/etc/profile.d/test.sh'):
    account = account or ACCOUNT
    reader = FakeReader(dict(files or {}, **{path: text}))
    walker = env.ShellWalker(reader, account, env.shell_kind(account['shell']))
    walker.run_file(path)
    return walker.events


# -- /etc/environment and ~/.pam_environment -----------------------------------------------------

@pytest.mark.parametrize('line, value', [
    ('LIBVIRT_DEFAULT_URI=qemu:///system', 'qemu:///system'),
    ('  export LIBVIRT_DEFAULT_URI=qemu:///system', 'qemu:///system'),
    ('LIBVIRT_DEFAULT_URI="qemu:///system"', 'qemu:///system'),
    ("LIBVIRT_DEFAULT_URI='qemu:///system'", 'qemu:///system'),
    ('LIBVIRT_DEFAULT_URI=qemu:///system # the system daemon', 'qemu:///system '),
    ('LIBVIRT_DEFAULT_URI=$HOME/x', '$HOME/x'),                      # pam_env expands nothing here
    ('LIBVIRT_DEFAULT_URI="test:///default?a=\'b\'"', "test:///default?a='b'"),
])
def test_pam_envfile_values(line, value):
    events = env.parse_pam_envfile('# comment\nPATH=/bin\n%s\n' % line, '/etc/environment')
    assert [(e['op'], e['line']) for e in events] == [('set', 3)]
    assert settled(events)[L] == value


def test_pam_envfile_key_alone_unsets_and_other_keys_are_ignored():
    events = env.parse_pam_envfile('LIBVIRT_DEFAULT_URI=a:///\nLIBVIRT_DEFAULT_URI\nLIBVIRT_DEFAULT_URIX=b:///\n',
                                   '/etc/environment')
    assert [e['op'] for e in events] == ['set', 'unset']
    assert settled(events)[L] is None


# -- /etc/security/pam_env.conf ------------------------------------------------------------------

@pytest.mark.parametrize('line, value', [
    ('LIBVIRT_DEFAULT_URI DEFAULT=qemu:///system', 'qemu:///system'),
    ('LIBVIRT_DEFAULT_URI DEFAULT=qemu:///system OVERRIDE=', 'qemu:///system'),
    ('LIBVIRT_DEFAULT_URI DEFAULT=a:/// OVERRIDE=test:///default', 'test:///default'),
    ('LIBVIRT_DEFAULT_URI DEFAULT="test:///@{HOME}/x"', 'test:///%s/x' % HOME),
    ('LIBVIRT_DEFAULT_URI DEFAULT=test:///\\${HOME}', 'test:///${HOME}'),
    ('LIBVIRT_DEFAULT_URI DEFAULT=', None),
    ('LIBVIRT_DEFAULT_URI', None),
])
def test_pam_env_conf_values(line, value):
    events = env.parse_pam_env_conf('# c\n%s\n' % line, env.PAM_ENV_CONF, ACCOUNT)
    assert settled(events)[L] == value


def test_pam_env_conf_expands_tracked_variables_and_refuses_others():
    events = env.parse_pam_env_conf('LIBVIRT_DEFAULT_URI DEFAULT=test:///default\n'
                                    'VIRSH_DEFAULT_CONNECT_URI DEFAULT=${LIBVIRT_DEFAULT_URI}\n',
                                    env.PAM_ENV_CONF, ACCOUNT)
    assert settled(events) == {L: 'test:///default', V: 'test:///default', X: None}
    [event] = env.parse_pam_env_conf('LIBVIRT_DEFAULT_URI OVERRIDE=${REMOTEHOST}\n', env.PAM_ENV_CONF, ACCOUNT)
    assert event['op'] == 'dynamic' and '${REMOTEHOST}' in event['reason']
    assert settled([event])[L] == '?'


def test_pam_service_lines_follow_includes():
    reader = FakeReader({
        '/etc/pam.d/sshd': '@include common-auth\nsession required pam_env.so # [1]\n'
                           'session required pam_env.so user_readenv=1 envfile=/etc/default/locale\n',
        '/etc/pam.d/common-auth': 'auth required pam_unix.so\nsession optional pam_env.so readenv=0\n',
        '/etc/pam.d/login': 'session [success=ok default=bad] pam_env.so conffile=/etc/x.conf\n',
    })
    lines = pam.pam_env_lines(reader, 'sshd')
    assert lines == [
        ('/etc/pam.d/common-auth', 2, {'readenv': '0'}),
        ('/etc/pam.d/sshd', 2, {}),
        ('/etc/pam.d/sshd', 3, {'user_readenv': '1', 'envfile': '/etc/default/locale'}),
    ]
    assert pam.pam_env_lines(reader, 'login') == [('/etc/pam.d/login', 1, {'conffile': '/etc/x.conf'})]


def test_pam_order_conffile_envfile_then_user_file():
    reader = FakeReader({
        '/etc/pam.d/sshd': 'session required pam_env.so user_readenv=1\n',
        env.PAM_ENV_CONF: 'LIBVIRT_DEFAULT_URI DEFAULT=a:///\n',
        env.PAM_ENVFILE: 'LIBVIRT_DEFAULT_URI=b:///\n',
        HOME + '/.pam_environment': 'LIBVIRT_DEFAULT_URI=c:///\n',
    })
    phases, notes = env.collect_pam(reader, ACCOUNT)
    assert [p[0] for p in phases] == [env.PAM_ENV_CONF, env.PAM_ENVFILE, HOME + '/.pam_environment']
    events = [e for p in phases for e in p[2]]
    assert settled(events)[L] == 'c:///' and notes == []
    # Without user_readenv (pam_env's default) the user's file is not read.
    reader.files['/etc/pam.d/sshd'] = 'session required pam_env.so\n'
    phases, dummy = env.collect_pam(reader, ACCOUNT)
    assert settled([e for p in phases for e in p[2]])[L] == 'b:///'


# -- shell files ---------------------------------------------------------------------------------

SETTLED = [
    ('export LIBVIRT_DEFAULT_URI=test:///default\n', 'test:///default'),
    ('LIBVIRT_DEFAULT_URI="test:///default"; export LIBVIRT_DEFAULT_URI\n', 'test:///default'),
    ("export LIBVIRT_DEFAULT_URI='test:///default?a=$b'\n", 'test:///default?a=$b'),
    ('export LIBVIRT_DEFAULT_URI="test:///$USER"  # a comment\n', 'test:///alice'),
    ('export LIBVIRT_DEFAULT_URI=test:///${HOME}/x\n', 'test:///%s/x' % HOME),
    ('LIBVIRT_DEFAULT_URI=test:///default\n', None),                   # never exported
    ('export LIBVIRT_DEFAULT_URI=test:///a\nunset LIBVIRT_DEFAULT_URI\n', None),
    ('export LIBVIRT_DEFAULT_URI=test:///a\nexport LIBVIRT_DEFAULT_URI=test:///b\n', 'test:///b'),
    ('export LIBVIRT_DEFAULT_URI=test:///a\nexport -n LIBVIRT_DEFAULT_URI\n', None),
    ('declare -x LIBVIRT_DEFAULT_URI=test:///d\n', 'test:///d'),
    ('export LIBVIRT_DEFAULT_URI="${LIBVIRT_DEFAULT_URI:-test:///fallback}"\n', 'test:///fallback'),
    ('LIBVIRT_DEFAULT_URI=test:///x virsh list\n', None),              # only that command's environment
    ('cat <<EOF\nexport LIBVIRT_DEFAULT_URI=test:///heredoc\nEOF\n', None),
    ('if [ -n "$BASH_VERSION" ]; then\n  export LIBVIRT_DEFAULT_URI=test:///bash\nfi\n', 'test:///bash'),
    ('if [ -z "$BASH_VERSION" ]; then\n  export LIBVIRT_DEFAULT_URI=test:///sh\nelse\n'
     '  export LIBVIRT_DEFAULT_URI=test:///bash\nfi\n', 'test:///bash'),
    ('case $- in\n  *i*) ;;\n  *) return;;\nesac\nexport LIBVIRT_DEFAULT_URI=test:///interactive\n',
     'test:///interactive'),
    ('[ -z "$PS1" ] && return\nexport LIBVIRT_DEFAULT_URI=test:///ps1\n', 'test:///ps1'),
    ('export VIRSH_DEFAULT_CONNECT_URI=test:///v LIBVIRT_DEFAULT_URI=test:///l\n', 'test:///l'),
    ('export LIBVIRT_DEFAULT_URI=\\\ntest:///continued\n', 'test:///continued'),
    ('export LIBVIRT_DEFAULT_URI=test:///x:~/y\n', 'test:///x:%s/y' % HOME),
    ('export LIBVIRT_DEFAULT_URI="test:///x:~/y"\n', 'test:///x:~/y'),
    ('[ -z "$LIBVIRT_DEFAULT_URI" ] && export LIBVIRT_DEFAULT_URI=test:///unset\n', 'test:///unset'),
    ('export LIBVIRT_DEFAULT_URI=test:///b\nif [ -z "$LIBVIRT_DEFAULT_URI" ]; then\n'
     '  export LIBVIRT_DEFAULT_URI=test:///a\nfi\n', 'test:///b'),
    ('export LIBVIRT_DEFAULT_URI=test:///b\n: ${LIBVIRT_DEFAULT_URI:=test:///a}\n', 'test:///b'),
    (': ${LIBVIRT_DEFAULT_URI:=test:///a}\nexport LIBVIRT_DEFAULT_URI\n', 'test:///a'),
    ('[ -n "${LIBVIRT_DEFAULT_URI}" ] || export LIBVIRT_DEFAULT_URI=test:///c\n', 'test:///c'),
    ('export LIBVIRT_DEFAULT_URI=test:///b\n[ ! "$LIBVIRT_DEFAULT_URI" ] && export LIBVIRT_DEFAULT_URI=test:///c\n',
     'test:///b'),
    ('for f in /nonexistent; do\n  export LIBVIRT_DEFAULT_URI=test:///loop\ndone\n', 'test:///loop'),
]


@pytest.mark.parametrize('text, value', SETTLED)
def test_shell_values_agree_with_bash(text, value, tmp_path):
    assert settled(shell(text))[L] == value
    # bash, interactive, with the same HOME and USER, says the same.
    script = tmp_path / 'snippet.sh'
    script.write_text(text)
    proc = subprocess.run(['bash', '--norc', '--noprofile', '-i', '-c',
                           '. %s; env | grep "^%s=" || true' % (script, L)],
                          env={'HOME': HOME, 'USER': 'alice', 'PATH': '/usr/bin:/bin', 'PS1': '$ '},
                          capture_output=True, text=True, timeout=30, check=False)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(L + '=')]
    assert (lines[-1][len(L) + 1:] if lines else None) == value, proc.stderr


@pytest.mark.parametrize('text, reason', [
    ('export LIBVIRT_DEFAULT_URI=$(cat /etc/uri)\n', 'command substitution'),
    ('export LIBVIRT_DEFAULT_URI=`cat /etc/uri`\n', 'command substitution'),
    ('export LIBVIRT_DEFAULT_URI=test:///$HOSTNAME\n', '$HOSTNAME'),
    ('if [ "$(hostname)" = hv1 ]; then\n  export LIBVIRT_DEFAULT_URI=test:///a\nfi\n', 'under an if'),
    ('command -v virsh >/dev/null && export LIBVIRT_DEFAULT_URI=test:///a\n', '&& or ||'),
    ('use_hv1() {\n  export LIBVIRT_DEFAULT_URI=test:///a\n}\n', 'function'),
    ('while read -r h; do\n  export LIBVIRT_DEFAULT_URI=test:///a\ndone < /etc/hosts\n', 'in a loop'),
    ('eval "export LIBVIRT_DEFAULT_URI=test:///a"\n', 'eval'),
    ('alias virsh="LIBVIRT_DEFAULT_URI=test:///a virsh"\n', 'not a plain assignment'),
    (': ${LIBVIRT_DEFAULT_URI=test:///a}\n', ':='),
    ('export LIBVIRT_DEFAULT_URI=$(cat /x)\n[ -z "$LIBVIRT_DEFAULT_URI" ] && export LIBVIRT_DEFAULT_URI=test:///a\n',
     'command substitution'),
    ('export LIBVIRT_DEFAULT_URI+=x\n', '+='),
    ('read LIBVIRT_DEFAULT_URI < /etc/uri\n', 'not a plain assignment'),
])
def test_shell_computed_values_cannot_be_told(text, reason):
    events = shell(text)
    assert settled(events)[L] == '?', events
    dynamic = [e for e in events if e['op'] == 'dynamic']
    assert dynamic and reason in dynamic[0]['reason'], dynamic


def test_a_later_plain_assignment_settles_an_earlier_dynamic_one():
    events = shell('export LIBVIRT_DEFAULT_URI=$(cat /x)\nexport LIBVIRT_DEFAULT_URI=test:///b\n')
    assert settled(events)[L] == 'test:///b'


def test_virsh_variable_may_copy_the_libvirt_one():
    events = shell('export LIBVIRT_DEFAULT_URI=test:///a\nexport VIRSH_DEFAULT_CONNECT_URI=$LIBVIRT_DEFAULT_URI\n')
    assert settled(events) == {L: 'test:///a', V: 'test:///a', X: None}


def test_sources_are_followed_where_they_stand():
    files = {'/etc/extra.sh': 'export LIBVIRT_DEFAULT_URI=test:///extra\n',
             HOME + '/.bashrc': 'export LIBVIRT_DEFAULT_URI=test:///bashrc\n'}
    events = shell('. /etc/extra.sh\nexport LIBVIRT_DEFAULT_URI=test:///after\n', files)
    assert settled(events)[L] == 'test:///after'
    events = shell('export LIBVIRT_DEFAULT_URI=test:///before\nif [ -f "$HOME/.bashrc" ]; then\n'
                   '  . "$HOME/.bashrc"\nfi\n', files)
    assert settled(events)[L] == 'test:///bashrc'
    assert [e['file'] for e in events if e['op'] == 'set'] == ['/etc/profile.d/test.sh', HOME + '/.bashrc']
    # A source under a condition the reader cannot decide makes the sourced file's settings dynamic.
    events = shell('if [ "$(id -u)" = 0 ]; then . /etc/extra.sh; fi\n', files)
    assert settled(events)[L] == '?'
    # A missing file under a file test is skipped, as the shell does.
    events = shell('[ -r /etc/missing.sh ] && . /etc/missing.sh\n', files)
    assert settled(events)[L] is None and events == []
    # A source the reader cannot follow makes every tracked variable "cannot tell".
    events = shell('. "$(dirname "$0")/x.sh"\n', files)
    assert settled(events) == {L: '?', V: '?', X: '?'}
    assert 'sources a file named by a command substitution' in events[0]['reason']
    events = shell('. libvirt-env.sh\n', files)
    assert settled(events) == {L: '?', V: '?', X: '?'} and 'relative path' in events[0]['reason']


def test_debian_profile_reads_bash_bashrc_and_profile_d_in_order():
    profile = ('if [ "${PS1-}" ]; then\n  if [ "${BASH-}" ] && [ "$BASH" != "/bin/sh" ]; then\n'
               '    if [ -f /etc/bash.bashrc ]; then\n      . /etc/bash.bashrc\n    fi\n  else\n'
               '    PS1=\'$ \'\n  fi\nfi\n\nif [ -d /etc/profile.d ]; then\n  for i in /etc/profile.d/*.sh; do\n'
               '    if [ -r $i ]; then\n      . $i\n    fi\n  done\n  unset i\nfi\n')
    files = {'/etc/bash.bashrc': 'export LIBVIRT_DEFAULT_URI=test:///bashrc\n',
             '/etc/profile.d/a.sh': 'export LIBVIRT_DEFAULT_URI=test:///a\n',
             '/etc/profile.d/b.sh': 'export LIBVIRT_DEFAULT_URI=test:///b\n',
             '/etc/profile.d/c.txt': 'export LIBVIRT_DEFAULT_URI=test:///not-sh\n'}
    events = shell(profile, files, path='/etc/profile')
    assert [(e['file'], e['value'] if 'value' in e else None) for e in env.evaluate(events)[L]['history']] == [
        ('/etc/bash.bashrc', 'test:///bashrc'), ('/etc/profile.d/a.sh', 'test:///a'),
        ('/etc/profile.d/b.sh', 'test:///b')]
    # dash (sh) skips bash.bashrc.
    sh_account = dict(ACCOUNT, shell='/bin/sh')
    events = shell(profile, files, account=sh_account, path='/etc/profile')
    assert [e['file'] for e in env.evaluate(events)[L]['history']] == ['/etc/profile.d/a.sh', '/etc/profile.d/b.sh']


def test_bash_reads_only_the_first_login_file():
    reader = FakeReader({HOME + '/.bash_login': 'export LIBVIRT_DEFAULT_URI=test:///login\n',
                         HOME + '/.profile': 'export LIBVIRT_DEFAULT_URI=test:///profile\n',
                         HOME + '/.zshenv': 'export LIBVIRT_DEFAULT_URI=test:///zsh\n',
                         HOME + '/.config/environment.d/10-libvirt.conf': 'LIBVIRT_DEFAULT_URI=test:///envd\n'})
    analysis = env.analyse(ACCOUNT, reader)
    assert settled(analysis['sequence'])[L] == 'test:///login'
    unread = sorted((e['file'], e['why'].split(',')[0]) for e in analysis['unread'])
    assert unread == [
        (HOME + '/.config/environment.d/10-libvirt.conf', 'environment.d is read by the systemd user manager'),
        (HOME + '/.profile', 'a bash login shell does not read it'),
        (HOME + '/.zshenv', 'a bash login shell does not read it'),
    ]
    # zsh reads ~/.zshenv, and not ~/.bash_login.
    zsh = env.analyse(dict(ACCOUNT, shell='/usr/bin/zsh'), reader)
    assert settled(zsh['sequence'])[L] == 'test:///zsh'


def test_nologin_account_gets_only_pam():
    reader = FakeReader({'/etc/pam.d/sshd': 'session required pam_env.so\n',
                         env.PAM_ENVFILE: 'LIBVIRT_DEFAULT_URI=test:///pam\n',
                         HOME + '/.profile': 'export LIBVIRT_DEFAULT_URI=test:///profile\n'})
    analysis = env.analyse(dict(ACCOUNT, shell='/usr/sbin/nologin'), reader)
    assert settled(analysis['sequence'])[L] == 'test:///pam'
    assert 'reads no startup file' in analysis['session']


# -- environment.d -------------------------------------------------------------------------------

@pytest.mark.parametrize('line, value', [
    ('LIBVIRT_DEFAULT_URI=test:///default', 'test:///default'),
    ('LIBVIRT_DEFAULT_URI = "test:///default"', 'test:///default'),
    ("LIBVIRT_DEFAULT_URI='test:///$x'", 'test:///$x'),
    ('LIBVIRT_DEFAULT_URI=test:///${HOME}', 'test:///%s' % HOME),
])
def test_environment_d_values(line, value):
    events = env.parse_environment_d('# c\n%s\n' % line, 'x.conf', ACCOUNT)
    assert settled(events)[L] == value


def test_environment_d_unknown_variable_cannot_be_told():
    [event] = env.parse_environment_d('LIBVIRT_DEFAULT_URI=test:///$XDG_RUNTIME_DIR\n', 'x.conf', ACCOUNT)
    assert event['op'] == 'dynamic' and '$XDG_RUNTIME_DIR' in event['reason']


# -- the effective connection --------------------------------------------------------------------

def _resolver(env_default, virsh_default):
    return {'uri': virsh_default or env_default or 'qemu:///session'}


def test_effective_names_winner_and_everything_it_hides():
    reader = FakeReader({
        '/etc/pam.d/sshd': 'session required pam_env.so\n',
        env.PAM_ENVFILE: 'LIBVIRT_DEFAULT_URI=test:///etc-environment\n',
        '/etc/profile': 'export LIBVIRT_DEFAULT_URI=test:///profile\n',
        HOME + '/.profile': 'export VIRSH_DEFAULT_CONNECT_URI=test:///virsh\n',
    })
    default = {'value': 'hv1', 'file': '~alice/.config/libvirt/libvirt.conf', 'line': 2}
    result = env.effective(env.analyse(ACCOUNT, reader), _resolver, default)
    assert result['uri'] == 'test:///virsh'
    assert result['source'] == {'kind': 'environment', 'variable': V, 'value': 'test:///virsh',
                                'file': HOME + '/.profile', 'line': 1}
    assert result['summary'] == 'VIRSH_DEFAULT_CONNECT_URI=test:///virsh set in %s/.profile:1' % HOME
    assert [(s['variable'], s['value'], s['file']) for s in result['shadowed']] == [
        (L, 'test:///etc-environment', env.PAM_ENVFILE),
        (L, 'test:///profile', '/etc/profile'),
        (None, 'hv1', '~alice/.config/libvirt/libvirt.conf')]
    assert result['other_clients'] == {'uri': 'test:///profile', 'source': 'environment'}


def test_effective_falls_back_to_uri_default_then_probe():
    reader = FakeReader({})
    default = {'value': 'hv1', 'file': '/etc/libvirt/libvirt.conf', 'line': 7}
    result = env.effective(env.analyse(ACCOUNT, reader), _resolver, default)
    assert result['source']['kind'] == 'uri_default'
    assert result['summary'] == "uri_default 'hv1' of /etc/libvirt/libvirt.conf:7"
    result = env.effective(env.analyse(ACCOUNT, reader), _resolver, None)
    assert result['source']['kind'] == 'probe' and result['uri'] == 'qemu:///session'
