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
  - An account's file is the one its login makes libvirt read. When the account's login (pam_env's files,
    C(/etc/environment), C(/etc/profile) and C(/etc/profile.d), its dotfiles and the files they source) sets
    C(XDG_CONFIG_HOME), the module writes C($XDG_CONFIG_HOME/libvirt/) as the login sets it, under the same rules
    as C(~/.config) (as the user, no link followed), when that is an absolute path inside the account's home. A
    login that moves it outside the home, or sets it in a way that cannot be told (computed, conditional,
    relative), leaves the account untouched and listed in RV(unsafe) with the reason, and the module fails, as
    for an unsafe home. O(users[].xdg_config_home) wins over the login. The login is read (as the account, the
    way M(virtkit.libvirt_client.libvirt_uri_info) reads it for PAM service C(sshd), else C(login)) only for an
    account whose login files contain the name C(XDG_CONFIG_HOME) at all; RV(files[].config_home) says where
    each file's directory came from.
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
        description: The account's C(XDG_CONFIG_HOME), an absolute path inside its home. Default the one the
          account's login sets (see the description), else C(~/.config).
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
    config_home:
      description:
        - For a user's file, where the directory of the file in RV(files[].path) came from, C({source, value, file,
          line}); C(source) is V(option) (O(users[].xdg_config_home), the C(value)), V(login) (the C(XDG_CONFIG_HOME)
          the account's login sets, C(value), in C(file) at C(line)), or V(default) (C(~/.config)). For an account
          left untouched because of its login, what the login sets. Null or absent for the other files.
      type: dict
      sample: {source: login, value: /home/alice/.cfg, file: /home/alice/.profile, line: 9}
      version_added: 0.2.0
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

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_update as engine
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_files as libvirt_files
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_accounts_run import Run
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import MissingAugeas, Refusal


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
