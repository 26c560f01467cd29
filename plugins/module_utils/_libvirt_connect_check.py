# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""libvirt_uri_info's O(check_connections): each alias and the default connection of an account tried
for real, as the account, after its login, and every failure named by its cause.

``make_checker`` finds the programs; ``ConnectChecker.check`` runs one ``virsh -c NAME hostname``
(with O(remote_version), ``'hostname; version --daemon'``) per connection, all in parallel, each
through ``su -l`` with the account's login shell (as O(verify_with_virsh) runs virsh), with no
terminal (``su -c`` runs the command in a session of its own), stdin from /dev/null,
``LIBVIRT_AUTOSTART=0`` and a timeout.  ``ssh`` is a stand-in first on PATH that runs the real
``ssh`` with ``BatchMode=yes`` (no prompt, no askpass) and with the account's known_hosts files
replaced by private copies, so that a ``no_verify=1`` URI adds its host key to a copy the next
connection never sees: no file of the account changes.  ``cause_of`` names a failure from
libvirt's message.
"""

import concurrent.futures
import os
import pwd
import shlex
import shutil
import tempfile
import time

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import Refusal
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_virsh_check import (
    find_program,
    login_wrapper,
)

CAUSES = ('host_key_unknown', 'host_key_mismatch', 'auth_failed', 'unreachable', 'timeout', 'no_daemon',
          'no_helper', 'uri_refused', 'other')
DEFAULT_TIMEOUT = 10
MAX_PARALLEL = 64
COMMANDS = 'hostname'
VERSION_COMMANDS = 'hostname; version --daemon'
_DAEMON_LINE = 'Running against daemon: '
# printed right before virsh starts: what the login's startup files print comes before it
MARKER = '@@libvirt_uri_info-connect@@'

# The stand-in ssh, one per connection in that connection's private directory (libvirt runs ssh with an
# environment of its own, PATH and a few more, so the directory is written into the script): @SSH@ is
# the real ssh, @DIR@ the private directory.  `ssh -G` prints the configuration the same arguments give
# (Host and Match blocks of the account's ssh_config applied), so the copies are of the very files
# ssh would read for that host; the first value of an option wins, so the -o given here win.
SSH_WRAPPER = """#!/bin/sh
# ssh for libvirt_uri_info's connection check (check_connections): never prompts, and changes no
# file of the account: the known_hosts files ssh would read for this host are copied into the
# connection's private directory, and ssh reads (and may add to) the copies only.
set -f
unset DISPLAY SSH_ASKPASS
SSH_ASKPASS_REQUIRE=never
export SSH_ASKPASS_REQUIRE
real=@SSH@
dir=@DIR@
files=$("$real" -G "$@" </dev/null 2>/dev/null | sed -n 's/^userknownhostsfile //p')
copies=
n=0
for f in $files; do
    n=$((n + 1))
    case $f in "~/"*) f=$HOME/${f#"~/"} ;; esac
    if [ -f "$f" ] && [ -r "$f" ]; then
        cat -- "$f" >"$dir/known_hosts.$n" || exit 255
    fi
    copies="$copies $dir/known_hosts.$n"
done
[ -n "$copies" ] || copies=" $dir/known_hosts.0"
exec "$real" -o BatchMode=yes -o ConnectTimeout=@CONNECT_TIMEOUT@ -o ControlMaster=no -o ControlPath=none -o LogLevel=ERROR \\
    -o UserKnownHostsFile="${copies# }" "$@"
"""

# (cause, any of these texts) in the order they are tried; the texts are libvirt's and ssh's own
# (src/rpc/virnetsocket.c, src/remote/remote_sockets.c, src/remote/remote_ssh_helper.c, OpenSSH).
_REMOTE_PREFIXES = ('Cannot recv data: ', 'End of file while reading data: ', 'Cannot write data: ')
_RULES = (
    ('host_key_mismatch', ('REMOTE HOST IDENTIFICATION HAS CHANGED', 'has changed and you have requested strict',
                           'Host key verification failed: Identity', 'differs from stored')),
    ('host_key_unknown', ('Host key verification failed', 'host key is known for', 'host key is unknown',
                          'No matching host key', 'is not in the known hosts')),
    ('auth_failed', ('Permission denied (', 'Too many authentication failures', 'Authentication failed',
                     'authentication failed', 'no authentication methods', 'No more authentication methods',
                     'authentication unavailable', 'access denied', 'Unable to authenticate')),
    ('timeout', ('Connection timed out', 'Operation timed out', 'timed out during banner exchange')),
    ('no_helper', ('virt-ssh-helper: not found', 'nc: not found', 'netcat: not found', 'command not found',
                   'virt-ssh-helper: No such file')),
    ('unreachable', ('ssh: connect to host', 'Could not resolve hostname', 'No route to host', 'Network is unreachable',
                     'Name or service not known', 'unable to connect to server', 'Temporary failure in name resolution',
                     'Connection closed by remote host', 'kex_exchange_identification')),
    ('no_daemon', ('Failed to connect socket to', 'cannot connect to', 'nc: ', 'No such file or directory',
                   'Connection refused')),
)
_LOCAL_REFUSALS = ('invalid URI', 'invalid argument', 'no connection driver available', 'Malformed',
                   'configuration file syntax error', 'unsupported configuration', 'does not include a driver name',
                   'expected a string list', 'Failed to open file', 'only local', 'not supported')


def cause_of(error, timed_out=False):
    """The cause of a failed connection from libvirt's message ``error`` (virsh's error text)."""
    if timed_out:
        return 'timeout'
    text = error or ''
    if not text.startswith(_REMOTE_PREFIXES):
        for needle in _LOCAL_REFUSALS:
            if needle in text:
                return 'uri_refused'
    for cause, needles in _RULES:
        for needle in needles:
            if needle in text:
                return cause
    return 'other'


def virsh_error(stderr):
    """libvirt's message in virsh's error output: the lines after "error: failed to connect to the
    hypervisor" (the message may span lines, OpenSSH's host key warning does), without "error: "."""
    lines = stderr.replace('\r', '').split('\n')
    # what comes before virsh's first error line is the login shell's (no job control, ...)
    starts = [index for index, line in enumerate(lines) if line.startswith('error: ')]
    if starts:
        lines = lines[starts[0]:]
    kept = []
    for line in lines:
        if line.startswith('error: '):
            line = line[len('error: '):]
            if line == 'failed to connect to the hypervisor':
                continue
        kept.append(line)
    return '\n'.join(kept).strip() or None


