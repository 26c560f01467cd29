# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the filter tests find ansible-playbook."""

import os
import shutil
import sys

import pytest


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
