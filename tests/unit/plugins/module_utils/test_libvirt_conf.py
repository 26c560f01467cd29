# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Table-driven tests of the libvirt.conf parser and accessors.

Every expectation here was checked against libvirt 9.0's virsh; the
differential test (test_libvirt_conf_virsh.py) keeps checking the parser
against it.
"""

import errno
import os
import pathlib
import shutil
import tempfile

import pytest

from ansible_collections.virtkit.libvirt_client.tests.helpers.as_nobody import run_as_nobody

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as lc
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_conf import (
    ConfError,
    ConfSyntaxError,
    Entry,
    Value,
)

PATH = '/etc/libvirt/libvirt.conf'


def S(text, quote='"', line=None):
    return Value('string', text, quote, line=line)


def N(number, line=None):
    return Value('int', number, line=line)


def L(items, line=None):
    return Value('list', list(items), line=line)


def _fill_lines(value, line):
    """Values without an explicit line start on the line of what holds them."""
    if value.line is None:
        value.line = line
    if value.type == 'list':
        for item in value.value:
            _fill_lines(item, value.line)


def E(name, value, comment=None, line=1):
    _fill_lines(value, line)
    return Entry(name, value, comment, line)


def C(comment, line=1):
    return Entry(None, None, comment, line)


# (id, text, expected entries) for texts libvirt accepts.
ACCEPTED = [
    ('empty file', '', []),
    ('int', 'a=1', [E('a', N(1))]),
    ('int newline', 'a=1\n', [E('a', N(1))]),
    ('spaces and tabs around =', ' \t a \t= \t1 \t\n', [E('a', N(1))]),
    ('negative int', 'a=-42', [E('a', N(-42))]),
    ('plus int', 'a=+7', [E('a', N(7))]),
    ('minus zero', 'A_9b = -0', [E('A_9b', N(0))]),
    ('leading zeros', 'a=007', [E('a', N(7))]),
    ('big int kept exact', 'a=123456789012345678901234567890',
     [E('a', N(123456789012345678901234567890))]),
    ('double quoted', 'a="x y"', [E('a', S('x y'))]),
    ('single quoted', "a='x y'", [E('a', S('x y', "'"))]),
    ('double quote inside single', "a='say \"hi\"'", [E('a', S('say "hi"', "'"))]),
    ('single quote inside double', 'a="it\'s"', [E('a', S("it's"))]),
    ('no escapes', 'a="x\\n\\"', [E('a', S('x\\n\\'))]),
    ('hash inside string', 'a="x#y" #c', [E('a', S('x#y'), 'c')]),
    ('empty strings', "a=\"\"; b=''", [E('a', S('')), E('b', S('', "'"))]),
    ('triple quoted', 'a="""x"""', [E('a', S('x', '"""'))]),
    ('triple quoted multi-line', 'a="""x\ny\n"""\nb=1',
     [E('a', S('x\ny\n', '"""')), E('b', N(1), line=4)]),
    ('triple quoted holding quotes', 'a="""it\'s "so" """', [E('a', S('it\'s "so" ', '"""'))]),
    ('empty triple quoted needs 7 bytes', 'a=""""""\n', [E('a', S('', '"""'))]),
    ('triple quoted counted in bytes', 'a="""\u00e9\u00e9"""', [E('a', S('\u00e9\u00e9', '"""'))]),
    ('utf-8 string', 'a="\u00e9\u4e2d\U0001f600"', [E('a', S('\u00e9\u4e2d\U0001f600'))]),
    ('empty list', 'a=[]', [E('a', L([]))]),
    ('empty list with blanks', 'a=[ \t\n\r\n ]', [E('a', L([]))]),
    ('list', 'a=[1, "x", \'y\']', [E('a', L([N(1), S('x'), S('y', "'")]))]),
    ('list trailing comma', 'a=[1,]', [E('a', L([N(1)]))]),
    ('list trailing comma newline', 'a=[1\n,\n]', [E('a', L([N(1, 1)]))]),
    ('list over lines', 'a=[\n  "x",\n  "y",\n]\nb=2',
     [E('a', L([S('x', line=2), S('y', line=3)])), E('b', N(2), line=5)]),
    ('list crlf', 'a=[\r\n1\r\n,]', [E('a', L([N(1, 2)]))]),
    ('nested lists', 'a=[[1,[2]],[]]', [E('a', L([L([N(1), L([N(2)])]), L([])]))]),
    ('list then comment', 'a=[1]#x', [E('a', L([N(1)]), 'x')]),
    ('triple quoted in list', 'a=["""x\ny""", 1]', [E('a', L([S('x\ny', '"""'), N(1, 2)]))]),
    ('comment lines', '# one\n#two\n\n#', [C(' one'), C('two', 2), C('', 4)]),
    ('indented comment', '  \t# c', [C(' c')]),
    ('trailing comment', 'a=1 # c\nb=2#d', [E('a', N(1), ' c'), E('b', N(2), 'd', line=2)]),
    ('semicolons', "a=1;b='x' ; c=\"\"", [E('a', N(1)), E('b', S('x', "'")), E('c', S(''))]),
    ('trailing semicolon', 'a=1;', [E('a', N(1))]),
    ('semicolon then newlines', 'a=1;\n\nb=2', [E('a', N(1)), E('b', N(2), line=3)]),
    ('blank lines', '\n\n  \n\ta=1\n\n\n', [E('a', N(1), line=4)]),
    ('crlf', 'a=1\r\nb=2\r\n', [E('a', N(1)), E('b', N(2), line=2)]),
    ('cr only ends statements, counts no line', 'a=1\rb=2\rc=3\n', [E('a', N(1)), E('b', N(2)), E('c', N(3))]),
    ('blank then indented statement', 'a=1\n\t\n\t b=2', [E('a', N(1)), E('b', N(2), line=3)]),
    ('duplicate keys kept', 'a=1\na=2', [E('a', N(1)), E('a', N(2), line=2)]),
    ('case-sensitive names', 'A=1\na=2', [E('A', N(1)), E('a', N(2), line=2)]),
    ('nul ends string text', 'a="x\0y"', [E('a', S('x'))]),
    ('nul ends comment text', '#x\0y\na=1', [C('x'), E('a', N(1), line=2)]),
]


