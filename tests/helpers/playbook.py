# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the collection's modules through ansible-playbook, on this machine or on a private test host.

(The fixtures ``world_tmp`` and ``conf`` defined here are registered for the
integration and reliability tests by their ``conftest.py``.)

``run_play`` runs a list of tasks on localhost (connection local) and returns
each task's result, parsed from the json callback (tests/integration/callback_plugins).
``PrivateHost`` is a host of its own in a private mount namespace.
``ansible_playbook()`` finds the ansible-playbook of the Python running the tests.
What virsh makes of a file: ``helpers.virsh.virsh_uri``.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

# tests/integration: its callback plugin prints the results as JSON.
INTEGRATION = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'integration')
VIRSH = shutil.which('virsh')
DEBIAN_PYTHON = '/usr/bin/python3'


def ansible_playbook():
    """ansible-playbook of the Python running the tests (ansible-test may run it through a link)."""
    for directory in (os.path.dirname(sys.executable), os.path.dirname(os.path.realpath(sys.executable))):
        candidate = os.path.join(directory, 'ansible-playbook')
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which('ansible-playbook')
    if found is None:
        pytest.fail('ansible-playbook is not installed next to %s nor on PATH: run `make test`'
                    % sys.executable)
    return found


def playbook_env(extra=None):
    """The environment for ansible-playbook: JSON results on stdout, no noise.

    The caller's LIBVIRT_DEFAULT_URI and VIRSH_DEFAULT_CONNECT_URI are dropped (``extra`` may set them):
    they would decide what libvirt and the modules resolve.
    """
    env = dict(os.environ)
    for name in ('LIBVIRT_DEFAULT_URI', 'VIRSH_DEFAULT_CONNECT_URI'):
        env.pop(name, None)
    env.update({
        'ANSIBLE_STDOUT_CALLBACK': 'results_json',
        'ANSIBLE_CALLBACK_PLUGINS': os.path.join(INTEGRATION, 'callback_plugins'),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCALHOST_WARNING': '0',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
        'ANSIBLE_DEPRECATION_WARNINGS': '0',
    })
    env.update(extra or {})
    return env


