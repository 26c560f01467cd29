# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The libvirt versions the differential tests compare with (tests/helpers/virsh_oracle.py).

One test per oracle: it runs, its clients are there, and its version is the one the
collection's rules name (``KNOWN_LIBVIRT_VERSIONS``).  An oracle whose Debian release is no
longer on Debian's registry (and not cached) is reported here as skipped, with the message
of ``tests/fleet/rootfs.sh``; the other differential tests then leave it out.
"""

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import KNOWN_LIBVIRT_VERSIONS
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh_oracle import (
    ALL_ORACLES,
    available,
    oracle,
)

# The release each oracle is: its libvirt's (major, minor), or None for Debian unstable, whose
# libvirt moves (12.8 when the collection's rules were last compared with it).
EXPECTED = {'host': (9, 0), 'debian13': (11, 3), 'debian11': (7, 0), 'sid': None}


@pytest.mark.parametrize('name', ALL_ORACLES)
def test_oracle_runs_its_libvirt(name):
    usable, why = available(name)
    if not usable:
        pytest.skip('the %s oracle is left out: %s' % (name, why))
    version = oracle(name).version_tuple[:2]
    want = EXPECTED[name]
    if want is None:
        assert version >= KNOWN_LIBVIRT_VERSIONS[-1], version
        if version != KNOWN_LIBVIRT_VERSIONS[-1]:
            print('Debian unstable now ships libvirt %d.%d; the rules name %d.%d as the newest'
                  % (version + KNOWN_LIBVIRT_VERSIONS[-1]))
    else:
        assert version == want
        assert want in KNOWN_LIBVIRT_VERSIONS
