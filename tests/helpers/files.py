# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading and writing the test files: exact text (no newline translation), a given mode."""

import os


def write(path, text, mode=0o644, parents=False):
    """Write ``text`` to ``path`` as is and set its mode; with ``parents``, create its directories (0755)."""
    if parents:
        os.makedirs(os.path.dirname(str(path)), mode=0o755, exist_ok=True)
    with open(str(path), 'w', newline='') as f:
        f.write(text)
    os.chmod(str(path), mode)


def read(path):
    """The text of ``path`` as is (no newline translation)."""
    with open(str(path), newline='') as f:
        return f.read()
