# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""The libvirt_uri role's plan for one host: the files it manages, and the errors of its variables.

One call per host replaces the role's templated computations: it applies the role's defaults, builds the mesh
aliases of ``libvirt_uri_aliases_from_group``, lists the files to manage and checks every input with the
modules' own rules (``_libvirt_rules``), with the messages the role's task reports.  Used by the
libvirt_uri_accounts action, to which the role hands its variables, and by the public
``virtkit.libvirt_client.libvirt_uri_role_plan`` filter (documented in plugins/filter/libvirt_uri_role_plan.yml).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from ansible.plugins.filter.core import to_bool, to_json

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_rules as rules
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import FileError, Refusal
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_files import check_xdg_config_home

# What the mesh URI template must contain; the member's address replaces it.
PLACEHOLDER_RE = re.compile(r'\{\{\s*host\s*\}\}')

# Role variables read by the filter, with the value taken when one is missing.
ROLE_VARIABLES = {
    'libvirt_uri_default': None,
    'libvirt_uri_aliases': {},
    'libvirt_uri_aliases_exclusive': False,
    'libvirt_uri_aliases_from_group': '',
    'libvirt_uri_alias_uri_template': '',
    'libvirt_uri_users': [],
    'libvirt_uri_users_from_group': '',
    'libvirt_uri_all_users': False,
    'libvirt_uri_skel': False,
    'libvirt_uri_users_inherit': True,
    'libvirt_uri_backup': False,
    'libvirt_uri_remote_mode': None,
    'libvirt_uri_remote_proxy': None,
    'libvirt_uri_admin_aliases': {},
    'libvirt_uri_admin_default': None,
}
# The remote settings of libvirt.conf: module option -> role variable.
REMOTE_VARIABLES = (('remote_mode', 'libvirt_uri_remote_mode'), ('remote_proxy', 'libvirt_uri_remote_proxy'))
ROOT_NAMES = ('root', '0')
USER_KEYS = ('user', 'default', 'aliases', 'exclusive', 'xdg_config_home', 'remote_mode', 'remote_proxy')


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
        self.system_settings = {}

    def error(self, message):
        self.errors.append(self.prefix + message)

    def rule(self, var, check, *args, **kwargs):
        """Run one of the shared rules; a refusal becomes an error naming ``var``."""
        try:
            return check(*args, **kwargs)
        except (rules.RuleError, FileError) as exc:
            self.error('%s: %s' % (var, exc))
            return None

    def bool_var(self, name):
        try:
            return to_bool(self.var[name])
        except Exception:  # pylint: disable=broad-except
            self.error('%s must be a boolean, got %s' % (name, _json(self.var[name])))
            return False

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
                'name': rules.alias_name_from(member),
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
            return
        seen = {}
        for entry in entries:
            if entry['name'] in seen:
                self.error("libvirt_uri_aliases_from_group: hosts '%s' and '%s' of group '%s' both make the"
                           " alias name '%s'" % (seen[entry['name']], entry['host'], group, entry['name']))
            else:
                seen[entry['name']] = entry['host']
            self.rule('libvirt_uri_alias_uri_template', rules.check_uri, entry['uri'],
                      "the URI made for host '%s' (address '%s')" % (entry['host'], entry['address']),
                      {'root': True})

    def aliases_var(self, var, aliases, root=False, context=None):
        """Check an alias dict; returns it as a plain dict (empty when it is not a dict).

        ``context`` is the rules' context of the file (``root``, the remote settings it will hold, or
        ``admin``); by default that of a file read by root or not, without remote settings.
        """
        if aliases is None:
            return {}
        if not isinstance(aliases, Mapping):
            self.error('%s must be a dict of alias name -> URI, got %s' % (var, _json(aliases)))
            return {}
        for name, uri in aliases.items():
            self.rule('%s.%s' % (var, name) if rules.is_alias_name(name) else var, rules.check_aliases, {name: uri},
                      context if context is not None else {'root': root})
        return dict(aliases)

    def default_var(self, var, default, aliases, exclusive, system_aliases=(), root=False, context=None):
        if default is None:
            return
        self.rule(var, rules.check_default, default, aliases, complete=exclusive, system_aliases=system_aliases,
                  what='uri_default', context=context if context is not None else {'root': root})

    def remote_vars(self, source, prefix):
        """The valid remote settings among ``source``'s keys (role variables, or a user entry's keys)."""
        settings = {}
        for key, variable in REMOTE_VARIABLES:
            name = variable if prefix is None else '%s.%s' % (prefix, key)
            value = source.get(variable if prefix is None else key)
            if value is None:
                continue
            if self.rule(name, rules.check_remote_setting, key, value) is not None:
                settings[key] = value
        return settings

    @staticmethod
    def context(root, settings):
        """The rules' context of a libvirt.conf file holding ``settings`` after the run ('' removes one)."""
        context = {'root': root}
        context.update((key, value) for key, value in settings.items() if value != '')
        return context

    def user_entries(self):
        """The valid entries of libvirt_uri_users, checked, as (var, entry) pairs."""
        users = self.var['libvirt_uri_users'] or []
        if not _is_sequence(users) or isinstance(users, (str, Mapping)):
            self.error('libvirt_uri_users must be a list of {%s}, got %s' % (', '.join(USER_KEYS), _json(users)))
            return []
        out = []
        keys = {}
        for index, user in enumerate(users):
            var = 'libvirt_uri_users[%d]' % (index,)
            if not isinstance(user, Mapping) or not isinstance(user.get('user'), (str, int)) \
                    or str(user.get('user')).strip() == '':
                self.error('%s needs a "user" (an account name or uid), got %s' % (var, _json(user)))
                continue
            unknown = sorted(str(key) for key in user if key not in USER_KEYS)
            if unknown:
                self.error('%s: unknown key%s %s; the keys are %s'
                           % (var, 's' if len(unknown) > 1 else '', ', '.join(unknown), ', '.join(USER_KEYS)))
            name = str(user['user'])
            xdg = user.get('xdg_config_home') or None
            self.rule(var + '.xdg_config_home', check_xdg_config_home, xdg, name)
            key = (name, xdg)
            if key in keys:
                self.error("%s: user '%s' is already listed at %s for the same file; merge the two entries"
                           % (var, name, keys[key]))
                continue
            keys[key] = var
            # root's entry applies to the system file, which root reads.
            settings = dict(self.system_settings if to_bool_or(self.var['libvirt_uri_users_inherit']) else {})
            own = self.remote_vars(user, var)
            settings.update(own)
            context = self.context(name in ROOT_NAMES, settings)
            entry = {'user': name, 'aliases': self.aliases_var(var + '.aliases', user.get('aliases'),
                                                               context=context)}
            entry.update(own)
            entry['context'] = context
            if 'exclusive' in user:
                try:
                    entry['exclusive'] = to_bool(user['exclusive'])
                except Exception:  # pylint: disable=broad-except
                    self.error('%s.exclusive must be a boolean, got %s' % (var, _json(user['exclusive'])))
            if _defined(user, 'default'):
                entry['uri_default'] = user['default']
            if xdg:
                entry['xdg_config_home'] = xdg
            out.append((var, entry))
        return out

    def compute(self):
        var = self.var
        entries = self.group_entries()
        self.check_group(entries)
        self.system_settings = self.remote_vars(var, None)
        system_context = self.context(True, self.system_settings)
        system_aliases = {entry['name']: entry['uri'] for entry in entries}
        system_aliases.update(self.aliases_var('libvirt_uri_aliases', var['libvirt_uri_aliases'],
                                               context=system_context))
        exclusive = self.bool_var('libvirt_uri_aliases_exclusive')
        default = var['libvirt_uri_default']
        self.default_var('libvirt_uri_default', default, system_aliases, exclusive, context=system_context)
        admin_aliases = self.aliases_var('libvirt_uri_admin_aliases', var['libvirt_uri_admin_aliases'],
                                         context={'admin': True})
        admin_default = var['libvirt_uri_admin_default']
        self.default_var('libvirt_uri_admin_default', admin_default, admin_aliases, False, context={'admin': True})
        admin = None
        if admin_aliases or admin_default is not None:
            admin = {'aliases': admin_aliases, 'exclusive': False}
            if admin_default is not None:
                admin['uri_default'] = str(admin_default)
        inherit = self.bool_var('libvirt_uri_users_inherit')
        group = var['libvirt_uri_users_from_group']
        if group is None:
            group = ''
        if not isinstance(group, str) or '\n' in group or ':' in group:
            self.error('libvirt_uri_users_from_group must be the name of a group on the hosts (or empty for none), '
                       'got %s' % (_json(group),))
            group = ''
        system = None
        if default is not None or system_aliases or exclusive or self.system_settings:
            system = {'aliases': system_aliases, 'exclusive': exclusive}
            if default is not None:
                system['uri_default'] = str(default)
            system.update(self.system_settings)
        users = []
        for uvar, entry in self.user_entries():
            # What the user's file will define: the system file's aliases when inherited, then its own.
            final = dict(system_aliases) if inherit else {}
            final.update(entry['aliases'])
            user_exclusive = entry.get('exclusive', exclusive if inherit else False)
            context = entry.pop('context')
            self.default_var(uvar + '.default', entry.get('uri_default'), final, user_exclusive,
                             system_aliases=() if inherit else system_aliases, context=context)
            users.append(entry)
        args = {
            'system': system,
            'admin': admin,
            'users': users,
            'users_from_group': group,
            'all_users': self.bool_var('libvirt_uri_all_users'),
            'skel': self.bool_var('libvirt_uri_skel'),
            'inherit': inherit,
            'backup': self.bool_var('libvirt_uri_backup'),
        }
        return {
            'errors': self.errors,
            'args': args,
            'group_entries': entries,
            'system_aliases': system_aliases,
        }