def _not_tried(uri):
    """Why a URI is not tried (its ssh could write to the account's files), or None."""
    if not uri:
        return None
    from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_uri as libvirt_uri
    try:
        parts = libvirt_uri.parse_uri(uri)
    except libvirt_uri.URIError:
        return None
    transport = (parts.get('transport') or '').lower()
    params = parts.get('params') or {}
    if transport == 'ext':
        return 'not tried: the ext transport runs a command of its own (command=%s)' % params.get('command')
    if transport == 'ssh' and params.get('command') not in (None, 'ssh'):
        return ('not tried: command=%s replaces ssh, so the check cannot keep it from changing the '
                "account's known_hosts" % params['command'])
    if transport in ('libssh', 'libssh2') and (params.get('known_hosts_verify') or '') == 'auto':
        return ("not tried: known_hosts_verify=auto makes libvirt's %s transport write the host key into "
                "the account's known_hosts" % transport)
    return None


class ConnectChecker:
    """Tries each connection of each account for real, in parallel, and names each failure."""

    def __init__(self, programs, workdir, timeout, run_command, remote_version=False):
        self.virsh = programs['virsh']
        self.su = programs['su']
        self.setsid = programs['setsid']
        self.run_command = run_command
        self.timeout_program = programs['timeout']
        # virsh writes to a pipe: without line buffering, the host name it printed is lost when the
        # timeout stops a slow `version --daemon` after it
        self.stdbuf = programs.get('stdbuf')
        self.timeout = timeout
        self.commands = VERSION_COMMANDS if remote_version else COMMANDS
        self.workdir = workdir
        self.ssh = programs.get('ssh')
        os.chmod(workdir, 0o711)

    def _private_dir(self, pw):
        """A directory for one connection, the account's alone, with the stand-in ssh in bin/."""
        path = tempfile.mkdtemp(prefix='c.', dir=self.workdir)
        bindir = os.path.join(path, 'bin')
        os.mkdir(bindir, 0o755)
        if self.ssh:
            wrapper = os.path.join(bindir, 'ssh')
            with open(wrapper, 'w') as f:
                f.write(SSH_WRAPPER.replace('@SSH@', shlex.quote(self.ssh)).replace('@DIR@', shlex.quote(path))
                        .replace('@CONNECT_TIMEOUT@', str(self.timeout)))
            os.chmod(wrapper, 0o755)
        os.chown(path, pw.pw_uid, pw.pw_gid)
        os.chmod(path, 0o700)
        return path

    def _script(self, name, private):
        connect = '' if name is None else ' -c %s' % shlex.quote(name)
        return ('export PATH=%s:"$PATH" LIBVIRT_AUTOSTART=0 LC_ALL=C; '
                'unset LIBVIRT_DEBUG LIBVIRT_LOG_OUTPUTS DISPLAY SSH_ASKPASS; '
                'printf "%%s\\n" %s; printf "%%s\\n" %s >&2; '
                'exec %s -k 1 %d %s%s -q%s %s'
                % (shlex.quote(os.path.join(private, 'bin')), MARKER, MARKER, shlex.quote(self.timeout_program),
                   self.timeout + 2, shlex.quote(self.stdbuf) + ' -oL ' if self.stdbuf else '',
                   shlex.quote(self.virsh), connect, shlex.quote(self.commands)))

    def _one(self, pw, wrapper, name, uri):
        entry = {'name': name, 'uri': uri, 'ok': False, 'remote_hostname': None, 'remote_libvirt_version': None,
                 'seconds': 0.0, 'cause': None, 'error': None}
        reason = _not_tried(uri)
        if reason:
            entry.update(cause='other', error=reason)
            return entry
        private = self._private_dir(pw)
        # setsid: no controlling terminal even before su; the outer timeout bounds the login too
        command = [self.timeout_program, '-k', '2', str(self.timeout + 8), self.setsid, '-w', self.su, '-l',
                   '-s', wrapper, pw.pw_name, '-c', self._script(name, private)]
        start = time.monotonic()
        try:
            rc, out, err = self.run_command(command, environ_update={'LANG': 'C', 'LC_ALL': 'C'},
                                            errors='surrogate_then_replace')
        finally:
            entry['seconds'] = round(time.monotonic() - start, 3)
            shutil.rmtree(private, ignore_errors=True)
        # only what virsh printed: after the marker (the login's own output comes before it)
        out = out.split(MARKER + '\n', 1)[1] if MARKER + '\n' in out else ''
        if MARKER + '\n' in err:
            err = err.split(MARKER + '\n', 1)[1]
        lines = [line.strip() for line in out.splitlines() if line.strip()]
        first = lines[0] if lines else None
        for line in lines:
            if line.startswith(_DAEMON_LINE):
                entry['remote_libvirt_version'] = line[len(_DAEMON_LINE):].strip()
        connected = first is not None and not first.startswith('Compiled against')
        if connected:
            entry.update(ok=True, remote_hostname=first)
            return entry
        timed_out = rc in (124, 137)  # timeout(1): TERM, then KILL
        error = virsh_error(err)
        if timed_out and not error:
            error = 'no answer within %d s (connection_timeout)' % self.timeout
        entry['error'] = error or 'virsh failed (exit status %s) without a message' % rc
        entry['cause'] = cause_of(error, timed_out)
        return entry

    def check(self, jobs):
        """``jobs``: (passwd entry, [(name, uri), ...]) per account; returns a list of entry lists."""
        wrappers = {}
        for pw, dummy in jobs:
            if pw.pw_uid not in wrappers:
                wrappers[pw.pw_uid] = login_wrapper(self.workdir, pw)
        tasks = []
        for index, (pw, connections) in enumerate(jobs):
            for name, uri in connections:
                tasks.append((index, pw, name, uri))
        results = [[] for dummy in jobs]
        if not tasks:
            return results
        workers = min(MAX_PARALLEL, len(tasks))
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(self._one, pw, wrappers[pw.pw_uid], name, uri) for dummy, pw, name, uri in tasks]
            for (index, dummy, dummy2, dummy3), future in zip(tasks, futures):
                results[index].append(future.result())
        return results


