# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter ``libvirt_uri_role_plan``: the files the libvirt_uri role manages on a host, and its input errors.

The documentation is in ``libvirt_uri_role_plan.yml`` next to this file.  One
call per host replaces the role's templated computations: it applies the
role's defaults, builds the mesh aliases of ``libvirt_uri_aliases_from_group``,
lists the files to manage and checks every input, with the messages the
role's first task reports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.plugins.filter.core import to_bool, to_json

# The characters libvirt allows in an alias name.
ALIAS_RE = re.compile(r'^[A-Za-z0-9_-]+$')
# A URI libvirt can parse: it starts with a scheme.
URI_RE = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:')
# What the mesh URI template must contain; the member's address replaces it.
PLACEHOLDER_RE = re.compile(r'\{\{\s*host\s*\}\}')
# A user name the role accepts.
USER_RE = re.compile(r'^[A-Za-z0-9_.][A-Za-z0-9_.@-]*[$]?$')
# What an alias name made from an inventory hostname may not hold.
NOT_ALIAS_CHAR_RE = re.compile(r'[^A-Za-z0-9_-]')
# Characters libvirt.conf cannot hold in an unquoted or quoted value.
WHITESPACE_RE = re.compile(r'[\r\n\t ]')
MESH_UNUSABLE_RE = re.compile(r'[\s"]')
# qemu://system and the like: a server where a path was meant.
SERVER_MISTAKE_RE = re.compile(r'^(qemu|vbox|vz)://(system|session)/?$')
SERVER_MISTAKE_FIX_RE = re.compile(r'^([a-z]+)://([a-z]+)/?$')

CHARS = "A-Z, a-z, 0-9, '_' and '-'"
UNWRITABLE = ' cannot be written to libvirt.conf: no whitespace, and not both kinds of quote'

# Role variables read by the filter, with the value taken when one is missing.
ROLE_VARIABLES = {
    'libvirt_uri_default': None,
    'libvirt_uri_aliases': {},
    'libvirt_uri_aliases_exclusive': False,
    'libvirt_uri_aliases_from_group': '',
    'libvirt_uri_alias_uri_template': '',
    'libvirt_uri_users': [],
}


def _json(value):
    try:
        return to_json(value)
    except (TypeError, ValueError):
        return json.dumps(str(value))


def _is_sequence(value):
    """Jinja's ``sequence`` test."""
    try:
        len(value)
        value.__getitem__  # pylint: disable=pointless-statement
    except (TypeError, AttributeError):
        return False
    return True


def _defined(mapping, key):
    """``mapping.key is defined and mapping.key is not none``."""
    return key in mapping and mapping[key] is not None


