# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""The shell interpreter of the login environment walk: ``ShellWalker`` runs startup files into events.

It follows a file's commands in order, ``if``/``case``/loops/functions as blocks whose conditions it
decides when it can (``Truth``), ``.``/``source`` of paths it can settle, and records what each
command does to the tracked variables; what it cannot decide makes the setting "dynamic".
"""

import fnmatch
import os
import re

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_login_events import (
    MAX_DEPTH, TRACKED, Dynamic, make_event,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_shell_lexer import (
    NAME, parse_word, split_commands, split_words, static_text, tracked_ref,
)

#: What ``$-`` holds in the modelled session (an interactive login shell).
SHELL_FLAGS = 'himBHs'

_ASSIGN_RE = re.compile(r'^(%s)(\+?)=(.*)$' % NAME, re.S)
_TRACKED_RE = re.compile(r'(?<![A-Za-z0-9_$])(?<!\$\{)(%s)(?![A-Za-z0-9_])' % '|'.join(TRACKED))
_DEFAULT_ASSIGN_RE = re.compile(r'\$\{(%s):?[=?]' % '|'.join(TRACKED))
_FUNC_RE = re.compile(r'^\s*(?:function\s+[^\s(){}]+(?:\s*\(\s*\))?|[^\s(){}=$]+\s*\(\s*\))\s*')

# What _command() tells _walk() besides a Truth (the status of a test, ``true`` or ``false``): a
# block keyword, a return/exit that stops the file, one that may stop it; None for anything else.
_BLOCK = 'block'
_STOP = 'stop'
_MAYBE_STOP = 'maybe-stop'


class Truth:
    """Whether a condition holds or a command runs, as far as the reader can tell.

    The constants TRUE, FALSE and UNKNOWN (the reader cannot decide) say it of a condition, a
    branch or a command; TRUE, FALSE and MAYBE of something that happened or not (an earlier
    if/case branch ran, a return or exit ran).  ``Truth.guard(tests)`` is a condition made only
    of tests of the tracked variables, ``(op, variable)`` with op ``-n`` or ``-z``: it is decided
    when the events are applied in order, and holds when each test holds.  Constants are
    compared with ``is``; only a guard has ``tests``.
    """

    __slots__ = ('name', 'tests')

    def __init__(self, name, tests=()):
        self.name = name
        self.tests = tests

    @classmethod
    def guard(cls, tests):
        return cls('guard', tuple(tests))

    def negated(self):
        """The opposite; a guard of one test is negated, anything else but TRUE/FALSE becomes UNKNOWN."""
        if self is Truth.TRUE:
            return Truth.FALSE
        if self is Truth.FALSE:
            return Truth.TRUE
        if len(self.tests) == 1:
            op, name = self.tests[0]
            return Truth.guard((('-n' if op == '-z' else '-z', name),))
        return Truth.UNKNOWN

    def __repr__(self):
        if self.tests:
            return 'Truth.guard(%r)' % (self.tests,)
        return 'Truth.%s' % self.name.upper()


Truth.TRUE = Truth('true')
Truth.FALSE = Truth('false')
Truth.UNKNOWN = Truth('unknown')
Truth.MAYBE = Truth('maybe')


def _taken(state):
    """Whether a branch of condition ``state`` ran: TRUE, FALSE or (UNKNOWN, a guard) MAYBE."""
    return state if state is Truth.TRUE or state is Truth.FALSE else Truth.MAYBE


class _Block:
    """An open if/case/loop/function/group while walking a file."""

    __slots__ = ('kind', 'state', 'taken', 'awaiting', 'loop_var', 'loop_items', 'case_word')

    def __init__(self, kind, state):
        self.kind = kind
        self.state = state            # of the current branch: a Truth (TRUE, FALSE, UNKNOWN, a guard)
        self.taken = _taken(state)    # if/case: whether an earlier branch ran: TRUE, FALSE or MAYBE
        self.awaiting = False         # if/elif: the condition goes on until 'then'
        self.loop_var = None
        self.loop_items = None
        self.case_word = None


class _FileWalk:
    """Where the walk of one file stands: the file, the line being run, the open blocks."""

    __slots__ = ('path', 'depth', 'conditional', 'stack', 'stopped', 'number', 'raw')

    def __init__(self, path, depth, conditional):
        self.path = path
        self.depth = depth                # how many . / source deep
        self.conditional = conditional    # sourced under a condition the reader cannot decide
        self.stack = []                   # the open _Blocks, innermost last
        self.stopped = None               # Truth.MAYBE after a return/exit that may run
        self.number = 0                   # the line being run (its first line when continued)
        self.raw = ''                     # its text, continuation lines joined

    def event(self, op, variable, **extra):
        """An event of the line being run."""
        return make_event(op, variable, self.path, self.number, self.raw, **extra)


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
        """The Truth of a test command (``[ ... ]``, ``test ...``): TRUE, FALSE, UNKNOWN or a guard."""
        if not words:
            return Truth.UNKNOWN
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
            return Truth.UNKNOWN
        result = self._test_args(args, loop_values)
        if negate:
            result = result.negated()
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
            return self._test_args(args[1:], loop_values).negated()
        if len(args) == 2 and args[0] in ('-f', '-r', '-e', '-s', '-d', '-x'):
            word = args[1]
            if loop_values is not None and word.strip('"') in loop_values:
                return Truth.TRUE
            try:
                path = static_text(word, self.account)
            except Dynamic:
                return Truth.UNKNOWN
            return Truth.TRUE if self.reader.test(args[0], path) else Truth.FALSE
        if len(args) in (1, 2) and tracked_ref(args[-1]) and (len(args) == 1 or args[0] in ('-n', '-z')):
            # A test of a tracked variable: decided when the events are applied, in order.
            return Truth.guard(((args[0] if len(args) == 2 else '-n', tracked_ref(args[-1])),))
        if len(args) == 2 and args[0] in ('-n', '-z'):
            value = self._param(args[1])
            if value is None:
                return Truth.UNKNOWN
            return Truth.TRUE if bool(value) == (args[0] == '-n') else Truth.FALSE
        if len(args) == 1:
            value = self._param(args[0])
            if value is None:
                return Truth.UNKNOWN
            return Truth.TRUE if value else Truth.FALSE
        if len(args) == 3 and args[1] in ('=', '==', '!='):
            left, right = self._param(args[0]), self._param(args[2])
            if left is None or right is None:
                return Truth.UNKNOWN
            return Truth.TRUE if (left == right) == (args[1] != '!=') else Truth.FALSE
        return Truth.UNKNOWN

    # walking ------------------------------------------------------------------------------------

    def run_file(self, path, depth=0, conditional=False):
        """Walk ``path``; returns False when the file did not exist."""
        try:
            text = self.reader.read(path)
        except (IOError, OSError, ValueError) as exc:
            self.events.append(make_event('not_followed', None, path, 0, '',
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

    def _unfollowed(self, walk, reason):
        """A source the reader cannot follow: whatever it sets cannot be told."""
        for name in TRACKED:
            self.events.append(walk.event('dynamic', name, reason=reason))

    def _source(self, words, walk, conditional, loop):
        if len(words) < 2 or not self.follow:
            return
        target = words[1]
        items = None
        if loop is not None and target.strip('"') in ('$' + loop.loop_var, '${%s}' % loop.loop_var):
            items = loop.loop_items
        else:
            try:
                items = [static_text(target, self.account)]
            except Dynamic as exc:
                self._unfollowed(walk, 'sources a file named by %s, which the audit cannot follow' % exc)
                return
        for item in items:
            if not os.path.isabs(item):
                self._unfollowed(walk, 'sources %s, a relative path the shell looks up in PATH and '
                                       'the working directory' % item)
                continue
            if walk.depth >= MAX_DEPTH or item in self.active:
                self._unfollowed(walk, 'sources %s again or too deep to follow' % item)
                continue
            if not self.run_file(item, walk.depth + 1, conditional) and not conditional:
                self.events.append(walk.event('not_followed', None, reason='sources %s, which does not exist' % item))

    def _walk(self, text, path, depth, conditional):
        lines = text.split('\n')
        walk = _FileWalk(path, depth, conditional)
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
                commands, heredocs, still_open = split_commands(logical)
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
            walk.number = number
            walk.raw = logical
            # chain: whether the previous command of an && / || list succeeded (a Truth: TRUE, FALSE,
            # UNKNOWN or a guard); run: whether the current command runs.
            chain = Truth.TRUE
            for command, joiner in commands:
                if joiner == '&&':
                    run = chain
                elif joiner == '||':
                    run = chain.negated()
                elif joiner == '|':
                    run = Truth.UNKNOWN
                else:
                    run = Truth.TRUE
                if run is Truth.FALSE:
                    # Skipped: the list's status stays what it was.
                    continue
                outcome = self._command(walk, command, run, joiner)
                if outcome == _STOP:
                    return
                if outcome == _MAYBE_STOP:
                    walk.stopped = Truth.MAYBE
                    outcome = None
                if isinstance(outcome, Truth) and outcome is not Truth.UNKNOWN:  # TRUE, FALSE or a guard
                    chain = outcome if run is Truth.TRUE else Truth.UNKNOWN
                elif outcome == _BLOCK:
                    chain = Truth.TRUE
                else:
                    chain = Truth.UNKNOWN

    def _state(self, stack, run):
        """TRUE, FALSE, UNKNOWN, or a guard when only tests of tracked variables decide."""
        states = [b.state for b in stack] + [run]
        if Truth.FALSE in states:
            return Truth.FALSE
        if Truth.UNKNOWN in states:
            return Truth.UNKNOWN
        tests = tuple(t for state in states for t in state.tests)
        return Truth.guard(tests) if tests else Truth.TRUE

    def _command(self, walk, command, run, joiner):
        """Run one command of ``walk``'s line: a Truth (of a test), _BLOCK, _STOP, _MAYBE_STOP or None.

        ``run`` is the Truth of whether it runs (after ``&&``/``||``), ``joiner`` what joins it to the
        command before it.
        """
        stack = walk.stack
        words = split_words(command)
        if not words:
            return _BLOCK
        # Keywords that open a branch, and case patterns.
        while words:
            head = words[0]
            top = stack[-1] if stack else None
            if head == 'then' and top is not None:
                top.awaiting = False
            elif head == 'do':
                pass
            elif head == 'else' and top is not None and top.kind == 'if':
                top.state = top.taken.negated()   # runs when no earlier branch ran
                top.taken = Truth.TRUE if top.taken is Truth.FALSE else top.taken
            elif head in ('{', '(') and (len(words) == 1 or head == '('):
                stack.append(_Block('group', Truth.TRUE if head == '{' else Truth.UNKNOWN))
            elif top is not None and top.kind == 'case' and head.endswith(')') and head != ')':
                pattern = head[:-1].lstrip('(')
                if top.case_word is None:
                    top.state = Truth.UNKNOWN
                elif top.taken is Truth.TRUE:
                    top.state = Truth.FALSE
                elif any(fnmatch.fnmatchcase(top.case_word, p) for p in pattern.split('|')):
                    top.state = Truth.TRUE
                    top.taken = Truth.TRUE
                else:
                    top.state = Truth.FALSE
            else:
                break
            words = words[1:]
        if not words:
            return _BLOCK
        head = words[0]
        top = stack[-1] if stack else None
        if head in ('fi', 'done', 'esac', '}', ')'):
            if stack:
                stack.pop()
            return _BLOCK
        if top is not None and top.kind == 'if' and top.awaiting and joiner in ('&&', '||'):
            # More of an if/elif condition: `if [ a ] && [ b ]; then`.
            result = self._test(words, self._loop_values(stack))
            pair = (top.state, result)
            if joiner == '&&':
                top.state = (Truth.FALSE if Truth.FALSE in pair else
                             Truth.TRUE if pair == (Truth.TRUE, Truth.TRUE) else Truth.UNKNOWN)
            else:
                top.state = (Truth.TRUE if Truth.TRUE in pair else
                             Truth.FALSE if pair == (Truth.FALSE, Truth.FALSE) else Truth.UNKNOWN)
            top.taken = _taken(top.state) if top.taken is not Truth.MAYBE else Truth.MAYBE
            return _BLOCK
        if head == 'if':
            block = _Block('if', self._test(words[1:], self._loop_values(stack)))
            block.awaiting = True
            stack.append(block)
            return _BLOCK
        if head == 'elif':
            if top is not None and top.kind == 'if':
                result = self._test(words[1:], self._loop_values(stack))
                if top.taken is Truth.TRUE:
                    top.state = Truth.FALSE
                elif top.taken is Truth.FALSE:
                    top.state = result
                    top.taken = _taken(result)
                else:
                    top.state = Truth.FALSE if result is Truth.FALSE else Truth.UNKNOWN
                top.awaiting = True
            return _BLOCK
        if head in ('while', 'until'):
            stack.append(_Block('loop', Truth.UNKNOWN))
            return _BLOCK
        if head == 'for':
            stack.append(self._for(words))
            return _BLOCK
        if head == 'case':
            block = _Block('case', Truth.FALSE)
            if len(words) >= 2 and words[1].strip('"') in ('$-', '${-}'):
                block.case_word = SHELL_FLAGS
            stack.append(block)
            return _BLOCK
        if _FUNC_RE.match(command) and not _ASSIGN_RE.match(head):
            stack.append(_Block('function', Truth.UNKNOWN))
            if command.rstrip().endswith('}'):
                stack.pop()
            return _BLOCK

        state = self._state(stack, run)
        if state is Truth.FALSE:
            return None
        guards = state.tests
        cond = walk.conditional or state is Truth.UNKNOWN or walk.stopped is Truth.MAYBE
        reason = self._condition_reason(walk, run)

        if head in ('[', '[[', 'test', '!'):
            result = self._test(words, self._loop_values(stack))
            return result if state is Truth.TRUE else Truth.UNKNOWN
        if guards and head in ('.', 'source', 'return', 'exit', 'eval'):
            cond = True
            reason = 'under a test of %s' % ', '.join(sorted(set(t[1] for t in guards)))
        if head in ('true', ':') and len(words) == 1:
            return Truth.TRUE
        if head == 'false' and len(words) == 1:
            return Truth.FALSE
        if head in ('.', 'source'):
            loop = next((b for b in reversed(stack) if b.loop_items is not None), None)
            self._source(words, walk, cond, loop)
            return None
        if head in ('return', 'exit'):
            return _MAYBE_STOP if cond else _STOP
        if head == 'eval':
            names = self._mentioned(command)
            for name in names:
                self.events.append(walk.event('dynamic', name, reason='eval computes what it sets'))
            if not names:
                self.events.append(walk.event('not_followed', None, reason='eval runs text the audit cannot read'))
            return None
        self._assignments(words, command, walk, cond, reason, guards)
        return None

    def _for(self, words):
        block = _Block('loop', Truth.UNKNOWN)
        if len(words) >= 4 and words[2] == 'in':
            items = []
            for word in words[3:]:
                try:
                    text = static_text(word, self.account)
                except Dynamic:
                    return block
                if word.strip('"\'') == word and any(c in text for c in '*?['):
                    items.extend(self.reader.glob(text))
                else:
                    items.append(text)
            block.loop_var = words[1]
            block.loop_items = items
            block.state = Truth.TRUE if items else Truth.FALSE
        return block

    def _loop_values(self, stack):
        values = []
        for block in stack:
            if block.loop_var:
                values.extend(['$' + block.loop_var, '${%s}' % block.loop_var])
        return values

    def _condition_reason(self, walk, run):
        if walk.conditional:
            return 'in a file sourced under a condition the audit cannot decide'
        if walk.stopped is Truth.MAYBE:
            return 'after a return or exit that may run'
        for block in walk.stack:
            if block.state is Truth.UNKNOWN:
                return {'if': 'under an if the audit cannot decide', 'loop': 'in a loop',
                        'case': 'in a case branch the audit cannot decide',
                        'function': 'in a function body, which runs only when called',
                        'group': 'in a subshell'}.get(block.kind, 'under a condition')
        if run is Truth.UNKNOWN:
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

    def _assignments(self, words, command, walk, cond, reason, guards=()):
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
                        self._add(walk.event('unset', word), cond, reason, guards)
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
                    self._add(walk.event('export', name, export=export), cond, reason, guards)
                continue
            if match.group(2):
                self._add(walk.event('dynamic', name, reason='appends (+=) to the value'), False, None)
                continue
            try:
                parts = parse_word(match.group(3), self.account, assignment=True)
            except Dynamic as exc:
                self._add(walk.event('dynamic', name, reason='computes the value: %s' % exc), False, None)
                continue
            self._add(walk.event('set', name, parts=parts, export=export), cond, reason, guards)
        for name in mentioned:
            if name in handled:
                continue
            assign = re.match(r'^:\s+"?\$\{(%s):=([^$`"\'}\\]*)\}"?\s*$' % name, command.strip())
            if assign and not cond:
                # : ${VAR:=value} sets VAR when it is unset or empty.
                self._add(walk.event('set', name, parts=[('lit', assign.group(2))], export=None),
                          False, None, guards + (('-z', name),))
                continue
            if re.search(r'\$\{%s:?[=?]' % name, command):
                reason = 'assigns it through ${%s:=...}' % name
            elif head in ('echo', 'printf', ':', '[', '[[', 'test'):
                continue
            else:
                reason = 'not a plain assignment (%s)' % head
            self._add(walk.event('dynamic', name, reason=reason), False, None)

    def _add(self, event, cond, reason, guards=()):
        if cond and event['op'] in ('set', 'unset', 'export'):
            event = dict(event, op='dynamic', reason='sets it %s' % reason)
        elif guards and event['op'] in ('set', 'unset', 'export'):
            event = dict(event, guards=[list(g) for g in guards])
        self.events.append(event)
