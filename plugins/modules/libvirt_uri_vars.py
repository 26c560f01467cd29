#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
---
module: libvirt_uri_vars
short_description: Write the libvirt_uri role's inventory variables from what hosts have
version_added: 0.1.0
description:
  - Turns the results of M(virtkit.libvirt_client.libvirt_uri_info) gathered on many hosts into inventory variables
    of the role R(virtkit.libvirt_client.libvirt_uri,ansible_collections.virtkit.libvirt_client.libvirt_uri_role),
    so that applying the role afterwards changes nothing on any host.
  - What every adopted host shares goes to C(DEST/group_vars/all/libvirt_uri.yml) - the aliases present on every
    host with the same URI, and C(uri_default) when it is the same everywhere. What differs goes to
    C(DEST/host_vars/HOST/libvirt_uri.yml), with the host's complete value (Ansible replaces a dictionary or list of
    a group with that of the host, it does not merge them).
  - Only C(libvirt_uri_default), C(libvirt_uri_aliases) and C(libvirt_uri_users) are written. Existing files are
    updated with a YAML round trip - comments, other variables, key order, quoting and indentation stay - and a file
    whose variables already hold the adopted values is not rewritten.
  - Aliases keep the order they have in the files. For an alias listed twice in a file, the first entry is adopted,
    as libvirt uses the first.
  - Malformed entries, entries or defaults the role would refuse, and files libvirt cannot use are never adopted;
    they are listed in the report, C(DEST/libvirt_uri_adopt_report.txt), with conflicts (one alias with different
    URIs on different hosts), defaults that differ, hosts that were unreachable or failed, and users missing on a
    host. A host whose system file libvirt cannot use gets host variables that keep the role away from that file.
  - This is an action that runs on the controller; the module itself only carries the documentation.
author:
  - virtkit.libvirt_client maintainers (@virtkit)
requirements:
  - ruamel.yaml on the controller (the Python running C(ansible-playbook)).
attributes:
  action:
    support: full
    description: The work is done by the action plugin on the controller.
  check_mode:
    support: full
    description: Reports which files would be written, and writes nothing.
  diff_mode:
    support: full
    description: Shows the old and new text of each file written.
  platform:
    support: full
    platforms: posix
    description: Runs on the controller; the files are written there.
options:
  dest:
    description:
      - Directory of the inventory variables, the one holding (or to hold) C(group_vars/) and C(host_vars/).
      - Created when missing.
    type: path
    required: true
  results:
    description:
      - Inventory host name to the result of M(virtkit.libvirt_client.libvirt_uri_info) on that host (registered with
        O(users) and the system file), or to a failed or unreachable result, which lists the host in the report.
    type: dict
    required: true
  users:
    description:
      - Users whose files were gathered, each a name or a dict with C(user) and C(xdg_config_home), as given to
        M(virtkit.libvirt_client.libvirt_uri_info). They become entries of C(libvirt_uri_users).
    type: list
    elements: raw
    default: []
  report:
    description:
      - File name of the report (YAML), written in O(dest).
      - O(dest) is usually the inventory's own directory, where Ansible reads every file whose name does not end in
        one of the extensions of C(INVENTORY_IGNORE_EXTS) (V(.txt), V(.md), V(.cfg) and others) as an inventory
        source. The default name ends in V(.txt) for that reason; a name Ansible would read as inventory in a
        directory that is an inventory source of the run gets a warning.
      - With the default name, a report named C(libvirt_uri_adopt_report.yml) that an earlier version of this
        action wrote in O(dest) is removed.
    type: str
    default: libvirt_uri_adopt_report.txt
notes:
  - Group variables apply to every host of the inventory, also to hosts that were not adopted (unreachable, failed,
    or left out with C(--limit)); adopt those again once they can be reached.
seealso:
  - module: virtkit.libvirt_client.libvirt_uri_info
  - name: Bringing an existing fleet under management
    description: The C(virtkit.libvirt_client.adopt) playbook that gathers the results and runs this action.
    link: https://github.com/virtkit/libvirt_client/blob/main/docs/adopting.md
'''

EXAMPLES = r'''
- name: Read every host's files
  virtkit.libvirt_client.libvirt_uri_info:
    users: [alice]
  register: adopt_info
  ignore_unreachable: true
  failed_when: false

- name: Write group_vars and host_vars next to the inventory
  virtkit.libvirt_client.libvirt_uri_vars:
    dest: "{{ inventory_dir }}"
    users: [alice]
    results: "{{ dict(ansible_play_hosts_all | zip(ansible_play_hosts_all | map('extract', hostvars, 'adopt_info'))) }}"
  run_once: true
  delegate_to: localhost
'''

RETURN = r'''
files:
  description: Each file considered, with what happened to it.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The file.
      type: str
      sample: /srv/inventory/group_vars/all/libvirt_uri.yml
    state:
      description: V(created), V(updated) or V(unchanged), or V(removed) for the report of an earlier version (in
        check mode, what would happen).
      type: str
      sample: unchanged
report_path:
  description: The report file.
  returned: always
  type: str
  sample: /srv/inventory/libvirt_uri_adopt_report.txt
report:
  description: The report, as written to RV(report_path).
  returned: always
  type: dict
  contains:
    hosts:
      description: C(adopted) (list of hosts), C(unreachable) and C(failed) (host to message).
      type: dict
      sample: {"adopted": ["hv1", "hv2"], "unreachable": {"hv3": "Failed to connect to the host via ssh"}, "failed": {}}
    conflicts:
      description: Aliases with different URIs on different hosts, each with C(file) (V(system) or V(user NAME)),
        C(alias) and C(uris) (URI to hosts). They are written to host_vars.
      type: list
      elements: dict
      sample: [{"file": "system", "alias": "lab", "uris": {"qemu+ssh://root@a/system": ["hv1"],
               "qemu+ssh://root@b/system": ["hv2"]}}]
    defaults:
      description: Files whose C(uri_default) differs between hosts, with C(file) and C(values) (value to hosts).
      type: list
      elements: dict
      sample: []
    malformed:
      description: Malformed C(uri_aliases) entries, with C(host), C(path), C(line), C(entry) and libvirt's C(message).
      type: list
      elements: dict
      sample: []
    not_adopted:
      description: Well-formed entries and defaults the role would refuse, with C(host), C(path), C(setting), C(value)
        and C(reason).
      type: list
      elements: dict
      sample: []
    unusable_files:
      description: Files libvirt cannot use (syntax error, unreadable), with C(host), C(path) and C(error).
      type: list
      elements: dict
      sample: []
    duplicates:
      description: Files listing an alias more than once, with C(host), C(path) and C(aliases).
      type: list
      elements: dict
      sample: []
    missing_users:
      description: Users of O(users) that do not exist on a host, with C(host) and C(user).
      type: list
      elements: dict
      sample: []
'''

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(
            dest=dict(type='path', required=True),
            results=dict(type='dict', required=True),
            users=dict(type='list', elements='raw', default=[]),
            report=dict(type='str', default='libvirt_uri_adopt_report.txt'),
        ),
        supports_check_mode=True,
    )
    module.fail_json(msg='virtkit.libvirt_client.libvirt_uri_vars runs on the controller through its action plugin, '
                         'which was not used here (the module was run on a target directly); run it as a task of a '
                         'play with the virtkit.libvirt_client collection installed on the controller.')


if __name__ == '__main__':
    main()
