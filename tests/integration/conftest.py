# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the integration tests; the helpers live in the package tests/helpers.

Test modules import helpers from ``ansible_collections.virtkit.libvirt_client.tests.helpers``, never
from ``conftest``, so that several test directories can be collected in one pytest run.
"""

from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import conf, world_tmp  # noqa: F401 pylint: disable=unused-import
