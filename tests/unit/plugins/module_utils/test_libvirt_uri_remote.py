# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The remote driver's mode and proxy rules of module_utils/_libvirt_uri.py.

* Examples of each rule: ``mode=``/``proxy=`` and the file's ``remote_mode`` and
  ``remote_proxy``, the direct mode with SSH transports, ``netcat=`` with the native
  proxy (libvirt's default for ``/session`` URIs when the client is not root), and the
  values libvirt accepts for the two settings.
* The remote URIs and file configurations that tests/differential/test_libvirt_uri_remote_virsh.py
  gives real virsh (every combination of transport, path, ``proxy=``, ``netcat=`` and ``mode=``,
  under every combination of the file's ``remote_mode`` and ``remote_proxy``).
"""

import itertools
import re

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import (
    URIError,
    check_connect_uri,
    check_remote_mode,
    check_remote_proxy,
    effective_remote_mode,
    effective_remote_proxy,
    libvirt_version_tuple,
    remote_driver_handles,
)


def refusal(func, *args, **kwargs):
    with pytest.raises(URIError) as info:
        func(*args, **kwargs)
    return info.value


# ============================================================ the settings' values

@pytest.mark.parametrize('value', ['auto', 'legacy', 'direct'])
def test_remote_mode_values(value):
    assert check_remote_mode(value) == value


@pytest.mark.parametrize('value', ['auto', 'netcat', 'native'])
def test_remote_proxy_values(value):
    assert check_remote_proxy(value) == value


@pytest.mark.parametrize('value', ['bogus', 'Legacy', 'DIRECT', '', ' auto', 'auto '])
def test_remote_mode_refused(value):
    error = refusal(check_remote_mode, value)
    assert error.rule == 'mode'
    assert error.libvirt_message == "invalid argument: Unknown remote mode '%s'" % value
    assert str(error) == ("Unknown remote mode '%s' (remote_mode must be one of auto, legacy, direct)"
                          % value)


@pytest.mark.parametrize('value', ['bogus', 'Native', 'nc', ''])
def test_remote_proxy_refused(value):
    error = refusal(check_remote_proxy, value)
    assert error.rule == 'proxy'
    assert error.libvirt_message == "invalid argument: Unnkown proxy type '%s'" % value
    assert str(error) == ("Unnkown proxy type '%s' (remote_proxy must be one of auto, netcat, native)"
                          % value)


@pytest.mark.parametrize('value', [None, 1, ['auto'], True])
def test_remote_settings_must_be_strings(value):
    for func, name in ((check_remote_mode, 'remote_mode'), (check_remote_proxy, 'remote_proxy')):
        error = refusal(func, value)
        assert error.rule == 'setting-type'
        assert str(error).startswith("expected a string for '%s' parameter, not " % name)
    if value is not None:
        assert refusal(check_connect_uri, 'qemu:///system', remote_mode=value).rule == 'setting-type'


# ============================================================ rules, by example

NATIVE = ('netcat-native', 'invalid argument: netcat path not valid with native proxy mode')
DIRECT = ('direct-mode', 'Operation not supported: Cannot use direct socket mode for ssh transport')
CONNECT = [
    # (uri, keyword arguments, None when accepted, else (rule, libvirt's message))
    ('qemu+ssh://127.0.0.1/session?netcat=nc', {}, NATIVE),
    ('qemu+ssh://127.0.0.1/session?netcat=nc', {'root': True}, None),
    ('qemu+ssh://127.0.0.1/session?netcat=nc&proxy=netcat', {}, None),
    ('qemu+ssh://127.0.0.1/session?netcat=nc&proxy=auto', {}, None),
    ('qemu+ssh://127.0.0.1/session?netcat=nc', {'remote_proxy': 'auto'}, None),
    ('qemu+ssh://127.0.0.1/session?netcat=nc&socket=/s', {}, None),
    ('qemu+ssh://127.0.0.1/session?netcat=', {}, NATIVE),
    ('qemu+ssh://127.0.0.1/session?NETCAT=nc', {}, NATIVE),
    ('qemu+ssh://127.0.0.1/sess%69on?netcat=nc', {}, NATIVE),
    ('qemu+ssh://127.0.0.1/session/?netcat=nc', {}, None),
    ('qemu+libssh://127.0.0.1/session?netcat=nc', {}, NATIVE),
    ('qemu+libssh2://[::1]/session?netcat=nc', {}, NATIVE),
    ('qemu+tcp://127.0.0.1/session?netcat=nc', {}, None),
    ('qemu:///session?netcat=nc', {}, None),
    ('test+ssh://127.0.0.1/default?netcat=nc', {}, NATIVE),
    ('test+ssh://127.0.0.1?netcat=nc', {}, NATIVE),
    ('test+ssh://127.0.0.1?netcat=nc', {'root': True}, None),
    ('qemu+ssh://127.0.0.1/system?netcat=nc', {}, None),
    ('qemu+ssh://127.0.0.1/system?netcat=nc&proxy=native', {'root': True}, NATIVE),
    ('qemu+ssh://127.0.0.1/system?netcat=nc', {'remote_proxy': 'native'}, NATIVE),
    ('qemu+ssh://127.0.0.1/system?netcat=nc&proxy=auto', {'remote_proxy': 'native'}, None),
    ('qemu+ssh://127.0.0.1/system?proxy=native', {}, None),
    # the mode
    ('qemu+ssh://127.0.0.1/system', {'remote_mode': 'direct'}, DIRECT),
    ('qemu+ssh://127.0.0.1/system?mode=legacy', {'remote_mode': 'direct'}, None),
    ('qemu+ssh://127.0.0.1/system?mode=direct&socket=/s', {}, None),
    ('qemu+ssh://127.0.0.1/system?socket=/s', {'remote_mode': 'direct'}, None),
    ('qemu+tls://127.0.0.1/system', {'remote_mode': 'direct'}, None),
    ('qemu:///system', {'remote_mode': 'direct'}, None),
    ('qemu:///system', {'remote_mode': 'bogus'}, ('mode', "invalid argument: Unknown remote mode 'bogus'")),
    ('qemu:///system?mode=auto', {'remote_mode': 'bogus'}, None),
    ('qemu:///system?MODE=auto', {'remote_mode': 'bogus'}, None),
    ('qemu:///system', {'remote_proxy': 'bogus'}, ('proxy', "invalid argument: Unnkown proxy type 'bogus'")),
    ('qemu:///system?proxy=native', {'remote_proxy': 'bogus'}, None),
    ('qemu:///system', {'remote_mode': 'bogus', 'remote_proxy': 'bogus'}, ('mode', "invalid argument: Unknown remote mode 'bogus'")),
    ('qemu:///system?no_tty=x', {'remote_mode': 'bogus'}, ('integer-param', 'invalid argument: Failed to parse value of URI component no_tty')),
    ('qemu+ext:///system', {'remote_proxy': 'bogus'}, ('proxy', "invalid argument: Unnkown proxy type 'bogus'")),
    ('qemu+ssh://127.0.0.1/session?netcat=nc', {'remote_mode': 'direct'}, DIRECT),
    # not the remote driver: the settings do not matter
    ('test:///default', {'remote_mode': 'bogus', 'remote_proxy': 'bogus'}, None),
    ('qemu:///embed?root=/e', {'remote_mode': 'bogus'}, None),
]


@pytest.mark.parametrize('uri, kwargs, expected', CONNECT, ids=['%s %s' % (row[0], row[1]) for row in CONNECT])
def test_connect_rules(uri, kwargs, expected):
    if expected is None:
        check_connect_uri(uri, **kwargs)
        return
    error = refusal(check_connect_uri, uri, **kwargs)
    assert (error.rule, error.libvirt_message) == expected
    assert str(error).startswith(expected[1].split(': ', 1)[1]), str(error)
    assert uri in str(error)


def test_netcat_message_says_why():
    error = refusal(check_connect_uri, 'qemu+ssh://127.0.0.1/session?netcat=nc')
    assert 'proxy=netcat' in str(error) and 'not root' in str(error)
    error = refusal(check_connect_uri, 'qemu+ssh://127.0.0.1/system?netcat=nc', remote_proxy='native')
    assert 'remote_proxy = "native" in libvirt.conf' in str(error)
    error = refusal(check_connect_uri, 'qemu+ssh://127.0.0.1/system', remote_mode='direct')
    assert 'remote_mode = "direct" in libvirt.conf' in str(error)


# Without a version the host's libvirt decides (test_libvirt_uri.py checks that against this machine's virsh).
@pytest.mark.parametrize('version, accepted', [('9.0', False), ('9.0.0', False), ((9, 0), False),
                                               ('11.3', True), ('11.3.0', True)])
def test_embed_root_case_by_version(version, accepted):
    """libvirt 9.0 reads only a parameter named exactly 'root'; 11.3 ignores case."""
    if accepted:
        check_connect_uri('qemu:///embed?ROOT=/x', libvirt_version=version)
    else:
        error = refusal(check_connect_uri, 'qemu:///embed?ROOT=/x', libvirt_version=version)
        assert error.libvirt_message == "invalid argument: Missing URI parameter 'root'"
    check_connect_uri('qemu:///embed?root=/x&ROOT=rel', libvirt_version=version)
    if accepted:
        assert refusal(check_connect_uri, 'qemu:///embed?ROOT=rel&root=/x', libvirt_version=version).rule == 'embed'


@pytest.mark.parametrize('version', ['9', 'latest', '9.x', (9,), (9, 0, 0, 0), 9.0, (True, 0)])
def test_bad_version(version):
    assert refusal(libvirt_version_tuple, version).rule == 'argument'
    assert refusal(check_connect_uri, 'qemu:///system', libvirt_version=version).rule == 'argument'


def test_root_must_be_bool():
    assert refusal(check_connect_uri, 'qemu:///system', root='yes').rule == 'argument'


EFFECTIVE = [
    # (uri, remote_mode, remote_proxy, root, mode, proxy)
    ('qemu+ssh://127.0.0.1/system', None, None, False, 'auto', 'auto'),
    ('qemu+ssh://127.0.0.1/system', 'legacy', 'netcat', False, 'legacy', 'netcat'),
    ('qemu+ssh://127.0.0.1/system?mode=direct&proxy=native', 'legacy', 'netcat', False, 'direct', 'native'),
    ('qemu+ssh://127.0.0.1/system?Mode=direct&mode=auto', 'legacy', None, False, 'auto', 'auto'),
    ('qemu+ssh://127.0.0.1/session', None, None, False, 'auto', 'native'),
    ('qemu+ssh://127.0.0.1/session', None, None, True, 'auto', 'auto'),
    ('qemu+ssh://127.0.0.1/session?socket=/s', None, None, False, 'auto', 'netcat'),
    ('qemu+ssh://127.0.0.1/system?netcat=nc', None, None, False, 'auto', 'netcat'),
    ('qemu+ssh://127.0.0.1/system?mode=bogus', 'legacy', None, False, 'bogus', 'auto'),
    ('qemu+tcp://127.0.0.1/system', 'direct', 'native', False, 'direct', None),
    ('qemu:///system', None, None, False, 'auto', None),
    ('remote://127.0.0.1/', 'legacy', None, False, 'legacy', None),
    ('test:///default', 'legacy', 'native', False, None, None),
    ('test://127.0.0.1/default', 'legacy', None, False, 'legacy', None),
    ('esx://127.0.0.1/', 'legacy', None, False, None, None),
    ('qemu:///embed?root=/x', 'legacy', None, False, None, None),
]


@pytest.mark.parametrize('uri, remote_mode, remote_proxy, root, mode, proxy', EFFECTIVE)
def test_effective_settings(uri, remote_mode, remote_proxy, root, mode, proxy):
    assert effective_remote_mode(uri, remote_mode) == mode
    assert effective_remote_proxy(uri, remote_proxy, root) == proxy
    assert remote_driver_handles(uri) is (mode is not None)


def test_effective_mode_refuses_what_does_not_parse():
    assert refusal(effective_remote_mode, 'qemu://system').rule == 'missing-slash'
    assert refusal(effective_remote_mode, 'qemu:///system', 1).rule == 'setting-type'


# ============================================================ virsh differential

HOSTS = ('127.0.0.1:1', '[::1]:1')
TRANSPORTS = (None, 'ssh', 'libssh2', 'libssh', 'tcp', 'tls', 'unix', 'ext')
PATHS = ('/system', '/session', '/default')
PROXY_PARAMS = (None, 'auto', 'netcat', 'native', 'bogus')
NETCAT_PARAMS = (None, 'nc', '')
MODE_PARAMS = (None, 'auto', 'legacy', 'direct', 'bogus')
FILE_MODES = (None, 'auto', 'legacy', 'direct', 'bogus')
FILE_PROXIES = (None, 'auto', 'netcat', 'native', 'bogus')


def _targets():
    """(scheme, authority) pairs: every transport, with each host where it takes one."""
    for transport in TRANSPORTS:
        scheme = 'qemu' if transport is None else 'qemu+' + transport
        if transport in (None, 'unix', 'ext'):
            yield scheme, ''
        if transport not in ('unix', 'ext'):
            for host in HOSTS:
                yield scheme, host


def generated_uris():
    """Every combination of transport (and host), path, proxy=, netcat= and mode=, plus a few more."""
    uris = []
    for (scheme, host), path, proxy, netcat, mode in itertools.product(
            _targets(), PATHS, PROXY_PARAMS, NETCAT_PARAMS, MODE_PARAMS):
        params = []
        if scheme.endswith('+ext'):
            params.append('command=/bin/false')
        for name, value in (('proxy', proxy), ('netcat', netcat), ('mode', mode)):
            if value is not None:
                params.append('%s=%s' % (name, value))
        uris.append('%s://%s%s%s' % (scheme, host, path, '?' + '&'.join(params) if params else ''))
    # socket= changes the default proxy and lifts the direct-mode check; the test+ schemes and
    # paths that are not quite /session; repeated and upper-case parameter names.
    for transport, path, extra in itertools.product(
            ('ssh', 'libssh', 'unix'), ('/system', '/session'),
            ('socket=/nonexistent/s', 'socket=/nonexistent/s&netcat=nc', 'socket=/nonexistent/s&mode=direct',
             'socket=&netcat=nc', 'socket=/nonexistent/s&proxy=native&netcat=nc')):
        host = '' if transport == 'unix' else HOSTS[len(uris) % 2]
        uris.append('qemu+%s://%s%s?%s' % (transport, host, path, extra))
    for uri in ('test+ssh://127.0.0.1:1/default?netcat=nc', 'test+libssh://[::1]:1/default?netcat=nc',
                'test+ssh://127.0.0.1:1?netcat=nc', 'test+ssh://[::1]:1/default?proxy=netcat&netcat=nc',
                'test+unix:///default?netcat=nc', 'TEST+ssh://127.0.0.1:1/default?netcat=nc',
                'qemu+ssh://127.0.0.1:1/sess%69on?netcat=nc', 'qemu+ssh://127.0.0.1:1/session/?netcat=nc',
                'qemu+ssh://127.0.0.1:1/SESSION?netcat=nc', 'qemu+ssh://[::1]:1/session?NETCAT=nc',
                'qemu+ssh://127.0.0.1:1/session?netcat',
                'qemu+ssh://127.0.0.1:1/session?netcat=nc&proxy=native&proxy=auto',
                'qemu+ssh://127.0.0.1:1/session?netcat=nc&PROXY=netcat',
                'qemu+ssh://127.0.0.1:1/system?mode=direct&MODE=legacy',
                'qemu+SSH://[::1]:1/system?mode=direct', 'qemu+LibSSH://127.0.0.1:1/session?netcat=nc',
                'remote+ssh://127.0.0.1:1/session?netcat=nc', 'remote+ssh://127.0.0.1:1/?netcat=nc',
                'qemu+ssh://127.0.0.1:1/session?no_tty=x&netcat=nc', 'qemu+ext:///session?netcat=nc&proxy=native',
                'qemu+ssh://127.0.0.1:1/session?mode=Direct&netcat=nc'):
        uris.append(uri)
    return uris


def file_configs():
    """(remote_mode, remote_proxy, libvirt.conf text) for every combination of the two settings."""
    for mode, proxy in itertools.product(FILE_MODES, FILE_PROXIES):
        lines = []
        if mode is not None:
            lines.append('remote_mode = "%s"\n' % mode)
        if proxy is not None:
            lines.append('remote_proxy = "%s"\n' % proxy)
        yield mode, proxy, ''.join(lines)


def test_generated_corpus_shape():
    uris = generated_uris()
    assert len(uris) == len(set(uris))
    for uri in uris:
        authority = re.match(r'[^:]*://([^/?]*)', uri).group(1)
        assert authority in ('', '127.0.0.1:1', '[::1]:1'), uri
    assert len(list(file_configs())) == 25


# Rules libvirt 7.0 (Debian 11) lacks (found by the differential tests against its virsh).
@pytest.mark.parametrize('version, refused', [('7.0', False), ('7.0.0', False), ((7, 0), False), ('7.1', True),
                                              ('9.0', True), ('11.3', True), ('12.8', True)])
def test_embed_relative_root_by_version(version, refused):
    """libvirt 7.0 passes a relative root= on to the driver; from 9.0 it is refused first."""
    for uri in ('qemu:///embed?root=rel', 'vbox://127.0.0.1:9/embed?root=rel', 'esx:///embed?root=rel',
                'remote://localhost:9/embed?root=rel', 'qemu:///embed?root='):
        if refused:
            error = refusal(check_connect_uri, uri, libvirt_version=version)
            assert error.libvirt_message == 'unsupported configuration: root path must be absolute', uri
        else:
            check_connect_uri(uri, libvirt_version=version)
    # A missing root= is refused by every version, a lower-case driver name is required by all.
    error = refusal(check_connect_uri, 'qemu:///embed', libvirt_version=version)
    assert error.libvirt_message == "invalid argument: Missing URI parameter 'root'"
    assert refusal(check_connect_uri, 'QEMU:///embed?root=/x', libvirt_version=version).rule == 'embed'


@pytest.mark.parametrize('version, refused', [('7.0', True), ('9.0', False), ('11.3', False), ('12.8', False)])
def test_socket_with_netcat_by_version(version, refused):
    """libvirt 7.0 keeps the native proxy for a user's /session URI even with socket=, so netcat= is refused."""
    for uri in ('qemu+ssh://[::1]:1/session?socket=/nonexistent/s&netcat=nc',
                'qemu+libssh://127.0.0.1/session?socket=&netcat=nc'):
        if refused:
            error = refusal(check_connect_uri, uri, libvirt_version=version)
            assert error.libvirt_message == 'invalid argument: netcat path not valid with native proxy mode'
            assert 'libvirt 7.0' in str(error) and 'socket=' in str(error)
            assert effective_remote_proxy(uri, libvirt_version=version) == 'native'
        else:
            check_connect_uri(uri, libvirt_version=version)
            assert effective_remote_proxy(uri, libvirt_version=version) == 'netcat'
        # root, or proxy= / remote_proxy, make the versions agree
        check_connect_uri(uri, root=True, libvirt_version=version)
        check_connect_uri(uri + '&proxy=netcat', libvirt_version=version)
        check_connect_uri(uri, remote_proxy='auto', libvirt_version=version)
