# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller side of virtkit.libvirt_client.libvirt_uri_accounts (documented in plugins/modules/).

Refuses arguments holding a NUL character before the module is sent to the host
(see plugins/plugin_utils/_nul_refusal.py), then runs the module as usual.
"""

from __future__ import annotations

from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._nul_refusal import NulRefusingAction


class ActionModule(NulRefusingAction):
    """The module's action: arguments are checked for NUL characters on the controller."""
