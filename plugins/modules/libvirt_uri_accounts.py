#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: libvirt_uri_accounts
short_description: Give root and every account of a host their libvirt client settings, in one call
version_added: 0.2.0
description:
  - libvirt reads C(/etc/libvirt/libvirt.conf) only when the effective uid is 0. Every other account reads only its own
    C($XDG_CONFIG_HOME/libvirt/libvirt.conf), and never falls back to the system file. A default meant for a whole
    host therefore has to be written into each account's file too.
  - This module manages, in one run, the system file and the files of the accounts it selects, an explicit list
    (O(users)), the members of a group (O(users_from_group)) and every local account (O(all_users)), plus
    C(/etc/skel/.config/libvirt/libvirt.conf) for accounts created later (O(skel)).
  - With O(inherit), every selected account gets the system file's aliases, C(uri_default), C(remote_mode) and
    C(remote_proxy) as they are after the run, since it cannot read that file; an O(users) entry for the same
    account overrides or adds per key. A setting that O(system) removes (with the empty string) is removed from
    their files too.
  - O(admin) does the same for C(virt-admin)'s files, C(/etc/libvirt/libvirt-admin.conf) and each selected account's
    C($XDG_CONFIG_HOME/libvirt/libvirt-admin.conf) (and its copy under C(/etc/skel) with O(skel)), whose aliases and
    C(uri_default) are admin URIs; an O(users) entry's O(users[].admin) overrides or adds per key. Admin files are
    only read or written when O(admin) or some O(users[].admin) is given.
  - Each file is edited in place exactly as M(virtkit.libvirt_client.libvirt_uri_alias) edits one, with the same
    checks and guarantees. A user's files and directories are created as that user, and no link below a home is
    followed.
  - An account whose home is unsafe (missing, owned by someone else, or with a symbolic link or a foreign
    directory on the way to the file) is left untouched and named in RV(unsafe) with the reason (a file a value
    cannot go into, in RV(refused)). The other
    accounts are still done; the module then fails, listing them.
author:
  - virtkit.libvirt_client maintainers (@virtkit)
requirements:
  - python-augeas on the target, only when a file has to change (see M(virtkit.libvirt_client.libvirt_uri_alias)).
  - Python 3 on the target.
attributes:
  check_mode:
    support: full
    description: Reports what would change in each file, with the diffs, and writes or creates nothing.
  diff_mode:
    support: full
    description: Returns one diff per file, with the file's path in its headers.
  platform:
    support: full
    platforms: posix
    description: Any POSIX host with libaugeas and its Python bindings; accounts are read through NSS.
