# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller side of virtkit.libvirt_client.libvirt_uri_accounts (documented in plugins/modules/).

Replaces the ``plan`` option (the result of the libvirt_uri_role_plan filter) by the options it holds, or
fails with its errors without contacting the host; refuses arguments holding a NUL character before the
module is sent to the host (see plugins/plugin_utils/_nul_refusal.py); then runs the module as usual.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._nul_refusal import NulRefusingAction

# ansible-playbook's strategy loads this file in its main process before it forks a worker per host for the
# task.  Importing the libvirt_uri role's plan filter (and with it the shared rules and the URI parser) here
# lets those workers inherit it already compiled: the role's task renders the plan in its ``plan`` option,
# and each worker would otherwise compile the filter and its module_utils from source again (about 40 ms of
# CPU per host).  To find one filter of a collection by name, ansible-core's filter loader loads every filter
# file of the collection, so the collection's other filter file is imported here too (another 10 ms of CPU
# per host otherwise).  Nothing else depends on them.
from ansible_collections.virtkit.libvirt_client.plugins.filter import libvirt_uri  # noqa: F401 pylint: disable=unused-import
from ansible_collections.virtkit.libvirt_client.plugins.filter import libvirt_uri_role  # noqa: F401 pylint: disable=unused-import

MODULE = 'virtkit.libvirt_client.libvirt_uri_accounts'


def plan_options(plan, others):
    """(options, errors) of a ``plan``: the module's options it holds, or the messages that refuse it."""
    if others:
        return None, ['%s: plan takes the place of every other option; also given: %s'
                      % (MODULE, ', '.join(sorted(others)))]
    if (not isinstance(plan, Mapping) or not isinstance(plan.get('errors'), list)
            or not isinstance(plan.get('args'), Mapping)):
        return None, ['%s: plan must be the result of the virtkit.libvirt_client.libvirt_uri_role_plan filter '
                      '(a dict with an errors list and an args dict), got %r' % (MODULE, plan)]
    if plan['errors']:
        return None, [str(error) for error in plan['errors']]
    return dict(plan['args']), []


class ActionModule(NulRefusingAction):
    """The module's action: a plan is unpacked, and arguments are checked for NUL characters, on the controller."""

    def run(self, tmp=None, task_vars=None):
        if 'plan' in self._task.args:
            others = [name for name in self._task.args if name != 'plan']
            options, errors = plan_options(self._task.args['plan'], others)
            if errors:
                return {'failed': True, 'changed': False, 'msg': '; '.join(errors), 'errors': errors}
            self._task.args = options
        return super().run(tmp, task_vars)
