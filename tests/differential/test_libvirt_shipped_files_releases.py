# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The libvirt.conf and libvirt-admin.conf of every Debian release the tests hold.

test_libvirt_shipped_files.py covers this machine's (Debian 12) files and every
/etc/libvirt/*.conf of Debian 12's libvirt packages.  Here: the two client files as
installed in each root of tests/fleet/rootfs.sh (Debian 11, 13 and unstable: the package
that ships them, libvirt-clients or libvirt-daemon-common, installed by debootstrap), as
shipped and with their commented examples enabled, must round-trip through the lens byte
for byte, parse, and raise no finding.
"""

import os

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_findings as findings
from ansible_collections.virtkit.libvirt_client.tests.differential.test_libvirt_shipped_files import uncomment
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh_oracle import ROOT_ORACLES, available
from ansible_collections.virtkit.libvirt_client.tests.unit.plugins.module_utils.test_libvirt_augeas import roundtrip

FILES = ('libvirt.conf', 'libvirt-admin.conf')


@pytest.mark.parametrize('release', ROOT_ORACLES)
@pytest.mark.parametrize('name', FILES)
def test_release_files_round_trip_byte_for_byte(release, name):
    usable, tree = available(release)
    if not usable:
        pytest.skip('the %s root is left out: %s' % (release, tree))
    if tree is None:
        pytest.fail('the roots of rootfs.sh need root (make test runs the suite as root)')
    path = os.path.join(tree, 'etc', 'libvirt', name)
    with open(path, newline='') as handle:
        text = handle.read()
    active = uncomment(text)
    # Each file ships its settings commented out: enabling them must change it.
    assert active != text, path
    for variant in (text, active):
        assert roundtrip(variant) == variant, (path, variant)
        entries = libvirt_conf.parse(variant, path)
        items = libvirt_conf.get_string_list(entries, 'uri_aliases', path) or []
        aliases = [dict(zip(('name', 'uri'), libvirt_conf.split_alias_entry(item))) for item in items]
        default = libvirt_conf.get_value(entries, 'uri_default')
        default_uri = default.value if default is not None and default.type == 'string' else None
        assert findings.config_findings(aliases, default_uri, None, stat=findings.os_stat, home='/root') == [], path
    entries = libvirt_conf.parse(active, path)
    assert libvirt_conf.get_value(entries, 'uri_default') is not None, path
