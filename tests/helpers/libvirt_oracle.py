# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real libvirt clients (``virsh``, ``virt-admin``) as judges for the differential tests.

``LibvirtOracle('host')`` is this machine's libvirt (9.0 on Debian 12);
``LibvirtOracle('debian13')``, ``('debian11')`` and ``('sid')`` are libvirt 11.3, 7.0
and the newest Debian ships, of the roots that ``tests/fleet/rootfs.sh`` builds, their
clients run through ``rootfs.sh run`` (the root read-only, this machine's temporary
directory bound at the same path).  ``oracles()`` returns every one of
``virsh_oracle.ORACLES``, so the same tests run against each libvirt version; a missing
root is built, a failure to build it fails the tests.  The one exception: a release
that Debian's registry no longer serves (and that is not cached) is left out of
``ORACLES``, and ``tests/differential/test_libvirt_oracles.py`` reports it as skipped.

Each call writes the client configuration it is given into a fresh directory and runs
the client either as ``nobody`` with ``XDG_CONFIG_HOME`` pointing there, or as root with
that directory bind-mounted over ``/etc/libvirt`` in a private mount namespace, so the
machine's own configuration is never read or changed.  A stand-in ``ssh`` (and ``nc``)
that exits 1 at once comes first on ``PATH``: nothing is ever contacted, and the tests
use the hosts 127.0.0.1 and ::1 only.
"""

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh_oracle import (
    ALL_ORACLES,
    ORACLES,
    ROOT_ORACLES,
    ROOTFS,
    _rootfs_cache,
    available,
    rootfs_binds,
)

STAND_IN = '#!/bin/sh\nexit 1\n'
# The marker virsh echoes between the commands of a batch.  It goes to stdout, and only the
# error lines (stderr) are read with it: virsh 7.0's quiet echo prints no line break and its
# stdout is flushed only when it prints an error, so libvirt's log lines (written straight to
# stderr) can come before the marker of their command.  Log lines are read one URI per virsh.
MARK = '@@virtkit@@'

# The messages libvirt gives before it contacts a driver (after 'error: ').
PRE_DRIVER = (
    'internal error: Unable to parse URI ',
    'no connection driver available for URI ',
    'internal error: invalid URI ',
    'invalid argument: remote_open: transport in URL not recognised',
    'invalid argument: using unix socket and remote server ',
    "invalid argument: remote_open: for 'ext' transport, command is required",
    'invalid argument: Failed to parse value of URI component ',
    'invalid argument: Unknown remote mode ',
    'invalid argument: Unnkown proxy type ',
    'Operation not supported: Cannot use direct socket mode ',
    'invalid argument: testOpen: supply a path ',
    'invalid argument: URI is missing the server part',
    "invalid argument: Missing URI parameter 'root'",
    'unsupported configuration: root path must be absolute',
)

# What libvirt refuses before it contacts a daemon or host (after 'error: ').
PRE_CONNECT = (
    'invalid argument: Failed to parse value of URI component ',
    'invalid argument: Unknown remote mode ',
    'invalid argument: Unnkown proxy type ',
    'Operation not supported: Cannot use direct socket mode ',
    'invalid argument: netcat path not valid with native proxy mode',
    "invalid argument: remote_open: for 'ext' transport, command is required",
    'invalid argument: using unix socket and remote server ',
    'invalid argument: remote_open: transport in URL not recognised',
    'internal error: Unable to parse URI ',
)


class OracleError(Exception):
    """The client did not run as expected (missing binary, timeout, unreadable output)."""


class LibvirtOracle:
    """One libvirt client installation: this machine's ('host') or a root of rootfs.sh ('debian13')."""

    def __init__(self, system='host', timeout=120):
        self.system = system
        self.timeout = timeout
        self.env = None
        if system == 'host':
            self.tree = '/'
        elif system in ROOT_ORACLES:
            if os.geteuid() != 0:
                raise OracleError('the %s oracle runs its clients chrooted (rootfs.sh run), which needs root'
                                  % system)
            self.env = dict(os.environ, ROOTFS_CACHE=_rootfs_cache())
            try:
                usable, tree = available(system)
            except RuntimeError as error:
                raise OracleError(str(error))
            if not usable:
                raise OracleError('the %s oracle cannot run: %s' % (system, tree))
            self.tree = tree
        else:
            raise OracleError('unknown libvirt %r (known: %s)' % (system, ', '.join(ALL_ORACLES)))
        for tool in ('virsh', 'virt-admin'):
            self._need(tool)
        self.version = self._plain(['virsh', '--version']).strip()
        self.name = 'libvirt-%s' % self.version

    def _need(self, tool):
        if not os.path.exists(os.path.join(self.tree, 'usr', 'bin', tool)):
            raise OracleError('%s has no /usr/bin/%s: install libvirt-clients there' % (self.tree, tool))

    def __repr__(self):
        return 'LibvirtOracle(%r, version %s)' % (self.system, self.version)

    def _prefix(self, binds=()):
        """What runs a command in the oracle's system: nothing for the host, else rootfs.sh run.

        In a root, this machine's temporary directory is bound at the same path (so
        the work directories have one path inside and out), plus ``binds``.
        """
        if self.system == 'host':
            return []
        prefix = [ROOTFS, 'run', self.system] + rootfs_binds()
        for bind in binds:
            prefix += ['--bind', bind]
        return prefix + ['--']

    def _plain(self, argv):
        proc = subprocess.run(self._prefix() + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, env=self.env, timeout=self.timeout, check=False)
        if proc.returncode != 0:
            raise OracleError('%s failed: %s' % (' '.join(self._prefix() + argv), proc.stderr.decode()))
        return proc.stdout.decode('utf-8', 'surrogateescape')

    def workdir(self):
        """A fresh directory, readable by nobody, the same path inside the oracle; remove with cleanup()."""
        base = tempfile.mkdtemp(prefix='virtkit_oracle_')
        os.chmod(base, 0o755)
        for sub in ('bin', 'home', 'home/libvirt', 'etc'):
            os.mkdir(os.path.join(base, sub))
            os.chmod(os.path.join(base, sub), 0o755)
        for tool in ('ssh', 'nc'):
            path = os.path.join(base, 'bin', tool)
            with open(path, 'w') as handle:
                handle.write(STAND_IN)
            os.chmod(path, 0o755)
        return base

    @staticmethod
    def cleanup(work):
        shutil.rmtree(work)

    def _command(self, work, argv, as_root, conf_name, conf_text, env):
        """The command line running ``argv`` with ``conf_text`` as the client's ``conf_name``."""
        home = work + '/home'
        conf_dir = work + '/etc' if as_root else home + '/libvirt'
        for name in os.listdir(conf_dir):
            os.unlink(os.path.join(conf_dir, name))
        if conf_text is not None:
            path = conf_dir + '/' + conf_name
            with open(path, 'w') as handle:
                handle.write(conf_text)
            os.chmod(path, 0o644)
        variables = {'PATH': work + '/bin:/usr/bin:/bin', 'LC_ALL': 'C.UTF-8', 'HOME': home,
                     'LIBVIRT_AUTOSTART': '0'}
        if not as_root:
            variables['XDG_CONFIG_HOME'] = home
        variables.update(env or {})
        command = ['env', '-i'] + ['%s=%s' % item for item in sorted(variables.items())] + argv
        if not as_root:
            return self._prefix() + ['runuser', '-u', 'nobody', '--'] + command
        if self.system == 'host':
            return ['unshare', '-m', 'sh', '-c', 'mount --bind "$1" "$2" && shift 2 && exec "$@"', 'sh',
                    conf_dir, '/etc/libvirt'] + command
        return self._prefix([conf_dir + ':/etc/libvirt']) + command

    def _run(self, command):
        try:
            # restore_signals=False: the client inherits Python's ignored SIGPIPE, so a transport
            # command that exits at once (the stand-in ssh) fails the connection instead of
            # killing the client.
            proc = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=self.env, timeout=self.timeout, check=False,
                                  restore_signals=False)
        except subprocess.TimeoutExpired:
            raise OracleError('timed out: %s' % ' '.join(command[:12]))
        return proc.returncode, proc.stdout.decode('utf-8', 'surrogateescape')

    def connect_many(self, uris, conf_text=None, as_root=False, env=None, batch=300, workers=2, raw=False):
        """``virsh connect URI`` for each of ``uris`` (in batches, one virsh per batch).

        Returns one ``(ok, text)`` per URI: ok True when the connection opened,
        else text is the last ``error: `` line libvirt printed for it (without
        ``error: ``); with ``raw``, ``(ok, text, output)`` with all virsh printed for it
        (libvirt's log lines too, when ``env`` turns logging on), one virsh per URI.
        """
        for uri in uris:
            if "'" in uri or '\n' in uri:
                raise OracleError('cannot pass %r in a virsh command line' % uri)
        chunks = [uris[i:i + batch] for i in range(0, len(uris), batch)] if not raw else [[uri] for uri in uris]

        def one(chunk):
            work = self.workdir()
            try:
                if raw:
                    _rc, out = self._run(self._command(work, ['virsh', '-q', 'connect', chunk[0]], as_root,
                                                       'libvirt.conf', conf_text, env))
                    errors = [line[len('error: '):] for line in out.splitlines() if line.startswith('error: ')]
                    return [(not errors, errors[-1] if errors else '', out)]
                script = '; '.join("echo %s%d.; connect '%s'" % (MARK, i, uri)
                                   for i, uri in enumerate(chunk))
                script += '; echo %s%d.' % (MARK, len(chunk))
                _rc, out = self._run(self._command(work, ['virsh', '-q', script], as_root, 'libvirt.conf',
                                                   conf_text, env))
            finally:
                self.cleanup(work)
            return _split_batch(out, len(chunk), raw)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = []
            for answers in pool.map(one, chunks):
                results.extend(answers)
        return results

    def admin_connect_many(self, names, conf_text=None, as_root=False, env=None):
        """``virt-admin connect NAME`` for each of ``names`` in one virt-admin (None: no name, the default).

        None may only come first (``connect`` without a name reuses the last one).  Returns
        ``(answers, home)``: one ``(ok, text)`` per name as connect_many gives them, and the
        HOME the client ran with (the base of ``/session`` sockets).
        """
        if None in names[1:]:
            raise OracleError('None (the default connection) must come first')
        for name in names:
            if name is not None and ("'" in name or '\n' in name):
                raise OracleError('cannot pass %r in a virt-admin command line' % name)
        commands = ['echo %s%d.; connect%s' % (MARK, i, '' if name is None else " '%s'" % name)
                    for i, name in enumerate(names)]
        script = '; '.join(commands) + '; echo %s%d.' % (MARK, len(names))
        work = self.workdir()
        try:
            _rc, out = self._run(self._command(work, ['virt-admin', '-q', script], as_root,
                                               'libvirt-admin.conf', conf_text, env))
        finally:
            self.cleanup(work)
        return _split_batch(out, len(names)), work + '/home'

    def virt_admin(self, args, conf_text=None, as_root=False, env=None):
        """Run ``virt-admin -q ARGS``; returns (returncode, error lines without 'error: ', output)."""
        work = self.workdir()
        try:
            rc, out = self._run(self._command(work, ['virt-admin', '-q'] + list(args), as_root,
                                              'libvirt-admin.conf', conf_text, env))
            home = work + '/home'
        finally:
            self.cleanup(work)
        errors = [line[len('error: '):] for line in out.splitlines() if line.startswith('error: ')]
        return rc, errors, out, home


def _split_batch(out, count, raw=False):
    answers = []
    pieces = out.split(MARK)
    if len(pieces) != count + 2:
        raise OracleError('virsh batch output has %d markers instead of %d:\n%s' % (len(pieces) - 1, count + 1,
                                                                                    out[-2000:]))
    for index, piece in enumerate(pieces[1:]):
        if not piece.startswith('%d.' % index):
            raise OracleError('virsh batch output out of order at %d: %r' % (index, piece[:200]))
        if index == count:
            break
        rest = piece[len('%d.' % index):]
        errors = [line[len('error: '):] for line in rest.splitlines() if line.startswith('error: ')]
        answer = (not errors, errors[-1] if errors else '')
        answers.append(answer + (rest,) if raw else answer)
    return answers


_ORACLES = []


def oracles():
    """This machine's libvirt and each usable root's (virsh_oracle.ORACLES), looked up once per process."""
    if not _ORACLES:
        _ORACLES.extend(LibvirtOracle(system) for system in ORACLES)
    return list(_ORACLES)
