# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""libvirt_uri_info's ``effective`` against a real interactive login (``su -`` on a pty) when the login
moves XDG_CONFIG_HOME: the file the audit names and the URI it predicts are those of the login's virsh.

Each case sets XDG_CONFIG_HOME in one place pam_env or the shell reads, and puts a libvirt.conf with a
``uri_default`` of its own both in ``~/.config/libvirt`` and in the directory the case moves it to, so a
wrong file shows as a wrong URI.  System files (``/etc/profile.d``, ``/etc/environment``) are replaced
only inside a private mount namespace (see test_libvirt_uri_info_env).
"""

import os
import pty
import re
import select
import time

import pytest

from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import VIRSH
# etc and member are fixtures.
from ansible_collections.virtkit.libvirt_client.tests.integration.test_libvirt_uri_info_env import (  # noqa: F401 pylint: disable=unused-import
    etc, info, member, namespace_command, write_as,
)

# The answer's line: the echo of the command line holds %s where the answer holds the mark.
MARK = re.compile(r'<<virsh:([^\n]*)>>')
DEFAULT_URI = 'test:///default?from=dot-config'


def interactive_login_virsh(binds, user):
    """What ``virsh uri`` prints in an interactive login shell of ``user`` (``su -`` on a pseudo-terminal)."""
    command = namespace_command(binds, ['su', '-', user])
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execvpe(command[0], command, {'PATH': '/usr/sbin:/usr/bin:/sbin:/bin', 'TERM': 'dumb'})
    line = 'printf "<<%%s:%%s>>\\n" virsh "$(LIBVIRT_AUTOSTART=0 %s -q uri 2>/dev/null)"; exit\n' % VIRSH
    output = b''
    deadline = time.time() + 60
    sent = False
    try:
        while time.time() < deadline:
            ready, dummy, dummy = select.select([fd], [], [], 0.5)
            if not sent and (ready or time.time() > deadline - 58):
                os.write(fd, line.encode())
                sent = True
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
    finally:
        os.close(fd)
        os.waitpid(pid, 0)
    found = MARK.findall(output.decode('utf-8', 'replace').replace('\r', ''))
    assert found, output
    return found[-1].strip()


def conf_in(pw, directory, uri):
    """``DIRECTORY/libvirt/libvirt.conf`` with ``uri_default = URI``, owned by the account."""
    path = os.path.join(directory, 'libvirt', 'libvirt.conf')
    for d in (directory, os.path.dirname(path)):
        os.makedirs(d, exist_ok=True)
        os.chown(d, pw.pw_uid, pw.pw_gid)
    with open(path, 'w') as f:
        f.write('uri_default = "%s"\n' % uri)
    os.chown(path, pw.pw_uid, pw.pw_gid)
    return path


def append_as(pw, relative, text):
    path = os.path.join(pw.pw_dir, relative)
    before = open(path).read() if os.path.exists(path) else ''
    return write_as(pw, relative, before + text)


# (case, how to set it up: f(etc, pw, outside) -> (moved directory or None, file, line) of the setting)
def profile(etc, pw, outside):
    path = append_as(pw, '.profile', 'export XDG_CONFIG_HOME="$HOME/.cfg"\n')
    return os.path.join(pw.pw_dir, '.cfg'), path, len(open(path).read().splitlines())


def bash_profile_hides_profile(etc, pw, outside):
    append_as(pw, '.profile', 'export XDG_CONFIG_HOME="$HOME/.cfg"\n')
    path = write_as(pw, '.bash_profile', '# no .profile\nexport XDG_CONFIG_HOME=~/.bp\n')
    return os.path.join(pw.pw_dir, '.bp'), path, 2


def bashrc_through_profile(etc, pw, outside):
    path = append_as(pw, '.bashrc', 'export XDG_CONFIG_HOME=$HOME/.rc\n')
    return os.path.join(pw.pw_dir, '.rc'), path, len(open(path).read().splitlines())


def two_steps(etc, pw, outside):
    path = append_as(pw, '.profile', 'XDG_CONFIG_HOME=$HOME/.two\nexport XDG_CONFIG_HOME\n')
    return os.path.join(pw.pw_dir, '.two'), path, len(open(path).read().splitlines())


def sourced_helper(etc, pw, outside):
    helper = write_as(pw, '.xdg-env', '# sourced by ~/.profile\nexport XDG_CONFIG_HOME="${HOME}/.helper"\n')
    append_as(pw, '.profile', '[ -r "$HOME/.xdg-env" ] && . "$HOME/.xdg-env"\n')
    return os.path.join(pw.pw_dir, '.helper'), helper, 2


def profile_d(etc, pw, outside):
    path = os.path.join(etc['/etc/profile.d'], 'xdg.sh')
    with open(path, 'w') as f:
        f.write('# site policy\nexport XDG_CONFIG_HOME="$HOME/.site"\n')
    return os.path.join(pw.pw_dir, '.site'), '/etc/profile.d/xdg.sh', 2


def etc_environment(etc, pw, outside):
    with open(etc['/etc/environment'], 'a') as f:
        f.write('XDG_CONFIG_HOME=%s\n' % outside)
    lines = len(open(etc['/etc/environment']).read().splitlines())
    return outside, '/etc/environment', lines


def unset_in_profile(etc, pw, outside):
    with open(etc['/etc/environment'], 'a') as f:
        f.write('XDG_CONFIG_HOME=%s\n' % outside)
    path = append_as(pw, '.profile', 'unset XDG_CONFIG_HOME\n')
    return None, path, len(open(path).read().splitlines())


def pam_environment_unread(etc, pw, outside):
    # su-l's pam_env lines have no user_readenv=1: pam_env does not read it.
    write_as(pw, '.pam_environment', 'XDG_CONFIG_HOME=%s/.pam\n' % pw.pw_dir)
    return None, None, None


def set_without_export(etc, pw, outside):
    path = append_as(pw, '.profile', 'XDG_CONFIG_HOME=$HOME/.notexported\n')
    return None, path, len(open(path).read().splitlines())


CASES = [profile, bash_profile_hides_profile, bashrc_through_profile, two_steps, sourced_helper, profile_d,
         etc_environment, unset_in_profile, pam_environment_unread, set_without_export]


@pytest.mark.parametrize('case', CASES, ids=[c.__name__ for c in CASES])
def test_the_audit_names_the_file_the_login_reads(etc, member, world_tmp, case):
    outside = str(world_tmp / 'outside')
    managed = conf_in(member, os.path.join(member.pw_dir, '.config'), DEFAULT_URI)
    moved, where, line = case(etc, member, outside)
    expected_uri = DEFAULT_URI
    if moved is not None:
        expected_uri = 'test:///default?from=' + case.__name__
        conf_in(member, moved, expected_uri)
    # The real login's virsh is the judge.
    assert interactive_login_virsh(etc, member.pw_name) == expected_uri

    result = info({'system': False, 'users': [member.pw_name], 'pam_service': 'su-l'}, etc)
    assert 'failed' not in result, result
    [config] = result['configs']
    effective = config['effective']
    assert effective['uri'] == expected_uri
    assert config['managed_path'] == managed
    source = effective['source']
    assert source['kind'] == 'uri_default'
    read = os.path.join(moved, 'libvirt', 'libvirt.conf') if moved else managed
    assert config['path'] == read and source['config_file'] == read
    rules = [f['rule'] for f in effective['findings']]
    if moved is None:
        assert source['moved_by'] is None and 'config-file-moved' not in rules
    else:
        assert source['moved_by'] == {'variable': 'XDG_CONFIG_HOME', 'value': moved, 'file': where, 'line': line}
        assert rules == ['config-file-moved']
        assert any('XDG_CONFIG_HOME' in w and member.pw_name in w for w in result['warnings'])
    if case is pam_environment_unread:
        assert [(n['variable'], n['file']) for n in effective['not_applied']] == [
            ('XDG_CONFIG_HOME', os.path.join(member.pw_dir, '.pam_environment'))]
    if case is unset_in_profile:
        assert [(s['variable'], s['file']) for s in effective['shadowed']] == [('XDG_CONFIG_HOME', '/etc/environment')]


def test_a_computed_value_is_not_guessed(etc, member):
    conf_in(member, os.path.join(member.pw_dir, '.config'), DEFAULT_URI)
    conf_in(member, os.path.join(member.pw_dir, '.comp'), 'test:///default?from=computed')
    append_as(member, '.profile', 'export XDG_CONFIG_HOME="$(printf %s "$HOME/.comp")"\n')
    assert interactive_login_virsh(etc, member.pw_name) == 'test:///default?from=computed'
    result = info({'system': False, 'users': [member.pw_name], 'pam_service': 'su-l'}, etc)
    effective = result['configs'][0]['effective']
    assert effective['uri'] is None
    assert effective['source']['kind'] == 'dynamic' and effective['source']['variable'] == 'XDG_CONFIG_HOME'
    assert effective['source']['config_file'] is None
    assert 'command substitution' in effective['source']['reason']
    assert [f['rule'] for f in effective['findings']] == ['config-file-unknown']
    assert any('cannot be told' in w for w in result['warnings'])
