# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Libvirt_client lens through ConfTree: byte-identical round trips and edits."""

import os

import augeas
import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_augeas import ConfTree, LensError
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_lens import LENS_TEXT

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, os.pardir))


def roundtrip(text):
    tree = ConfTree(augeas.Augeas, text)
    try:
        # render() always rebuilds the whole text from the tree.
        return tree.render()
    finally:
        tree.close()


def test_lens_copy_matches_lens_file():
    with open(os.path.join(REPO, 'lenses', 'libvirt_client.aug')) as f:
        assert LENS_TEXT == f.read()


SAMPLES = [
    '',
    'a=1',
    'a = "x"  ',
    '# only\n',
    '#\n#\n\n',
    "a='x';b=\"y\" ; c=-1 # c\n",
    'l = [\n  "a",\n  \'b\',\n  """c\nd""",\n  1, [ 2, [ "e" ] ],\n]\n',
    'l=[]\nm = [ ]\nn = [\n\n]\n',
    '\r\n# crlf\r\nuri_aliases = [\r\n  "a=b:///",\r\n]\r\n',
    'a = """x"y""z"""\n',
    '   \t a \t=\t "x" \t#\t c \t\n',
    'a = 1;\n',
    'a = 1;  ',
]


@pytest.mark.parametrize('text', SAMPLES)
def test_samples_round_trip(text):
    assert roundtrip(text) == text


def test_nesting_beyond_three_levels_is_refused_clearly():
    text = 'a = [[[[ "x" ]]]]\n'
    libvirt_conf.parse(text, 'x')
    with pytest.raises(LensError):
        ConfTree(augeas.Augeas, text)


def edit(text, action):
    tree = ConfTree(augeas.Augeas, text)
    try:
        action(tree)
        return tree.render()
    finally:
        tree.close()


def test_append_copies_indent_and_quote_of_last_element():
    out = edit("l = [\n\t'a',\n\t'b'\n]\n", lambda t: t.append_element('/tree/l', 'c', after='2'))
    assert out == "l = [\n\t'a',\n\t'b',\n\t'c'\n]\n"


def test_append_switches_quote_when_needed():
    out = edit("l = [ 'a' ]\n", lambda t: t.append_element('/tree/l', "it's", after='1'))
    assert out == "l = [ 'a', \"it's\" ]\n"


def test_set_string_keeps_triple_quotes_when_possible():
    out = edit('a = """x"""\n', lambda t: t.set_string('/tree/a', 'y "q"!'))
    assert out == 'a = """y "q"!"""\n'


def test_remove_last_element_leaves_empty_list_with_comment():
    def empty(tree):
        tree.remove_element('/tree/l', '1')
        tree.mark_empty('/tree/l')
    out = edit('l = [ "a" ] # c\n', empty)
    assert out == 'l = [] # c\n'


def test_append_to_empty_list_and_label_lookup():
    def add(tree):
        assert tree.element_labels('/tree/l') == []
        tree.append_element('/tree/l', 'a')
        tree.append_element('/tree/l', 'b', after='1')
        assert tree.element_labels('/tree/l') == ['1', '2']
    assert edit('l = []\n', add) == 'l = [\n  "a",\n  "b",\n]\n'


def test_string_replaces_list():
    assert edit('l = [ "a", 1 ] # c\n', lambda t: t.set_string('/tree/l', 'x')) == 'l = "x" # c\n'


def test_new_statement_in_empty_text():
    assert edit('', lambda t: t.add_string_statement('uri_default', 'x')) == 'uri_default = "x"\n'


def test_refuses_value_with_both_quotes():
    with pytest.raises(LensError):
        edit('a = "x"\n', lambda t: t.set_string('/tree/a', 'a\'b"c'))
