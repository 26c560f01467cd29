#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: libvirt_uri_alias
short_description: Manage libvirt URI aliases, C(uri_default), C(remote_mode) and C(remote_proxy) in libvirt.conf
version_added: 0.1.0
description:
  - Adds, changes and removes entries of C(uri_aliases) and sets or removes C(uri_default), C(remote_mode) and
    C(remote_proxy) in libvirt's client configuration file, C(/etc/libvirt/libvirt.conf) for root or
    C($XDG_CONFIG_HOME/libvirt/libvirt.conf) for a user.
  - With O(config=admin), the same for C(virt-admin)'s file instead, C(/etc/libvirt/libvirt-admin.conf) for root or
    C($XDG_CONFIG_HOME/libvirt/libvirt-admin.conf) for a user, whose URIs are admin URIs.
  - The file is edited in place through an Augeas lens. Comments, order, quoting, indentation and every other
    setting stay byte for byte; a new alias joins the existing list in that list's own style.
  - The result is what libvirt does. libvirt uses the B(first) C(uri_aliases) entry of a name and the first
    C(uri_default), so the module changes those, and removes every occurrence when asked to remove one.
  - A file libvirt cannot parse, or whose C(uri_aliases) is not a list of strings, is left untouched and the
    module fails with the path, line and reason. Malformed alias entries, which make every libvirt connection that
    names a URI fail (unless the name matches an alias listed before the entry), are reported as a warning on every run and can be removed with O(state=absent).
  - The new text is checked against libvirt's grammar before it is written; the write is atomic and keeps the
    file's owner, group, mode and SELinux context. A run that changes nothing does not touch the file.
author:
  - virtkit.libvirt_client maintainers (@virtkit)
requirements:
  - python-augeas (C(python3-augeas) on Debian, Ubuntu, Fedora, EL and openSUSE, C(python-augeas) on Arch) on the
    target, with the Augeas library, when the file has to change (a run that changes nothing does not load it).
    The lens is carried by the module; no lens package is needed.
  - Python 3.7 or later on the target.
extends_documentation_fragment:
  - ansible.builtin.files
  - virtkit.libvirt_client._target
  - virtkit.libvirt_client._file
attributes:
  action:
    support: full
    description: An action plugin refuses, on the controller, any argument holding a NUL character (which no
      libvirt.conf name, URI, path or user name can hold), naming the option and the value; all else runs on the
      target.
  check_mode:
    support: full
    description: Reports what would change, with the diff, and writes nothing.
  diff_mode:
    support: full
    description: Returns the text before and after.
  platform:
    support: full
    platforms: posix
    description: Any POSIX host with libaugeas and its Python bindings.
