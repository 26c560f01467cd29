# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ConfTree on texts without a final newline and with CRLF or CR line ends: exact bytes after each edit."""

import augeas
import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_augeas import ConfTree, line_end


def edit(text, action):
    tree = ConfTree(augeas.Augeas, text)
    try:
        action(tree)
        out = tree.render()
    finally:
        tree.close()
    libvirt_conf.parse(out, 'x')
    return out


def add_default(tree):
    tree.add_string_statement('uri_default', 'test:///default')


def set_default(tree):
    tree.set_string(tree.statements('uri_default')[0], 'test:///default?u')


def remove_default(tree):
    for path in reversed(tree.statements('uri_default')):
        tree.remove(path)


@pytest.mark.parametrize('text, eol', [
    ('', '\n'), ('a = 1', '\n'), ('a = 1\n', '\n'), ('a = 1\r\nb = 2', '\r\n'), ('a = 1\r\n', '\r\n'),
    ('a = 1\rb = 2\r', '\r'), ('a = 1\r\nb = 2\n', '\n'), ('a = 1\rb = 2\r\n', '\r\n'),
    ('a = """x\ny"""\r\n', '\n'),
])
def test_line_end(text, eol):
    assert line_end(text) == eol


@pytest.mark.parametrize('text', [
    'log_level=1', 'a = 1  ', 'a = 1 # c', 'a = 1 #', '# c', '#', 'a = 1\n# c  ', 'l = ["a"]', 'l = [\n  "a",\n]',
    'l = [ "a" ]  # c', 'a = """x\ny"""', 'a = 1\r\nb = 2', 'a = 1\rb = 2', 'a = 1\r\nb = """x\r\ny"""',
    'a = 1\nb = 2\r\nc = 3', '\r\n\r\na = 1', 'a = 1;b = 2',
])
def test_round_trip_without_final_newline(text):
    assert edit(text, lambda tree: None) == text


@pytest.mark.parametrize('text, expected', [
    # the last line keeps its bytes and gets the file's line end; the new line ends with one too
    ('log_level=1', 'log_level=1\nuri_default = "test:///default"\n'),
    ('log_level = 1  ', 'log_level = 1  \nuri_default = "test:///default"\n'),
    ('log_level=1 #  why', 'log_level=1 #  why\nuri_default = "test:///default"\n'),
    ('a=1\n#  the end  ', 'a=1\n#  the end  \nuri_default = "test:///default"\n'),
    ('l = ["a"]', 'l = ["a"]\nuri_default = "test:///default"\n'),
    ('l = [\n  "a",\n]', 'l = [\n  "a",\n]\nuri_default = "test:///default"\n'),
    ('a=1\r\nlog_level=1', 'a=1\r\nlog_level=1\r\nuri_default = "test:///default"\r\n'),
    ('a=1\rlog_level=1', 'a=1\rlog_level=1\ruri_default = "test:///default"\r'),
    # with a final line end too: a CRLF stays whole before the new line, which ends with CRLF
    ('log_level=1\r\n', 'log_level=1\r\nuri_default = "test:///default"\r\n'),
    ('a = """x\r\ny"""\r\n', 'a = """x\r\ny"""\r\nuri_default = "test:///default"\r\n'),
])
def test_new_statement_after_last_line(text, expected):
    assert edit(text, add_default) == expected


@pytest.mark.parametrize('text, expected', [
    ('uri_default = "x"', 'uri_default = "test:///default?u"'),
    ("a=1\nuri_default='x'  # mine", "a=1\nuri_default='test:///default?u'  # mine"),
    ('a=1\r\nuri_default = "x"', 'a=1\r\nuri_default = "test:///default?u"'),
])
def test_last_statement_changed_in_place_keeps_no_newline(text, expected):
    assert edit(text, set_default) == expected


@pytest.mark.parametrize('text, expected', [
    ('a=1\nuri_default = "x"', 'a=1\n'),
    ('a=1\r\n\r\nuri_default = "x"', 'a=1\r\n'),
    ('a=1;uri_default = "x"', 'a=1;'),
    ('uri_default = "x"', ''),
    ('uri_default = "x"\na=1', 'a=1'),
    ('uri_default = "x"\na=1\nuri_default = "y"', 'a=1\n'),
])
def test_removing_statements(text, expected):
    assert edit(text, remove_default) == expected


def test_one_line_list_without_newline_keeps_its_bracket():
    text = 'uri_aliases = ["a=test:///default"]'

    def change(tree):
        path = tree.statements('uri_aliases')[0]
        tree.append_element(path, 'b=test:///default?b', after='1')
        tree.set_string(path + '/1', 'a=test:///default?a')
        tree.add_string_statement('uri_default', 'a')
    assert edit(text, change) == ('uri_aliases = ["a=test:///default?a","b=test:///default?b"]\n'
                                  'uri_default = "a"\n')


def test_emptied_list_without_newline():
    def empty(tree):
        tree.remove_element('/tree/l', '1')
        tree.mark_empty('/tree/l')
    assert edit('l = [ "a" ] # c', empty) == 'l = [] # c'
    assert edit('x = 1\r\nl = [\r\n  "a",\r\n]', empty) == 'x = 1\r\nl = []'


def test_new_list_in_crlf_file_uses_crlf():
    def add(tree):
        path = tree.add_list_statement('uri_aliases')
        tree.append_element(path, 'a=test:///default')
    assert edit('# mine\r\nlog_level=1', add) == ('# mine\r\nlog_level=1\r\n'
                                                  'uri_aliases = [\r\n  "a=test:///default",\r\n]\r\n')