def to_bool_or(value, default=True):
    """``value`` as a boolean, ``default`` when it is not one (bool_var reports that)."""
    try:
        return to_bool(value)
    except Exception:  # pylint: disable=broad-except
        return default


def role_plan(variables, hostname, groups=None, hostvars=None):
    """Targets and input errors of the libvirt_uri role for one host (see plugins/filter/libvirt_uri_role_plan.yml).

    Problems with the role variables are listed in the result's ``errors``; ``Refusal`` is raised only when
    ``variables`` is not a dict of role variables.
    """
    if not isinstance(variables, Mapping):
        raise Refusal(
            'libvirt_uri_role_plan expects a dict of the libvirt_uri role variables (%s), got %s: %r'
            % (', '.join(ROLE_VARIABLES), type(variables).__name__, variables))
    unknown = sorted(str(key) for key in variables if key not in ROLE_VARIABLES)
    if unknown:
        raise Refusal(
            'libvirt_uri_role_plan: unknown variable%s %s; the role variables it reads are %s'
            % ('s' if len(unknown) > 1 else '', ', '.join(unknown), ', '.join(ROLE_VARIABLES)))
    merged = dict(ROLE_VARIABLES)
    merged.update(variables)
    return _Plan(merged, hostname, groups, hostvars).compute()
