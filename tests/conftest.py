# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make ``ansible_collections.virtkit.libvirt_client`` importable under plain pytest.

When the checkout already sits at ``<root>/ansible_collections/virtkit/libvirt_client``
(as in the tree ``ansible-test`` works on, or an installed collection), ``<root>`` is put
on ``sys.path``.  Otherwise the repository is exposed through the symlink
``.cache/collections/ansible_collections/virtkit/libvirt_client`` (the same one
``make collection`` creates, and the same collections path the Makefile hands to
``ansible-playbook`` and ``ansible-doc``), which is created here when missing.
"""

import os
import sys

NAMESPACE = 'virtkit'
NAME = 'libvirt_client'
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _collections_root():
    """Return a directory that holds ansible_collections/virtkit/libvirt_client -> this tree."""
    parts = REPO_ROOT.split(os.sep)
    if parts[-3:] == ['ansible_collections', NAMESPACE, NAME]:
        return os.sep.join(parts[:-3])

    root = os.path.join(REPO_ROOT, '.cache', 'collections')
    link = os.path.join(root, 'ansible_collections', NAMESPACE, NAME)
    if os.path.realpath(link) != os.path.realpath(REPO_ROOT):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.islink(link):
            os.unlink(link)
        elif os.path.exists(link):
            raise RuntimeError(
                '%s exists and is not a symlink to %s; remove it (make clean) and rerun' % (link, REPO_ROOT))
        try:
            os.symlink(REPO_ROOT, link)
        except FileExistsError:
            # Another pytest worker created it in the meantime.
            pass
    return root


COLLECTIONS_ROOT = _collections_root()

if COLLECTIONS_ROOT not in sys.path:
    sys.path.insert(0, COLLECTIONS_ROOT)

# Subprocesses started by tests (ansible-playbook, ansible-doc, python) see the same tree.
os.environ.setdefault('ANSIBLE_COLLECTIONS_PATH', COLLECTIONS_ROOT)
_pythonpath = os.environ.get('PYTHONPATH', '')
if COLLECTIONS_ROOT not in _pythonpath.split(os.pathsep):
    os.environ['PYTHONPATH'] = os.pathsep.join(p for p in (COLLECTIONS_ROOT, _pythonpath) if p)
