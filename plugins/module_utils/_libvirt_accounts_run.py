# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""One run of libvirt_uri_accounts: root's file, the accounts' files and /etc/skel's copy, for
libvirt.conf and libvirt-admin.conf.

``Run(module).run()`` selects the accounts (``_libvirt_accounts``), works out each file's spec from
root's settings and the account's own entry (``merged_spec``), has the engine (``_libvirt_update``)
apply it, and collects the results, the unsafe homes and the refused values for the module's result.
"""

import os

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_accounts as accounts_rule
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_update as engine
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_files as libvirt_files
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import CONFIGS, Refusal

#: The file of each kind, its copy under /etc/skel, and the option holding root's settings.
FILE_NAME = {'client': libvirt_files.CONFIG_NAME, 'admin': libvirt_files.ADMIN_CONF_NAME}
SKEL_PATH = dict((config, '/etc/skel/.config/libvirt/' + name) for config, name in FILE_NAME.items())
OPTION = {'client': 'system', 'admin': 'admin'}


def select_accounts(params):
    """[(passwd entry, explicit entry or None)], each account once, in the module's order."""
    explicit = []
    for entry in params['users']:
        try:
            pw = libvirt_files.lookup_user(entry['user'])
        except libvirt_files.FileError as exc:
            raise Refusal('users: %s' % exc)
        explicit.append((pw, entry))
    try:
        more = accounts_rule.select((), params['users_from_group'], params['all_users'])
    except accounts_rule.SelectionError as exc:
        raise Refusal(str(exc))
    listed = set(pw.pw_uid for pw, entry in explicit)
    return explicit + [(pw, None) for pw in more if pw.pw_uid not in listed]


#: The settings of each kind of file: what a user inherits and an entry overrides.
SETTINGS = {'client': ('uri_default', 'remote_mode', 'remote_proxy'), 'admin': ('uri_default',)}


def merged_spec(base, entry, backup, config='client'):
    """The spec of an account's file: the inherited settings, overridden or extended by its own entry."""
    keys = SETTINGS[config]
    aliases = dict(base['aliases']) if base else {}
    exclusive = base['exclusive'] if base else False
    values = dict((key, base.get(key) if base else None) for key in keys)
    if entry is not None:
        aliases.update(entry.get('aliases') or {})
        if entry.get('exclusive') is not None:
            exclusive = entry['exclusive']
        for key in keys:
            if entry.get(key) is not None:
                values[key] = entry[key]
    if not aliases and not exclusive and all(value is None for value in values.values()):
        return None
    return engine.new_spec(aliases=aliases, exclusive=exclusive, backup=backup, config=config, **values)


def config_entry(entry, config):
    """The part of a ``users`` entry that applies to the file ``config`` (its ``admin`` dict for admin)."""
    if entry is None or config == 'client':
        return entry
    return entry.get('admin')


