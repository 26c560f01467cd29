# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real virsh as the judge, in each libvirt version the tests know.

The oracles (``ORACLES``):

* ``host``: this machine's ``virsh`` (Debian 12: libvirt 9.0);
* ``debian13``, ``debian11``, ``sid``: the ``virsh`` of a Debian 13 root
  (libvirt 11.3), a Debian 11 root (libvirt 7.0) and a Debian unstable root
  (the newest libvirt Debian ships) built by ``tests/fleet/rootfs.sh``, run
  chrooted in a private mount namespace where the root is read-only and this
  machine's temporary directory, ``/etc/passwd`` and ``/etc/group`` are bound
  at the same paths (so the files and accounts a test creates are the same
  ones inside).

``Oracle.run_many(jobs)`` runs a batch of virsh calls in ONE process inside
the target (one namespace and chroot per batch, four calls at a time), which
keeps the chroot's cost out of the per-call time.  A job is
``{'args': [...], 'env': {...}, 'user': 'nobody' | None (root) | NAME}``;
virsh gets exactly ``env`` as its environment.  Each answer is
``Answer(rc, out, err)`` with the bytes decoded as UTF-8 with surrogateescape.

The oracles never skip but for one reason: a Debian release that its package
registry no longer serves (``rootfs.sh`` exits 3 and names it) when no root of it
is cached; ``available(name)`` tells, and the tests leave such an oracle out
(``test_libvirt_oracles.py`` reports it as a skip with rootfs.sh's message).  Any
other failure to build a root fails the tests with the command that builds it.
"""

import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

#: Every oracle, and those that are roots of rootfs.sh (their releases and libvirt versions:
#: tests/fleet/rootfs.sh list).
ROOT_ORACLES = ('debian13', 'debian11', 'sid')
ALL_ORACLES = ('host',) + ROOT_ORACLES
#: rootfs.sh's exit status for a release its Debian mirror no longer serves.
NOT_ON_REGISTRY = 3
REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
ROOTFS = os.path.join(REPO_ROOT, 'tests', 'fleet', 'rootfs.sh')
WORKERS = 4


def _rootfs_cache():
    """Where rootfs.sh keeps its roots: $ROOTFS_CACHE, else the first .cache/roots above this file.

    ansible-test runs the unit tests from a copy of the repository made under the
    repository's own .cache, so walking up finds the cache of the checkout.
    """
    if os.environ.get('ROOTFS_CACHE'):
        return os.environ['ROOTFS_CACHE']
    directory = REPO_ROOT
    while True:
        candidate = os.path.join(directory, '.cache', 'roots')
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return os.path.join(REPO_ROOT, '.cache', 'roots')
        directory = parent


def rootfs_binds(paths=()):
    """``rootfs.sh run`` options binding this machine's temporary directory and ``paths`` at the same paths."""
    args = []
    for path in sorted({tempfile.gettempdir(), '/tmp'} | set(paths)):
        args += ['--bind', path]
    return args


_AVAILABLE = {}


def available(name):
    """(True, tree) when the oracle ``name`` can run, (False, why) when its release is not on the registry.

    A root is built (or unpacked from its cached tarball) on first use; any failure but
    a missing release raises (the tests fail, they do not skip).
    """
    if name == 'host':
        return True, '/'
    if name not in _AVAILABLE:
        if name not in ROOT_ORACLES:
            raise ValueError('unknown oracle %r (known: %s)' % (name, ', '.join(ALL_ORACLES)))
        if os.geteuid() != 0:
            # Without root the oracle fails when used, with the reason (Oracle, LibvirtOracle).
            return True, None
        proc = subprocess.run([ROOTFS, 'path', name], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=dict(os.environ, ROOTFS_CACHE=_rootfs_cache()), timeout=1800, check=False)
        why = proc.stderr.decode('utf-8', 'replace').strip()
        if proc.returncode == NOT_ON_REGISTRY:
            _AVAILABLE[name] = (False, why)
        elif proc.returncode != 0:
            raise RuntimeError('%s path %s failed (exit %d): %s' % (ROOTFS, name, proc.returncode, why[-2000:]))
        else:
            _AVAILABLE[name] = (True, proc.stdout.decode().strip())
    return _AVAILABLE[name]


def usable_oracles():
    """The names of ALL_ORACLES whose libvirt can run here (a release gone from the registry is left out)."""
    return tuple(name for name in ALL_ORACLES if available(name)[0])


# VIRTKIT_ORACLES=host,debian11 (for example) limits a run to some oracles.
ORACLES = usable_oracles() if os.environ.get('VIRTKIT_ORACLES') is None else tuple(
    name for name in os.environ['VIRTKIT_ORACLES'].split(',') if name and available(name)[0])

#: The oracles that see every case of the largest sweep (the remote driver's rules: 85,650 URI x
#: libvirt.conf pairs per oracle and user, about 30 s each).  The others, the oldest and the
#: newest libvirt, see every SAMPLE_EVERY-th case plus every case of a rule known to differ
#: between versions, which keeps `make test` short; VIRTKIT_FULL_SWEEP=1 gives them every case.
FULL_SWEEP_ORACLES = ('host', 'debian13')
SAMPLE_EVERY = 5


def sweep(name, cases, keep=lambda case: False):
    """``cases`` for the oracle ``name``: all of them, or the sample described at FULL_SWEEP_ORACLES."""
    if name in FULL_SWEEP_ORACLES or os.environ.get('VIRTKIT_FULL_SWEEP') == '1':
        return list(cases)
    return [case for index, case in enumerate(cases) if index % SAMPLE_EVERY == 0 or keep(case)]


Answer = collections.namedtuple('Answer', 'rc out err')

# Runs inside the target with its own python3: reads the jobs (JSON) on stdin,
# writes the answers (JSON) on stdout.
RUNNER = r'''
import json, os, pwd, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
req = json.loads(sys.stdin.read())
def one(job):
    kw = {}
    if job.get('user') not in (None, 'root'):
        pw = pwd.getpwnam(job['user'])
        kw = dict(user=pw.pw_uid, group=pw.pw_gid, extra_groups=[])
    proc = subprocess.run([req['virsh']] + job['args'], env=job['env'], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60, check=False, **kw)
    return [proc.returncode, proc.stdout.decode('utf-8', 'surrogateescape'),
            proc.stderr.decode('utf-8', 'surrogateescape')]
with ThreadPoolExecutor(max_workers=req['workers']) as pool:
    out = list(pool.map(one, req['jobs']))
sys.stdout.write(json.dumps(out))
'''


class Oracle:
    """One libvirt version's virsh."""

    def __init__(self, name):
        self.name = name
        self._version = None
        if name == 'host':
            virsh = shutil.which('virsh')
            if virsh is None:
                pytest.fail('virsh is not installed: run `make deps` (libvirt-clients); '
                            'the differential tests need real libvirt')
            self.virsh = virsh
            self.python = [sys.executable]
        elif name in ROOT_ORACLES:
            if os.geteuid() != 0:
                pytest.fail('the %s oracle runs virsh chrooted in a root of rootfs.sh, which needs root; '
                            'run the tests as root (make test does)' % name)
            if not os.path.exists(ROOTFS):
                pytest.fail('%s is missing' % ROOTFS)
            self.virsh = '/usr/bin/virsh'
            self.python = [ROOTFS, 'run', name] + self.bind_args() + ['--', '/usr/bin/python3']
        else:
            raise ValueError('unknown oracle %r (known: %s)' % (name, ', '.join(ALL_ORACLES)))

    @staticmethod
    def bind_args():
        """What the chrooted virsh sees of this machine: the temporary directory and the accounts."""
        return rootfs_binds(['/etc/passwd', '/etc/group'])

    def wrapper(self, directory, program):
        """Write an executable DIRECTORY/NAME that runs ``program`` (a path in the target) with its arguments.

        For the host this is ``program`` itself; for a root, rootfs.sh run.  Used as
        ansible_python_interpreter to run modules on the target.
        """
        if self.name == 'host':
            return program
        path = os.path.join(directory, '%s-%s' % (self.name, os.path.basename(program)))
        with open(path, 'w') as handle:
            handle.write('#!/bin/sh\nROOTFS_CACHE=\'%s\' exec %s "$@"\n' % (_rootfs_cache(), ' '.join(
                "'%s'" % arg for arg in [ROOTFS, 'run', self.name] + self.bind_args() + ['--', program])))
        os.chmod(path, 0o755)
        return path

    def run_many(self, jobs):
        """Answers of virsh for each job, in order."""
        if not jobs:
            return []
        request = json.dumps({'virsh': self.virsh, 'jobs': list(jobs), 'workers': WORKERS})
        env = dict(os.environ, ROOTFS_CACHE=_rootfs_cache())
        proc = subprocess.run(self.python + ['-c', RUNNER], input=request.encode('utf-8'), env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60 + 10 * len(jobs),
                              check=False)
        if proc.returncode != 0:
            raise AssertionError('the %s oracle failed (exit %d): %s' % (
                self.name, proc.returncode, proc.stderr.decode('utf-8', 'replace')[-2000:]))
        return [Answer(*item) for item in json.loads(proc.stdout.decode('utf-8'))]

    def run(self, args, env, user='nobody'):
        return self.run_many([{'args': list(args), 'env': dict(env), 'user': user}])[0]

    @property
    def version(self):
        """'9.0.0', '11.3.0', ...: what ``virsh --version`` prints."""
        if self._version is None:
            answer = self.run(['--version'], {'PATH': '/usr/bin:/bin'}, user=None)
            assert answer.rc == 0, answer
            self._version = answer.out.strip()
        return self._version

    @property
    def version_tuple(self):
        return tuple(int(part) for part in self.version.split('.'))


_ORACLES = {}


def oracle(name):
    """The oracle ``name`` (one per process)."""
    if name not in _ORACLES:
        _ORACLES[name] = Oracle(name)
    return _ORACLES[name]


def uri_answer(answer):
    """(ok, text) of ``virsh [-q] [-c NAME] uri``: the URI, or the text of virsh's last 'error: ' line."""
    if answer.rc == 0:
        return True, answer.out.strip()
    errors = [line[len('error: '):] for line in answer.err.splitlines() if line.startswith('error: ')]
    return False, errors[-1] if errors else answer.err.strip()
