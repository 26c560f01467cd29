# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The remote driver's mode and proxy rules of module_utils/_libvirt_uri.py against real virsh.

Remote URIs generated with every combination of transport, path, ``proxy=``, ``netcat=``
and ``mode=`` (tests/unit/plugins/module_utils/test_libvirt_uri_remote.py), under every
combination of the file's ``remote_mode`` and ``remote_proxy`` (each unset or one of its
values or a bad one), hosts 127.0.0.1 and ::1 only, as an unprivileged user and as root.
``check_connect_uri`` must refuse exactly what virsh refuses before it contacts anything,
with virsh's message, and accept the rest: zero mismatches.  Every libvirt of
``libvirt_oracle.oracles()`` is asked: this machine's 9.0 and Debian 13's 11.3 about every
URI, Debian 11's 7.0 and Debian unstable's newest about a sample (``virsh_oracle.sweep``:
every fifth URI and every URI of a rule that differs between versions; VIRTKIT_FULL_SWEEP=1
asks them about every URI).
"""

import os
import re
import time

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import (
    URIError,
    check_connect_uri,
    effective_remote_mode,
)
from ansible_collections.virtkit.libvirt_client.tests.helpers.libvirt_oracle import (
    PRE_CONNECT,
    oracles,
)
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh_oracle import sweep
from ansible_collections.virtkit.libvirt_client.tests.unit.plugins.module_utils.test_libvirt_uri_remote import (
    file_configs,
    generated_uris,
)


def _verdict(uri, mode, proxy, root, version):
    try:
        check_connect_uri(uri, remote_mode=mode, remote_proxy=proxy, root=root, libvirt_version=version)
    except URIError as error:
        return error
    return None


def compare(oracle, as_root, uris=None, configs=None):
    """Ask ``oracle`` about every URI under every file configuration; returns (mismatches, counts)."""
    uris = generated_uris() if uris is None else uris
    mismatches = []
    counts = {'refused': 0, 'later': 0, 'accepted': 0}
    for mode, proxy, conf in (file_configs() if configs is None else configs):
        answers = oracle.connect_many(uris, conf, as_root=as_root)
        for uri, (ok, text) in zip(uris, answers):
            error = _verdict(uri, mode, proxy, as_root, oracle.version)
            where = (oracle.name, 'root' if as_root else 'user', mode, proxy, uri)
            if error is None:
                if ok:
                    counts['accepted'] += 1
                elif text.startswith(PRE_CONNECT):
                    mismatches.append(where + ('accepted here, refused by virsh', text))
                else:
                    counts['later'] += 1
            elif error.libvirt_message != text:
                mismatches.append(where + ('refused here: %s' % error, 'virsh: %s' % (text or 'connected')))
            else:
                counts['refused'] += 1
    return mismatches, counts


ORACLES = oracles()


def differs_by_version(uri):
    """URIs of the rules that differ between libvirt versions (EMBED_ROOT_*, SOCKET_NETCAT_SINCE)."""
    return '/embed' in uri or ('socket=' in uri and 'netcat=' in uri)


@pytest.mark.parametrize('as_root', [False, True], ids=['user', 'root'])
@pytest.mark.parametrize('oracle', ORACLES, ids=[oracle.name for oracle in ORACLES])
def test_remote_rules_against_virsh(oracle, as_root):
    if as_root and os.geteuid() != 0:
        pytest.fail('the root half of the differential needs root (make test runs the suite as root)')
    start = time.time()
    uris = sweep(oracle.system, generated_uris(), differs_by_version)
    mismatches, counts = compare(oracle, as_root, uris)
    elapsed = time.time() - start
    assert not mismatches, '%d mismatches, the first ones:\n%s' % (
        len(mismatches), '\n'.join(repr(row) for row in mismatches[:20]))
    total = len(uris) * 25
    assert sum(counts.values()) == total, counts
    # Every kind of answer is represented.
    assert counts['refused'] > total // 3 and counts['later'] > total // 10, counts
    print('%s as %s: %d URI x configuration pairs in %.1f s: %r'
          % (oracle.name, 'root' if as_root else 'user', total, elapsed, counts))


MODE_LOG = re.compile(r'remoteGetUNIXSocket:\d+ : Choosing remote socket for transport=(\S+) mode=(\S+) ')


@pytest.mark.parametrize('oracle', ORACLES, ids=[oracle.name for oracle in ORACLES])
def test_effective_mode_against_virsh_log(oracle):
    """libvirt logs the mode it goes on with when it picks a socket (unix and SSH transports)."""
    uris = ['qemu:///system', 'qemu:///session', 'qemu+unix:///system?mode=legacy',
            'qemu+ssh://127.0.0.1:1/system', 'qemu+ssh://[::1]:1/system?mode=direct&socket=/s',
            'qemu+ssh://127.0.0.1:1/session?mode=legacy', 'qemu+libssh://127.0.0.1:1/system?MODE=auto',
            'qemu+ssh://127.0.0.1:1/system?mode=direct&mode=legacy', 'remote+ssh://[::1]:1/']
    seen = set()
    for mode, _proxy, conf in file_configs():
        if mode in ('bogus', 'direct') or _proxy == 'bogus':
            continue
        answers = oracle.connect_many(uris, conf, env={'LIBVIRT_LOG_FILTERS': '1:remote.remote_sockets',
                                                       'LIBVIRT_LOG_OUTPUTS': '1:stderr'}, raw=True)
        for uri, (_ok, _text, output) in zip(uris, answers):
            logged = MODE_LOG.findall(output)
            expected = effective_remote_mode(uri, mode)
            if 'socket=' in uri:
                assert logged == [], (uri, output)
                continue
            assert [found[1] for found in logged] == [expected], (uri, mode, output)
            seen.add(expected)
    assert seen == {'auto', 'legacy'}