options:
  system:
    description:
      - What C(/etc/libvirt/libvirt.conf) must say. Omitted or V(null), the system file is not changed (it is still
        read, for O(inherit)).
    type: dict
    suboptions:
      aliases:
        description: Aliases, alias name to URI, as O(virtkit.libvirt_client.libvirt_uri_alias#module:aliases).
        type: dict
        default: {}
      exclusive:
        description: Remove every alias entry not in O(system.aliases).
        type: bool
        default: false
      uri_default:
        description: The C(uri_default); the empty string removes it; omitted, it is left alone.
        type: str
      remote_mode:
        description:
          - The C(remote_mode), as O(virtkit.libvirt_client.libvirt_uri_alias#module:remote_mode) (V(auto),
            V(legacy) or V(direct)); the empty string removes it; omitted, it is left alone.
          - Checked before any file is written, and refused when it would break an alias of the file after the run.
        type: str
      remote_proxy:
        description:
          - The C(remote_proxy), as O(virtkit.libvirt_client.libvirt_uri_alias#module:remote_proxy) (V(auto),
            V(netcat) or V(native)); the empty string removes it; omitted, it is left alone.
        type: str
  admin:
    description:
      - What C(/etc/libvirt/libvirt-admin.conf), the file C(virt-admin) reads as root, must say; inherited by the
        selected accounts' C(libvirt-admin.conf) as O(system) is by their C(libvirt.conf).
      - Aliases and C(uri_default) are admin URIs, as with
        O(virtkit.libvirt_client.libvirt_uri_alias#module:config=admin), such as V(virtqemud:///system).
      - Omitted or V(null), no admin file is changed (unless an O(users[].admin) asks for it).
    type: dict
    suboptions:
      aliases:
        description: Aliases, alias name to admin URI.
        type: dict
        default: {}
      exclusive:
        description: Remove every alias entry not in O(admin.aliases).
        type: bool
        default: false
      uri_default:
        description: The C(uri_default) of C(libvirt-admin.conf); the empty string removes it; omitted, it is left
          alone.
        type: str
  users:
    description:
      - Accounts with settings of their own. Each is managed even when it is in no group selected.
      - An entry for an account with uid 0 applies to the system file, which is what libvirt reads for root.
    type: list
    elements: dict
    default: []
    suboptions:
      user:
        description: The account, a name or a uid.
        type: str
        required: true
      aliases:
        description: Aliases added to (and, for a name also inherited, replacing) the inherited ones.
        type: dict
        default: {}
      exclusive:
        description: Remove every alias entry the account's file should not hold. Default, with O(inherit), that of
          O(system.exclusive), else V(false).
        type: bool
      uri_default:
        description: The account's C(uri_default), overriding the inherited one; the empty string removes it.
        type: str
      remote_mode:
        description: The account's C(remote_mode), overriding the inherited one; the empty string removes it.
        type: str
      remote_proxy:
        description: The account's C(remote_proxy), overriding the inherited one; the empty string removes it.
        type: str
      admin:
        description: The account's C(libvirt-admin.conf), added to and overriding what it inherits from O(admin).
        type: dict
        suboptions:
          aliases:
            description: Admin aliases added to (and, for a name also inherited, replacing) the inherited ones.
            type: dict
            default: {}
          exclusive:
            description: Remove every alias entry the account's admin file should not hold. Default, with O(inherit),
              that of O(admin.exclusive), else V(false).
            type: bool
          uri_default:
            description: The account's admin C(uri_default), overriding the inherited one; the empty string removes
              it.
            type: str
      xdg_config_home:
        description: The account's C(XDG_CONFIG_HOME), an absolute path inside its home. Default C(~/.config).
        type: path
  users_from_group:
    description:
      - A group whose every member is managed, primary and supplementary members alike, read through NSS (as
        C(getent) does), so directory-service members count where they can be enumerated. Empty for none.
    type: str
    default: ''
  all_users:
    description:
      - Manage every account whose uid lies between C(UID_MIN) and C(UID_MAX) of C(/etc/login.defs) (1000 and 60000
        when they are not set) and whose home directory exists.
    type: bool
    default: false
  skel:
    description:
      - Manage C(/etc/skel/.config/libvirt/libvirt.conf) too, with the system file's aliases and C(uri_default), so
        that accounts created later start with them.
    type: bool
    default: false
  inherit:
    description:
      - Give every selected account (and O(skel)) the system file's aliases and C(uri_default). With V(false), an
        account gets only what its O(users) entry says, and an account without one is left alone.
    type: bool
    default: true
  backup:
    description: Keep a timestamped copy of each file before changing it.
    type: bool
    default: false
notes:
  - A selected account whose file would not change is not touched; one that would get no setting at all gets no
    file.
  - The system file is handled first, then O(skel), then the accounts in the order of O(users), the group's members
    and the other accounts, each once; then the C(libvirt-admin.conf) files in the same order.
seealso:
  - module: virtkit.libvirt_client.libvirt_uri_alias
  - module: virtkit.libvirt_client.libvirt_uri_info
  - name: The libvirt_uri role
    description: Sets these from inventory variables (C(libvirt_uri_*)).
    link: https://github.com/virtkit/libvirt_client/tree/main/roles/libvirt_uri
'''

EXAMPLES = r'''
- name: One default for root and every member of the libvirt group, now and later
  virtkit.libvirt_client.libvirt_uri_accounts:
    system:
      aliases:
        hail: qemu+ssh://root@hail.cloud.example.com/system
      uri_default: hail
    users_from_group: libvirt
    skel: true

- name: Every member of the libvirt group reaches libvirtd's sockets on remote hosts, and virtqemud as "qemud"
  virtkit.libvirt_client.libvirt_uri_accounts:
    system:
      remote_mode: legacy
    admin:
      aliases:
        qemud: virtqemud:///system
    users_from_group: libvirt

- name: Everyone gets the system settings; alice works on her own hypervisor
  virtkit.libvirt_client.libvirt_uri_accounts:
    system:
      aliases:
        hail: qemu+ssh://root@hail.cloud.example.com/system
      uri_default: hail
    all_users: true
    users:
      - user: alice
        aliases:
          lab: qemu+ssh://alice@lab.example.com/system
        uri_default: lab
'''

RETURN = r'''
errors:
  description:
    - The errors of the variables of the C(virtkit.libvirt_client.libvirt_uri) role that runs the module, each
      naming the host and the role variable; the task failed with them on the controller and nothing was sent
      to the host.
  returned: when the role's variables hold errors
  type: list
  elements: str
  sample: ["lab1: libvirt_uri_aliases: alias name 'db.old' is not a valid alias name: aliases may only contain ..."]
files:
  description: One entry per file handled, in the order they were handled.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The file.
      type: str
      sample: /home/alice/.config/libvirt/libvirt.conf
    scope:
      description: V(system), V(skel) or V(user).
      type: str
      sample: user
    user:
      description: The account whose file it is (V(root) for the system file), or null for O(skel).
      type: str
      sample: alice
    changed:
      description: Whether the file was (or would be) changed.
      type: bool
    aliases:
      description: The well-formed C(uri_aliases) entries after the run, C({name, uri}), in file order.
      type: list
      elements: dict
    uri_default:
      description: The C(uri_default) after the run, or null.
      type: str
    config:
      description: V(client) for a C(libvirt.conf), V(admin) for a C(libvirt-admin.conf).
      type: str
      sample: client
    remote_mode:
      description: The C(remote_mode) of a C(libvirt.conf) after the run, or null.
      type: str
    remote_proxy:
      description: The C(remote_proxy) of a C(libvirt.conf) after the run, or null.
      type: str
    malformed:
      description: Malformed C(uri_aliases) entries of the file after the run.
      type: list
      elements: str
    failed:
      description: True when this file was left untouched because of a problem; RV(files[].msg) says which.
      type: bool
    msg:
      description: Why the file was left untouched.
      type: str
refused:
  description:
    - The files left untouched because a value cannot go into them, C({user, path, reason}), for example a URI
      that libvirt refuses for a user but accepts for root.
  returned: always
  type: list
  elements: dict
  sample: []
unsafe:
  description: The accounts left untouched, C({user, path, reason}).
  returned: always
  type: list
  elements: dict
  sample: [{"user": "bob", "path": "/home/bob/.config/libvirt/libvirt.conf",
            "reason": "'/home/bob/.config' is a symbolic link or not a directory; refusing to follow it"}]
accounts:
  description: The accounts selected, by name, in the order they were handled (root stands for the system file).
  returned: always
  type: list
  elements: str
  sample: [alice, bob]
missing_python_augeas:
  description: True when a file had to change and python-augeas cannot be imported on the target.
  returned: on that failure
  type: bool
diff:
  description: In diff mode, one C({before_header, after_header, before, after}) per file, headers naming the file.
  returned: in diff mode
  type: list
  elements: dict
'''

import os

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_accounts as accounts_rule
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_update as engine
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_files as libvirt_files
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import CONFIGS, MissingAugeas, Refusal

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

    def untouched(self, pw, path, reason, config='client'):
        self.files.append(dict(path=path, scope='user', user=pw.pw_name, changed=False, failed=True, msg=reason,
                               config=config))
        self.unsafe.append(dict(user=pw.pw_name, path=path, reason=reason))

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
        xdg = (entry or {}).get('xdg_config_home')
        name = FILE_NAME[config]
        path = libvirt_files.config_path(pw.pw_uid, pw.pw_dir, xdg, name=name)
        try:
            home, rel = libvirt_files.user_config_path(pw, xdg, name=name)
        except libvirt_files.FileError as exc:
            self.untouched(pw, path, to_native(exc), config)
            return
        self.apply('user', pw.pw_name, os.path.join(home, rel),
                   lambda create: libvirt_files.open_user_target(pw, rel, create), spec)


def main():
    alias_spec = dict(type='dict', default={})
    admin_options = dict(
        aliases=alias_spec,
        exclusive=dict(type='bool', default=False),
        uri_default=dict(type='str'),
    )
    module = AnsibleModule(
        argument_spec=dict(
            system=dict(type='dict', options=dict(
                aliases=alias_spec,
                exclusive=dict(type='bool', default=False),
                uri_default=dict(type='str'),
                remote_mode=dict(type='str'),
                remote_proxy=dict(type='str'),
            )),
            admin=dict(type='dict', options=admin_options),
            users=dict(type='list', elements='dict', default=[], options=dict(
                user=dict(type='str', required=True),
                aliases=alias_spec,
                exclusive=dict(type='bool'),
                uri_default=dict(type='str'),
                remote_mode=dict(type='str'),
                remote_proxy=dict(type='str'),
                admin=dict(type='dict', options=dict(admin_options, exclusive=dict(type='bool'))),
                xdg_config_home=dict(type='path'),
            )),
            users_from_group=dict(type='str', default=''),
            all_users=dict(type='bool', default=False),
            skel=dict(type='bool', default=False),
            inherit=dict(type='bool', default=True),
            backup=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    run = Run(module)
    try:
        accounts = run.run()
    except MissingAugeas as exc:
        module.fail_json(msg=missing_required_lib(engine.AUGEAS_PACKAGES), exception=exc.traceback,
                         missing_python_augeas=True, changed=run.changed, files=run.files)
    except (Refusal, libvirt_files.FileError) as exc:
        module.fail_json(msg=to_native(exc), changed=run.changed, files=run.files, unsafe=run.unsafe,
                         refused=run.refused)
    result = dict(changed=run.changed, files=run.files, unsafe=run.unsafe, refused=run.refused, accounts=accounts)
    if module._diff:
        result['diff'] = run.diffs
    untouched = run.unsafe + run.refused
    if untouched:
        module.fail_json(msg='%d file(s) left untouched: %s' % (
            len(untouched), '; '.join('%s (%s): %s' % (u['user'] or 'skel', u['path'], u['reason'])
                                      for u in untouched)),
            **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