class Run:
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.files = []
        self.unsafe = []
        self.refused = []
        self.diffs = []
        self.changed = False
        self.scan = None
        self.logins = {}

    def apply(self, scope, user, path, opener, spec, record=True):
        try:
            result = engine.apply(self.module, opener, path, spec,
                                  user_attrs=(-1, -1, None) if scope == 'user' else None, root=scope == 'system')
        except (Refusal, libvirt_files.FileError) as exc:
            result = dict(path=path, changed=False, failed=True, msg=to_native(exc), config=spec['config'])
            if record:
                # A file or directory that is not safe to use, or a value this file cannot take.
                (self.unsafe if isinstance(exc, libvirt_files.FileError) else self.refused).append(
                    dict(user=user, path=path, reason=to_native(exc)))
        result['scope'] = scope
        result['user'] = user
        if record:
            if 'diff' in result:
                self.diffs.append(result.pop('diff'))
            self.changed = self.changed or result['changed']
            self.files.append(result)
        return result

    def untouched(self, pw, path, reason, config='client', config_home=None):
        self.files.append(dict(path=path, scope='user', user=pw.pw_name, changed=False, failed=True, msg=reason,
                               config=config, config_home=config_home))
        self.unsafe.append(dict(user=pw.pw_name, path=path, reason=reason))

    def config_home(self, pw, entry, name):
        """(XDG_CONFIG_HOME to use or None, what the result says of it, the reason to leave the account alone).

        An explicit ``xdg_config_home`` wins; else the login's own (``_libvirt_login_xdg``), once per account.
        """
        # Imported here: a run that writes no account's file never compiles it on the host.
        from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_login_xdg as login_xdg
        xdg = (entry or {}).get('xdg_config_home')
        if xdg:
            return xdg, login_xdg.public({'xdg_config_home': xdg}, 'option'), None
        if pw.pw_uid not in self.logins:
            if self.scan is None:
                self.scan = login_xdg.Scan()
            self.logins[pw.pw_uid] = login_xdg.login_config(pw, self.scan, name=name)
        answer = self.logins[pw.pw_uid]
        if answer['kind'] == 'default':
            return None, login_xdg.public(answer, 'default'), None
        public = login_xdg.public(answer, 'login')
        if answer['kind'] == 'login':
            return answer['xdg_config_home'], public, None
        return None, public, answer['reason'] + '; set xdg_config_home in its users entry to choose the file'

    @staticmethod
    def system_opener(path, follow=True):
        return lambda create: libvirt_files.open_system_target(path, create, follow)

    def system_file(self, accounts, config):
        """Handle (or, when unmanaged, read) root's file; returns its result or None."""
        params = self.params
        system = params[OPTION[config]]
        root_entries = [config_entry(entry, config) for pw, entry in accounts if pw.pw_uid == 0 and entry is not None]
        root_entries = [entry for entry in root_entries if entry is not None]
        path = libvirt_files.config_path(0, '/', name=FILE_NAME[config])
        spec = None
        if system is not None or root_entries:
            base = None
            if system is not None:
                base = dict(aliases=system['aliases'] or {}, exclusive=system['exclusive'])
                base.update((key, system.get(key)) for key in SETTINGS[config])
            spec = merged_spec(base, root_entries[0] if root_entries else None, params['backup'], config)
        if spec is not None:
            return self.apply('system', 'root', path, self.system_opener(path), spec)
        if params['inherit'] or params['skel']:
            # Only read: a spec that asks for nothing never writes or creates.
            return self.apply('system', 'root', path, self.system_opener(path), engine.new_spec(config=config),
                              record=False)
        return None

    def wanted(self, accounts, config):
        """Whether the run manages files of this kind at all."""
        if config == 'client':
            return True
        return self.params['admin'] is not None or any(
            config_entry(entry, config) is not None for pw, entry in accounts)

    def run(self):
        params = self.params
        accounts = select_accounts(params)
        for config in CONFIGS:
            if self.wanted(accounts, config):
                self.run_config(accounts, config)
        return [pw.pw_name for pw, entry in accounts]

    def run_config(self, accounts, config):
        params = self.params
        system_result = self.system_file(accounts, config)
        inherited = None
        if system_result is not None and not system_result.get('failed'):
            aliases = {}
            for alias in system_result['aliases']:
                # The first entry of a name is the one libvirt uses.
                aliases.setdefault(alias['name'], alias['uri'])
            inherited = dict(aliases=aliases, exclusive=(params[OPTION[config]] or {}).get('exclusive') or False)
            inherited.update((key, system_result.get(key)) for key in SETTINGS[config])
            for key in SETTINGS[config]:
                # A setting removed from root's file on purpose is removed from the accounts' files too.
                if (params[OPTION[config]] or {}).get(key) == '':
                    inherited[key] = ''
        if params['skel'] and inherited is not None:
            spec = merged_spec(inherited, None, params['backup'], config)
            if spec is not None:
                skel = SKEL_PATH[config]
                self.apply('skel', None, skel, self.system_opener(skel, follow=False), spec)
        for pw, entry in accounts:
            if pw.pw_uid == 0:
                continue
            own = config_entry(entry, config)
            if params['inherit'] and inherited is None and system_result is not None:
                self.untouched(pw, libvirt_files.config_path(pw.pw_uid, pw.pw_dir, (entry or {}).get('xdg_config_home'),
                                                             name=FILE_NAME[config]),
                               'cannot inherit the settings of %s: %s' % (system_result['path'], system_result['msg']),
                               config)
                continue
            spec = merged_spec(inherited if params['inherit'] else None, own, params['backup'], config)
            if spec is not None:
                self.apply_user(pw, entry, spec, config)

    def apply_user(self, pw, entry, spec, config):
        name = FILE_NAME[config]
        xdg, config_home, reason = self.config_home(pw, entry, name)
        path = libvirt_files.config_path(pw.pw_uid, pw.pw_dir, xdg, name=name)
        if reason is not None:
            self.untouched(pw, path, reason, config, config_home)
            return
        try:
            home, rel = libvirt_files.user_config_path(pw, xdg, name=name)
        except libvirt_files.FileError as exc:
            self.untouched(pw, path, to_native(exc), config, config_home)
            return
        result = self.apply('user', pw.pw_name, os.path.join(home, rel),
                            lambda create: libvirt_files.open_user_target(pw, rel, create), spec)
        result['config_home'] = config_home
