# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every module, lookup, filter and documented role renders cleanly with ``ansible-doc``.

The plugins are discovered from the tree, so new ones are covered without touching this file:
modules and lookups by file name, filters by asking each filter file's ``FilterModule`` for the
names it provides, roles by the presence of ``meta/argument_specs.yml``.  ``ansible-doc`` runs
against the collections path of ``tests/conftest.py`` and must exit 0, print no warning of any
kind, name the plugin and show EXAMPLES.

One warning is ansible-core's own and is tolerated, exactly that one: ``ansible-doc -t role``
of ansible-core 2.21 walks every collection it can see, including ansible-core's internal
``ansible._protomatter``, and warns that this collection has no MANIFEST.json
(https://github.com/ansible/ansible/issues/85689).  It names no file of this collection.
"""

import importlib
import os
import re
import subprocess
import sys
import tempfile

import pytest

NAMESPACE = 'virtkit'
NAME = 'libvirt_client'
COLLECTION = '%s.%s' % (NAMESPACE, NAME)
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANSIBLE_DOC = os.path.join(os.path.dirname(sys.executable), 'ansible-doc')
# ansible-core's warning about its internal collection (see the module docstring): the path of
# ansible-core's own ansible._protomatter and nothing else, wrapped or not.
PROTOMATTER_WARNING = re.compile(
    r"^\[WARNING\]:\s+Collection\s+at\s+'[^'\n]*/ansible/_internal/ansible_collections/ansible/_protomatter'"
    r"\s+does\s+not\s+have\s+a\s+MANIFEST\.json\s+file,\s+nor\s+has\s+it\s+galaxy\.yml:\s+cannot\s+detect"
    r"\s+version\.\n", re.MULTILINE)


def _python_files(subdir):
    path = os.path.join(REPO_ROOT, 'plugins', subdir)
    if not os.path.isdir(path):
        return []
    return sorted(f[:-3] for f in os.listdir(path)
                  if f.endswith('.py') and not f.startswith('_'))


def _filter_names():
    names = []
    for module_name in _python_files('filter'):
        module = importlib.import_module(
            'ansible_collections.%s.%s.plugins.filter.%s' % (NAMESPACE, NAME, module_name))
        filter_module = getattr(module, 'FilterModule', None)
        if filter_module is None:
            continue
        names.extend(filter_module().filters())
    return sorted(names)


def _documented_roles():
    path = os.path.join(REPO_ROOT, 'roles')
    if not os.path.isdir(path):
        return []
    return sorted(role for role in os.listdir(path)
                  if os.path.isfile(os.path.join(path, role, 'meta', 'argument_specs.yml')))


def _discover():
    found = [('module', name) for name in _python_files('modules')]
    found += [('lookup', name) for name in _python_files('lookup')]
    found += [('filter', name) for name in _filter_names()]
    found += [('role', name) for name in _documented_roles()]
    return found


DOCUMENTED = _discover()


def test_collection_has_documented_content():
    """The collection ships at least one module; an empty discovery means a broken layout."""
    assert any(kind == 'module' for kind, dummy in DOCUMENTED), DOCUMENTED


def _run_ansible_doc(kind, name):
    env = dict(os.environ)
    env.pop('ANSIBLE_CONFIG', None)
    env.update({
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'False',
        'ANSIBLE_PAGER': 'cat',
        'PAGER': 'cat',
        'COLUMNS': '120',
    })
    with tempfile.TemporaryDirectory() as cwd:
        return subprocess.run(
            [ANSIBLE_DOC, '-t', kind, '%s.%s' % (COLLECTION, name)],
            cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=120, check=False)


@pytest.mark.parametrize('kind, name', DOCUMENTED, ids=['%s:%s' % item for item in DOCUMENTED])
def test_ansible_doc_renders(kind, name):
    """ansible-doc shows the plugin's documentation with EXAMPLES and no warnings."""
    result = _run_ansible_doc(kind, name)
    report = 'rc=%s\nstdout:\n%s\nstderr:\n%s' % (result.returncode, result.stdout, result.stderr)
    assert result.returncode == 0, report
    assert 'WARNING' not in PROTOMATTER_WARNING.sub('', result.stderr), report
    assert 'WARNING' not in result.stdout, report
    assert '%s.%s' % (COLLECTION, name) in result.stdout, report
    if kind != 'role':
        # Role argument specs have no EXAMPLES section; the role README carries them.
        assert 'EXAMPLES' in result.stdout, report


@pytest.mark.parametrize('text, left', [
    ("[WARNING]: Collection at '/venv/lib/python3.13/site-packages/ansible/_internal/ansible_collections/ansible/"
     "_protomatter' does not have a MANIFEST.json file, nor has it galaxy.yml: cannot detect version.\n", ''),
    ("[WARNING]: Collection at\n'/x/ansible/_internal/ansible_collections/ansible/_protomatter' does not have a\n"
     "MANIFEST.json file, nor has it galaxy.yml: cannot detect version.\nrest\n", 'rest\n'),
    # Any other collection, or any other warning, stays.
    ("[WARNING]: Collection at '/x/ansible_collections/virtkit/libvirt_client' does not have a MANIFEST.json "
     "file, nor has it galaxy.yml: cannot detect version.\n", None),
    ("[WARNING]: Collection at '/x/ansible/_internal/ansible_collections/ansible/_protomatter' is broken.\n", None),
    ('[WARNING]: something else\n', None),
])
def test_only_the_protomatter_warning_is_tolerated(text, left):
    """The tolerance removes ansible-core's _protomatter warning and leaves every other warning."""
    assert PROTOMATTER_WARNING.sub('', text) == (text if left is None else left)
