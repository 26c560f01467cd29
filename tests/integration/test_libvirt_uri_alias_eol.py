# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""libvirt_uri_alias on files that end without a newline, and on CRLF files, checked byte for byte and with virsh.

Untouched lines stay byte for byte; a file whose last statement stays the
last still ends without a newline; lines added at the end end with the
file's line end (LF, or CRLF in a CRLF file), as does the line before them.
All cases run as the tasks of one play.
"""

import os
import shutil
import tempfile

import pytest

from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import run_play
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh import virsh_uri

# The module-scoped fixture runs once, on one pytest-xdist worker (the pytest step uses
# --dist loadgroup).
pytestmark = pytest.mark.xdist_group('eol')

MODULE = 'virtkit.libvirt_client.libvirt_uri_alias'
A = 'test:///default?a'
B = 'test:///default?b'
C = 'test:///default?c'
C2 = 'test:///default?c2'
U = 'test:///default?u'

# The files, none of which ends with a newline.
FILES = {
    'scalar': 'uri_aliases = [ "a=%s", "c=%s" ]\nlog_level=1' % (A, C),
    'one_line_list': 'uri_aliases = ["a=%s", "c=%s"]' % (A, C),
    'multi_line_list': 'uri_aliases = [\n  "a=%s",\n  "c=%s",\n]' % (A, C),
    'comment': 'uri_aliases = [ "a=%s", "c=%s" ]\n# the end' % (A, C),
    'crlf_list': 'log_level=1\r\nuri_aliases = [\r\n  "a=%s",\r\n  "c=%s",\r\n]' % (A, C),
    'crlf_scalar': 'uri_aliases = [ "a=%s", "c=%s" ]\r\nlog_level=1' % (A, C),
}
EDITS = {
    'add': {'name': 'b', 'uri': B},
    'change': {'name': 'c', 'uri': C2},
    'remove': {'name': 'c', 'state': 'absent'},
    'uri_default': {'uri_default': U},
}
# (file, edit) -> the exact text after the edit
EXPECTED = {
    ('scalar', 'add'): 'uri_aliases = [ "a=%s", "c=%s", "b=%s" ]\nlog_level=1' % (A, C, B),
    ('scalar', 'change'): 'uri_aliases = [ "a=%s", "c=%s" ]\nlog_level=1' % (A, C2),
    ('scalar', 'remove'): 'uri_aliases = [ "a=%s" ]\nlog_level=1' % A,
    ('scalar', 'uri_default'): 'uri_aliases = [ "a=%s", "c=%s" ]\nlog_level=1\nuri_default = "%s"\n' % (A, C, U),
    ('one_line_list', 'add'): 'uri_aliases = ["a=%s", "c=%s", "b=%s"]' % (A, C, B),
    ('one_line_list', 'change'): 'uri_aliases = ["a=%s", "c=%s"]' % (A, C2),
    ('one_line_list', 'remove'): 'uri_aliases = ["a=%s"]' % A,
    ('one_line_list', 'uri_default'): 'uri_aliases = ["a=%s", "c=%s"]\nuri_default = "%s"\n' % (A, C, U),
    ('multi_line_list', 'add'): 'uri_aliases = [\n  "a=%s",\n  "c=%s",\n  "b=%s",\n]' % (A, C, B),
    ('multi_line_list', 'change'): 'uri_aliases = [\n  "a=%s",\n  "c=%s",\n]' % (A, C2),
    ('multi_line_list', 'remove'): 'uri_aliases = [\n  "a=%s",\n]' % A,
    ('multi_line_list', 'uri_default'): 'uri_aliases = [\n  "a=%s",\n  "c=%s",\n]\nuri_default = "%s"\n' % (A, C, U),
    ('comment', 'add'): 'uri_aliases = [ "a=%s", "c=%s", "b=%s" ]\n# the end' % (A, C, B),
    ('comment', 'change'): 'uri_aliases = [ "a=%s", "c=%s" ]\n# the end' % (A, C2),
    ('comment', 'remove'): 'uri_aliases = [ "a=%s" ]\n# the end' % A,
    ('comment', 'uri_default'): 'uri_aliases = [ "a=%s", "c=%s" ]\n# the end\nuri_default = "%s"\n' % (A, C, U),
    ('crlf_list', 'add'): 'log_level=1\r\nuri_aliases = [\r\n  "a=%s",\r\n  "c=%s",\r\n  "b=%s",\r\n]' % (A, C, B),
    ('crlf_list', 'change'): 'log_level=1\r\nuri_aliases = [\r\n  "a=%s",\r\n  "c=%s",\r\n]' % (A, C2),
    ('crlf_list', 'remove'): 'log_level=1\r\nuri_aliases = [\r\n  "a=%s",\r\n]' % A,
    ('crlf_list', 'uri_default'): ('log_level=1\r\nuri_aliases = [\r\n  "a=%s",\r\n  "c=%s",\r\n]\r\n'
                                   'uri_default = "%s"\r\n' % (A, C, U)),
    ('crlf_scalar', 'add'): 'uri_aliases = [ "a=%s", "c=%s", "b=%s" ]\r\nlog_level=1' % (A, C, B),
    ('crlf_scalar', 'change'): 'uri_aliases = [ "a=%s", "c=%s" ]\r\nlog_level=1' % (A, C2),
    ('crlf_scalar', 'remove'): 'uri_aliases = [ "a=%s" ]\r\nlog_level=1' % A,
    ('crlf_scalar', 'uri_default'): 'uri_aliases = [ "a=%s", "c=%s" ]\r\nlog_level=1\r\nuri_default = "%s"\r\n' % (A, C, U),
    # the cases of the report: a lone scalar line, a one-line list, and removing the last line
    ('lone_scalar', 'add'): 'log_level=1\nuri_aliases = [\n  "b=%s",\n]\n' % B,
    ('lone_list', 'uri_default'): 'uri_aliases = ["a=test:///default"]\nuri_default = "%s"\n' % U,
    ('default_last', 'change_default'): 'log_level=1\nuri_default = "%s"' % U,
    ('default_last', 'remove_default'): 'log_level=1\n',
    ('crlf_default_last', 'remove_default'): 'log_level=1\r\n',
}
FILES.update({
    'lone_scalar': 'log_level=1',
    'lone_list': 'uri_aliases = ["a=test:///default"]',
    'default_last': 'log_level=1\nuri_default = "test:///default"',
    'crlf_default_last': 'log_level=1\r\nuri_default = "test:///default"',
})
EDITS.update({
    'change_default': {'uri_default': U},
    'remove_default': {'uri_default': ''},
})
CASES = sorted(EXPECTED)


def write(path, text):
    with open(path, 'w', newline='') as f:
        f.write(text)
    os.chmod(path, 0o644)


def read(path):
    with open(path, newline='') as f:
        return f.read()


@pytest.fixture(scope='module')
def edited():
    """Every case's file edited by one module call, all in one play: case -> (path, result)."""
    top = tempfile.mkdtemp(prefix='vk-test.')
    os.chmod(top, 0o755)
    try:
        paths, tasks = {}, []
        for case in CASES:
            directory = os.path.join(top, '%s-%s' % case, 'libvirt')
            os.makedirs(directory)
            for d in (os.path.dirname(directory), directory):
                os.chmod(d, 0o755)
            paths[case] = os.path.join(directory, 'libvirt.conf')
            write(paths[case], FILES[case[0]])
            tasks.append({'name': '%s %s' % case, MODULE: dict(EDITS[case[1]], path=paths[case]),
                          'ignore_errors': True})
        results = run_play(tasks)
        assert len(results) == len(CASES), results
        yield {case: (paths[case], result) for case, result in zip(CASES, results)}
    finally:
        shutil.rmtree(top, ignore_errors=True)