def run_playbook(playbook, args=(), env=None, wrapper=(), cwd=None):
    """(exit status, task results) of ``ansible-playbook ARGS PLAYBOOK``, results from the json callback.

    ``wrapper`` is a command that runs ansible-playbook (its arguments follow it), for example one that
    enters a private mount namespace first; ``env`` defaults to ``playbook_env()``.
    """
    cmd = list(wrapper) + [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')]
    cmd += list(args) + [playbook]
    proc = subprocess.run(cmd, env=playbook_env() if env is None else env, capture_output=True, text=True,
                          timeout=300, check=False, cwd=cwd)
    try:
        return proc.returncode, json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise AssertionError('ansible-playbook printed no JSON (rc=%s):\n%s\n%s'
                             % (proc.returncode, proc.stdout, proc.stderr))


def target_python():
    """The Python the modules run on: $VIRTKIT_TARGET_PYTHON (`make test-matrix` sets it to an older
    Python with PyPI's python-augeas), else the one running the tests."""
    return os.environ.get('VIRTKIT_TARGET_PYTHON') or sys.executable


def run_play(tasks, interpreter=None, check=False, diff=False, extra_env=None, play_vars=None, wrapper=(),
             inventory='localhost,'):
    """Run ``tasks`` on localhost; returns the list of task results (dicts).

    ``wrapper`` is a command that runs ansible-playbook (its arguments follow it), for example one that
    enters a private mount namespace first; ``inventory`` is ansible-playbook's ``-i`` (one that holds localhost).
    """
    import tempfile
    play = [{
        'name': 'test',
        'hosts': 'localhost',
        'gather_facts': False,
        'vars': dict(play_vars or {}, ansible_python_interpreter=interpreter or target_python()),
        'tasks': tasks,
    }]
    with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as f:
        yaml.safe_dump(play, f)
        playbook = f.name
    args = ['-i', str(inventory), '-c', 'local'] + (['--check'] if check else []) + (['--diff'] if diff else [])
    try:
        return run_playbook(playbook, args, env=playbook_env(extra_env), wrapper=wrapper)[1]
    finally:
        os.unlink(playbook)


def run_one(module_args, module='virtkit.libvirt_client.libvirt_uri_alias', **kwargs):
    """Run one module call; returns its result."""
    return run_play([{'name': 'call', module: module_args, 'ignore_errors': True}], **kwargs)[0]


@pytest.fixture
def world_tmp():
    """A temporary directory every user can reach (pytest's own is private to root)."""
    import pathlib
    import tempfile
    path = tempfile.mkdtemp(prefix='vk-test.')
    os.chmod(path, 0o755)
    yield pathlib.Path(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def conf(world_tmp):
    """A path DIR/libvirt/libvirt.conf that virsh (as nobody) can read."""
    directory = world_tmp / 'xdg' / 'libvirt'
    directory.mkdir(parents=True)
    for p in (world_tmp / 'xdg', directory):
        os.chmod(str(p), 0o755)
    return directory / 'libvirt.conf'


class PrivateHost:
    """A test "host" on this machine: a private mount namespace with its own client files and accounts.

    Under ``root``: ``etc-libvirt`` (bound on /etc/libvirt), ``home`` (/home), ``skel`` (/etc/skel), and
    ``etc-upper``, the upper layer of an overlay on /etc holding ``login.defs`` and copies of the machine's
    /etc/passwd and /etc/group to which ``accounts`` are added
    (name -> uid, or (uid, primary gid); an account whose gid is its uid gets a group of its own, and every
    account a home owned by it).  ``members`` adds
    group lines ``{group: (gid, [supplementary members])}``.  Nothing of the machine's own files is
    touched.  ``wrapper()`` is a command prefix that runs a command inside that namespace.
    """

    def __init__(self, root, accounts=None, members=None, login_defs='UID_MIN 1000\nUID_MAX 60000\n'):
        self.root = str(root)
        os.makedirs(self.root, exist_ok=True)
        os.chmod(self.root, 0o755)
        for d in ('etc-libvirt', 'home', 'skel'):
            os.makedirs(os.path.join(self.root, d), exist_ok=True)
            os.chmod(os.path.join(self.root, d), 0o755)
        self.accounts = dict(accounts or {})
        with open('/etc/passwd') as f:
            passwd = f.read()
        with open('/etc/group') as f:
            group = f.read()
        # The machine's system accounts only: the accounts of people (and of tests running at the same
        # time) are not this host's.
        ours = set(self.accounts) | set(members or {})

        def keep(line):
            fields = line.split(':')
            return len(fields) > 2 and fields[0] not in ours and not (1000 <= int(fields[2] or 0) < 65534)
        passwd = ''.join(line for line in passwd.splitlines(True) if keep(line))
        group = ''.join(line for line in group.splitlines(True) if keep(line))
        for name, ids in sorted(self.accounts.items()):
            uid, gid = ids if isinstance(ids, tuple) else (ids, ids)
            passwd += '%s:x:%d:%d::/home/%s:/bin/sh\n' % (name, uid, gid, name)
            if gid == uid:
                group += '%s:x:%d:\n' % (name, uid)
        for name, (gid, users) in sorted((members or {}).items()):
            group += '%s:x:%d:%s\n' % (name, gid, ','.join(users))
        # /etc is an overlay whose upper layer holds these files: a bind mount of a single file would be
        # dropped by the kernel as soon as anything on the machine replaces /etc/passwd (useradd, ...).
        for d in ('etc-upper', 'etc-work'):
            os.makedirs(os.path.join(self.root, d), exist_ok=True)
        for name, text in (('passwd', passwd), ('group', group), ('login.defs', login_defs)):
            with open(os.path.join(self.root, 'etc-upper', name), 'w') as f:
                f.write(text)
            os.chmod(os.path.join(self.root, 'etc-upper', name), 0o644)
        for name, uid in self.accounts.items():
            self.make_home(name)

    def make_home(self, name):
        ids = self.accounts[name]
        uid, gid = ids if isinstance(ids, tuple) else (ids, ids)
        home = self.home(name)
        os.mkdir(home, 0o755)
        os.chown(home, uid, gid)

    def home(self, name):
        return os.path.join(self.root, 'home', name)

    def user_conf(self, name, xdg=None):
        base = os.path.join(self.root, 'home', name, '.config') if xdg is None else \
            os.path.join(self.root, 'home', os.path.relpath(xdg, '/home'))
        return os.path.join(base, 'libvirt', 'libvirt.conf')

    @property
    def system_conf(self):
        return os.path.join(self.root, 'etc-libvirt', 'libvirt.conf')

    @property
    def skel_conf(self):
        return os.path.join(self.root, 'skel', '.config', 'libvirt', 'libvirt.conf')

    def wrapper(self):
        mounts = ('mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/etc-upper,workdir=$1/etc-work" /etc && '
                  'mount --bind "$1/etc-libvirt" /etc/libvirt && mount --bind "$1/skel" /etc/skel && '
                  'mount --bind "$1/home" /home')
        return ['unshare', '-m', '--propagation', 'private', 'sh', '-c', mounts + ' && shift && exec "$@"', 'sh',
                self.root]

    def set_login_defs(self, text):
        with open(os.path.join(self.root, 'etc-upper', 'login.defs'), 'w') as f:
            f.write(text)

    def run(self, module, args, **kwargs):
        """Run one module call on this host; returns its result."""
        return run_play([{'name': 'call', module: args, 'ignore_errors': True}], wrapper=self.wrapper(),
                        **kwargs)[0]

    def virsh(self, user, name=None, env=None):
        """What ``virsh [-c name] uri`` prints as ``user`` on this host, with its own HOME (or 'error: ...')."""
        assert VIRSH, 'virsh is missing: run `make test`, which installs libvirt-clients'
        home = '/root' if user == 'root' else '/home/%s' % user
        cmd = self.wrapper() + ['runuser', '-u', user, '--', 'env', '-i', 'PATH=/usr/bin:/bin', 'HOME=' + home,
                                'LIBVIRT_AUTOSTART=0']
        cmd += ['%s=%s' % item for item in sorted((env or {}).items())]
        cmd += [VIRSH, '-q'] + (['-c', name] if name is not None else []) + ['uri']
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
        if proc.returncode == 0:
            return proc.stdout.strip()
        errors = [line for line in proc.stderr.splitlines() if line.startswith('error: ')]
        return errors[-1] if errors else 'error: ' + proc.stderr.strip()
