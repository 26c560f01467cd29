# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""The adopt playbook's plan: what goes into which inventory vars file.

``plan(results, users)`` turns the libvirt_uri_info results of the hosts into the variables of
``group_vars/all/libvirt_uri.yml`` (what every host shares), those of each
``host_vars/HOST/libvirt_uri.yml`` (what differs) and the report (conflicts, malformed entries,
unusable files, hosts that were not gathered).  Only values the libvirt_uri role writes back unchanged are
adopted; the shared rules of the modules (``_libvirt_rules``) decide which.  Plain data only: writing the
files, with their comments kept, is ``_libvirt_yaml_roundtrip``'s.
"""

from __future__ import annotations

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_rules as rules
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import Refusal

VARS_FILE = 'libvirt_uri.yml'
DEFAULT_VAR = 'libvirt_uri_default'
ALIASES_VAR = 'libvirt_uri_aliases'
USERS_VAR = 'libvirt_uri_users'
# Adopted users' files hold exactly what was found: they must not inherit the system file's settings too.
INHERIT_VAR = 'libvirt_uri_users_inherit'
ADOPTED_VARS = (DEFAULT_VAR, ALIASES_VAR, USERS_VAR, INHERIT_VAR)


class _Null:
    """Marks a variable that must be written as an explicit null."""

    def __repr__(self):
        return 'null'


NULL = _Null()


# -- what the role can write back unchanged ------------------------------------------------------

def uri_problem(uri):
    """Why the role (or its module) would refuse ``uri`` as an alias target or default, or None."""
    try:
        rules.check_uri(uri)
    except rules.RuleError as exc:
        return 'refused by the module: %s' % exc.message
    return None


def file_view(config):
    """What can be adopted from one libvirt_uri_info entry, and what cannot.

    Returns a dict: ``usable`` (False when libvirt cannot use the file, so nothing is adopted and the role must
    leave it alone), ``aliases`` (name -> URI, first entry of each name, file order), ``default`` (or None),
    ``not_adopted``, ``malformed`` and ``duplicates`` lists.
    """
    view = {'usable': True, 'error': None, 'aliases': {}, 'default': None, 'not_adopted': [],
            'malformed': [], 'duplicates': []}
    if config.get('error') or config.get('valid') is not True:
        view['usable'] = False
        view['error'] = config.get('error') or 'the file could not be read as the user libvirt reads it as'
        return view
    seen = set()
    for alias in config.get('aliases') or []:
        name, uri = alias.get('name'), alias.get('uri')
        if name in seen:
            if name not in view['duplicates']:
                view['duplicates'].append(name)
            continue
        seen.add(name)
        reason = None
        if not rules.is_alias_name(name):
            reason = 'the alias name is empty, which the role refuses'
        else:
            reason = uri_problem(uri)
        if reason:
            view['not_adopted'].append({'setting': 'uri_aliases', 'line': alias.get('line'),
                                        'value': '%s=%s' % (name, uri), 'reason': reason})
        else:
            view['aliases'][name] = uri
    for item in config.get('malformed') or []:
        view['malformed'].append({'line': item.get('line'), 'entry': item.get('entry'),
                                  'message': item.get('message')})
    default = config.get('uri_default')
    if default is not None:
        reason = None
        if default == '':
            reason = 'an empty uri_default makes libvirt fail; the role would remove it'
        elif rules.is_alias_name(default):
            if default not in seen:
                reason = 'names no alias of the file, which the module refuses'
        else:
            reason = uri_problem(default)
        if reason:
            view['not_adopted'].append({'setting': 'uri_default', 'value': default, 'reason': reason})
        else:
            view['default'] = default
    return view


def _shared(views, order):
    """(aliases identical on every view, default identical on every view or None)."""
    if not order:
        return {}, None
    first = views[order[0]]
    aliases = {}
    for name, uri in first['aliases'].items():
        if all(views[h]['aliases'].get(name) == uri for h in order):
            aliases[name] = uri
    defaults = set(views[h]['default'] for h in order)
    default = first['default'] if len(defaults) == 1 else None
    return aliases, default


def _conflicts(views, order, label):
    """Aliases with different URIs on different hosts."""
    out = []
    names = []
    for h in order:
        for name in views[h]['aliases']:
            if name not in names:
                names.append(name)
    for name in names:
        uris = {}
        for h in order:
            uri = views[h]['aliases'].get(name)
            if uri is not None:
                uris.setdefault(uri, []).append(h)
        if len(uris) > 1:
            out.append({'file': label, 'alias': name, 'uris': uris})
    return out


def _default_spread(views, order, label):
    values = {}
    for h in order:
        values.setdefault(views[h]['default'] if views[h]['default'] is not None else '(none)', []).append(h)
    if len(values) > 1:
        return [{'file': label, 'values': values}]
    return []


def _user_entry(user, xdg, aliases, default):
    """An entry of libvirt_uri_users, or None when it asks for nothing."""
    if not aliases and default is None:
        return None
    entry = {'user': user}
    if xdg:
        entry['xdg_config_home'] = xdg
    if default is not None:
        entry['default'] = default
    if aliases:
        entry['aliases'] = dict(aliases)
    return entry


def _norm_users(users):
    out = []
    for index, item in enumerate(users):
        if isinstance(item, str):
            user, xdg = item, None
        elif isinstance(item, dict) and isinstance(item.get('user'), str) and item.get('user'):
            user, xdg = item['user'], item.get('xdg_config_home') or None
            unknown = sorted(set(item) - set(['user', 'xdg_config_home']))
            if unknown:
                raise Refusal('users[%d] has unknown keys %s; allowed: user, xdg_config_home' % (index, unknown))
        else:
            raise Refusal('users[%d] must be a user name or a dict {user, xdg_config_home}, got %r' % (index, item))
        if xdg is not None and (not isinstance(xdg, str) or not xdg.startswith('/')):
            raise Refusal("users[%d].xdg_config_home must be an absolute path, got %r" % (index, xdg))
        if any(u == user for u, x in out):
            raise Refusal("users[%d]: user '%s' is listed twice" % (index, user))
        out.append((user, xdg))
    return out


def _native(value):
    """Plain Python data (Ansible hands over tagged subclasses of str, dict, list, int).

    Strings are copied with ``str.__str__``: ``str()`` of ansible-core 2.17's and 2.18's
    AnsibleUnsafeText returns the unsafe object itself, which ruamel.yaml cannot represent.
    """
    if isinstance(value, dict):
        return dict((_native(k), _native(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_native(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def plan(results, users):
    """(group vars, {host: host vars or None}, report) for the gathered results.

    Host vars map each adopted variable to its value, or to ``None`` for "remove the variable from the file";
    group vars likewise.  A host that was not gathered maps to None (its files are not touched).
    """
    results = _native(results)
    users = _norm_users(_native(users))
    report = {'hosts': {'adopted': [], 'unreachable': {}, 'failed': {}}, 'conflicts': [], 'defaults': [],
              'malformed': [], 'not_adopted': [], 'unusable_files': [], 'duplicates': [], 'missing_users': []}
    adopted = []
    system = {}
    per_user = dict((u, {}) for u, x in users)
    for host in sorted(results):
        result = results[host]
        if not isinstance(result, dict):
            report['hosts']['failed'][host] = 'no libvirt_uri_info result (got %r)' % (result,)
            continue
        if result.get('unreachable'):
            report['hosts']['unreachable'][host] = to_text(result.get('msg') or 'unreachable')
            continue
        if result.get('failed') or result.get('skipped') or not isinstance(result.get('configs'), list):
            why = result.get('msg') or ('skipped' if result.get('skipped') else 'no configs were reported')
            report['hosts']['failed'][host] = to_text(why)
            continue
        adopted.append(host)
        report['hosts']['adopted'].append(host)
        for config in result['configs']:
            if not isinstance(config, dict):
                continue
            if config.get('scope') == 'system':
                system.setdefault(host, (config, file_view(config)))
            elif config.get('scope') == 'user' and config.get('user') in per_user:
                per_user[config['user']].setdefault(host, (config, file_view(config)))

    def record(host, config, view):
        path = config.get('path')
        if not view['usable']:
            report['unusable_files'].append({'host': host, 'path': path, 'error': view['error']})
        for item in view['malformed']:
            report['malformed'].append(dict({'host': host, 'path': path}, **item))
        for item in view['not_adopted']:
            report['not_adopted'].append(dict({'host': host, 'path': path}, **item))
        if view['duplicates']:
            report['duplicates'].append({'host': host, 'path': path, 'aliases': view['duplicates']})

    # The system file.
    views = {}
    for host in adopted:
        if host in system:
            config, view = system[host]
            record(host, config, view)
            if view['usable']:
                views[host] = view
    ok = [h for h in adopted if h in views]
    shared_aliases, shared_default = _shared(views, ok)
    report['conflicts'].extend(_conflicts(views, ok, 'system'))
    report['defaults'].extend(_default_spread(views, ok, 'system'))
    group = {ALIASES_VAR: shared_aliases or None, DEFAULT_VAR: shared_default, USERS_VAR: None,
             INHERIT_VAR: False if users else None}
    hosts = {}
    for host in adopted:
        hv = {ALIASES_VAR: None, DEFAULT_VAR: None, USERS_VAR: None, INHERIT_VAR: None}
        if host in views:
            own = views[host]
            if own['aliases'] != shared_aliases:
                hv[ALIASES_VAR] = dict(own['aliases'])
            if own['default'] != shared_default:
                hv[DEFAULT_VAR] = own['default'] if own['default'] is not None else NULL
        else:
            # Unusable or unreported file: the role must not manage it at all.
            if shared_aliases:
                hv[ALIASES_VAR] = {}
            if shared_default is not None:
                hv[DEFAULT_VAR] = NULL
        hosts[host] = hv

    # Users' files.
    group_users = []
    own_users = dict((h, []) for h in adopted)
    for user, xdg in users:
        uviews = {}
        for host in adopted:
            if host not in per_user[user]:
                report['missing_users'].append({'host': host, 'user': user})
                continue
            config, view = per_user[user][host]
            record(host, config, view)
            if view['usable']:
                uviews[host] = view
        uok = [h for h in adopted if h in uviews]
        label = 'user %s' % user
        report['conflicts'].extend(_conflicts(uviews, uok, label))
        report['defaults'].extend(_default_spread(uviews, uok, label))
        aliases, default = _shared(uviews, uok)
        entry = _user_entry(user, xdg, aliases, default)
        if entry:
            group_users.append(entry)
        for host in uok:
            entry = _user_entry(user, xdg, uviews[host]['aliases'], uviews[host]['default'])
            if entry:
                own_users[host].append(entry)
    group[USERS_VAR] = group_users or None
    for host in adopted:
        if own_users[host] != group_users:
            hosts[host][USERS_VAR] = own_users[host]

    for host in results:
        hosts.setdefault(host, None)
    return group, hosts, report
