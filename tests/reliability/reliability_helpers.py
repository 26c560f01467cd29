# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Running virtkit.libvirt_client.libvirt_uri_alias many times, fast.

``run_module`` starts the module as its own process, the way Ansible's
module debugging does (``python -m <module> ARGSFILE``), optionally as
another user; ``call_module`` runs it inside the test process (about 40 ms a
call, for property tests).  Both return the module's JSON result.
"""

import contextlib
import importlib
import io
import json
import os
import re
import stat
import subprocess
import sys
import tempfile

# The reliability tests take the file and virsh helpers from here too.
from ansible_collections.virtkit.libvirt_client.tests.helpers.files import read, write  # noqa: F401 pylint: disable=unused-import
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh import virsh_uri  # noqa: F401 pylint: disable=unused-import

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
COLLECTIONS = os.path.join(REPO, '.cache', 'collections')
MODULE = 'ansible_collections.virtkit.libvirt_client.plugins.modules.libvirt_uri_alias'
# The edit engine the module runs (plugins/module_utils/_libvirt_update.py).
ENGINE = 'ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_update'
# Its write path, imported by the engine only when something changes (plugins/module_utils/_libvirt_lens_edit.py).
REWRITE = 'ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_lens_edit'
# Unprivileged users cannot run the virtualenv's interpreter (it lives under
# /root); they run the distribution's Python 3 with the virtualenv's packages.
USER_PYTHON = '/usr/bin/python3'
TEMP_RE = re.compile(r'\A\.libvirt\.conf\.[0-9]+\.[0-9]+\.tmp\Z')


def _site_packages():
    return [p for p in sys.path if p.endswith('site-packages') and p.startswith(sys.prefix)]


def module_command(args_file, user=None, code=None):
    """argv and environment that run the module on ``args_file``.

    With ``code``, the interpreter runs that Python code (``-c``) instead of the module, with the
    arguments file as its one argument (e.g. to run the module and report on the process).
    """
    program = ['-c', code] if code is not None else ['-m', MODULE]
    env = dict(os.environ)
    if user is None:
        env['PYTHONPATH'] = COLLECTIONS
        return [sys.executable] + program + [args_file], env
    env = {'PATH': '/usr/bin:/bin', 'HOME': '/nonexistent', 'LANG': 'C.UTF-8',
           'PYTHONPATH': os.pathsep.join([COLLECTIONS] + _site_packages())}
    return ['runuser', '-u', user, '--', 'env'] + ['%s=%s' % kv for kv in env.items()] + \
        [USER_PYTHON] + program + [args_file], None


def write_args(args, check=False, diff=False):
    """A world-readable file holding the module's arguments; returns its path."""
    payload = dict(args)
    payload['_ansible_check_mode'] = check
    payload['_ansible_diff'] = diff
    fd, path = tempfile.mkstemp(prefix='vk-args.', suffix='.json')
    with os.fdopen(fd, 'w') as f:
        json.dump({'ANSIBLE_MODULE_ARGS': payload}, f)
    os.chmod(path, 0o644)
    return path


def parse_result(stdout, stderr, rc):
    lines = [line for line in stdout.splitlines() if line.startswith('{')]
    assert lines, 'the module printed no JSON (rc %s):\n%s\n%s' % (rc, stdout, stderr)
    result = json.loads(lines[-1])
    result['rc'] = rc
    result['stderr'] = stderr
    return result


def run_module(args, user=None, check=False, diff=False, timeout=60, preexec_fn=None, code=None):
    """Run the module as a process (as ``user`` when given); returns its result dict plus 'rc' and 'stderr'.

    ``code``: see ``module_command``.
    """
    args_file = write_args(args, check, diff)
    try:
        cmd, env = module_command(args_file, user, code)
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False,
                              preexec_fn=preexec_fn)
    finally:
        os.unlink(args_file)
    return parse_result(proc.stdout, proc.stderr, proc.returncode)


def start_module(args_file, **kwargs):
    cmd, env = module_command(args_file)
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def call_module(args, check=False, diff=False):
    """Run the module inside this process, after its action plugin's check; returns its result dict.

    A task reaches the module only through its action plugin, which refuses arguments holding a
    NUL on the controller (plugins/plugin_utils/_nul_refusal.py); that check runs here first.
    """
    from ansible.module_utils.testing import patch_module_args
    from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._nul_refusal import nul_refusal
    refusal = nul_refusal('libvirt_uri_alias', args)
    if refusal:
        return {'failed': True, 'changed': False, 'msg': refusal}
    module = importlib.import_module(MODULE)
    payload = dict(args, _ansible_check_mode=check, _ansible_diff=diff)
    out = io.StringIO()
    with patch_module_args(payload), contextlib.redirect_stdout(out), _as_target():
        try:
            module.main()
        except SystemExit:
            pass
    return json.loads(out.getvalue())


@contextlib.contextmanager
def _as_target():
    """Warnings go into the result, as on a target, even once a test imported controller code.

    ansible-core 2.19+ sends a module's warnings to the controller's display
    instead when it finds controller code loaded in the process.
    """
    try:
        from ansible.module_utils import _internal
    except ImportError:   # ansible-core < 2.19
        yield
        return
    saved = getattr(_internal, 'is_controller', False)
    _internal.is_controller = False
    try:
        yield
    finally:
        _internal.is_controller = saved


def snapshot(path):
    """Everything a write, chown or chmod through ``path`` would change (links not followed)."""
    st = os.lstat(str(path))
    if stat.S_ISLNK(st.st_mode):
        data = os.readlink(str(path))
    elif stat.S_ISREG(st.st_mode):
        with open(str(path), 'rb') as f:
            data = f.read()
    else:
        data = None   # never opened: a FIFO would block, a device might never end
    return (data, st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode), st.st_mtime_ns, st.st_ino, st.st_nlink)


def temp_files(directory):
    return sorted(n for n in os.listdir(str(directory)) if TEMP_RE.match(n))
