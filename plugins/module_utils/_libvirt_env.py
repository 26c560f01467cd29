# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Where an account's login session gets LIBVIRT_DEFAULT_URI and VIRSH_DEFAULT_CONNECT_URI.

The session modelled is an interactive login shell started through PAM
(an SSH or console login), in this order, later settings overriding
earlier ones:

1. ``pam_env`` as the PAM service (``sshd`` by default) configures it, line
   by line in the stack: for each ``pam_env.so`` session line its
   ``conffile`` (``/etc/security/pam_env.conf``), then, with ``readenv=1``
   (the default), its ``envfile`` (``/etc/environment``), then, with
   ``user_readenv=1``, the account's ``~/.pam_environment``.
2. The login shell of the account's passwd entry:

   - bash: ``/etc/profile``, then the first of ``~/.bash_profile``,
     ``~/.bash_login``, ``~/.profile`` that exists (``~/.bashrc`` only when
     one of them sources it);
   - sh/dash: ``/etc/profile``, ``~/.profile``;
   - zsh: ``/etc/zsh/zshenv``, ``~/.zshenv``, ``/etc/zsh/zprofile``,
     ``~/.zprofile``, ``/etc/zsh/zshrc``, ``~/.zshrc``, ``/etc/zsh/zlogin``,
     ``~/.zlogin``;
   - any other shell (``nologin``, ``false``, ...): no shell file.

   ``.``/``source`` of a path the reader can settle is followed where it
   stands, so are Debian's ``for i in /etc/profile.d/*.sh`` loop and the
   ``/etc/bash.bashrc`` sourced from ``/etc/profile``.

