# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_libvirt_shell_lexer: lines into commands, commands into words, words into parts; and the walker's Truth.

Pure text processing: no file, no root, no virsh.
"""

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_login_events import Dynamic
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_shell_lexer import (
    parse_word, split_commands, split_words, static_text, tracked_ref,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_shell_walker import Truth

ACCOUNT = {'name': 'alice', 'uid': 1000, 'home': '/home/alice', 'shell': '/bin/bash'}


# -- split_commands --------------------------------------------------------------------------------

@pytest.mark.parametrize('line, commands', [
    ('a=1', [('a=1', ';')]),
    ('a; b', [('a', ';'), (' b', ';')]),
    ('[ -f x ] && . x || y', [('[ -f x ] ', ';'), (' . x ', '&&'), (' y', '||')]),
    ('a | b', [('a ', ';'), (' b', '|')]),
    ('a & b', [('a ', ';'), (' b', ';')]),
    ('*i*) x=1 ;;', [('*i*) x=1 ', ';')]),
    ('x="a;b" # c; d', [('x="a;b" ', ';')]),
    ("x='a && b'", [("x='a && b'", ';')]),
    ('x=$(a; b) && y', [('x=$(a; b) ', ';'), (' y', '&&')]),
    ('x=a#b', [('x=a#b', ';')]),
])
def test_split_commands(line, commands):
    found, heredocs, still_open = split_commands(line)
    assert (found, heredocs, still_open) == (commands, [], False)


def test_split_commands_heredocs_and_open_quotes():
    assert split_commands('cat <<EOF')[1] == [('EOF', False)]
    assert split_commands("cat <<-'END' > f")[1] == [('END', True)]
    assert split_commands('cat <<< "$x"')[1] == []
    assert split_commands('x="a')[2] is True
    assert split_commands('x=$(a')[2] is True
    assert split_commands("x='a'")[2] is False


# -- split_words -------------------------------------------------------------------------------------

@pytest.mark.parametrize('command, words', [
    ('export  A=1\tB=2', ['export', 'A=1', 'B=2']),
    ('A="x y" b', ['A="x y"', 'b']),
    ("A='x y'", ["A='x y'"]),
    ('A=$(echo a b)', ['A=$(echo a b)']),
    ('A="$(echo "a b")"', ['A="$(echo "a b")"']),
    ('a\\ b c', ['a\\ b', 'c']),
    ('', []),
])
def test_split_words(command, words):
    assert split_words(command) == words


# -- parse_word --------------------------------------------------------------------------------------

@pytest.mark.parametrize('word, parts', [
    ('qemu:///system', [('lit', 'qemu:///system')]),
    ('"qemu:///system"', [('lit', 'qemu:///system')]),
    ("'$HOME'", [('lit', '$HOME')]),
    ('"a\\$b\\x"', [('lit', 'a$b\\x')]),
    ('~/x', [('lit', '/home/alice/x')]),
    ('"$HOME/x"', [('lit', '/home/alice'), ('lit', '/x')]),
    ('${USER}', [('lit', 'alice')]),
    ('$LIBVIRT_DEFAULT_URI', [('var', 'LIBVIRT_DEFAULT_URI')]),
    ('${VIRSH_DEFAULT_CONNECT_URI:-qemu:///system}',
     [('default', 'VIRSH_DEFAULT_CONNECT_URI', True, 'qemu:///system')]),
    ('${LIBVIRT_DEFAULT_URI-x}', [('default', 'LIBVIRT_DEFAULT_URI', False, 'x')]),
    ('a$', [('lit', 'a$')]),
])
def test_parse_word(word, parts):
    assert parse_word(word, ACCOUNT) == parts


def test_parse_word_tilde_only_where_the_shell_expands_it():
    assert parse_word('~/x', ACCOUNT, tilde=False) == [('lit', '~/x')]
    assert parse_word('a:~/x', ACCOUNT, assignment=True) == [('lit', 'a:/home/alice/x')]
    assert parse_word('a:~/x', ACCOUNT) == [('lit', 'a:~/x')]


@pytest.mark.parametrize('word, why', [
    ('$(hostname)', 'a command substitution $(...)'),
    ('`hostname`', 'a command substitution (`...`)'),
    ('$((1 + 2))', 'an arithmetic expansion $((...))'),
    ('$OTHER', 'the variable $OTHER, which the audit does not track'),
    ('$1', 'the special parameter $1'),
    ('${X:=1}', 'the expansion ${X:=1}'),
    ('${LIBVIRT_DEFAULT_URI:-$HOME}', 'the expansion ${LIBVIRT_DEFAULT_URI:-$HOME}'),
    ('${X', 'an unterminated ${ expansion'),
    ('"abc', 'an unterminated quote'),
])
def test_parse_word_dynamic(word, why):
    with pytest.raises(Dynamic) as raised:
        parse_word(word, ACCOUNT)
    assert str(raised.value) == why


def test_static_text_and_tracked_ref():
    assert static_text('"$HOME"/.profile', ACCOUNT) == '/home/alice/.profile'
    with pytest.raises(Dynamic):
        static_text('$LIBVIRT_DEFAULT_URI/x', ACCOUNT)
    assert tracked_ref('"$LIBVIRT_DEFAULT_URI"') == 'LIBVIRT_DEFAULT_URI'
    assert tracked_ref('${VIRSH_DEFAULT_CONNECT_URI}') == 'VIRSH_DEFAULT_CONNECT_URI'
    assert tracked_ref('"$LIBVIRT_DEFAULT_URI/x"') is None
    assert tracked_ref('$HOME') is None


# -- Truth ---------------------------------------------------------------------------------------------

def test_truth_constants_are_distinct_and_negate():
    constants = [Truth.TRUE, Truth.FALSE, Truth.UNKNOWN, Truth.MAYBE]
    assert len(set(map(id, constants))) == 4
    assert all(c.tests == () for c in constants)
    assert Truth.TRUE.negated() is Truth.FALSE
    assert Truth.FALSE.negated() is Truth.TRUE
    assert Truth.UNKNOWN.negated() is Truth.UNKNOWN
    assert Truth.MAYBE.negated() is Truth.UNKNOWN
    assert repr(Truth.MAYBE) == 'Truth.MAYBE'


def test_truth_guard():
    guard = Truth.guard([('-z', 'LIBVIRT_DEFAULT_URI')])
    assert guard.tests == (('-z', 'LIBVIRT_DEFAULT_URI'),)
    assert guard is not Truth.TRUE and guard not in (Truth.TRUE, Truth.FALSE, Truth.UNKNOWN)
    assert guard.negated().tests == (('-n', 'LIBVIRT_DEFAULT_URI'),)
    assert guard.negated().negated().tests == guard.tests
    # Two tests: their negation is an "or", which a guard cannot hold.
    both = Truth.guard(guard.tests + (('-n', 'VIRSH_DEFAULT_CONNECT_URI'),))
    assert both.negated() is Truth.UNKNOWN
    assert repr(guard) == "Truth.guard((('-z', 'LIBVIRT_DEFAULT_URI'),))"
