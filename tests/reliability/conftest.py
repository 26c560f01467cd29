# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the reliability and security tests.

The fixtures ``world_tmp`` and ``conf`` are those of the integration tests
(``tests/helpers/playbook.py``).  ``make_user`` creates real,
unprivileged users whose homes live in a world-readable temporary directory;
each is deleted at the end of its test.  ``shadow`` is a root-only copy of
``/etc/shadow``: the file a hostile user tries to make the module read,
write, chown or chmod.
"""

import os
import pwd
import shutil
import subprocess
import uuid

import pytest

from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import conf, world_tmp  # noqa: F401 pylint: disable=unused-import


@pytest.fixture
def make_user(world_tmp):
    """make_user() -> passwd entry of a new user with an empty home of its own (0700)."""
    created = []
    homes = world_tmp / 'homes'
    homes.mkdir()
    os.chmod(str(homes), 0o755)

    def make():
        name = 'vkrel-' + uuid.uuid4().hex[:8]
        home = homes / name
        subprocess.run(['useradd', '-M', '-U', '-d', str(home), '-s', '/bin/sh', name], check=True,
                       capture_output=True)
        created.append(name)
        pw = pwd.getpwnam(name)
        home.mkdir()
        os.chown(str(home), pw.pw_uid, pw.pw_gid)
        os.chmod(str(home), 0o700)
        return pw

    yield make
    for name in created:
        subprocess.run(['userdel', name], capture_output=True, check=False)
        subprocess.run(['groupdel', name], capture_output=True, check=False)


@pytest.fixture
def shadow(world_tmp):
    """A copy of /etc/shadow owned by root, mode 0640, in a directory users can reach."""
    secret = world_tmp / 'secret'
    secret.mkdir()
    os.chmod(str(secret), 0o755)
    path = secret / 'shadow'
    shutil.copyfile('/etc/shadow', str(path))
    os.chown(str(path), 0, 0)
    os.chmod(str(path), 0o640)
    os.utime(str(path), ns=(1000000000 * 10**9, 1000000000 * 10**9))
    return path
