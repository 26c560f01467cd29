# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller side of virtkit.libvirt_client.libvirt_uri_vars (documented in plugins/modules/).

The action's options and run: what to write is planned by ``plugins/plugin_utils/_libvirt_adopt_plan.py``, the
files are rewritten with their comments kept by ``plugins/plugin_utils/_libvirt_yaml_roundtrip.py`` (which alone
imports ruamel.yaml); this file checks the options, writes the files (not in check mode) and warns when the report
is where ansible would read it as an inventory source.
"""

from __future__ import annotations

import os
import re

from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.action import ActionBase

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import Refusal
from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._libvirt_adopt_plan import VARS_FILE, plan
from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._libvirt_yaml_roundtrip import (
    HAS_RUAMEL, read_text, remove_file, render_report, render_vars, write_text,
)

# The report's name ends in .txt, an extension ansible skips in an inventory directory (INVENTORY_IGNORE_EXTS):
# DEST is usually the inventory's own directory, and ansible would read a .yml report there as an inventory source
# (a group named "hosts", and a warning for every other key, on every run).
REPORT_NAME = 'libvirt_uri_adopt_report.txt'
# Its name in 0.1.0: a report of that name that this action wrote (it starts with OLD_REPORT_START) is removed by
# a run with the default name.
OLD_REPORT_NAME = 'libvirt_uri_adopt_report.yml'
OLD_REPORT_START = '---\n# Report of the last run of virtkit.libvirt_client.adopt (rewritten by every run).\n'

ARGUMENT_SPEC = dict(
    dest=dict(type='path', required=True),
    results=dict(type='dict', required=True),
    users=dict(type='list', elements='raw', default=[]),
    report=dict(type='str', default=REPORT_NAME),
)


# Directories ansible's inventory loader never reads as inventory sources, at any depth of an inventory directory.
INVENTORY_SKIPPED_DIRS = ('group_vars', 'host_vars', 'vars_plugins')


def inventory_skips(name):
    """Whether ansible's inventory loader skips a file or directory of this name in an inventory directory.

    It skips names starting with a dot, the group_vars, host_vars and vars_plugins directories, names ending in one
    of INVENTORY_IGNORE_EXTS and names matching one of the regular expressions of INVENTORY_IGNORE_PATTERNS.
    """
    if name.startswith('.') or name in INVENTORY_SKIPPED_DIRS:
        return True
    if any(name.endswith(ext) for ext in C.INVENTORY_IGNORE_EXTS):
        return True
    return any(re.search(pattern, name) for pattern in C.INVENTORY_IGNORE_PATTERNS)


def read_as_inventory(path, sources):
    """The inventory directory of ``sources`` from which ansible would read ``path`` as an inventory source, or None.

    Ansible reads every file of a directory given as inventory, and of its subdirectories, but for the names its
    inventory loader skips (``inventory_skips``).
    """
    path = os.path.realpath(path)
    for source in sources:
        if not isinstance(source, str) or not os.path.isdir(source):
            continue
        rel = os.path.relpath(path, os.path.realpath(source))
        if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
            continue
        if not any(inventory_skips(part) for part in rel.split(os.sep)):
            return source
    return None


class ActionModule(ActionBase):
    """Write inventory vars files from libvirt_uri_info results, on the controller."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        if not HAS_RUAMEL:
            raise AnsibleActionFail('the ruamel.yaml Python library is required on the controller '
                                    '(pip install ruamel.yaml into the Python that runs ansible-playbook)')
        dest = args['dest']
        report_name = args['report']
        if not report_name or '/' in report_name or report_name in ('.', '..'):
            raise AnsibleActionFail('report must be a file name (no directory), got %r' % report_name)
        if os.path.exists(dest) and not os.path.isdir(dest):
            raise AnsibleActionFail('dest %s exists and is not a directory' % dest)
        try:
            group, hosts, report = plan(args['results'], args['users'])
            jobs = [(os.path.join(dest, 'group_vars', 'all', VARS_FILE), group)]
            for host in sorted(hosts):
                if hosts[host] is None:
                    continue
                if host in ('.', '..') or '/' in host:
                    raise Refusal('inventory host name %r cannot name a host_vars directory' % host)
                jobs.append((os.path.join(dest, 'host_vars', host, VARS_FILE), hosts[host]))
            writes = []
            files = []
            for path, wanted in jobs:
                old = read_text(path)
                new, changed = render_vars(path, old, wanted)
                if new is None:
                    continue
                files.append({'path': path, 'state': 'unchanged' if not changed else
                              ('created' if old is None else 'updated')})
                if changed:
                    writes.append((path, old, new))
            report_path = os.path.join(dest, report_name)
            old = read_text(report_path)
            new = render_report(report)
            files.append({'path': report_path, 'state': 'unchanged' if old == new else
                          ('created' if old is None else 'updated')})
            if old != new:
                writes.append((report_path, old, new))
            removals = []
            if self._task.args.get('report') is None:
                old_path = os.path.join(dest, OLD_REPORT_NAME)
                old = read_text(old_path)
                if old is not None and old.startswith(OLD_REPORT_START):
                    files.append({'path': old_path, 'state': 'removed'})
                    removals.append((old_path, old))
            if not self._task.check_mode:
                for path, old, new in writes:
                    write_text(path, new)
                for path, old in removals:
                    remove_file(path)
        except Refusal as exc:
            raise AnsibleActionFail(to_native(exc))
        inventory = read_as_inventory(report_path, (task_vars or {}).get('ansible_inventory_sources') or [])
        if inventory is not None:
            result['warnings'] = [
                'the report %s is in the inventory directory %s, so ansible reads it as an inventory source: '
                'give report a name that ends in one of %s (INVENTORY_IGNORE_EXTS), as the default %s does'
                % (report_path, inventory, ', '.join(C.INVENTORY_IGNORE_EXTS), REPORT_NAME)]
        result.update(
            changed=bool(writes or removals),
            files=files,
            report=report,
            report_path=report_path,
        )
        if self._task.diff:
            result['diff'] = [{'before_header': path, 'after_header': path, 'before': old or '', 'after': new}
                              for path, old, new in writes]
            result['diff'] += [{'before_header': path, 'after_header': path, 'before': old, 'after': ''}
                               for path, old in removals]
        return result
