# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""libvirt_uri_info's ``effective`` and ``findings``, run by ansible-playbook, judged by real virsh.

System files (``/etc/profile.d``, ``/etc/environment``) are replaced only inside a private mount
namespace (``unshare -m``) by bind mounts of temporary copies, so the machine's real ``/etc`` is
never changed; ansible-playbook and the virsh checks run inside that namespace.
"""

import json
import os
import pwd
import shlex
import shutil
import subprocess
import sys
import uuid

import pytest

from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import VIRSH, run_play, run_playbook

MODULE = 'virtkit.libvirt_client.libvirt_uri_info'
PROFILE_SCRIPT = ('# Installed by a distribution package: every login talks to the test driver\n'
                  '# (the same shape as a profile.d script that once shipped with a distribution)\n'
                  'export LIBVIRT_DEFAULT_URI=test:///default\n')
HV1 = 'qemu+ssh://root@hv1.example.com/system?no_verify=1'


def namespace_command(binds, command=()):
    """``command`` (a list) run in a private mount namespace with ``binds`` ({target: source}) mounted.

    Without ``command`` it is a wrapper: the command to run follows it.
    """
    script = ['set -e']
    for target, source in sorted(binds.items()):
        script.append('mount --bind %s %s' % (shlex.quote(source), shlex.quote(target)))
    script.append('exec "$@"')
    return ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', '\n'.join(script), 'sh'] + list(command)


def info(args, binds):
    return run_play([{'name': 'audit', MODULE: dict(args), 'ignore_errors': True}],
                    wrapper=namespace_command(binds))[0]


def login_virsh(binds, user, *args):
    """(ok, text) of ``virsh ARGS`` in a real login shell of ``user`` (su -l: PAM, then the profile files)."""
    assert VIRSH, 'virsh is missing: run `make test`, which installs libvirt-clients'
    inner = 'LIBVIRT_AUTOSTART=0 %s -q %s' % (VIRSH, ' '.join(shlex.quote(a) for a in args))
    command = ['su', '-l', user, '-s', '/bin/bash', '-c', inner]
    proc = subprocess.run(namespace_command(binds, command), capture_output=True, text=True, timeout=60,
                          check=False, env={'PATH': '/usr/sbin:/usr/bin:/sbin:/bin'})
    if proc.returncode == 0:
        return True, proc.stdout.strip()
    errors = [line[len('error: '):] for line in proc.stderr.splitlines() if line.startswith('error: ')]
    return False, errors[-1] if errors else proc.stderr.strip()


@pytest.fixture
def etc(world_tmp):
    """Copies of /etc/profile.d and /etc/environment, to bind over the real ones."""
    profile_d = world_tmp / 'profile.d'
    shutil.copytree('/etc/profile.d', str(profile_d), symlinks=True)
    os.chmod(str(profile_d), 0o755)
    environment = world_tmp / 'environment'
    shutil.copyfile('/etc/environment', str(environment))
    os.chmod(str(environment), 0o644)
    return {'/etc/profile.d': str(profile_d), '/etc/environment': str(environment)}


@pytest.fixture
def member(world_tmp):
    """A member of a fresh group, with a bash login shell and a home made from /etc/skel."""
    suffix = uuid.uuid4().hex[:8]
    group = 'vkgrp%s' % suffix
    name = 'vkenv%s' % suffix
    subprocess.run(['groupadd', group], check=True, capture_output=True, timeout=60)
    subprocess.run(['useradd', '--create-home', '--home-dir', str(world_tmp / 'home'), '--shell', '/bin/bash',
                    '--groups', group, name], check=True, capture_output=True, timeout=60)
    try:
        yield pwd.getpwnam(name)
    finally:
        subprocess.run(['userdel', name], check=False, capture_output=True, timeout=60)
        subprocess.run(['groupdel', group], check=False, capture_output=True, timeout=60)


def write_as(pw, relative, text, mode=0o644):
    """~/RELATIVE of the account, owned by it (directories created as needed)."""
    path = os.path.join(pw.pw_dir, relative)
    directory = os.path.dirname(path)
    parts = []
    while directory != pw.pw_dir and not os.path.isdir(directory):
        parts.append(directory)
        directory = os.path.dirname(directory)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    for created in parts:
        os.chown(created, pw.pw_uid, pw.pw_gid)
    with open(path, 'w') as f:
        f.write(text)
    os.chmod(path, mode)
    os.chown(path, pw.pw_uid, pw.pw_gid)
    return path


def test_profile_d_hides_the_users_uri_default(etc, member):
    """The issue's case: a profile.d script exports LIBVIRT_DEFAULT_URI over a member's uri_default."""
    with open(os.path.join(etc['/etc/profile.d'], 'libvirt-uri.sh'), 'w') as f:
        f.write(PROFILE_SCRIPT)
    conf = write_as(member, '.config/libvirt/libvirt.conf',
                    'uri_aliases = [\n  "hv1=%s",\n]\nuri_default = "hv1"\n' % HV1)
    result = info({'system': False, 'users': [member.pw_name]}, etc)
    assert 'failed' not in result, result
    [config] = result['configs']
    effective = config['effective']
    assert effective['uri'] == 'test:///default'
    assert effective['source'] == {'kind': 'environment', 'variable': 'LIBVIRT_DEFAULT_URI',
                                   'value': 'test:///default', 'file': '/etc/profile.d/libvirt-uri.sh',
                                   'line': 3, 'config_file': conf, 'moved_by': None}
    shown = '~%s/.config/libvirt/libvirt.conf' % member.pw_name
    assert {'variable': None, 'value': 'hv1', 'file': shown, 'line': 4, 'text': 'uri_default = "hv1"',
            'by': 'LIBVIRT_DEFAULT_URI=test:///default set in /etc/profile.d/libvirt-uri.sh:3',
            'kind': 'uri_default'} in effective['shadowed']
    assert effective['cannot_tell'] == []
    assert result['warnings'] == [
        "%s: uri_default 'hv1' of %s is hidden by LIBVIRT_DEFAULT_URI=test:///default set in "
        "/etc/profile.d/libvirt-uri.sh:3" % (member.pw_name, shown)]
    # The alias switches off host key checking.
    [finding] = config['findings']
    assert (finding['severity'], finding['alias'], finding['rule']) == ('high', 'hv1', 'ssh-no-verify')
    assert 'no_verify=1' in finding['message'] and 'host key' in finding['message']
    assert os.path.exists(conf)

    # Real virsh, in a real login of the member, connects where the audit says.
    assert login_virsh(etc, member.pw_name, 'uri') == (True, 'test:///default')
    # The self-check asks virsh the same, and for the alias, without any connection to hv1.
    checked = info({'system': False, 'users': [member.pw_name], 'verify_with_virsh': True}, etc)
    assert 'failed' not in checked, checked
    verification = checked['configs'][0]['verification']
    assert verification['ran'] is True and verification['agree'] is True
    assert [(c['name'], c['virsh'], c['agree']) for c in verification['checks']] == [
        ('hv1', {'uri': HV1}, True), (None, {'uri': 'test:///default'}, True)]
    # Without the profile.d script, the member's uri_default is back (hv1's URI, which needs ssh: read the
    # resolved URI from a connection to an alias lookup that needs no network instead).
    os.unlink(os.path.join(etc['/etc/profile.d'], 'libvirt-uri.sh'))
    result = info({'system': False, 'users': [member.pw_name]}, etc)
    effective = result['configs'][0]['effective']
    assert effective['source'] == {'kind': 'uri_default', 'variable': None, 'value': 'hv1', 'file': shown,
                                   'line': 4, 'config_file': conf, 'moved_by': None}
    assert effective['uri'] == HV1 and effective['shadowed'] == []
    assert 'warnings' not in result


def test_virsh_default_connect_uri_beats_libvirt_default_uri(etc, member):
    with open(etc['/etc/environment'], 'a') as f:
        f.write('LIBVIRT_DEFAULT_URI="test:///default?from=environment"\n')
    write_as(member, '.bashrc', '# ~/.bashrc\nexport VIRSH_DEFAULT_CONNECT_URI=test:///default\n')
    write_as(member, '.bash_profile', '[ -f ~/.bashrc ] && . ~/.bashrc\n')
    result = info({'system': False, 'users': [member.pw_name]}, etc)
    effective = result['configs'][0]['effective']
    assert effective['uri'] == 'test:///default'
    assert effective['source']['variable'] == 'VIRSH_DEFAULT_CONNECT_URI'
    assert (effective['source']['file'], effective['source']['line']) == (os.path.join(member.pw_dir, '.bashrc'), 2)
    assert [(s['variable'], s['file']) for s in effective['shadowed']] == [('LIBVIRT_DEFAULT_URI', '/etc/environment')]
    assert effective['other_clients'] == {'uri': 'test:///default?from=environment', 'source': 'environment'}
    # ~/.profile exists (from /etc/skel) but bash reads only the first of .bash_profile/.bash_login/.profile.
    assert login_virsh(etc, member.pw_name, 'uri') == (True, 'test:///default')


def test_dynamic_setting_is_not_guessed(etc, member):
    with open(os.path.join(etc['/etc/profile.d'], 'zz-libvirt.sh'), 'w') as f:
        f.write('export LIBVIRT_DEFAULT_URI="$(cat /etc/libvirt-uri 2>/dev/null)"\n')
    write_as(member, '.config/libvirt/libvirt.conf', 'uri_default = "test:///default"\n')
    result = info({'system': False, 'users': [member.pw_name]}, etc)
    effective = result['configs'][0]['effective']
    assert effective['uri'] is None
    assert effective['source']['kind'] == 'dynamic'
    assert effective['source']['file'] == '/etc/profile.d/zz-libvirt.sh'
    assert 'command substitution' in effective['source']['reason']
    assert effective['summary'].endswith('cannot tell')
    assert any('may be hidden' in w for w in result['warnings'])


def test_verification_reports_a_disagreement(etc, member):
    """A prediction that differs from what virsh says in the member's login is a failure, with both answers."""
    from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_virsh_check as module

    write_as(member, '.config/libvirt/libvirt.conf', 'uri_aliases = [ "t=test:///default" ]\n')

    def run_command(args, environ_update=None):
        environ = dict(os.environ, **(environ_update or {}))
        proc = subprocess.run(args, env=environ, capture_output=True, text=True, timeout=120, check=False)
        return proc.returncode, proc.stdout, proc.stderr

    verifier, skipped = module.make_verifier(run_command)
    assert skipped is None
    config = {'aliases': [{'name': 't', 'uri': 'test:///default', 'line': 1}],
              'resolutions': {'t': {'uri': 'test:///default?wrong'}}}
    wrong = {'uri': 'test:///default?also-wrong', 'error': None, 'source': {'kind': 'environment'}}
    try:
        result = verifier.verify(member, config, lambda: wrong)
    finally:
        shutil.rmtree(verifier.workdir)
    assert result['agree'] is False
    assert result['checks'] == [
        {'name': 't', 'predicted': {'uri': 'test:///default?wrong'}, 'virsh': {'uri': 'test:///default'},
         'agree': False},
        {'name': None, 'predicted': {'uri': 'test:///default?also-wrong', 'error': None, 'source': 'environment'},
         'virsh': {'probe': True}, 'agree': False}]