class _Plan:
    """The computation of one host; ``errors`` collects the messages."""

    def __init__(self, variables, hostname, groups, hostvars):
        self.var = variables
        self.prefix = '%s: ' % (hostname,)
        self.groups = groups if isinstance(groups, Mapping) else {}
        self.hostvars = hostvars
        self.errors = []

    def error(self, message):
        self.errors.append(self.prefix + message)

    def group_entries(self):
        group = self.var['libvirt_uri_aliases_from_group']
        if not group:
            return []
        members = self.groups.get(group) or [] if group in self.groups else []
        template = str(self.var['libvirt_uri_alias_uri_template'])
        entries = []
        for member in members:
            address = None
            if self.hostvars is not None and member in self.hostvars:
                member_vars = self.hostvars[member]
                if 'ansible_host' in member_vars:
                    address = member_vars['ansible_host']
            address = str(address if address else member)
            entries.append({
                'host': member,
                'name': NOT_ALIAS_CHAR_RE.sub('-', str(member)),
                'address': address,
                'uri': PLACEHOLDER_RE.sub(lambda match, address=address: address, template),
            })
        return entries

    def check_group(self, entries):
        group = self.var['libvirt_uri_aliases_from_group']
        if not group:
            return
        template = str(self.var['libvirt_uri_alias_uri_template'] or '')
        if group not in self.groups:
            self.error("libvirt_uri_aliases_from_group: there is no inventory group '%s'" % (group,))
        if not PLACEHOLDER_RE.search(template):
            self.error("libvirt_uri_alias_uri_template: '%s' does not contain the {{ host }} placeholder"
                       " (keep the value marked !unsafe so that Ansible leaves it to the role)" % (template,))
        seen = {}
        for entry in entries:
            if entry['name'] in seen:
                self.error("libvirt_uri_aliases_from_group: hosts '%s' and '%s' of group '%s' both make the"
                           " alias name '%s'" % (seen[entry['name']], entry['host'], group, entry['name']))
            else:
                seen[entry['name']] = entry['host']
            if not URI_RE.search(entry['uri']) or MESH_UNUSABLE_RE.search(entry['uri']):
                self.error("libvirt_uri_alias_uri_template: the URI made for host '%s' (address '%s') is '%s',"
                           " which is not a usable URI (it must start with a scheme such as qemu+ssh: and hold"
                           " no whitespace or double quote)" % (entry['host'], entry['address'], entry['uri']))

    def check_users(self, users, sets):
        if not _is_sequence(users) or isinstance(users, (str, Mapping)):
            self.error('libvirt_uri_users must be a list of {user, default, aliases, exclusive,'
                       ' xdg_config_home}, got %s' % (_json(users),))
            return
        keys = {}
        for index, user in enumerate(users):
            var = 'libvirt_uri_users[%d]' % (index,)
            if not isinstance(user, Mapping) or not str(user.get('user') or ''):
                self.error('%s needs a "user" (an account name), got %s' % (var, _json(user)))
                continue
            name = str(user['user'])
            if not USER_RE.match(name):
                self.error("%s.user: '%s' is not a valid account name" % (var, name))
            xdg = str(user.get('xdg_config_home') or '')
            if xdg and not xdg.startswith('/'):
                self.error("%s.xdg_config_home: '%s' must be an absolute path" % (var, xdg))
            key = name + '|' + xdg
            if key in keys:
                self.error("%s: user '%s' is already listed at %s for the same file; merge the two entries"
                           % (var, name, keys[key]))
            else:
                keys[key] = var
            aliases = user.get('aliases') or {}
            if not isinstance(aliases, Mapping):
                self.error('%s.aliases must be a dict of alias name -> URI, got %s' % (var, _json(user['aliases'])))
            else:
                sets.append((var + '.aliases', aliases, to_bool(user.get('exclusive', False)),
                             user['default'] if _defined(user, 'default') else None, var + '.default', aliases))

    def check_aliases(self, var, aliases):
        for name, uri in aliases.items():
            if not ALIAS_RE.match(str(name)):
                self.error("%s: alias name '%s' is invalid: libvirt allows only %s (and at least one of them)"
                           % (var, name, CHARS))
            where = '%s.%s' % (var, name)
            if not isinstance(uri, str) or not uri:
                self.error('%s: the URI must be a non-empty string, got %s' % (where, _json(uri)))
            elif not URI_RE.search(uri):
                self.error("%s: '%s' is not a URI: it must start with a scheme, e.g. qemu:///system or"
                           " qemu+ssh://root@host/system" % (where, uri))
            elif WHITESPACE_RE.search(uri) or ('"' in uri and "'" in uri):
                self.error('%s: %s%s' % (where, _json(uri), UNWRITABLE))
            elif SERVER_MISTAKE_RE.match(uri):
                self.error("%s: '%s' names a server, which libvirt refuses; did you mean %s?"
                           % (where, uri, SERVER_MISTAKE_FIX_RE.sub(r'\1:///\2', uri)))

    def check_default(self, dvar, default, exclusive, final):
        if default is None:
            return
        if not isinstance(default, str):
            self.error('%s: must be a string (an alias name or a URI; an empty string removes it), got %s'
                       % (dvar, _json(default)))
        elif not default:
            return
        elif URI_RE.search(default):
            if WHITESPACE_RE.search(default) or ('"' in default and "'" in default):
                self.error('%s: %s%s' % (dvar, _json(default), UNWRITABLE))
        elif not ALIAS_RE.match(default):
            self.error("%s: '%s' is neither a URI (scheme:...) nor an alias name (%s)" % (dvar, default, CHARS))
        elif exclusive and default not in final:
            self.error("%s: '%s' is not one of the aliases this file will have (%s)"
                       % (dvar, default, ', '.join(str(name) for name in final)))

    def compute(self):
        var = self.var
        entries = self.group_entries()
        explicit = var['libvirt_uri_aliases'] or {}
        system_aliases = {entry['name']: entry['uri'] for entry in entries}
        sets = []
        if not isinstance(explicit, Mapping):
            self.error('libvirt_uri_aliases must be a dict of alias name -> URI, got %s'
                       % (_json(var['libvirt_uri_aliases']),))
        else:
            system_aliases.update(explicit)
            sets.append(('libvirt_uri_aliases', explicit, to_bool(var['libvirt_uri_aliases_exclusive']),
                         var['libvirt_uri_default'], 'libvirt_uri_default', system_aliases))
        self.check_group(entries)
        self.check_users(var['libvirt_uri_users'] or [], sets)
        for name, aliases, exclusive, default, dvar, final in sets:
            self.check_aliases(name, aliases)
            self.check_default(dvar, default, exclusive, final)
        default_set = var['libvirt_uri_default'] is not None
        manage_system = bool(default_set or system_aliases or to_bool(var['libvirt_uri_aliases_exclusive']))
        return {
            'errors': self.errors,
            'targets': [] if self.errors else self.targets(system_aliases, default_set, manage_system),
            'group_entries': entries,
            'system_aliases': system_aliases,
            'default_set': default_set,
            'manage_system': manage_system,
        }

    def targets(self, system_aliases, default_set, manage_system):
        var = self.var
        out = []
        if manage_system:
            entry = {'label': 'system', 'scope': 'system', 'aliases': system_aliases,
                     'exclusive': to_bool(var['libvirt_uri_aliases_exclusive'])}
            if default_set:
                entry['uri_default'] = str(var['libvirt_uri_default'])
            out.append(entry)
        for user in var['libvirt_uri_users'] or []:
            xdg = user.get('xdg_config_home')
            entry = {'label': 'user %s%s' % (user['user'], (' (%s)' % (xdg,)) if xdg else ''),
                     'scope': 'user', 'user': user['user'],
                     'aliases': dict(user.get('aliases') or {}),
                     'exclusive': to_bool(user.get('exclusive', False))}
            if _defined(user, 'default'):
                entry['uri_default'] = str(user['default'])
            if xdg:
                entry['xdg_config_home'] = xdg
            if entry['aliases'] or entry['exclusive'] or 'uri_default' in entry:
                out.append(entry)
        return out


def libvirt_uri_role_plan(variables, hostname, groups=None, hostvars=None):
    """Targets and input errors of the libvirt_uri role for one host (see libvirt_uri_role_plan.yml)."""
    if not isinstance(variables, Mapping):
        raise AnsibleFilterError(
            'libvirt_uri_role_plan expects a dict of the libvirt_uri role variables (%s), got %s: %r'
            % (', '.join(ROLE_VARIABLES), type(variables).__name__, variables))
    unknown = sorted(str(key) for key in variables if key not in ROLE_VARIABLES)
    if unknown:
        raise AnsibleFilterError(
            'libvirt_uri_role_plan: unknown variable%s %s; the role variables it reads are %s'
            % ('s' if len(unknown) > 1 else '', ', '.join(unknown), ', '.join(ROLE_VARIABLES)))
    merged = dict(ROLE_VARIABLES)
    merged.update(variables)
    return _Plan(merged, hostname, groups, hostvars).compute()


class FilterModule:
    """The filter behind the libvirt_uri role."""

    def filters(self):
        return {'libvirt_uri_role_plan': libvirt_uri_role_plan}