Every other file the audit knows (``~/.bashrc`` nobody sources,
``~/.zshenv`` of a bash user, ``~/.config/environment.d/*.conf``, which only
the systemd user manager reads, ...) is reported as *not applied*, with the
reason.

A line that computes a value (command substitution, a variable the reader
does not track), or sets it under a condition the reader cannot decide
(``if``/``case``/``&&``, a function body, a loop), makes the result
"set dynamically, cannot tell": it is never guessed.  Conditions the reader
does decide are the ones of the modelled session: file tests on paths it can
see, ``$BASH_VERSION``/``$BASH``/``$PS1``, and ``case $- in``; tests of the
tracked variables themselves (``[ -z "$LIBVIRT_DEFAULT_URI" ]``,
``: ${VAR:=value}``) become guards, decided when the events are applied.

Everything here is pure text processing; ``collect()`` is given a function
that reads files (and one that tests them) so that the caller decides with
which identity they are read.
"""

import fnmatch
import os
import re

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import LibvirtClientError
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_files import xdg_config_dir

LIBVIRT_VAR = 'LIBVIRT_DEFAULT_URI'
VIRSH_VAR = 'VIRSH_DEFAULT_CONNECT_URI'
TRACKED = (LIBVIRT_VAR, VIRSH_VAR)

PAM_DIR = '/etc/pam.d'
PAM_ENV_CONF = '/etc/security/pam_env.conf'
PAM_ENVFILE = '/etc/environment'
PAM_USER_ENVFILE = '.pam_environment'
DEFAULT_SERVICE = 'sshd'

#: What ``$-`` holds in the modelled session (an interactive login shell).
SHELL_FLAGS = 'himBHs'
#: How deep ``.``/``source`` is followed.
MAX_DEPTH = 8
#: The largest file read (bytes); a bigger one is reported as not followed.
MAX_FILE = 1024 * 1024

_NAME = r'[A-Za-z_][A-Za-z0-9_]*'
_ASSIGN_RE = re.compile(r'^(%s)(\+?)=(.*)$' % _NAME, re.S)
_TRACKED_RE = re.compile(r'(?<![A-Za-z0-9_$])(?<!\$\{)(%s)(?![A-Za-z0-9_])' % '|'.join(TRACKED))
_DEFAULT_ASSIGN_RE = re.compile(r'\$\{(%s):?[=?]' % '|'.join(TRACKED))
_FUNC_RE = re.compile(r'^\s*(?:function\s+[^\s(){}]+(?:\s*\(\s*\))?|[^\s(){}=$]+\s*\(\s*\))\s*')


class Dynamic(LibvirtClientError):
    """A value the reader cannot settle; the message says why."""

    rule = 'dynamic'


# -- file access ---------------------------------------------------------------------------------

class Reader:
    """Reads files for the collector (as whichever identity runs it) and remembers what it saw."""

    def read(self, path):
        """The text of ``path``, None when it does not exist; OSError/ValueError for other failures."""
        try:
            with open(path, 'rb') as f:
                data = f.read(MAX_FILE + 1)
        except (IOError, OSError) as exc:
            if exc.errno in (2, 20):  # ENOENT, ENOTDIR
                return None
            raise
        if len(data) > MAX_FILE:
            raise ValueError('larger than %d bytes' % MAX_FILE)
        return data.decode('utf-8', 'replace')

    def test(self, op, path):
        """The shell test ``[ op path ]``."""
        try:
            st = os.stat(path)
        except OSError:
            return False
        import stat as stat_module
        if op == '-d':
            return stat_module.S_ISDIR(st.st_mode)
        if op == '-f':
            return stat_module.S_ISREG(st.st_mode)
        if op == '-s':
            return st.st_size > 0
        if op == '-r':
            return os.access(path, os.R_OK)
        if op == '-x':
            return os.access(path, os.X_OK)
        return True

    def glob(self, pattern):
        directory, base = os.path.split(pattern)
        try:
            names = os.listdir(directory)
        except OSError:
            return []
        return [os.path.join(directory, n) for n in sorted(names) if fnmatch.fnmatchcase(n, base)]


# -- events --------------------------------------------------------------------------------------

def _event(op, variable, path, line, text, **extra):
    event = {'op': op, 'variable': variable, 'file': path, 'line': line, 'text': text.strip()[:200]}
    event.update(extra)
    return event


# -- /etc/environment, ~/.pam_environment (pam_env's envfile) -------------------------------------

def parse_pam_envfile(text, path):
    """Events of a pam_env envfile: ``[export ]KEY=VALUE`` lines, as pam_env reads them.

    pam_env ends the value at the first ``#``, drops one pair of surrounding quotes (any quote
    character inside is kept only when it is not the last one) and expands nothing; ``KEY`` alone
    unsets the variable.
    """
    events = []
    for number, raw in _joined_lines(text):
        key = raw.lstrip(' \n\t')
        if not key or key.startswith('#'):
            continue
        if key.startswith('export '):
            key = key[7:]
        key = key.split('#', 1)[0].rstrip('\n')
        name, sep, value = key.partition('=')
        if name not in TRACKED:
            continue
        if not sep:
            events.append(_event('unset', name, path, number, raw))
            continue
        if value[:1] in ('"', "'"):
            out = []
            for index in range(1, len(value)):
                if value[index] not in ('"', "'") or index + 1 < len(value):
                    out.append(value[index])
            value = ''.join(out)
        events.append(_event('set', name, path, number, raw, parts=[('lit', value)], export=True))
    return events


def _joined_lines(text):
    """(first line number, text) of each line, backslash-newline continuations joined."""
    lines = text.split('\n')
    result = []
    index = 0
    while index < len(lines):
        start = index
        line = lines[index]
        while line.endswith('\\') and index + 1 < len(lines):
            index += 1
            line = line[:-1] + lines[index]
        result.append((start + 1, line))
        index += 1
    return result


# -- /etc/security/pam_env.conf -------------------------------------------------------------------

def _pam_conf_value(text, account):
    """Parts of a pam_env.conf DEFAULT/OVERRIDE value: @{HOME}, @{SHELL} and ${VAR} expansion."""
    parts = []
    literal = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == '\\' and index + 1 < len(text) and text[index + 1] in '$@':
            literal.append(text[index + 1])
            index += 2
            continue
        if char in '$@' and text[index + 1:index + 2] == '{':
            end = text.find('}', index)
            if end < 0:
                raise Dynamic('an unterminated %s{ expansion' % char)
            name = text[index + 2:end]
            if char == '@':
                if name == 'HOME':
                    literal.append(account['home'])
                elif name == 'SHELL':
                    literal.append(account['shell'])
                else:
                    raise Dynamic('the expansion @{%s}, which pam_env takes from the passwd entry only for HOME '
                                  'and SHELL' % name)
            elif name in TRACKED:
                parts.append(('lit', ''.join(literal)))
                literal = []
                parts.append(('var', name))
            else:
                raise Dynamic('the expansion ${%s}, whose value at login the audit cannot know' % name)
            index = end + 1
            continue
        literal.append(char)
        index += 1
    parts.append(('lit', ''.join(literal)))
    return parts


def _pam_conf_words(line):
    """Split a pam_env.conf line into words; double quotes group (and are dropped)."""
    words = []
    current = []
    quoted = False
    started = False
    for char in line:
        if char == '"':
            quoted = not quoted
            started = True
            continue
        if char in ' \t' and not quoted:
            if started:
                words.append(''.join(current))
                current = []
                started = False
            continue
        current.append(char)
        started = True
    if quoted:
        raise Dynamic('an unterminated double quote')
    if started:
        words.append(''.join(current))
    return words


def parse_pam_env_conf(text, path, account):
    """Events of /etc/security/pam_env.conf: ``VAR [DEFAULT=value] [OVERRIDE=value]``."""
    events = []
    for number, raw in _joined_lines(text):
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        name = line.split(None, 1)[0]
        if name not in TRACKED:
            continue
        try:
            words = _pam_conf_words(line)
            default = override = None
            for word in words[1:]:
                key, sep, value = word.partition('=')
                if not sep or key not in ('DEFAULT', 'OVERRIDE'):
                    raise Dynamic('the word %r, which is neither DEFAULT= nor OVERRIDE=' % word)
                if key == 'DEFAULT':
                    default = _pam_conf_value(value, account)
                else:
                    override = _pam_conf_value(value, account)
        except Dynamic as exc:
            events.append(_event('dynamic', name, path, number, raw, reason=str(exc)))
            continue
        events.append(_event('pam_conf', name, path, number, raw, default=default, override=override))
    return events


# -- PAM service ---------------------------------------------------------------------------------

def _pam_args(words):
    args = {}
    for word in words:
        key, sep, value = word.partition('=')
        if sep:
            args[key] = value
    return args


def pam_env_lines(reader, service, seen=None, depth=0):
    """[(file, line, args)] of the pam_env.so session lines of a PAM service, includes followed."""
    seen = seen if seen is not None else set()
    path = os.path.join(PAM_DIR, service)
    if path in seen or depth > MAX_DEPTH:
        return []
    seen.add(path)
    try:
        text = reader.read(path)
    except (IOError, OSError, ValueError):
        return []
    if text is None:
        return []
    found = []
    for number, raw in _joined_lines(text):
        line = raw.split('#', 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if words[0] == '@include' and len(words) > 1:
            found.extend(pam_env_lines(reader, words[1], seen, depth + 1))
            continue
        kind = words[0].lstrip('-')
        if kind != 'session' or len(words) < 3:
            continue
        control = words[1]
        rest = words[2:]
        if control.startswith('['):
            while rest and not control.endswith(']'):
                control += ' ' + rest.pop(0)
        if control in ('include', 'substack') and rest:
            found.extend(pam_env_lines(reader, rest[0], seen, depth + 1))
            continue
        if rest and os.path.basename(rest[0]) == 'pam_env.so':
            found.append((path, number, _pam_args(rest[1:])))
    return found


# -- shell files ---------------------------------------------------------------------------------

def _split_commands(text):
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


def _words(command):
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
                match = re.match(r'^(%s)(?:(:?)-(.*))?$' % _NAME, inner, re.S)
                if not match:
                    raise Dynamic('the expansion ${%s}' % inner)
                name, colon, default = match.group(1), match.group(2), match.group(3)
                if default is not None and ('$' in default or '`' in default):
                    raise Dynamic('the expansion ${%s}' % inner)
                flush()
                parts.append(_var_part(name, account, colon, default))
                index = end + 1
                continue
            match = re.match(_NAME, word[index + 1:])
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


def _static_text(word, account):
    """The value of a word without tracked variables (for paths); raises Dynamic."""
    parts = parse_word(word, account)
    if any(p[0] != 'lit' for p in parts):
        raise Dynamic('it depends on a tracked variable')
    return ''.join(p[1] for p in parts)


_TAKEN = {'true': 'yes', 'false': 'no', 'unknown': 'maybe'}


def _tracked_ref(word):
    """The tracked variable a word reads exactly (``"$VAR"``, ``${VAR}``), else None."""
    match = re.match(r'^"?\$(?:\{(%s)\}|(%s))"?$' % ('|'.join(TRACKED), '|'.join(TRACKED)), word)
    return (match.group(1) or match.group(2)) if match else None


def _negate(state):
    """The opposite of a run state; a guard of one test is negated, anything else becomes unknown."""
    if isinstance(state, tuple):
        tests = state[1]
        if len(tests) == 1:
            op, name = tests[0]
            return ('guard', (('-n' if op == '-z' else '-z', name),))
        return 'unknown'
    return {'true': 'false', 'false': 'true'}.get(state, 'unknown')


def _taken(state):
    return _TAKEN[state] if not isinstance(state, tuple) else 'maybe'


class _Block:
    """An open if/case/loop/function/group while walking a file."""

    __slots__ = ('kind', 'state', 'taken', 'awaiting', 'loop_var', 'loop_items', 'case_word')

    def __init__(self, kind, state):
        self.kind = kind
        self.state = state            # of the current branch: 'true', 'false' or 'unknown'
        self.taken = _taken(state)    # if/case: whether an earlier branch ran: 'yes', 'no', 'maybe'
        self.awaiting = False         # if/elif: the condition goes on until 'then'
        self.loop_var = None
        self.loop_items = None
        self.case_word = None


class ShellWalker:
    """Walks shell startup files in the order a shell runs them, producing events."""

    def __init__(self, reader, account, shell):
        self.reader = reader
        self.account = account
        self.shell = shell            # 'bash', 'sh' or 'zsh'
        self.events = []
        self.visited = []
        self.active = []
        self.follow = True

    # conditions ---------------------------------------------------------------------------------

    def _test(self, words, loop_values):
        """'true', 'false' or 'unknown' for a test command (``[ ... ]``, ``test ...``)."""
        if not words:
            return 'unknown'
        negate = False
        if words[0] == '!':
            negate = True
            words = words[1:]
        if words and words[0] == '[' and words[-1] == ']':
            args = words[1:-1]
        elif words and words[0] == '[[' and words[-1] == ']]':
            args = words[1:-1]
        elif words and words[0] == 'test':
            args = words[1:]
        else:
            return 'unknown'
        result = self._test_args(args, loop_values)
        if negate and isinstance(result, tuple):
            result = _negate(result)
        elif negate and result != 'unknown':
            result = 'false' if result == 'true' else 'true'
        return result

    def _param(self, word):
        """The value of a word naming only shell parameters of the modelled session, or None."""
        bare = word.strip('"')
        bash = self.shell == 'bash'
        values = {
            '$BASH_VERSION': 'x' if bash else '', '${BASH_VERSION}': 'x' if bash else '',
            '${BASH_VERSION-}': 'x' if bash else '', '$BASH': '/bin/bash' if bash else '',
            '${BASH-}': '/bin/bash' if bash else '', '${BASH}': '/bin/bash' if bash else '',
            '$PS1': 'x', '${PS1-}': 'x', '${PS1}': 'x', '$ZSH_VERSION': 'x' if self.shell == 'zsh' else '',
            '${ZSH_VERSION-}': 'x' if self.shell == 'zsh' else '',
        }
        if bare in values:
            return values[bare]
        if '$' not in bare and '`' not in bare:
            return bare.strip("'")
        return None

    def _test_args(self, args, loop_values):
        if args and args[0] == '!':
            result = self._test_args(args[1:], loop_values)
            return _negate(result) if result != 'unknown' else result
        if len(args) == 2 and args[0] in ('-f', '-r', '-e', '-s', '-d', '-x'):
            word = args[1]
            if loop_values is not None and word.strip('"') in loop_values:
                return 'true'
            try:
                path = _static_text(word, self.account)
            except Dynamic:
                return 'unknown'
            return 'true' if self.reader.test(args[0], path) else 'false'
        if len(args) in (1, 2) and _tracked_ref(args[-1]) and (len(args) == 1 or args[0] in ('-n', '-z')):
            # A test of a tracked variable: decided when the events are applied, in order.
            return ('guard', ((args[0] if len(args) == 2 else '-n', _tracked_ref(args[-1])),))
        if len(args) == 2 and args[0] in ('-n', '-z'):
            value = self._param(args[1])
            if value is None:
                return 'unknown'
            return 'true' if bool(value) == (args[0] == '-n') else 'false'
        if len(args) == 1:
            value = self._param(args[0])
            if value is None:
                return 'unknown'
            return 'true' if value else 'false'
        if len(args) == 3 and args[1] in ('=', '==', '!='):
            left, right = self._param(args[0]), self._param(args[2])
            if left is None or right is None:
                return 'unknown'
            return 'true' if (left == right) == (args[1] != '!=') else 'false'
        return 'unknown'

    # walking ------------------------------------------------------------------------------------

    def run_file(self, path, depth=0, conditional=False):
        """Walk ``path``; returns False when the file did not exist."""
        try:
            text = self.reader.read(path)
        except (IOError, OSError, ValueError) as exc:
            self.events.append(_event('not_followed', None, path, 0, '',
                                      reason='cannot be read: %s' % (getattr(exc, 'strerror', None) or exc)))
            return True
        if text is None:
            return False
        self.visited.append(path)
        self.active.append(path)
        try:
            self._walk(text, path, depth, conditional)
        finally:
            self.active.pop()
        return True

    def _unfollowed(self, path, number, raw, reason):
        """A source the reader cannot follow: whatever it sets cannot be told."""
        for name in TRACKED:
            self.events.append(_event('dynamic', name, path, number, raw, reason=reason))

    def _source(self, words, path, number, raw, depth, conditional, loop):
        if len(words) < 2 or not self.follow:
            return
        target = words[1]
        items = None
        if loop is not None and target.strip('"') in ('$' + loop.loop_var, '${%s}' % loop.loop_var):
            items = loop.loop_items
        else:
            try:
                items = [_static_text(target, self.account)]
            except Dynamic as exc:
                self._unfollowed(path, number, raw, 'sources a file named by %s, which the audit cannot follow'
                                 % exc)
                return
        for item in items:
            if not os.path.isabs(item):
                self._unfollowed(path, number, raw, 'sources %s, a relative path the shell looks up in PATH and '
                                                    'the working directory' % item)
                continue
            if depth >= MAX_DEPTH or item in self.active:
                self._unfollowed(path, number, raw, 'sources %s again or too deep to follow' % item)
                continue
            if not self.run_file(item, depth + 1, conditional) and not conditional:
                self.events.append(_event('not_followed', None, path, number, raw,
                                          reason='sources %s, which does not exist' % item))

    def _walk(self, text, path, depth, conditional):
        lines = text.split('\n')
        stack = []
        stopped = None          # 'maybe' after a return/exit that may run
        index = 0
        while index < len(lines):
            number = index + 1
            logical = lines[index]
            index += 1
            while True:
                stripped = logical.rstrip('\r')
                if stripped.endswith('\\') and not stripped.endswith('\\\\') and index < len(lines):
                    logical = stripped[:-1] + lines[index]
                    index += 1
                    continue
                commands, heredocs, still_open = _split_commands(logical)
                if still_open and index < len(lines):
                    logical = logical + '\n' + lines[index]
                    index += 1
                    continue
                break
            for delimiter, strip_tabs in heredocs:
                while index < len(lines):
                    body = lines[index].rstrip('\r')
                    index += 1
                    if (body.lstrip('\t') if strip_tabs else body) == delimiter:
                        break
            # chain: whether the previous command of an && / || list succeeded ('true', 'false',
            # 'unknown'); run: whether the current command runs.
            chain = 'true'
            for command, joiner in commands:
                if joiner == '&&':
                    run = chain
                elif joiner == '||':
                    run = _negate(chain)
                elif joiner == '|':
                    run = 'unknown'
                else:
                    run = 'true'
                if run == 'false':
                    # Skipped: the list's status stays what it was.
                    continue
                outcome = self._command(command, path, number, logical, depth, conditional, stack, run,
                                        stopped, joiner)
                if outcome == 'stop':
                    return
                if outcome == 'maybe-stop':
                    stopped = 'maybe'
                    outcome = None
                if outcome in ('true', 'false') or isinstance(outcome, tuple):
                    chain = outcome if run == 'true' else 'unknown'
                elif outcome == 'block':
                    chain = 'true'
                else:
                    chain = 'unknown'

    def _state(self, stack, run):
        """'true', 'false', 'unknown', or ('guard', tests) when only tests of tracked variables decide."""
        states = [b.state for b in stack] + [run]
        if 'false' in states:
            return 'false'
        if 'unknown' in states:
            return 'unknown'
        tests = tuple(t for state in states if isinstance(state, tuple) for t in state[1])
        return ('guard', tests) if tests else 'true'

    def _command(self, command, path, number, raw, depth, conditional, stack, run, stopped, joiner):
        words = _words(command)
        if not words:
            return 'block'
        # Keywords that open a branch, and case patterns.
        while words:
            head = words[0]
            top = stack[-1] if stack else None
            if head == 'then' and top is not None:
                top.awaiting = False
            elif head == 'do':
                pass
            elif head == 'else' and top is not None and top.kind == 'if':
                top.state = {'yes': 'false', 'no': 'true'}.get(top.taken, 'unknown')
                top.taken = 'yes' if top.taken == 'no' else top.taken
            elif head in ('{', '(') and (len(words) == 1 or head == '('):
                stack.append(_Block('group', 'true' if head == '{' else 'unknown'))
            elif top is not None and top.kind == 'case' and head.endswith(')') and head != ')':
                pattern = head[:-1].lstrip('(')
                if top.case_word is None:
                    top.state = 'unknown'
                elif top.taken == 'yes':
                    top.state = 'false'
                elif any(fnmatch.fnmatchcase(top.case_word, p) for p in pattern.split('|')):
                    top.state = 'true'
                    top.taken = 'yes'
                else:
                    top.state = 'false'
            else:
                break
            words = words[1:]
        if not words:
            return 'block'
        head = words[0]
        top = stack[-1] if stack else None
        if head in ('fi', 'done', 'esac', '}', ')'):
            if stack:
                stack.pop()
            return 'block'
        if top is not None and top.kind == 'if' and top.awaiting and joiner in ('&&', '||'):
            # More of an if/elif condition: `if [ a ] && [ b ]; then`.
            result = self._test(words, self._loop_values(stack))
            pair = (top.state, result)
            if joiner == '&&':
                top.state = 'false' if 'false' in pair else ('true' if pair == ('true', 'true') else 'unknown')
            else:
                top.state = 'true' if 'true' in pair else ('false' if pair == ('false', 'false') else 'unknown')
            top.taken = _taken(top.state) if top.taken != 'maybe' else 'maybe'
            return 'block'
        if head == 'if':
            block = _Block('if', self._test(words[1:], self._loop_values(stack)))
            block.awaiting = True
            stack.append(block)
            return 'block'
        if head == 'elif':
            if top is not None and top.kind == 'if':
                result = self._test(words[1:], self._loop_values(stack))
                if top.taken == 'yes':
                    top.state = 'false'
                elif top.taken == 'no':
                    top.state = result
                    top.taken = _taken(result)
                else:
                    top.state = 'false' if result == 'false' else 'unknown'
                top.awaiting = True
            return 'block'
        if head in ('while', 'until'):
            stack.append(_Block('loop', 'unknown'))
            return 'block'
        if head == 'for':
            stack.append(self._for(words))
            return 'block'
        if head == 'case':
            block = _Block('case', 'false')
            block.taken = 'no'
            if len(words) >= 2 and words[1].strip('"') in ('$-', '${-}'):
                block.case_word = SHELL_FLAGS
            stack.append(block)
            return 'block'
        if _FUNC_RE.match(command) and not _ASSIGN_RE.match(head):
            stack.append(_Block('function', 'unknown'))
            if command.rstrip().endswith('}'):
                stack.pop()
            return 'block'

        state = self._state(stack, run)
        if state == 'false':
            return None
        guards = state[1] if isinstance(state, tuple) else ()
        cond = conditional or state == 'unknown' or stopped == 'maybe'
        reason = self._condition_reason(stack, run, conditional, stopped)

        if head in ('[', '[[', 'test', '!'):
            result = self._test(words, self._loop_values(stack))
            return result if state == 'true' else 'unknown'
        if guards and head in ('.', 'source', 'return', 'exit', 'eval'):
            cond = True
            reason = 'under a test of %s' % ', '.join(sorted(set(t[1] for t in guards)))
        if head in ('true', ':') and len(words) == 1:
            return 'true'
        if head == 'false' and len(words) == 1:
            return 'false'
        if head in ('.', 'source'):
            loop = next((b for b in reversed(stack) if b.loop_items is not None), None)
            self._source(words, path, number, raw, depth, cond, loop)
            return None
        if head in ('return', 'exit'):
            return 'maybe-stop' if cond else 'stop'
        if head == 'eval':
            names = self._mentioned(command)
            for name in names:
                self.events.append(_event('dynamic', name, path, number, raw,
                                          reason='eval computes what it sets'))
            if not names:
                self.events.append(_event('not_followed', None, path, number, raw,
                                          reason='eval runs text the audit cannot read'))
            return None
        self._assignments(words, command, path, number, raw, cond, reason, guards)
        return None

    def _for(self, words):
        block = _Block('loop', 'unknown')
        if len(words) >= 4 and words[2] == 'in':
            items = []
            for word in words[3:]:
                try:
                    text = _static_text(word, self.account)
                except Dynamic:
                    return block
                if word.strip('"\'') == word and any(c in text for c in '*?['):
                    items.extend(self.reader.glob(text))
                else:
                    items.append(text)
            block.loop_var = words[1]
            block.loop_items = items
            block.state = 'true' if items else 'false'
        return block

    def _loop_values(self, stack):
        values = []
        for block in stack:
            if block.loop_var:
                values.extend(['$' + block.loop_var, '${%s}' % block.loop_var])
        return values

    def _condition_reason(self, stack, run, conditional, stopped):
        if conditional:
            return 'in a file sourced under a condition the audit cannot decide'
        if stopped == 'maybe':
            return 'after a return or exit that may run'
        for block in stack:
            if block.state == 'unknown':
                return {'if': 'under an if the audit cannot decide', 'loop': 'in a loop',
                        'case': 'in a case branch the audit cannot decide',
                        'function': 'in a function body, which runs only when called',
                        'group': 'in a subshell'}.get(block.kind, 'under a condition')
        if run == 'unknown':
            return 'after && or || on a condition the audit cannot decide'
        return None

    def _mentioned(self, text):
        names = []
        for match in _TRACKED_RE.finditer(text):
            if match.group(1) not in names:
                names.append(match.group(1))
        for match in _DEFAULT_ASSIGN_RE.finditer(text):
            if match.group(1) not in names:
                names.append(match.group(1))
        return names

    def _assignments(self, words, command, path, number, raw, cond, reason, guards=()):
        mentioned = self._mentioned(command)
        if not mentioned:
            return
        handled = set()
        head = words[0]
        export = None
        args = words
        if head in ('export', 'declare', 'typeset', 'readonly', 'local'):
            options = [w for w in words[1:] if w.startswith('-')]
            args = [w for w in words[1:] if not w.startswith('-')]
            flags = ''.join(o[1:] for o in options)
            if head == 'export':
                export = 'n' not in flags
                if 'f' in flags:
                    args = []
            elif 'x' in flags:
                export = True
            elif head == 'local':
                export = None
        elif head == 'unset':
            if '-f' not in words[1:]:
                for word in words[1:]:
                    if word in TRACKED:
                        self._add(_event('unset', word, path, number, raw), cond, reason, guards)
                        handled.add(word)
            args = []
        else:
            # Leading NAME=value words; with a command after them they only set that command's
            # environment.
            count = 0
            while count < len(words) and _ASSIGN_RE.match(words[count]):
                count += 1
            if count < len(words):
                args = []
                for word in words[:count]:
                    handled.add(_ASSIGN_RE.match(word).group(1))
            else:
                args = words
        for word in args:
            match = _ASSIGN_RE.match(word)
            name = match.group(1) if match else word
            if name not in TRACKED:
                continue
            handled.add(name)
            if not match:
                if export is not None:
                    self._add(_event('export', name, path, number, raw, export=export), cond, reason, guards)
                continue
            if match.group(2):
                self._add(_event('dynamic', name, path, number, raw, reason='appends (+=) to the value'),
                          False, None)
                continue
            try:
                parts = parse_word(match.group(3), self.account, assignment=True)
            except Dynamic as exc:
                self._add(_event('dynamic', name, path, number, raw, reason='computes the value: %s' % exc),
                          False, None)
                continue
            self._add(_event('set', name, path, number, raw, parts=parts, export=export), cond, reason, guards)
        for name in mentioned:
            if name in handled:
                continue
            assign = re.match(r'^:\s+"?\$\{(%s):=([^$`"\'}\\]*)\}"?\s*$' % name, command.strip())
            if assign and not cond:
                # : ${VAR:=value} sets VAR when it is unset or empty.
                self._add(_event('set', name, path, number, raw, parts=[('lit', assign.group(2))], export=None),
                          False, None, guards + (('-z', name),))
                continue
            if re.search(r'\$\{%s:?[=?]' % name, command):
                reason = 'assigns it through ${%s:=...}' % name
            elif head in ('echo', 'printf', ':', '[', '[[', 'test'):
                continue
            else:
                reason = 'not a plain assignment (%s)' % head
            self._add(_event('dynamic', name, path, number, raw, reason=reason), False, None)

    def _add(self, event, cond, reason, guards=()):
        if cond and event['op'] in ('set', 'unset', 'export'):
            event = dict(event, op='dynamic', reason='sets it %s' % reason)
        elif guards and event['op'] in ('set', 'unset', 'export'):
            event = dict(event, guards=[list(g) for g in guards])
        self.events.append(event)


# -- environment.d -------------------------------------------------------------------------------

def parse_environment_d(text, path, account):
    """Events of an environment.d(5) file: ``KEY=VALUE`` with quotes and $VAR/${VAR} expansion."""
    events = []
    for number, raw in _joined_lines(text):
        line = raw.strip()
        if not line or line[0] in '#;':
            continue
        name, sep, value = line.partition('=')
        name = name.strip()
        if name not in TRACKED or not sep:
            continue
        try:
            parts = parse_word(value.strip(), account, tilde=False)
        except Dynamic as exc:
            events.append(_event('dynamic', name, path, number, raw, reason='computes the value: %s' % exc))
            continue
        events.append(_event('set', name, path, number, raw, parts=parts, export=True))
    return events


# -- collecting ------------------------------------------------------------------------------------

def account_of(pw):
    return {'name': pw.pw_name, 'uid': pw.pw_uid, 'home': pw.pw_dir, 'shell': pw.pw_shell}


def shell_kind(shell):
    base = os.path.basename(shell or '')
    if base in ('bash', 'rbash'):
        return 'bash'
    if base in ('sh', 'dash', 'ash', 'ksh', 'mksh'):
        return 'sh'
    if base == 'zsh':
        return 'zsh'
    return None


def shell_plan(account):
    """[(path, optional)] of the startup files of the account's login shell, in order."""
    home = account['home']
    kind = shell_kind(account['shell'])
    if kind == 'bash':
        first = [os.path.join(home, n) for n in ('.bash_profile', '.bash_login', '.profile')]
        return [('/etc/profile', False), ('first', first)]
    if kind == 'sh':
        return [('/etc/profile', False), (os.path.join(home, '.profile'), False)]
    if kind == 'zsh':
        plan = []
        for name in ('zshenv', 'zprofile', 'zshrc', 'zlogin'):
            plan.append(('/etc/zsh/' + name, False))
            plan.append((os.path.join(home, '.' + name), False))
        return plan
    return []


def known_files(account):
    """Every file the audit looks at for the account (whether its session reads it or not)."""
    home = account['home']
    files = [PAM_ENV_CONF, PAM_ENVFILE, os.path.join(home, PAM_USER_ENVFILE), '/etc/profile',
             '/etc/bash.bashrc']
    files += ['glob:/etc/profile.d/*.sh']
    files += [os.path.join(home, n) for n in ('.profile', '.bash_profile', '.bash_login', '.bashrc', '.zshenv')]
    files += ['glob:' + os.path.join(xdg_config_dir(home), 'environment.d', '*.conf')]
    return files


def collect_pam(reader, account, service=DEFAULT_SERVICE, user_reader=None):
    """(phases, notes): the pam_env files of the service in order, as [(path, kind, events)]."""
    user_reader = user_reader or reader
    phases = []
    notes = []
    lines = pam_env_lines(reader, service)
    if not lines:
        notes.append('PAM service %s runs no pam_env session line' % service)
    for pam_file, pam_line, args in lines:
        conffile = args.get('conffile', PAM_ENV_CONF)
        envfile = args.get('envfile', PAM_ENVFILE)
        readenv = args.get('readenv', '1') != '0'
        user_readenv = args.get('user_readenv', '0') != '0'
        user_envfile = os.path.join(account['home'], args.get('user_envfile', PAM_USER_ENVFILE))
        phases.append(_read_phase(reader, conffile, 'pam_env.conf',
                                  lambda t, p: parse_pam_env_conf(t, p, account)))
        if readenv:
            phases.append(_read_phase(reader, envfile, 'pam_envfile', parse_pam_envfile))
        if user_readenv:
            phases.append(_read_phase(user_reader, user_envfile, 'pam_envfile', parse_pam_envfile))
    return phases, notes


def _read_phase(reader, path, kind, parse):
    try:
        text = reader.read(path)
    except (IOError, OSError, ValueError) as exc:
        return (path, kind, [_event('not_followed', None, path, 0, '',
                                    reason='cannot be read: %s' % (getattr(exc, 'strerror', None) or exc))])
    if text is None:
        return (path, kind, [])
    return (path, kind, parse(text, path))


def collect_shell(reader, account):
    """(events, files read) of the login shell's startup files."""
    kind = shell_kind(account['shell'])
    walker = ShellWalker(reader, account, kind or 'sh')
    for item, optional in shell_plan(account):
        if item == 'first':
            for candidate in optional:
                if walker.run_file(candidate):
                    break
        else:
            walker.run_file(item)
    return walker.events, walker.visited


def collect_unread(reader, account, read_files, pam_files):
    """Events of the known files the session does not read, each with the reason."""
    events = []
    kind = shell_kind(account['shell'])
    for entry in known_files(account):
        if entry.startswith('glob:'):
            paths = reader.glob(entry[5:])
        else:
            paths = [entry]
        for path in paths:
            if path in read_files or path in pam_files:
                continue
            try:
                text = reader.read(path)
            except (IOError, OSError, ValueError):
                continue
            if text is None:
                continue
            if path.endswith('.conf') and '/environment.d/' in path:
                found = parse_environment_d(text, path, account)
                why = ('environment.d is read by the systemd user manager, for user services and desktop '
                       'sessions that import its environment, not by login shells')
            elif os.path.basename(path) == PAM_USER_ENVFILE or path in (PAM_ENV_CONF, PAM_ENVFILE):
                found = (parse_pam_env_conf(text, path, account) if path == PAM_ENV_CONF
                         else parse_pam_envfile(text, path))
                why = 'the PAM service does not read it (see pam_env options readenv, user_readenv)'
            else:
                walker = ShellWalker(reader, account, kind or 'sh')
                walker.follow = False
                walker._walk(text, path, 0, False)  # pylint: disable=protected-access
                found = [e for e in walker.events if e['op'] != 'not_followed']
                if kind is None:
                    why = 'the login shell %s reads no shell startup file' % (account['shell'] or '(none)')
                else:
                    why = 'a %s login shell does not read it, and no file it reads sources it' % kind
            for event in found:
                if event.get('variable') in TRACKED:
                    events.append(dict(event, why=why))
    return events


# -- evaluating ------------------------------------------------------------------------------------

def _value_of(parts, state):
    """The text of ``parts`` with the tracked variables' current values; raises Dynamic."""
    out = []
    for part in parts:
        if part[0] == 'lit':
            out.append(part[1])
            continue
        current = state[part[1]]
        if current['value'] is Ellipsis:
            raise Dynamic('it expands $%s, which is set dynamically' % part[1])
        value = current['value']
        if part[0] == 'default':
            if value is None or (part[2] and value == ''):
                value = part[3]
        out.append(value or '')
    return ''.join(out)


def evaluate(sequence):
    """Apply the events in order.

    Returns {VAR: {'value': str | None | Ellipsis, 'exported': bool, 'event': winner or None,
    'history': [events that set it, in order]}}; Ellipsis means "cannot tell".
    """
    state = {}
    for name in TRACKED:
        state[name] = {'value': None, 'exported': False, 'event': None, 'history': []}
    for event in sequence:
        name = event.get('variable')
        if name not in TRACKED:
            continue
        current = state[name]
        op = event['op']
        if event.get('guards'):
            unknown = [g[1] for g in event['guards'] if state[g[1]]['value'] is Ellipsis]
            if unknown:
                event = dict(event, op='dynamic', reason='sets it under a test of %s, which is set dynamically'
                             % unknown[0])
                op = 'dynamic'
            elif not all(bool(state[g[1]]['value']) == (g[0] == '-n') for g in event['guards']):
                continue
        if op == 'pam_conf':
            try:
                value = None
                if event['override'] is not None:
                    value = _value_of(event['override'], state)
                if not value and event['default'] is not None:
                    value = _value_of(event['default'], state)
            except Dynamic as exc:
                event = dict(event, op='dynamic', reason=str(exc))
                op = 'dynamic'
            else:
                event = dict(event, op='set' if value else 'unset', value=value or None)
                op = event['op']
                current['exported'] = True
        elif op == 'set':
            try:
                value = _value_of(event['parts'], state)
            except Dynamic as exc:
                event = dict(event, op='dynamic', reason=str(exc))
                op = 'dynamic'
            else:
                event = dict(event, value=value)
                if event.get('export'):
                    current['exported'] = True
        if op == 'set':
            current['value'] = event['value']
        elif op == 'unset':
            current['value'] = None
            current['exported'] = False
            event = dict(event, value=None)
        elif op == 'export':
            current['exported'] = bool(event.get('export'))
            event = dict(event, value=current['value'] if current['value'] is not Ellipsis else None)
            if current['event'] is None and current['value'] is None:
                continue
        elif op == 'dynamic':
            current['value'] = Ellipsis
        else:
            continue
        current['event'] = event
        current['history'].append(event)
    return state


def where(event):
    if not event:
        return None
    return '%s:%d' % (event['file'], event['line'])


# -- one account ---------------------------------------------------------------------------------

def analyse(account, reader=None, service=DEFAULT_SERVICE):
    """Everything the account's session reads, as JSON-able data (run with the account's identity)."""
    reader = reader or Reader()
    phases, notes = collect_pam(reader, account, service)
    sequence = []
    pam_files = []
    for path, dummy, events in phases:
        sequence.extend(events)
        pam_files.append(path)
    shell_events, read_files = collect_shell(reader, account)
    sequence.extend(shell_events)
    kind = shell_kind(account['shell'])
    if kind is None:
        notes.append('login shell %s: no shell startup file is read' % (account['shell'] or '(none)'))
    return {
        'sequence': sequence,
        'unread': collect_unread(reader, account, read_files, pam_files),
        'read': pam_files + read_files,
        'notes': notes,
        'session': ('an interactive %s login shell after PAM service %s' % (kind, service) if kind else
                    'a login through PAM service %s with login shell %s, which reads no startup file'
                    % (service, account['shell'] or '(none)')),
    }


def _public(event, **extra):
    """An event as returned to the user."""
    item = {'variable': event.get('variable'), 'file': event.get('file'), 'line': event.get('line'),
            'text': event.get('text')}
    if 'value' in event:
        item['value'] = event['value']
    if event.get('reason'):
        item['reason'] = event['reason']
    item.update(extra)
    return item


def describe_setting(event):
    if event['op'] == 'dynamic':
        return '%s set dynamically in %s (%s), cannot tell' % (event['variable'], where(event), event['reason'])
    if event.get('value') is None:
        return '%s unset in %s' % (event['variable'], where(event))
    return '%s=%s set in %s' % (event['variable'], event['value'], where(event))


def effective(analysis, resolve_default, uri_default=None):
    """What plain virsh connects to, from the analysis of ``analyse()`` and the account's libvirt.conf.

    ``resolve_default(env_default, virsh_default)`` resolves the default connection through the
    account's libvirt.conf (returns {'uri': ...} or {'error': ...}); ``uri_default`` is None or
    {'value', 'file', 'line'} of the configured uri_default.
    """
    state = evaluate(analysis['sequence'])
    shadowed = []
    not_applied = [_public(e, why=e['why']) for e in analysis['unread']]
    cannot_tell = []
    values = {}
    for name in TRACKED:
        current = state[name]
        history = current['history']
        winner = current['event']
        for event in history:
            if event['op'] == 'dynamic':
                cannot_tell.append(_public(event))
        if current['value'] is Ellipsis:
            values[name] = Ellipsis
        elif current['value'] and current['exported']:
            values[name] = current['value']
        else:
            values[name] = None
            if current['value'] and winner is not None:
                not_applied.append(_public(winner, why='set but never exported, so virsh does not see it'))
        for event in history:
            if event is not winner and event['op'] == 'set' and event.get('value'):
                shadowed.append(_public(event, by=describe_setting(winner) if winner else None))

    result = {'session': analysis['session'], 'notes': analysis['notes'], 'shadowed': shadowed,
              'not_applied': not_applied, 'cannot_tell': cannot_tell,
              'not_followed': [_public(e) for e in analysis['sequence'] if e['op'] == 'not_followed'],
              'other_clients': None}

    def settle(name):
        return state[name]['event']

    virsh = values[VIRSH_VAR]
    libvirt = values[LIBVIRT_VAR]
    if virsh is Ellipsis or (not virsh and libvirt is Ellipsis):
        name = VIRSH_VAR if virsh is Ellipsis else LIBVIRT_VAR
        event = settle(name)
        result.update({'uri': None, 'error': None, 'summary': describe_setting(event),
                       'source': {'kind': 'dynamic', 'variable': name, 'value': None, 'file': event['file'],
                                  'line': event['line'], 'reason': event['reason']}})
        return result
    resolved = resolve_default(libvirt if libvirt else None, virsh if virsh else None)
    result['uri'] = resolved.get('uri')
    result['error'] = resolved.get('error')
    winner_text = None
    if virsh:
        event = settle(VIRSH_VAR)
        winner_text = describe_setting(event)
        result['source'] = {'kind': 'environment', 'variable': VIRSH_VAR, 'value': virsh, 'file': event['file'],
                            'line': event['line']}
        if libvirt:
            other = settle(LIBVIRT_VAR)
            shadowed.append(_public(other, by=winner_text + ', which virsh prefers'))
        # Other libvirt clients (virt-install, virt-manager, ...) do not read VIRSH_DEFAULT_CONNECT_URI.
        other = resolve_default(libvirt if libvirt is not Ellipsis else None, None)
        other['source'] = 'environment' if libvirt else ('uri_default' if uri_default else 'probe')
        result['other_clients'] = other
    elif libvirt:
        event = settle(LIBVIRT_VAR)
        winner_text = describe_setting(event)
        result['source'] = {'kind': 'environment', 'variable': LIBVIRT_VAR, 'value': libvirt,
                            'file': event['file'], 'line': event['line']}
    elif uri_default:
        result['source'] = {'kind': 'uri_default', 'variable': None, 'value': uri_default['value'],
                            'file': uri_default['file'], 'line': uri_default['line']}
        result['summary'] = "uri_default '%s' of %s:%s" % (uri_default['value'], uri_default['file'],
                                                           uri_default['line'])
    else:
        result['source'] = {'kind': 'probe', 'variable': None, 'value': None, 'file': None, 'line': None}
        result['summary'] = 'the probe (nothing names a URI)'
    if winner_text:
        result['summary'] = winner_text
        if uri_default:
            shadowed.append({'variable': None, 'value': uri_default['value'], 'file': uri_default['file'],
                             'line': uri_default['line'], 'text': 'uri_default = "%s"' % uri_default['value'],
                             'by': winner_text, 'kind': 'uri_default'})
    return result
