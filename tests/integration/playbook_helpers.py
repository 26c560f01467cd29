# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the collection's modules through ansible-playbook and ask real virsh.

(The fixtures ``world_tmp`` and ``conf`` defined here are registered for
the integration tests by ``conftest.py``.)

``Play`` runs a list of tasks on localhost (connection local) and returns
each task's result, parsed from the json callback.  ``virsh_uri`` asks the
real ``virsh`` what a name resolves to through a given libvirt.conf: virsh
runs as the unprivileged user ``nobody`` with ``XDG_CONFIG_HOME`` pointing
at the file's grandparent directory, so it reads exactly that file.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
VIRSH = shutil.which('virsh')
DEBIAN_PYTHON = '/usr/bin/python3'


def playbook_env(extra=None):
    """The environment for ansible-playbook: JSON results on stdout, no noise."""
    env = dict(os.environ)
    env.update({
        'ANSIBLE_STDOUT_CALLBACK': 'results_json',
        'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCALHOST_WARNING': '0',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
        'ANSIBLE_DEPRECATION_WARNINGS': '0',
    })
    env.update(extra or {})
    return env


def run_play(tasks, interpreter=None, check=False, diff=False, extra_env=None, play_vars=None, prefix=None):
    """Run ``tasks`` on localhost; returns the list of task results (dicts).

    ``prefix`` is an argv that runs ansible-playbook (e.g. in a mount namespace).
    """
    import tempfile
    play = [{
        'name': 'test',
        'hosts': 'localhost',
        'gather_facts': False,
        'vars': dict(play_vars or {}, ansible_python_interpreter=interpreter or sys.executable),
        'tasks': tasks,
    }]
    with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as f:
        yaml.safe_dump(play, f)
        playbook = f.name
    env = playbook_env(extra_env)
    cmd = list(prefix or []) + [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
                                '-i', 'localhost,', '-c', 'local', playbook]
    if check:
        cmd.append('--check')
    if diff:
        cmd.append('--diff')
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    finally:
        os.unlink(playbook)
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise AssertionError('ansible-playbook printed no JSON:\n%s\n%s' % (proc.stdout, proc.stderr))


def run_one(module_args, module='virtkit.libvirt_client.libvirt_uri_alias', **kwargs):
    """Run one module call; returns its result."""
    return run_play([{'name': 'call', module: module_args, 'ignore_errors': True}], **kwargs)[0]


def virsh_uri(conf_path, name=None, env=None):
    """(ok, text): virsh's answer for ``virsh [-c name] uri`` reading ``conf_path``.

    ``conf_path`` must be DIR/libvirt/libvirt.conf; text is the URI, or the
    message after 'error: ' when virsh fails.
    """
    assert VIRSH, 'virsh is missing: run `make test`, which installs libvirt-clients'
    xdg = os.path.dirname(os.path.dirname(conf_path))
    assert os.path.basename(conf_path) == 'libvirt.conf'
    cmd = ['runuser', '-u', 'nobody', '--', 'env', '-i', 'PATH=/usr/bin:/bin', 'HOME=/nonexistent',
           'XDG_CONFIG_HOME=' + xdg, 'LIBVIRT_AUTOSTART=0']
    for key, value in (env or {}).items():
        cmd.append('%s=%s' % (key, value))
    cmd += [VIRSH, '-q']
    if name is not None:
        cmd += ['-c', name]
    cmd.append('uri')
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode == 0:
        return True, proc.stdout.strip()
    errors = [line[len('error: '):] for line in proc.stderr.splitlines() if line.startswith('error: ')]
    return False, errors[-1] if errors else proc.stderr.strip()


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