# (id, text, line, what) for texts libvirt rejects.
REJECTED = [
    ('whitespace only', ' ', 1, 'expecting a name'),
    ('whitespace lines only', '\n\n  \t', 3, 'expecting a name'),
    ('crlf only', '\r\n\r\n', 3, 'expecting a name'),
    ('leading underscore', '_a=1', 1, 'expecting a name'),
    ('leading digit', '1a=1', 1, 'expecting a name'),
    ('dash in name', 'a-b=1', 1, 'expecting an assignment'),
    ('dot in name', 'a.b=1', 1, 'expecting an assignment'),
    ('name only', 'a', 1, 'expecting an assignment'),
    ('newline before =', 'a\n=1', 1, 'expecting an assignment'),
    ('no value', 'a=', 1, 'expecting a value'),
    ('no value newline', 'a=\n', 1, 'expecting a value'),
    ('newline before value', 'a= \n1', 1, 'expecting a value'),
    ('bare word', 'a=x', 1, 'expecting a value'),
    ('vertical tab is not blank', 'a=\x0b1', 1, 'expecting a value'),
    ('form feed is not blank', '\x0ca=1', 1, 'expecting a name'),
    ('no-break space is not blank', 'a=\u00a01', 1, 'expecting a value'),
    ('two statements on a line', 'a=1 b=2', 1, 'expecting a separator'),
    ('double semicolon', 'a=1;;', 1, 'expecting a name'),
    ('hex', 'a=0x10', 1, 'expecting a separator'),
    ('decimal', 'a=1.5', 1, 'expecting a separator'),
    ('exponent', 'a=1e3', 1, 'expecting a separator'),
    ('digits then word', 'a=12abc', 1, 'expecting a separator'),
    ('plus alone', 'a=+', 1, 'unterminated number'),
    ('minus alone', 'a=-', 1, 'unterminated number'),
    ('minus newline', 'a=-\n', 1, 'unterminated number'),
    ('minus word', 'a=-x', 1, 'unterminated number'),
    ('double sign', 'a=+-1', 1, 'unterminated number'),
    ('unterminated double', 'a="x', 1, 'unterminated string'),
    ('unterminated single', "a='x", 1, 'unterminated string'),
    ('string over lines', "a='x\ny'", 1, 'unterminated string'),
    ('string cut by cr', 'a="x\ry"', 1, 'unterminated string'),
    ('string then word', 'a="a"b', 1, 'expecting a separator'),
    ('six quotes at end of file', 'a=""""""', 1, 'expecting a separator'),
    ('short triple at end of file', 'a="""x\n\n', 1, 'expecting a separator'),
    ('triple quoted unterminated', 'a="""x\ny\n\nz', 3, 'unterminated string'),
    ('triple quoted unterminated, last newlines uncounted', 'a="""\n\n\n\n', 3, 'unterminated string'),
    ('triple quoted counted in bytes, unterminated', 'a="""\u00e9\u00e9', 1, 'unterminated string'),
    ('text after triple quoted', 'a="""a""" "', 1, 'expecting a separator'),
    ('list not closed', 'a=[', 1, 'list is not closed with ]'),
    ('list not closed after value', 'a=[1\n\n', 3, 'list is not closed with ]'),
    ('list not closed after triple', 'a=["""\n\n\n"""', 4, 'list is not closed with ]'),
    ('list ends after comma', 'a=[1,\n\n', 3, 'expecting a value'),
    ('empty list item', 'a=[1,,]', 1, 'expecting a value'),
    ('comma only', 'a=[,]', 1, 'expecting a value'),
    ('missing comma', 'a=[1 2]', 1, 'expecting a separator in list'),
    ('comment line in list', 'a=[\n1,\n#c\n]', 3, 'expecting a value'),
    ('comment after list item', 'a=[1 #c\n]', 1, 'expecting a separator in list'),
    ('comment after item at end', 'a=["x"#', 1, 'expecting a separator in list'),
    ('extra bracket', 'a=[]]', 1, 'expecting a separator'),
    ('bare word in list', 'a=[x]', 1, 'expecting a value'),
    ('error line inside list', 'a=[\n1,\n2,\nbad]', 4, 'expecting a value'),
    ('error line after crlf', 'a=1\r\nb=2\r\nc=', 3, 'expecting a value'),
    ('error line after cr only', 'a=1\rb=\r', 1, 'expecting a value'),
    ('error line after triple quoted', 'a="""\n\n"""\nb=x', 4, 'expecting a value'),
    ('error on line of triple tail', 'a="""\n\n""" x', 3, 'expecting a separator'),
    ('error after comments', '#a\n#b\n\nx', 4, 'expecting an assignment'),
    ('nul as name', '\0', 1, 'expecting a name'),
    ('nul as value', 'a=\0', 1, 'expecting a value'),
    ('nul after value', 'a=1\0', 1, 'expecting a separator'),
    ('byte order mark', '\ufeffa=1', 1, 'expecting a name'),
]