options:
  name:
    description:
      - An alias name, made of C(A-Z), C(a-z), C(0-9), C(_) and C(-).
      - With O(state=absent), also the text of a malformed entry to remove (the text before its first C(=), or the
        whole entry when it has none).
      - Mutually exclusive with O(aliases).
    type: str
  uri:
    description:
      - The URI the alias O(name) stands for. Required with O(name) and O(state=present).
      - Must be a URI libvirt can connect with; C(qemu://system)-style mistakes, URIs without a driver, with a line
        break, or holding both quote characters are refused.
    type: str
  state:
    description:
      - Whether the alias O(name) is present or absent. With O(aliases), every listed alias is made present.
    type: str
    choices: [present, absent]
    default: present
  aliases:
    description:
      - Several aliases at once, alias name to URI. New ones are appended in the order given.
    type: dict
  exclusive:
    description:
      - With O(aliases), remove every C(uri_aliases) entry that is not listed, malformed ones included.
    type: bool
    default: false
  uri_default:
    description:
      - The C(uri_default) to set, an alias name defined in the same file or a URI.
      - The empty string removes C(uri_default) (libvirt rejects an empty one, so it is never written).
      - Omitted, C(uri_default) is left alone.
    type: str
  remote_mode:
    description:
      - The C(remote_mode) of libvirt.conf, which daemon socket a remote URI without C(mode=) reaches on the other
        side. V(legacy) uses the monolithic socket C(libvirt-sock) (C(libvirtd), or C(virtproxyd) in front of the
        modular daemons), V(direct) the driver's own daemon socket (C(virtqemud-sock) and others), V(auto) lets
        libvirt pick (a URI's C(mode=) parameter wins over the setting).
      - The value is checked as libvirt checks it (exact, case-sensitive) and refused with libvirt's words
        (C(Unknown remote mode 'VALUE')) before anything is written.
      - A value that would break an alias of the file after the run is refused, naming the alias, for example
        V(direct) with an SSH alias that has no C(socket=) parameter (libvirt then fails with C(Cannot use direct
        socket mode for ssh transport)).
      - The first C(remote_mode) of the file is the one set; the empty string removes every occurrence; omitted, it
        is left alone.
      - Not with O(config=admin); C(libvirt-admin.conf) has no such setting.
    type: str
  remote_proxy:
    description:
      - The C(remote_proxy) of libvirt.conf, the proxy an SSH URI without C(proxy=) runs on the remote host,
        V(netcat) (C(nc)), V(native) (C(virt-ssh-helper)) or V(auto).
      - Checked and refused as O(remote_mode) (C(Unnkown proxy type 'VALUE'), libvirt's spelling), including a value
        that would break an alias (V(native) with an SSH alias that has a C(netcat=) parameter).
      - The empty string removes every occurrence; omitted, it is left alone. Not with O(config=admin).
    type: str
  config:
    description:
      - Which file of the account to edit. V(client) is C(libvirt.conf), read by C(virsh) and every libvirt client.
        V(admin) is C(libvirt-admin.conf), read by C(virt-admin), with the same grammar and its own C(uri_aliases)
        and C(uri_default).
      - With V(admin), alias URIs and O(uri_default) must be admin URIs C(virt-admin) connects with, C(libvirtd) or
        a C(virt...) daemon scheme (C(virtqemud:///system), C(virtproxyd:///session), C(virtlogd:///system)) with
        the path C(/system) or C(/session), or a C(socket=) parameter naming the socket; C(qemu:///system) and
        other URIs that name a hypervisor driver are refused with C(virt-admin)'s words.
      - With O(path), says which rules apply to that file.
    type: str
    choices: [client, admin]
    default: client
notes:
  - Aliases are looked up once; an alias whose target is another alias's name is not followed by libvirt, so
    such a target is refused as a URI without a driver.
  - The module holds an exclusive lock on the file's directory while it reads, edits and replaces the file, so
    concurrent runs on one host do not lose each other's changes. Temporary files C(.libvirt.conf.PID.N.tmp) left
    by a run that was killed are removed by the next run that is not in check mode.
seealso:
  - name: libvirt connection URIs
    description: How libvirt resolves aliases and the default URI.
    link: https://libvirt.org/uri.html
'''

EXAMPLES = r'''
- name: Add an alias to the system file
  virtkit.libvirt_client.libvirt_uri_alias:
    name: hail
    uri: qemu+ssh://root@hail.cloud.example.com/system

- name: Manage every alias and the default, dropping hand-made leftovers
  virtkit.libvirt_client.libvirt_uri_alias:
    aliases:
      hail: qemu+ssh://root@hail.cloud.example.com/system
      sleet: qemu+ssh://root@sleet.cloud.example.com/system
    exclusive: true
    uri_default: hail

- name: Give a user their own default
  virtkit.libvirt_client.libvirt_uri_alias:
    scope: user
    user: alice
    uri_default: qemu:///session

- name: Remove a malformed entry that breaks connections
  virtkit.libvirt_client.libvirt_uri_alias:
    name: "bad entry without equals sign"
    state: absent

- name: Stop setting a default
  virtkit.libvirt_client.libvirt_uri_alias:
    uri_default: ""

- name: Reach libvirtd's sockets on remote hosts, whatever the distribution's default
  virtkit.libvirt_client.libvirt_uri_alias:
    remote_mode: legacy

- name: Let virt-admin reach virtqemud by a short name
  virtkit.libvirt_client.libvirt_uri_alias:
    config: admin
    name: qemud
    uri: virtqemud:///system
'''

RETURN = r'''
path:
  description: The file the module worked on.
  returned: always
  type: str
  sample: /etc/libvirt/libvirt.conf
scope:
  description:
    - V(system), V(user) or V(path), the kind of file edited. V(system) for O(scope=user) with root, whose file
      libvirt takes to be the system file.
  returned: always
  type: str
  sample: user
user:
  description: With O(scope=user), the account whose file was edited.
  returned: with O(scope=user)
  type: str
  sample: alice
config_home:
  description:
    - With O(scope=user) for an account other than root, where the directory of RV(path) came from,
      C({source, value, file, line}); C(source) is V(option) (O(xdg_config_home), the C(value)), V(login) (the
      C(XDG_CONFIG_HOME) the user's login sets, C(value), in C(file) at C(line)), or V(default) (C(~/.config)).
  returned: with O(scope=user), for an account other than root
  type: dict
  sample: {source: login, value: /home/alice/.cfg, file: /home/alice/.profile, line: 9}
  version_added: 0.2.0
missing_python_augeas:
  description: True when the file had to change and python-augeas cannot be imported on the target.
  returned: on that failure
  type: bool
  sample: true
aliases:
  description: The well-formed C(uri_aliases) entries after the run, in file order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The alias.
      type: str
      sample: hail
    uri:
      description: The URI it stands for.
      type: str
      sample: qemu+ssh://root@hail.cloud.example.com/system
malformed:
  description:
    - The C(uri_aliases) entries after the run that libvirt rejects.
    - Each makes every connection that names a URI (with C(-c), E(LIBVIRT_DEFAULT_URI) or C(uri_default)) fail,
      unless the name matches an alias listed before it.
  returned: always
  type: list
  elements: str
  sample: []
uri_default:
  description: The C(uri_default) libvirt uses after the run, or null when none is set.
  returned: always
  type: str
  sample: hail
remote_mode:
  description: The C(remote_mode) libvirt reads from the file after the run, or null when none is set.
  returned: with O(config=client)
  type: str
  sample: legacy
remote_proxy:
  description: The C(remote_proxy) libvirt reads from the file after the run, or null when none is set.
  returned: with O(config=client)
  type: str
  sample: null
config:
  description: V(client) or V(admin), the kind of file edited (O(config)).
  returned: always
  type: str
  sample: client
changed:
  description: Whether the file was (or, in check mode, would be) changed.
  returned: always
  type: bool
backup_file:
  description: The copy made with O(backup=true).
  returned: when a backup was made
  type: str
  sample: /etc/libvirt/libvirt.conf.12345.2026-11-25@12:00:00~
diff:
  description: The text before and after, in diff mode.
  returned: in diff mode
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_alias_run as alias_run
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_update as engine
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_files as libvirt_files
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import MissingAugeas, Refusal


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type='str'),
            uri=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            aliases=dict(type='dict'),
            exclusive=dict(type='bool', default=False),
            uri_default=dict(type='str'),
            remote_mode=dict(type='str'),
            remote_proxy=dict(type='str'),
            config=dict(type='str', default='client', choices=['client', 'admin']),
            scope=dict(type='str', default='system', choices=['system', 'user']),
            user=dict(type='str'),
            xdg_config_home=dict(type='path'),
            path=dict(type='path'),
            follow=dict(type='bool', default=True),
            create=dict(type='bool', default=True),
            backup=dict(type='bool', default=False),
        ),
        mutually_exclusive=[['name', 'aliases']],
        required_one_of=[['name', 'aliases', 'uri_default', 'remote_mode', 'remote_proxy']],
        required_if=[['state', 'absent', ['name']]],
        required_by={'uri': 'name'},
        add_file_common_args=True,
        supports_check_mode=True,
    )
    if module.params['name'] is not None and module.params['state'] == 'present' and module.params['uri'] is None:
        module.fail_json(msg='uri is required with name and state=present: the URI the alias %r stands for'
                         % module.params['name'])
    try:
        result = alias_run.run(module)
    except MissingAugeas as exc:
        module.fail_json(msg=missing_required_lib(engine.AUGEAS_PACKAGES), exception=exc.traceback,
                         missing_python_augeas=True, changed=False)
    except (Refusal, libvirt_files.FileError) as exc:
        module.fail_json(msg=to_native(exc), changed=False)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
