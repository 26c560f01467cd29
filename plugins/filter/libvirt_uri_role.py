# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter ``libvirt_uri_role_plan``: the files the libvirt_uri role manages on a host, and its input errors.

The documentation is in ``libvirt_uri_role_plan.yml`` next to this file.  The
computation is ``role_plan`` of ``plugins/plugin_utils/_libvirt_role_plan.py``,
which the libvirt_uri_accounts action runs for the role; this filter shows its
result to playbooks, and turns a refused input into a filter error.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import Refusal
from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._libvirt_role_plan import role_plan


def libvirt_uri_role_plan(variables, hostname, groups=None, hostvars=None):
    """Targets and input errors of the libvirt_uri role for one host (see libvirt_uri_role_plan.yml)."""
    try:
        return role_plan(variables, hostname, groups, hostvars)
    except Refusal as exc:
        raise AnsibleFilterError(exc.message)


class FilterModule:
    """The filter behind the libvirt_uri role."""

    def filters(self):
        return {'libvirt_uri_role_plan': libvirt_uri_role_plan}
