# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""pam_env's part of a login: the PAM service's pam_env.so lines and the files they read.

``pam_env_lines()`` finds the ``pam_env.so`` session lines of a PAM service (includes followed),
``collect_pam()`` reads, for each, its ``conffile`` (``/etc/security/pam_env.conf``), its
``envfile`` (``/etc/environment``) and the account's ``~/.pam_environment``, as pam_env does
(Linux-PAM's pam_env.c), into events.
"""

import os

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_login_events import (
    MAX_DEPTH, TRACKED, Dynamic, joined_lines, make_event,
)

PAM_DIR = '/etc/pam.d'
PAM_ENV_CONF = '/etc/security/pam_env.conf'
PAM_ENVFILE = '/etc/environment'
PAM_USER_ENVFILE = '.pam_environment'
DEFAULT_SERVICE = 'sshd'


# -- /etc/environment, ~/.pam_environment (pam_env's envfile) -------------------------------------

def parse_pam_envfile(text, path):
    """Events of a pam_env envfile: ``[export ]KEY=VALUE`` lines, as pam_env reads them.

    pam_env ends the value at the first ``#``, drops one pair of surrounding quotes (any quote
    character inside is kept only when it is not the last one) and expands nothing; ``KEY`` alone
    unsets the variable.
    """
    events = []
    for number, raw in joined_lines(text):
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
            events.append(make_event('unset', name, path, number, raw))
            continue
        if value[:1] in ('"', "'"):
            out = []
            for index in range(1, len(value)):
                if value[index] not in ('"', "'") or index + 1 < len(value):
                    out.append(value[index])
            value = ''.join(out)
        events.append(make_event('set', name, path, number, raw, parts=[('lit', value)], export=True))
    return events


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
    for number, raw in joined_lines(text):
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
            events.append(make_event('dynamic', name, path, number, raw, reason=str(exc)))
            continue
        events.append(make_event('pam_conf', name, path, number, raw, default=default, override=override))
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
    for number, raw in joined_lines(text):
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


# -- the service's pam_env files, in order ---------------------------------------------------------

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
        return (path, kind, [make_event('not_followed', None, path, 0, '',
                                        reason='cannot be read: %s' % (getattr(exc, 'strerror', None) or exc))])
    if text is None:
        return (path, kind, [])
    return (path, kind, parse(text, path))
