# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The plain-URI shape of module_utils/_libvirt_rules.py, which check_uri accepts without _libvirt_uri.

* Soundness: every URI of a generated grid (drivers, transports, users, hosts, ports, paths,
  queries, each with values on both sides of every rule) that ``is_plain_uri`` accepts in a
  context is accepted by ``check_connect_uri`` in that context, for every context the shape
  allows (root or not, every plain remote_mode and remote_proxy), and under libvirt 9.0 and
  11.3 too.
* Real virsh (tests/differential/test_libvirt_rules_virsh.py): plain URIs (hosts 127.0.0.1 or
  none) with every plain remote_mode and remote_proxy in the file are never refused before a
  connection is tried.
* Reach: the URIs fleets use are plain; every exception of the shape is not, and then
  ``check_uri`` gives the full rules' verdict.
"""

import itertools

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_rules import (
    RuleError,
    check_uri,
    is_plain_uri,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import (
    URIError,
    check_connect_uri,
)

DRIVERS = ('qemu', 'lxc', 'xen', 'test', 'vbox', 'vz', 'openvz', 'vmwareplayer', 'remote', 'esx', 'vpx', 'gsx',
           'foo9', 'Qemu', '9p')
TRANSPORTS = ('', '+ssh', '+libssh', '+libssh2', '+tls', '+tcp', '+unix', '+ext', '+SSH', '+bogus', '+')
USERS = ('', '@', 'root@', 'a.b-c_d@', 'a:b@')
HOSTS = ('', 'h', 'hv1.example.com', '127.0.0.1', '999.1.1.1', 'a-b.c', 'system', 'session', '-h', 'h_1',
         '[::1]', 'h.', '0')
PORTS = ('', ':', ':0', ':00022', ':65535', ':65536')
PATHS = ('/system', '/session', '/', '', '/embed', '/System', '/system/')
QUERIES = ('', '?', '?netcat=nc', '#f')

FLEET_URIS = (
    'qemu:///system',
    'qemu:///session',
    'qemu+ssh://root@hv1.example.com/system',
    'qemu+ssh://hv1/system',
    'qemu+ssh://operator@10.1.2.3:2222/system',
    'qemu+libssh2://root@hail.cloud.example.com/system',
    'qemu+tls://lab.example.com/system',
    'qemu+tcp://192.168.122.1:16509/system',
    'lxc+ssh://root@ct1.example.com/system',
    'xen+ssh://root@dom0/system',
    'qemu+ssh://hv1.example.com/session',
)


def grid(drivers=DRIVERS, transports=TRANSPORTS, users=USERS, hosts=HOSTS, ports=PORTS, paths=PATHS,
         queries=QUERIES):
    for driver, transport, user, host, port, path, query in itertools.product(
            drivers, transports, users, hosts, ports, paths, queries):
        if (user or port) and not host:
            continue
        yield '%s%s://%s%s%s%s%s' % (driver, transport, user, host, port, path, query)


def plain_contexts():
    """Every context in which the shape can hold: root or not, each plain remote_mode and remote_proxy."""
    for root, mode, proxy in itertools.product((False, True), (None, 'auto', 'legacy'),
                                               (None, 'auto', 'netcat', 'native')):
        context = {'root': root}
        if mode is not None:
            context['remote_mode'] = mode
        if proxy is not None:
            context['remote_proxy'] = proxy
        yield context


def refused(uri, context):
    try:
        check_connect_uri(uri, **context)
    except URIError as error:
        return '%r is plain in %r but refused: %s' % (uri, context, error)
    return None


def test_every_plain_uri_of_the_grid_passes_the_full_rules():
    """Shapes: the whole grid, as root and not, with libvirt 9.0 and 11.3 rules."""
    uris = list(grid())
    plain = [uri for uri in uris if is_plain_uri(uri)]
    assert len(uris) > 500000 and 5000 < len(plain) < len(uris) // 20, (len(uris), len(plain))
    for uri in plain:
        for context in ({'root': False}, {'root': True}, {'libvirt_version': '9.0'}, {'libvirt_version': '11.3'}):
            problem = refused(uri, context)
            assert problem is None, problem


def test_every_plain_uri_passes_in_every_plain_context():
    """Settings: every plain context, for the transports, users, hosts and paths they depend on."""
    uris = list(grid(drivers=('qemu', 'test', 'remote'), hosts=('', 'h'), ports=('', ':22'), queries=('',),
                     users=('', 'root@')))
    contexts = list(plain_contexts())
    assert len(contexts) == 24
    checked = 0
    for uri in uris:
        for context in contexts:
            if is_plain_uri(uri, context):
                for version in (None, '7.0', '9.0', '11.3', '12.8'):
                    problem = refused(uri, dict(context, libvirt_version=version))
                    assert problem is None, problem
                    checked += 1
    assert checked == 5 * 24 * len([uri for uri in uris if is_plain_uri(uri)]) > 3000, checked


def test_contexts_outside_the_shape_are_not_plain():
    uri = 'qemu+ssh://root@hv1.example.com/system'
    assert is_plain_uri(uri) and is_plain_uri(uri, {}) and is_plain_uri(uri, {'root': True})
    for context in ({'remote_mode': 'direct'}, {'remote_mode': 'bogus'}, {'remote_proxy': 'bogus'},
                    {'remote_mode': 1}, {'remote_mode': b'auto'}, {'root': 1}, {'root': None},
                    {'libvirt_version': '11.3'}, {'admin': False}, {'colour': 'blue'}):
        assert not is_plain_uri(uri, context), context


@pytest.mark.parametrize('uri', FLEET_URIS)
def test_fleet_uris_are_plain(uri):
    for context in plain_contexts():
        assert is_plain_uri(uri, context), (uri, context)


@pytest.mark.parametrize('uri, rule', [
    ('esx://vc.example.com/system', 'esx driver'),
    ('qemu://system/system', 'host read as a path'),
    ('qemu+ssh://h:65536/system', 'port out of range'),
    ('qemu+ssh://h/system?no_tty=1', 'parameter'),
    ('qemu+unix:///system', 'unix transport'),
    ('qemu+ext:///system?command=/bin/nc', 'ext transport'),
    ('QEMU:///system', 'upper-case driver'),
    ('qemu+ssh://@h/system', 'empty user'),
    ('qemu+ssh://[::1]/system', 'IPv6 host'),
    ('qemu:///embed?root=/r', 'embedded driver'),
    ('qemu+ssh://h/', 'other path'),
    ('qemu+ssh://h/system ', 'trailing space'),
])
def test_exceptions_of_the_shape_get_the_full_rules(uri, rule):
    assert not is_plain_uri(uri), rule
    try:
        check_connect_uri(uri, root=True)
        expected = None
    except URIError as error:
        expected = "uri %r is refused: %s" % (uri, error.message)
    if expected is None:
        check_uri(uri, context={'root': True})
    else:
        with pytest.raises(RuleError) as caught:
            check_uri(uri, context={'root': True})
        assert str(caught.value) == expected


def test_a_plain_uri_in_a_direct_mode_file_gets_the_full_rules():
    with pytest.raises(RuleError) as caught:
        check_uri('qemu+ssh://h/system', context={'root': True, 'remote_mode': 'direct'})
    assert str(caught.value).startswith("uri 'qemu+ssh://h/system' is refused: Cannot use direct socket mode for "
                                        "ssh transport")
