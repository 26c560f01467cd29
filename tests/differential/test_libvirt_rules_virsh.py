# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The plain-URI shape of module_utils/_libvirt_rules.py against real virsh.

Plain URIs (hosts 127.0.0.1 or none) with every plain remote_mode and remote_proxy in the
file are never refused by virsh before a connection is tried (the shape's soundness
against check_connect_uri: tests/unit/plugins/module_utils/test_libvirt_rules.py).
"""

import itertools

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_rules import is_plain_uri
from ansible_collections.virtkit.libvirt_client.tests.helpers.libvirt_oracle import (
    PRE_CONNECT,
    PRE_DRIVER,
    oracles,
)


ORACLES = oracles()


@pytest.mark.parametrize('as_root', [False, True], ids=['user', 'root'])
@pytest.mark.parametrize('oracle', ORACLES, ids=[oracle.name for oracle in ORACLES])
def test_plain_uris_against_virsh(oracle, as_root):
    """virsh never refuses a plain URI before it tries to connect (hosts 127.0.0.1 or none only)."""
    uris = []
    for driver, transport, user, path in itertools.product(
            ('qemu', 'lxc', 'xen', 'test', 'vbox', 'remote'), ('', '+ssh', '+libssh', '+libssh2', '+tls', '+tcp'),
            ('', 'root@'), ('/system', '/session')):
        uris.append('%s%s://%s127.0.0.1:1%s' % (driver, transport, user, path))
        if not transport and not user:
            uris.append('%s://%s' % (driver, path))
    configs = 0
    for mode, proxy in itertools.product((None, 'auto', 'legacy'), (None, 'auto', 'netcat', 'native')):
        context = {'root': as_root}
        conf = ''
        if mode:
            context['remote_mode'] = mode
            conf += 'remote_mode = "%s"\n' % mode
        if proxy:
            context['remote_proxy'] = proxy
            conf += 'remote_proxy = "%s"\n' % proxy
        assert all(is_plain_uri(uri, context) for uri in uris)
        answers = oracle.connect_many(uris, conf, as_root=as_root)
        refused = [(uri, text) for uri, (ok, text) in zip(uris, answers)
                   if not ok and text.startswith(PRE_DRIVER + PRE_CONNECT)]
        assert not refused, (oracle.name, conf, refused[:5])
        configs += 1
    assert configs == 12 and len(uris) == 156