def make_checker(timeout, run_command, remote_version=False):
    """A ConnectChecker; Refusal when it cannot run (not root, a program missing, a bad timeout).

    ``run_command``: AnsibleModule.run_command (or a function with its interface); it is called from
    several threads at once.
    """
    if isinstance(timeout, bool) or not isinstance(timeout, int) or not 1 <= timeout <= 600:
        raise Refusal('connection_timeout must be a number of seconds from 1 to 600, got %r' % (timeout,))
    if os.geteuid() != 0:
        raise Refusal('check_connections needs root (it runs virsh as each account through su -l)')
    programs = dict((name, find_program(name)) for name in ('virsh', 'su', 'timeout', 'setsid', 'ssh', 'stdbuf'))
    missing = sorted(name for name in ('virsh', 'su', 'timeout', 'setsid') if programs[name] is None)
    if missing:
        verb = 'is' if len(missing) == 1 else 'are'
        raise Refusal('check_connections needs %s, which %s missing' % (', '.join(missing), verb))
    return ConnectChecker(programs, tempfile.mkdtemp(prefix='libvirt_uri_info.connect.'), timeout, run_command,
                          remote_version)


def _connections_of(config):
    """[(name, uri)]: each alias of the file once, in file order, then the default (name None)."""
    names = []
    pairs = []
    for alias in config.get('aliases') or []:
        if alias['name'] in names:
            continue
        names.append(alias['name'])
        resolved = (config.get('resolutions') or {}).get(alias['name']) or {}
        pairs.append((alias['name'], resolved.get('uri')))
    effective = config.get('effective') or {}
    default = config.get('default_uri') or {}
    pairs.append((None, effective.get('uri') or default.get('uri')))
    return pairs


def add_connections(configs, run_command, timeout=DEFAULT_TIMEOUT, remote_version=False):
    """Add ``connections`` to each config of an account (not to O(paths)); returns the failures, one
    dict (user, name, uri, cause, error) each."""
    checker = make_checker(timeout, run_command, remote_version)
    try:
        jobs = []
        targets = []
        for config in configs:
            if config['scope'] == 'path':
                config['connections'] = None
                continue
            pw = pwd.getpwuid(0) if config['scope'] == 'system' else pwd.getpwnam(config['user'])
            jobs.append((pw, _connections_of(config)))
            targets.append(config)
        results = checker.check(jobs)
    finally:
        shutil.rmtree(checker.workdir, ignore_errors=True)
    failures = []
    for config, entries in zip(targets, results):
        config['connections'] = entries
        for entry in entries:
            if not entry['ok']:
                failures.append({'user': config['user'] or 'root', 'name': entry['name'], 'uri': entry['uri'],
                                 'cause': entry['cause'], 'error': entry['error']})
    return failures
