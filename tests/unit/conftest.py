# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The unit tests' host: libvirt 9.0, whatever this machine has installed (or not).

Where libvirt versions differ (the parser's overflow check, a few URI rules) and no version
is given, the code asks the host's libvirt (``_libvirt_host.libvirt_version``).  The unit
tests' expectations are libvirt 9.0's, so that answer is 9.0 here, on a machine with
another libvirt or none; the differential tests (tests/differential) ask real libvirt.
"""

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_host

UNIT_HOST_LIBVIRT = (9, 0, 0)


@pytest.fixture(autouse=True)
def host_libvirt(monkeypatch):
    """The host's libvirt is UNIT_HOST_LIBVIRT for the test."""
    monkeypatch.setattr(_libvirt_host, '_VERSION', [UNIT_HOST_LIBVIRT])
    return UNIT_HOST_LIBVIRT
