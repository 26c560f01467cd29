# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""The shell lexer of the login environment walk: a line into commands, a command into words, a word into parts.

``split_commands()`` splits one logical line at ``;``, ``&&``, ``||``, ``|`` (and notes here-documents),
``split_words()`` splits a simple command into its raw words, ``parse_word()`` turns a word into
literal text and references to the tracked variables, raising ``Dynamic`` for anything computed.
"""

import re

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_login_events import TRACKED, Dynamic

#: A shell variable name (a regular expression).
NAME = r'[A-Za-z_][A-Za-z0-9_]*'


def split_commands(text):
    """[(command text, joined by)] of one logical line; joined by is ';', '&&', '||' or '|'.

    Returns (commands, heredoc delimiters, open) where open is True when a quote or
    substitution is still open at the end (the caller then appends the next line).
    """
    commands = []
    current = []
    joiner = ';'
    heredocs = []
    index = 0
    quote = None
    depth = 0
    length = len(text)
    while index < length:
        char = text[index]
        if quote == "'":
            current.append(char)
            if char == "'":
                quote = None
            index += 1
            continue
        if char == '\\':
            current.append(text[index:index + 2])
            index += 2
            continue
        if quote == '"':
            current.append(char)
            if char == '"' and depth == 0:
                quote = None
            elif char == '$' and text[index + 1:index + 2] == '(':
                depth += 1
                current.append('(')
                index += 1
            elif char == ')' and depth:
                depth -= 1
            index += 1
            continue
        if quote == '`':
            current.append(char)
            if char == '`':
                quote = None
            index += 1
            continue
        if char in ('"', "'", '`'):
            quote = char
            current.append(char)
            index += 1
            continue
        if char == '$' and text[index + 1:index + 2] == '(':
            depth += 1
            current.append('$(')
            index += 2
            continue
        if depth:
            if char == '(':
                depth += 1
            elif char == ')':
                depth -= 1
            current.append(char)
            index += 1
            continue
        if char == '#' and (not current or current[-1][-1:] in (' ', '\t', ';', '&', '|', '(')):
            break
        if char == '<' and text[index:index + 2] == '<<' and text[index + 2:index + 3] != '<':
            match = re.match(r'<<-?\s*([\'"]?)([A-Za-z0-9_]+)\1', text[index:])
            if match:
                heredocs.append((match.group(2), text[index + 2:index + 3] == '-'))
                current.append(match.group(0))
                index += len(match.group(0))
                continue
        two = text[index:index + 2]
        if two in ('&&', '||', ';;'):
            commands.append((''.join(current), joiner))
            current = []
            joiner = ';' if two == ';;' else two
            index += 2
            continue
        if char in (';', '|', '&'):
            commands.append((''.join(current), joiner))
            current = []
            joiner = '|' if char == '|' else ';'
            index += 1
            continue
        current.append(char)
        index += 1
    commands.append((''.join(current), joiner))
    return [(c, j) for c, j in commands if c.strip() or j != ';'], heredocs, bool(quote or depth)


def split_words(command):
    """Split a simple command into raw words (quotes kept)."""
    words = []
    current = []
    index = 0
    quote = None
    depth = 0
    while index < len(command):
        char = command[index]
        if quote == "'":
            current.append(char)
            quote = None if char == "'" else quote
        elif char == '\\':
            current.append(command[index:index + 2])
            index += 1
        elif quote in ('"', '`'):
            current.append(char)
            if char == quote and not depth:
                quote = None
            elif char == '$' and command[index + 1:index + 2] == '(':
                depth += 1
            elif char == ')' and depth:
                depth -= 1
        elif char in ('"', "'", '`'):
            quote = char
            current.append(char)
        elif char == '$' and command[index + 1:index + 2] == '(':
            depth += 1
            current.append(char)
        elif depth:
            current.append(char)
            if char == '(':
                depth += 1
            elif char == ')':
                depth -= 1
        elif char in ' \t\r\n':
            if current:
                words.append(''.join(current))
                current = []
        else:
            current.append(char)
        index += 1
    if current:
        words.append(''.join(current))
    return words


_KNOWN_VARS = ('HOME', 'USER', 'LOGNAME', 'SHELL')


def parse_word(word, account, tilde=True, assignment=False):
    """Parts of a shell word: [('lit', text) | ('var', NAME) | ('default', NAME, colon, text)].

    Raises Dynamic for anything computed: command or arithmetic substitution, or a variable
    other than the tracked ones and HOME/USER/LOGNAME/SHELL (taken from the passwd entry).
    """
    parts = []
    literal = []

    def flush():
        if literal:
            parts.append(('lit', ''.join(literal)))
            del literal[:]

    index = 0
    quote = None
    if tilde and (word == '~' or word.startswith('~/')):
        literal.append(account['home'])
        index = 1
    while index < len(word):
        char = word[index]
        if quote == "'":
            if char == "'":
                quote = None
            else:
                literal.append(char)
            index += 1
            continue
        if char == "'" and quote is None:
            quote = "'"
            index += 1
            continue
        if char == '"':
            quote = None if quote == '"' else '"'
            index += 1
            continue
        if char == '\\':
            following = word[index + 1:index + 2]
            if quote == '"' and following not in ('$', '`', '"', '\\', '\n'):
                literal.append('\\')
            else:
                literal.append(following)
                index += 1
            index += 1
            continue
        if char == '`':
            raise Dynamic('a command substitution (`...`)')
        if char == '$':
            following = word[index + 1:index + 2]
            if following == '(':
                raise Dynamic('a command substitution $(...)' if word[index + 2:index + 3] != '('
                              else 'an arithmetic expansion $((...))')
            if following == '{':
                end = word.find('}', index)
                if end < 0:
                    raise Dynamic('an unterminated ${ expansion')
                inner = word[index + 2:end]
                match = re.match(r'^(%s)(?:(:?)-(.*))?$' % NAME, inner, re.S)
                if not match:
                    raise Dynamic('the expansion ${%s}' % inner)
                name, colon, default = match.group(1), match.group(2), match.group(3)
                if default is not None and ('$' in default or '`' in default):
                    raise Dynamic('the expansion ${%s}' % inner)
                flush()
                parts.append(_var_part(name, account, colon, default))
                index = end + 1
                continue
            match = re.match(NAME, word[index + 1:])
            if match:
                flush()
                parts.append(_var_part(match.group(0), account, None, None))
                index += 1 + len(match.group(0))
                continue
            if following and following in '@*#?$!-0123456789':
                raise Dynamic('the special parameter $%s' % following)
            literal.append(char)
            index += 1
            continue
        if (assignment and char == ':' and quote is None and
                (word[index + 1:index + 3] == '~/' or word[index + 1:] == '~' or word[index + 1:index + 3] == '~:')):
            # bash expands a tilde after each unquoted ':' of an assignment's value.
            literal.append(':' + account['home'])
            index += 2
            continue
        literal.append(char)
        index += 1
    if quote:
        raise Dynamic('an unterminated quote')
    flush()
    return parts


def _var_part(name, account, colon, default):
    if name in TRACKED:
        if default is None:
            return ('var', name)
        return ('default', name, bool(colon), default)
    if name in _KNOWN_VARS:
        value = {'HOME': account['home'], 'USER': account['name'], 'LOGNAME': account['name'],
                 'SHELL': account['shell']}[name]
        if default is not None and (not value if colon else False):
            return ('lit', default)
        return ('lit', value)
    raise Dynamic('the variable $%s, which the audit does not track' % name)


def static_text(word, account):
    """The value of a word without tracked variables (for paths); raises Dynamic."""
    parts = parse_word(word, account)
    if any(p[0] != 'lit' for p in parts):
        raise Dynamic('it depends on a tracked variable')
    return ''.join(p[1] for p in parts)


def tracked_ref(word):
    """The tracked variable a word reads exactly (``"$VAR"``, ``${VAR}``), else None."""
    match = re.match(r'^"?\$(?:\{(%s)\}|(%s))"?$' % ('|'.join(TRACKED), '|'.join(TRACKED)), word)
    return (match.group(1) or match.group(2)) if match else None
