# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a function as the unprivileged user ``nobody`` (root reads every file; libvirt's users do not)."""

import json
import os
import pwd


def run_as_nobody(func):
    """``func()`` called in a child process running as ``nobody``; returns its (JSON-able) result."""
    nobody = pwd.getpwnam('nobody')
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child process
        status = 1
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            view = memoryview(json.dumps(func()).encode('utf-8'))
            while view:
                view = view[os.write(write_end, view):]
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    chunks = []
    while True:
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    assert os.waitpid(pid, 0)[1] == 0
    return json.loads(b''.join(chunks).decode('utf-8'))
