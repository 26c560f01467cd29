# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Where an account's login session gets LIBVIRT_DEFAULT_URI, VIRSH_DEFAULT_CONNECT_URI and XDG_CONFIG_HOME.

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

The readers live in their own files, each importing only the ones below it:
``_libvirt_login_events`` (tracked variables, events, ``Dynamic``), ``_libvirt_login_pam``
(pam_env's files), ``_libvirt_shell_lexer`` (words of a shell line), ``_libvirt_shell_walker``
(the shell interpreter); this file collects a session's events and evaluates them.

Everything here is pure text processing; ``collect()`` is given a function
that reads files (and one that tests them) so that the caller decides with
which identity they are read.
"""

import fnmatch
import os

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_files import xdg_config_dir
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_login_events import (
    LIBVIRT_VAR, TRACKED, VIRSH_VAR, XDG_VAR, Dynamic, joined_lines, make_event,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_login_pam import (
    DEFAULT_SERVICE, PAM_ENV_CONF, PAM_ENVFILE, PAM_USER_ENVFILE, collect_pam, parse_pam_env_conf,
    parse_pam_envfile,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_shell_lexer import parse_word
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_shell_walker import ShellWalker

#: The largest file read (bytes); a bigger one is reported as not followed.
MAX_FILE = 1024 * 1024


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


# -- environment.d -------------------------------------------------------------------------------

def parse_environment_d(text, path, account):
    """Events of an environment.d(5) file: ``KEY=VALUE`` with quotes and $VAR/${VAR} expansion."""
    events = []
    for number, raw in joined_lines(text):
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
            events.append(make_event('dynamic', name, path, number, raw, reason='computes the value: %s' % exc))
            continue
        events.append(make_event('set', name, path, number, raw, parts=parts, export=True))
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


def xdg_setting(analysis):
    """How the login sets XDG_CONFIG_HOME, which names the directory of the account's libvirt.conf.

    {'kind': 'unset' | 'set' | 'dynamic', 'value', 'file', 'line', 'text', 'reason'}: ``set`` only when
    the value is non-empty and exported (libvirt takes ``~/.config`` for an empty one); ``file`` and
    ``line`` name the line that decided it (None when no line touches it).
    """
    current = evaluate(analysis['sequence'])[XDG_VAR]
    event = current['event'] or {}
    setting = {'kind': 'unset', 'value': None, 'file': event.get('file'), 'line': event.get('line'),
               'text': event.get('text'), 'reason': None}
    if current['value'] is Ellipsis:
        setting.update(kind='dynamic', reason=event.get('reason'))
    elif current['value'] and current['exported']:
        setting.update(kind='set', value=current['value'])
    return setting


def without_xdg(analysis):
    """``analysis`` without its XDG_CONFIG_HOME events (for a login whose files never name it)."""
    return dict(analysis, sequence=[e for e in analysis['sequence'] if e.get('variable') != XDG_VAR],
                unread=[e for e in analysis['unread'] if e.get('variable') != XDG_VAR])


def effective(analysis, resolve_default, uri_default=None, config_file=None):
    """What plain virsh connects to, from the analysis of ``analyse()`` and the account's libvirt.conf.

    ``resolve_default(env_default, virsh_default)`` resolves the default connection through the
    account's libvirt.conf (returns {'uri': ...} or {'error': ...}); ``uri_default`` is None or
    {'value', 'file', 'line'} of the configured uri_default; ``config_file`` is None or
    {'path', 'moved_by'}: the file libvirt reads (None when it cannot be told) and the
    XDG_CONFIG_HOME setting that moved it from ``~/.config`` (None when nothing did), added to the
    result's ``source``.
    """
    result = _effective(analysis, resolve_default, uri_default)
    if config_file is not None and result.get('source') is not None:
        result['source'].update(config_file=config_file['path'], moved_by=config_file['moved_by'])
    return result


def _effective(analysis, resolve_default, uri_default):
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

    if values[XDG_VAR] is Ellipsis:
        # Which libvirt.conf is read cannot be told, so neither can anything it decides.
        event = settle(XDG_VAR)
        result.update({'uri': None, 'error': None,
                       'summary': describe_setting(event) + ' (which libvirt.conf is read)',
                       'source': {'kind': 'dynamic', 'variable': XDG_VAR, 'value': None, 'file': event['file'],
                                  'line': event['line'], 'reason': event['reason']}})
        return result
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
