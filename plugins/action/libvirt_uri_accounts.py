# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller side of virtkit.libvirt_client.libvirt_uri_accounts (documented in plugins/modules/).

The libvirt_uri role calls the module with one option the module does not have, ``__libvirt_uri_role_vars``
(its variables, roles/libvirt_uri/vars/main.yml): this action replaces it by the options the role's plan for
the host holds (plugins/plugin_utils/_libvirt_role_plan.py), or fails with the plan's errors without
contacting the host.  Then it refuses arguments holding a NUL character before the module is sent to the host
(see plugins/plugin_utils/_nul_refusal.py), and runs the module as usual.
"""

from __future__ import annotations

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import Refusal
from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._nul_refusal import NulRefusingAction
# ansible-playbook's strategy loads this file in its main process before it forks a worker per host for the
# task, so the workers inherit the role's plan (and with it the shared rules and the URI parser) already
# compiled instead of compiling them from source again for every host.
from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._libvirt_role_plan import role_plan

MODULE = 'virtkit.libvirt_client.libvirt_uri_accounts'
# The role's way in: internal to the libvirt_uri role, not an option of the module.
ROLE_OPTION = '__libvirt_uri_role_vars'


def role_options(variables, others, task_vars):
    """(options, errors) for the role's ``variables``: the module's options of the host's plan, or its errors."""
    if others:
        return None, ['%s: %s takes the place of every other option; also given: %s'
                      % (MODULE, ROLE_OPTION, ', '.join(sorted(others)))]
    task_vars = task_vars or {}
    try:
        plan = role_plan(variables, task_vars.get('inventory_hostname'), task_vars.get('groups'),
                         task_vars.get('hostvars'))
    except Refusal as exc:
        return None, ['%s: %s' % (MODULE, exc.message)]
    if plan['errors']:
        return None, [str(error) for error in plan['errors']]
    return dict(plan['args']), []


class ActionModule(NulRefusingAction):
    """The module's action: the role's variables are planned, and arguments checked for NUL characters, here."""

    def run(self, tmp=None, task_vars=None):
        if ROLE_OPTION in self._task.args:
            others = [name for name in self._task.args if name != ROLE_OPTION]
            options, errors = role_options(self._task.args[ROLE_OPTION], others, task_vars)
            if errors:
                return {'failed': True, 'changed': False, 'msg': '; '.join(errors), 'errors': errors}
            self._task.args = options
        return super().run(tmp, task_vars)
