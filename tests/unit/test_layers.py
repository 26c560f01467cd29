# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The layers of docs/architecture.md are the code's: every import of the collection points down.

The table of docs/architecture.md gives each file of plugins/module_utils and plugins/plugin_utils a layer
number.  Every import of a collection file, at the top of a file or inside a function, must name a file of a
strictly lower layer; plugins that are not shared code (modules, action, filter, lookup) sit on top and
may import any shared file, but no plugin of their own kind or another.  No file of plugins/ is over
1,000 lines, and a module file is its documentation, its argument spec and a short ``main``.
"""

import ast
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, 'docs', 'architecture.md')
PACKAGE = 'ansible_collections.virtkit.libvirt_client.plugins'
SHARED = ('module_utils', 'plugin_utils')
ON_TOP = ('modules', 'action', 'filter', 'lookup', 'doc_fragments')
ROW = re.compile(r'^\|\s*(\d+)\s*\|\s*`(module_utils|plugin_utils)/(\w+)\.py`\s*\|')
MAX_LINES = 1000
# A module file: its docs, its argument spec and main; what is not that lives in module_utils.
MODULE_CODE_LINES = 120


def layers():
    """{'module_utils/_libvirt_conf': 1, ...} from the table of docs/architecture.md."""
    found = {}
    with open(DOC, encoding='utf-8') as f:
        for line in f:
            match = ROW.match(line)
            if match:
                name = '%s/%s' % (match.group(2), match.group(3))
                assert name not in found, '%s is listed twice in docs/architecture.md' % name
                found[name] = int(match.group(1))
    return found


def python_files(kinds):
    for kind in kinds:
        directory = os.path.join(ROOT, 'plugins', kind)
        for name in sorted(os.listdir(directory)):
            if name.endswith('.py') and name != '__init__.py':
                yield '%s/%s' % (kind, name[:-3]), os.path.join(directory, name)


def collection_imports(path):
    """(line, 'kind/name') of every import of a collection plugin file in ``path``, wherever it stands."""
    with open(path, encoding='utf-8') as f:
        tree = ast.parse(f.read(), path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGE + '.'):
            rest = node.module[len(PACKAGE) + 1:].split('.')
            if len(rest) == 1:
                found.extend((node.lineno, '%s/%s' % (rest[0], alias.name)) for alias in node.names)
            else:
                found.append((node.lineno, '%s/%s' % (rest[0], rest[1])))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + '.'):
                    rest = alias.name[len(PACKAGE) + 1:].split('.')
                    found.append((node.lineno, '/'.join(rest[:2])))
    return found


def test_every_shared_file_has_a_layer():
    listed = layers()
    present = set(name for name, dummy in python_files(SHARED))
    assert sorted(present - set(listed)) == [], 'files missing from the table of docs/architecture.md'
    assert sorted(set(listed) - present) == [], 'docs/architecture.md lists files that do not exist'


@pytest.mark.parametrize('name,path', list(python_files(SHARED + ON_TOP)), ids=lambda value: value)
def test_imports_point_down(name, path):
    listed = layers()
    kind = name.split('/')[0]
    wrong = []
    for line, target in collection_imports(path):
        target_kind = target.split('/')[0]
        if target_kind not in SHARED:
            wrong.append('line %d: %s imports the plugin %s' % (line, name, target))
        elif kind in SHARED and listed.get(target, MAX_LINES) >= listed[name]:
            wrong.append('line %d: %s (layer %d) imports %s (layer %s)'
                         % (line, name, listed[name], target, listed.get(target, 'none')))
    assert wrong == []


def test_no_import_cycle():
    """No file reaches itself through imports (the layer check implies it; this names a cycle if one appears)."""
    graph = {}
    for name, path in python_files(SHARED):
        graph[name] = sorted(set(target for dummy, target in collection_imports(path)))
    state = {}

    def visit(node, stack):
        state[node] = 'open'
        for target in graph.get(node, ()):
            if state.get(target) == 'open':
                return stack[stack.index(target):] + [target] if target in stack else [node, target]
            if target not in state:
                cycle = visit(target, stack + [target])
                if cycle:
                    return cycle
        state[node] = 'done'
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [start])
            assert cycle is None, 'import cycle: ' + ' -> '.join(cycle)


@pytest.mark.parametrize('name,path', list(python_files(SHARED + ON_TOP)), ids=lambda value: value)
def test_no_plugin_file_over_1000_lines(name, path):
    with open(path, encoding='utf-8') as f:
        assert len(f.readlines()) <= MAX_LINES


@pytest.mark.parametrize('name,path', list(python_files(('modules',))), ids=lambda value: value)
def test_a_module_file_is_docs_spec_and_main(name, path):
    """Outside DOCUMENTATION, EXAMPLES and RETURN, a module file holds little code: its spec and main."""
    with open(path, encoding='utf-8') as f:
        source = f.read()
    tree = ast.parse(source, path)
    docs = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) in ('DOCUMENTATION', 'EXAMPLES', 'RETURN')
                                                for t in node.targets):
            docs.update(range(node.lineno, node.end_lineno + 1))
    code = [number for number, text in enumerate(source.splitlines(), 1)
            if number not in docs and text.strip() and not text.lstrip().startswith('#')]
    functions = [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    assert 'main' in functions
    assert len(code) <= MODULE_CODE_LINES, '%s has %d lines of code besides its docs (functions: %s)' % (
        name, len(code), ', '.join(functions))
