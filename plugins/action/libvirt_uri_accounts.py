# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller side of virtkit.libvirt_client.libvirt_uri_accounts (documented in plugins/modules/).

Refuses arguments holding a NUL character before the module is sent to the host
(see plugins/plugin_utils/_nul_refusal.py), then runs the module as usual.
"""

from __future__ import annotations

from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._nul_refusal import NulRefusingAction

# ansible-playbook's strategy loads this file in its main process before it forks a worker per host for the
# task.  Importing the libvirt_uri role's plan filter (and with it the shared rules and the URI parser) here
# lets those workers inherit it already compiled: the role's module task renders the plan in its arguments,
# and each worker would otherwise compile the filter and its module_utils from source again (about 40 ms of
# CPU per host).  Nothing else depends on it.
from ansible_collections.virtkit.libvirt_client.plugins.filter import libvirt_uri_role  # noqa: F401 pylint: disable=unused-import


class ActionModule(NulRefusingAction):
    """The module's action: arguments are checked for NUL characters on the controller."""