@pytest.mark.parametrize('text, expected', [c[1:] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_parse_accepts(text, expected):
    entries = lc.parse(text, PATH)
    assert entries == expected
    # Values compare on type/value/quote; check the lines separately.
    assert [e.line for e in entries] == [e.line for e in expected]
    assert [_lines(e.value) for e in entries] == [_lines(e.value) for e in expected]


def _lines(value):
    if value is None:
        return None
    if value.type == 'list':
        return (value.line, [_lines(item) for item in value.value])
    return value.line


@pytest.mark.parametrize('text, line, what', [c[1:] for c in REJECTED], ids=[c[0] for c in REJECTED])
def test_parse_rejects(text, line, what):
    with pytest.raises(ConfSyntaxError) as info:
        lc.parse(text, PATH)
    err = info.value
    assert (err.path, err.line, err.what) == (PATH, line, what)
    assert err.message == f'configuration file syntax error: {PATH}:{line}: {what}'
    assert str(err) == err.message
    assert err.detail == f'{PATH}:{line}: {what}'
    assert isinstance(err, ConfError)


def test_parse_takes_utf8_bytes():
    assert lc.parse('a="\u00e9"'.encode('utf-8'), PATH) == [E('a', S('\u00e9'))]


def test_parse_refuses_bytes_not_utf8():
    with pytest.raises(ConfError) as info:
        lc.parse(b'a="\xff"', PATH)
    assert info.value.message == f"File '{PATH}' is not UTF-8 text: invalid byte 0xff at offset 3"


def test_value_quote_raw_and_offsets():
    text = '# head\nname = "v\u00e9\0x" # tail\nl=[\'a\', """b\nc"""]\n'
    head, entry, lst = lc.parse(text, PATH)
    assert (head.start, head.end) == (0, 6)
    assert text[entry.start:entry.end] == 'name = "v\u00e9\0x" # tail'
    assert entry.value.value == 'v\u00e9'
    assert entry.value.raw == 'v\u00e9\0x'
    assert text[entry.value.start:entry.value.end] == '"v\u00e9\0x"'
    assert text[lst.value.start:lst.value.end] == '[\'a\', """b\nc"""]'
    first, second = lst.value.value
    assert (first.quote, second.quote) == ("'", '"""')
    assert text[second.start:second.end] == '"""b\nc"""'
    assert lst.value.plain() == ['a', 'b\nc']


def test_parse_refuses_text_that_is_not_unicode():
    with pytest.raises(ConfError) as info:
        lc.parse('a="\udcff"', PATH)
    assert info.value.message.startswith(f"Cannot parse '{PATH}': the text holds a character that is not valid Unicode")


def test_offsets_count_characters_not_bytes():
    text = 'a="\U0001f600\u00e9" #\u4e2d\nb=[1]\n'
    first, second = lc.parse(text, PATH)
    assert text[first.start:first.end] == 'a="\U0001f600\u00e9" #\u4e2d'
    assert text[second.start:second.end] == 'b=[1]'
    assert text[second.value.start:second.value.end] == '[1]'


def test_positions_do_not_change_equality():
    moved = lc.parse('\n\n  a = 1', PATH)
    assert moved == lc.parse('a=1', PATH) == [E('a', N(1))]
    assert moved[0].line == 3


def test_entry_and_value_repr_and_inequality():
    assert repr(E('a', N(1))) == "Entry('a', Value(int 1, line 1), comment=None, line=1)"
    assert E('a', N(1)) != E('a', N(2))
    assert S('x') != S('x', "'")
    assert S('x') == S('x')
    assert (S('x') == 'x') is False


# ---------------------------------------------------------------- accessors

ENTRIES = lc.parse(
    '# c\n'
    'uri_default = "qemu:///system"\n'
    'uri_default = "ignored"\n'
    'count = 3\n'
    'uri_aliases = ["a=test:///default", \'b=x\']\n'
    'mixed = ["a", 1]\n'
    'nested = [["a"]]\n'
    'empty = []\n',
    PATH)


def test_get_value_first_occurrence():
    assert lc.get_value(ENTRIES, 'uri_default') == S('qemu:///system', line=2)
    assert lc.get_value(ENTRIES, 'missing') is None
    assert lc.get_value(ENTRIES, 'URI_DEFAULT') is None
    assert lc.get_value([], 'a') is None
    assert lc.get_value(None, 'a') is None


def test_get_string():
    assert lc.get_string(ENTRIES, 'uri_default', PATH) == 'qemu:///system'
    assert lc.get_string(ENTRIES, 'missing', PATH) is None


@pytest.mark.parametrize('name', ['count', 'uri_aliases', 'empty'])
def test_get_string_wrong_type(name):
    with pytest.raises(ConfError) as info:
        lc.get_string(ENTRIES, name, PATH)
    assert info.value.message == f"internal error: {PATH}: expected a string for '{name}' parameter"
    assert info.value.detail == f"{PATH}: expected a string for '{name}' parameter"
    assert info.value.path == PATH


def test_get_string_list():
    assert lc.get_string_list(ENTRIES, 'uri_aliases', PATH) == ['a=test:///default', 'b=x']
    assert lc.get_string_list(ENTRIES, 'empty', PATH) == []
    assert lc.get_string_list(ENTRIES, 'missing', PATH) is None


@pytest.mark.parametrize('name, prefix', [
    ('uri_default', 'internal error: '),
    ('count', 'internal error: '),
    ('mixed', 'configuration file syntax error: '),
    ('nested', 'configuration file syntax error: '),
])
def test_get_string_list_wrong_type(name, prefix):
    with pytest.raises(ConfError) as info:
        lc.get_string_list(ENTRIES, name, PATH)
    detail = f"{PATH}: expected a string list for '{name}' parameter"
    assert info.value.message == prefix + detail
    assert info.value.detail == detail


def test_get_string_list_cut_at_nul():
    entries = lc.parse('l=["a\0b", "c"]', PATH)
    assert lc.get_string_list(entries, 'l', PATH) == ['a', 'c']


# ------------------------------------------------------------------ aliases

NO_EQUALS = "configuration file syntax error: Malformed 'uri_aliases' config entry '%s', expected 'alias=uri://host/path'"
BAD_CHARS = ("configuration file syntax error: Malformed 'uri_aliases' config entry '%s', "
             "aliases may only contain 'a-Z, 0-9, _, -'")


@pytest.mark.parametrize('entry, alias, uri', [
    ('hail=qemu+ssh://root@hail.cloud.example.com/system', 'hail', 'qemu+ssh://root@hail.cloud.example.com/system'),
    ('a=b=c', 'a', 'b=c'),
    ('A-z_0-9=x', 'A-z_0-9', 'x'),
    ('=test:///default', '', 'test:///default'),
    ('x=', 'x', ''),
    ('x==', 'x', '='),
    ('x=y\0z', 'x', 'y'),
])
def test_split_alias_entry(entry, alias, uri):
    assert lc.split_alias_entry(entry) == (alias, uri)


@pytest.mark.parametrize('entry, message', [
    ('hail', NO_EQUALS % 'hail'),
    ('', NO_EQUALS % ''),
    ('a\0=b', NO_EQUALS % 'a'),
    ('a b=c', BAD_CHARS % 'a b=c'),
    ('a.b=c', BAD_CHARS % 'a.b=c'),
    ('a:b=c', BAD_CHARS % 'a:b=c'),
    ('\u00e9=c', BAD_CHARS % '\u00e9=c'),
    (' a=c', BAD_CHARS % ' a=c'),
    ('a\n=c', BAD_CHARS % 'a\n=c'),
])
def test_split_alias_entry_malformed(entry, message):
    with pytest.raises(ConfError) as info:
        lc.split_alias_entry(entry)
    assert info.value.message == message
    assert info.value.detail == message[len('configuration file syntax error: '):]


@pytest.mark.parametrize('aliases, name, uri', [
    (['a=one', 'a=two'], 'a', 'one'),
    (['a=one', 'broken'], 'a', 'one'),
    (['a=one', 'b=two'], 'b', 'two'),
    (['a=one'], 'A', None),
    (['a=one'], 'a=one', None),
    (['a=one'], 'test:///default', None),
    (['=empty'], '', 'empty'),
    ([], 'a', None),
    (None, 'a', None),
])
def test_find_alias(aliases, name, uri):
    assert lc.find_alias(aliases, name) == uri


@pytest.mark.parametrize('aliases, name, message', [
    (['broken', 'a=one'], 'a', NO_EQUALS % 'broken'),
    (['a=one', 'b c=two'], 'test:///default', BAD_CHARS % 'b c=two'),
    (['a=one', 'x'], 'zzz', NO_EQUALS % 'x'),
])
def test_find_alias_malformed_before_match(aliases, name, message):
    with pytest.raises(ConfError) as info:
        lc.find_alias(aliases, name)
    assert info.value.message == message


def test_alias_name_chars():
    import re
    pattern = re.compile(r'\A' + lc.ALIAS_NAME_CHARS + r'+\Z')
    assert pattern.match('Az09_-')
    assert not pattern.match('a.b')
    assert not pattern.match('\u00e9')
    assert lc.ALIAS_NAME_RE.match('')
    assert not lc.ALIAS_NAME_RE.match('a\n')


# ------------------------------------------------------------------- quotes

@pytest.mark.parametrize('text, quote', [
    ('', '"'),
    ('qemu:///system', '"'),
    ("it's", '"'),
    ('say "hi"', "'"),
    ('\u00e9 #;[]', '"'),
])
def test_quote_for(text, quote):
    assert lc.quote_for(text) == quote
    # The chosen quote reads back as the same text.
    assert lc.parse(f'a={quote}{text}{quote}', PATH) == [E('a', S(text, quote))]


@pytest.mark.parametrize('text, reason', [
    ('both \' and "', 'both'),
    ('line\nbreak', 'line break'),
    ('carriage\rreturn', 'line break'),
    ('nul\0char', 'NUL'),
])
def test_quote_for_refuses(text, reason):
    with pytest.raises(ValueError) as info:
        lc.quote_for(text)
    assert reason in str(info.value)


# ---------------------------------------------------------------- read_file

def test_constants():
    assert lc.MAX_CONFIG_FILE_SIZE == 10485760


def test_read_file_missing(tmp_path):
    assert lc.read_file(str(tmp_path / 'nope.conf')) is None


def test_read_file_dangling_symlink(tmp_path):
    link = tmp_path / 'libvirt.conf'
    os.symlink(str(tmp_path / 'target'), str(link))
    assert lc.read_file(str(link)) is None


def test_read_file_symlink_loop(tmp_path):
    link = tmp_path / 'libvirt.conf'
    os.symlink(str(link), str(link))
    assert lc.read_file(str(link)) is None


def test_read_file_parent_not_a_directory(tmp_path):
    parent = tmp_path / 'file'
    parent.write_text('')
    assert lc.read_file(str(parent / 'libvirt.conf')) is None


def test_read_file_ok(tmp_path):
    path = tmp_path / 'libvirt.conf'
    text = 'uri_default = "test:///default" # \u00e9\r\n'
    path.write_bytes(text.encode('utf-8'))
    got_text, entries = lc.read_file(str(path))
    assert got_text == text
    assert entries == [E('uri_default', S('test:///default'), ' \u00e9')]


def test_read_file_syntax_error(tmp_path):
    path = tmp_path / 'libvirt.conf'
    path.write_bytes(b'a = 1\nb =\n')
    with pytest.raises(ConfSyntaxError) as info:
        lc.read_file(str(path))
    assert info.value.message == f'configuration file syntax error: {path}:2: expecting a value'


def test_read_file_directory(tmp_path):
    with pytest.raises(ConfError) as info:
        lc.read_file(str(tmp_path))
    assert info.value.message == f"Failed to read file '{tmp_path}': Is a directory"
    assert info.value.path == str(tmp_path)


def test_read_file_size_limit(tmp_path):
    path = tmp_path / 'libvirt.conf'
    path.write_bytes(b'#' + b'x' * (lc.MAX_CONFIG_FILE_SIZE - 1))
    text, entries = lc.read_file(str(path))
    assert len(text) == lc.MAX_CONFIG_FILE_SIZE
    assert len(entries) == 1
    with open(str(path), 'ab') as handle:
        handle.write(b'x')
    with pytest.raises(ConfError) as info:
        lc.read_file(str(path))
    assert info.value.message == f"Failed to read file '{path}': Value too large for defined data type"


def test_read_file_not_utf8(tmp_path):
    path = tmp_path / 'libvirt.conf'
    path.write_bytes(b'# ok\na = "\xc3\xa9\xe9"\n')
    with pytest.raises(ConfError) as info:
        lc.read_file(str(path))
    assert info.value.message == f"File '{path}' is not UTF-8 text: invalid byte 0xe9 at offset 12"


def test_read_file_fifo_does_not_hang(tmp_path):
    path = tmp_path / 'libvirt.conf'
    os.mkfifo(str(path))
    assert lc.read_file(str(path)) == ('', [])


def _read_message(path):
    """libvirt's message for reading ``path``, or None when it reads fine."""
    try:
        lc.read_file(path)
    except ConfError as exc:
        return exc.message
    return None


def _read_as_unprivileged(path):
    """Call read_file as an unprivileged user (root reads any file) and return its message."""
    if os.geteuid() != 0:
        return _read_message(path)
    return run_as_nobody(lambda: _read_message(path))


@pytest.fixture
def open_dir():
    """A directory every user can enter (pytest's tmp_path is private to its owner)."""
    path = tempfile.mkdtemp(prefix='libvirt-conf-test-')
    os.chmod(path, 0o755)
    yield pathlib.Path(path)
    shutil.rmtree(path)


def test_read_file_unreadable(open_dir):
    path = open_dir / 'libvirt.conf'
    path.write_bytes(b'a = 1\n')
    os.chmod(str(path), 0)
    message = _read_as_unprivileged(str(path))
    assert message == f"Failed to open file '{path}': Permission denied"


def test_read_file_unsearchable_parent_is_no_file(open_dir):
    parent = open_dir / 'libvirt'
    parent.mkdir()
    (parent / 'libvirt.conf').write_bytes(b'a =\n')
    os.chmod(str(parent), 0o700 if os.geteuid() == 0 else 0)
    try:
        assert _read_as_unprivileged(str(parent / 'libvirt.conf')) is None
    finally:
        os.chmod(str(parent), 0o755)


def test_system_error_wording():
    # The wording libvirt uses for open failures (checked against virsh as a
    # user in test_libvirt_conf_virsh.py).
    err = lc._system_error('open', '/x', errno.EACCES)
    assert err.message == "Failed to open file '/x': Permission denied"
