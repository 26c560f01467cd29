# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""libvirt_uri_info's O(verify_with_virsh): asking real virsh, in a login of each account, what
each alias and the default connection resolve to, and comparing that with the prediction.

``make_verifier`` finds the programs and checks that a network namespace can be made;
``VirshVerifier.verify`` runs virsh through ``su -l`` in that namespace and reads libvirt's answer
from its debug log (``virsh_answer``).
"""

import os
import re
import shlex
import tempfile

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_env as libvirt_env
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import Refusal

STANDIN_SSH = """#!/bin/sh
# Stand-in for ssh while libvirt_uri_info asks virsh what a name resolves to: never connects.
echo "libvirt_uri_info: stand-in ssh, not connecting" >&2
exit 255
"""
_SPLIT_RE = re.compile(r'(?:Split|name) "(.*)" to URI components:')
_NO_NAME = 'no name, allowing driver auto-select'


class VirshVerifier:
    """Asks virsh, in a login of each account, what each alias and the default resolve to.

    virsh runs as the account through ``su -l`` (PAM service su-l, then the account's login shell,
    interactive, as the audit models it), inside a new network namespace (``unshare --net``: not
    even 127.0.0.1 is reachable), with a stand-in ``ssh`` first on PATH, LIBVIRT_AUTOSTART=0 and a
    timeout.  The URI libvirt resolved is read from its debug log (the "Split ... to URI components"
    line that libvirt writes before any driver opens a connection); the connection itself fails.
    """

    SERVICE = 'su-l'
    PER_RUN = 10

    def __init__(self, programs, workdir, run_command):
        self.virsh = programs['virsh']
        self.unshare = programs['unshare']
        self.su = programs['su']
        self.timeout = programs['timeout']
        self.run_command = run_command
        self.workdir = workdir
        self.standin = os.path.join(workdir, 'bin')
        os.mkdir(self.standin, 0o755)
        path = os.path.join(self.standin, 'ssh')
        with open(path, 'w') as f:
            f.write(STANDIN_SSH)
        os.chmod(path, 0o755)
        os.chmod(workdir, 0o755)

    def _wrapper(self, pw):
        return login_wrapper(self.workdir, pw)

    def _script(self, names):
        lines = []
        for index, name in enumerate(names):
            connect = '' if name is None else ' -c %s' % shlex.quote(name)
            lines.append(
                "printf '@@vk-begin %d\\n'; LIBVIRT_DEBUG=1 LIBVIRT_LOG_FILTERS='1:libvirt 4:*' "
                "LIBVIRT_LOG_OUTPUTS=1:stderr LIBVIRT_AUTOSTART=0 PATH=%s:$PATH timeout -k 2 %d %s -q%s uri "
                "</dev/null 2>&1; printf '@@vk-end %d\\n'"
                % (index, shlex.quote(self.standin), self.PER_RUN, shlex.quote(self.virsh), connect, index))
        return '\n'.join(lines) + '\n'

    def ask(self, pw, names):
        """{index: (kind, text)}: kind 'uri', 'probe', 'error' or 'unreadable'."""
        limit = 20 + (self.PER_RUN + 3) * len(names)
        # timeout(1) bounds the whole login; each virsh call has its own bound in the script.
        command = [self.timeout, '-k', '5', str(limit), self.unshare, '--net', '--', self.su, '-l', '-s',
                   self._wrapper(pw), pw.pw_name, '-c', self._script(names)]
        dummy, text, dummy = self.run_command(command, environ_update={'LANG': 'C'})
        answers = {}
        for index in range(len(names)):
            begin = text.find('@@vk-begin %d\n' % index)
            end = text.find('@@vk-end %d\n' % index, begin + 1)
            if begin < 0 or end < 0:
                answers[index] = ('unreadable', 'no answer from virsh (the login or virsh did not run, or timed '
                                                'out after %d s)' % limit)
                continue
            answers[index] = virsh_answer(text[begin:end])
        return answers

    def verify(self, pw, config, predict):
        names = []
        for alias in config['aliases']:
            if alias['name'] not in names:
                names.append(alias['name'])
        prediction = predict()
        answers = self.ask(pw, names + [None])
        checks = []
        for index, name in enumerate(names + [None]):
            kind, text = answers[index]
            virsh = {'uri': text} if kind == 'uri' else ({'probe': True} if kind == 'probe' else {kind: text})
            if name is None:
                predicted = dict((k, prediction.get(k)) for k in ('uri', 'error'))
                source = (prediction.get('source') or {}).get('kind')
                predicted['source'] = source
                if source == 'dynamic':
                    agree = None
                elif source == 'probe':
                    agree = kind == 'probe'
                elif prediction.get('uri'):
                    agree = kind == 'uri' and text == prediction['uri']
                else:
                    agree = kind == 'error' and text == prediction.get('error')
            else:
                predicted = config['resolutions'].get(name, {})
                if 'uri' in predicted:
                    agree = kind == 'uri' and text == predicted['uri']
                else:
                    agree = kind == 'error' and text == predicted.get('error')
            checks.append({'name': name, 'predicted': predicted, 'virsh': virsh, 'agree': agree})
        return {
            'ran': True,
            'session': 'su -l %s (PAM service %s, login shell %s) in a network namespace of its own'
                       % (pw.pw_name, self.SERVICE, pw.pw_shell),
            'checks': checks,
            'agree': all(c['agree'] is not False for c in checks),
        }


def login_wrapper(workdir, pw):
    """The path of a script, in ``workdir``, that ``su -s`` runs as ``pw``: the account's login shell,
    interactive, running the command ``su -c`` gives it, stdin from /dev/null."""
    kind = libvirt_env.shell_kind(pw.pw_shell)
    path = os.path.join(workdir, 'login-%d' % pw.pw_uid)
    if kind is None:
        body = 'exec /bin/sh -c "$2" </dev/null\n'
    else:
        body = 'exec %s -l -i -c "$2" </dev/null\n' % shlex.quote(pw.pw_shell)
    with open(path, 'w') as f:
        f.write('#!/bin/sh\n' + body)
    os.chmod(path, 0o755)
    return path


def virsh_answer(output):
    """(kind, text) of one virsh run's output with libvirt's debug log: what libvirt resolved.

    libvirt writes 'Split "URI" to URI components' (libvirt 6 and later; 'name "URI" to URI
    components' before) once the alias lookup is done, before any driver opens a connection, and
    'no name, allowing driver auto-select' when nothing names a URI.  Without either, virsh's last
    error is the answer (the configuration failed first).
    """
    match = _SPLIT_RE.search(output)
    if match:
        return ('uri', match.group(1))
    if _NO_NAME in output:
        return ('probe', None)
    errors = [line[len('error: '):] for line in output.splitlines() if line.startswith('error: ')]
    if errors:
        return ('error', errors[-1])
    return ('unreadable', 'virsh printed neither a resolved URI nor an error')


def find_program(program):
    for directory in ('/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'):
        path = os.path.join(directory, program)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def make_verifier(run_command):
    """(VirshVerifier, None), or (None, reason) when virsh is not installed; Refusal when it cannot run.

    ``run_command``: AnsibleModule.run_command (or a function with its interface).
    """
    virsh = find_program('virsh')
    if virsh is None:
        return None, 'virsh is not installed on this host'
    if os.geteuid() != 0:
        raise Refusal('verify_with_virsh needs root (it runs virsh as each account through su -l, in a network '
                      'namespace of its own)')
    programs = {'virsh': virsh, 'unshare': find_program('unshare'), 'su': find_program('su'), 'timeout': find_program('timeout')}
    missing = sorted(name for name, path in programs.items() if path is None)
    if missing:
        verb = 'is' if len(missing) == 1 else 'are'
        raise Refusal('verify_with_virsh needs %s, which %s missing' % (', '.join(missing), verb))
    rc, dummy, error = run_command([programs['unshare'], '--net', '--', 'true'])
    if rc != 0:
        raise Refusal('verify_with_virsh cannot create a network namespace (unshare --net: %s); virsh is not '
                      'run without one' % error.strip())
    return VirshVerifier(programs, tempfile.mkdtemp(prefix='libvirt_uri_info.'), run_command), None