def test_verification_never_reaches_the_network(etc, member, world_tmp):
    """tls and libssh2 aliases make libvirt itself open TCP connections: in the namespace they fail at once."""
    write_as(member, '.config/libvirt/libvirt.conf', (
        'uri_aliases = [\n  "tls=qemu+tls://192.0.2.1/system",\n  "l2=qemu+libssh2://192.0.2.1/system",\n'
        '  "tcp=qemu+tcp://192.0.2.1/system",\n  "ssh=qemu+ssh://192.0.2.1/system",\n]\n'))
    result = info({'system': False, 'users': [member.pw_name], 'verify_with_virsh': True}, etc)
    assert 'failed' not in result, result
    checks = result['configs'][0]['verification']['checks']
    expected = [('tls', True), ('l2', True), ('tcp', True), ('ssh', True), (None, True)]
    assert [(c['name'], c['agree']) for c in checks] == expected


def test_docs_example_plain_virsh_goes_to_the_wrong_place(etc, member):
    """docs/troubleshooting.md's first example, on the issue's case."""
    with open(os.path.join(etc['/etc/profile.d'], 'libvirt-uri.sh'), 'w') as f:
        f.write(PROFILE_SCRIPT)
    write_as(member, '.config/libvirt/libvirt.conf', 'uri_aliases = [\n  "hv1=%s",\n]\nuri_default = "hv1"\n' % HV1)
    examples = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                            'docs', 'examples')
    extra_vars = {'wrong_place_users': [member.pw_name], 'ansible_python_interpreter': sys.executable}
    rc, results = run_playbook(os.path.join(examples, 'troubleshoot-wrong-place.yml'),
                               ['-i', 'localhost,', '-e', json.dumps(extra_vars)],
                               wrapper=namespace_command(etc), cwd=examples)
    by_task = dict((r['_task'], r) for r in results)
    audit = by_task['Audit root and the users, and check the answers with virsh itself']
    shown = '~%s/.config/libvirt/libvirt.conf' % member.pw_name
    assert audit['warnings'] == [
        "%s: uri_default 'hv1' of %s is hidden by LIBVIRT_DEFAULT_URI=test:///default set in "
        "/etc/profile.d/libvirt-uri.sh:3" % (member.pw_name, shown)]
    assert [c['verification']['agree'] for c in audit['configs']] == [True, True]
    said = [r['msg'] for r in by_task['Say what plain virsh connects to, and which file and line decided it']['results']]
    assert said[0].startswith('root: ')
    assert said[1] == ('%s: test:///default <- LIBVIRT_DEFAULT_URI=test:///default set in '
                       '/etc/profile.d/libvirt-uri.sh:3' % member.pw_name)
    hidden = [r['msg'] for r in by_task['Say what that setting hides']['results']]
    assert hidden[1] == ['%s:4' % shown]
    # The play stops on hv1's no_verify=1.
    assert rc == 2
    stop = by_task['Stop on URIs that switch off host key checking or send traffic in clear text']
    assert stop['failed'] is True
    [message] = stop['msg']
    assert message.startswith('no_verify=1 turns off SSH host key checking')