@pytest.mark.parametrize('case', CASES, ids=['%s-%s' % c for c in CASES])
def test_edit_keeps_untouched_lines_byte_for_byte(edited, case):
    path, result = edited[case]
    assert not result.get('failed'), result
    assert result['changed'] is True, result
    assert read(path) == EXPECTED[case]
    if 'c=' in FILES[case[0]]:
        assert virsh_uri(path, 'a') == (True, A)
    if case[1] == 'add':
        assert virsh_uri(path, 'b') == (True, B)
    elif case[1] == 'change':
        assert virsh_uri(path, 'c') == (True, C2)
    elif case[1] == 'remove':
        assert [a['name'] for a in result['aliases']] == ['a']
        assert virsh_uri(path, 'c') != (True, C)
    elif case[1] in ('uri_default', 'change_default'):
        assert virsh_uri(path) == (True, U)
    elif case[1] == 'remove_default':
        assert result['uri_default'] is None
        assert virsh_uri(path)[1] != 'test:///default'


def test_second_run_changes_nothing_and_keeps_the_missing_newline(conf):
    text = 'uri_aliases = [\n  "a=%s",\n]' % A
    write(str(conf), text)
    args = {'path': str(conf), 'aliases': {'a': A, 'b': B}}
    first, second = run_play([{'name': 'first', MODULE: args}, {'name': 'second', MODULE: args}])
    assert first['changed'] is True and second['changed'] is False, (first, second)
    assert read(str(conf)) == 'uri_aliases = [\n  "a=%s",\n  "b=%s",\n]' % (A, B)
    assert virsh_uri(str(conf), 'b') == (True, B)
