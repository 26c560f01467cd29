# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""module_utils/_libvirt_admin.py: libvirt-admin.conf and admin URIs, by example.

Real virt-admin judges the same rules in tests/differential/test_libvirt_admin_virt_admin.py.
"""

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as lc
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_admin import (
    ADMIN_CONF_NAME,
    ROOT_ADMIN_CONF,
    admin_config_path,
    admin_connect,
    admin_socket,
    check_admin_uri,
    default_admin_uri,
    resolve_admin,
    user_runtime_dir,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import URIError


# ============================================================ examples

SOCKETS = [
    ('libvirtd:///system', '/run/libvirt/libvirt-admin-sock'),
    ('libvirtd:///session', '/xr/libvirt/libvirt-admin-sock'),
    ('virtqemud:///system', '/run/libvirt/virtqemud-admin-sock'),
    ('virtqemud:///session', '/xr/libvirt/virtqemud-admin-sock'),
    ('virtproxyd:///system', '/run/libvirt/virtproxyd-admin-sock'),
    ('virtlogd:///system', '/run/libvirt/virtlogd-admin-sock'),
    ('virt:///system', '/run/libvirt/virt-admin-sock'),
    ('virtqemud+ssh://127.0.0.1:5/system', '/run/libvirt/virtqemud+ssh-admin-sock'),
    ('libvirtd://u@127.0.0.1:9/system#f', '/run/libvirt/libvirt-admin-sock'),
    ('libvirtd:///syst%65m', '/run/libvirt/libvirt-admin-sock'),
    ('virtqemud:/system', '/run/libvirt/virtqemud-admin-sock'),
    ('libvirtd:///system?socket=/s', '/s'),
    ('libvirtd:///system?socket=/a&socket=/b', '/b'),
    ('qemu:///nowhere?socket=/s', '/s'),
    ('xx?socket=/s', '/s'),
    ('libvirtd:///session?socket=/a%20b', '/a b'),
    ('libvirtd:///system?=x', '/run/libvirt/libvirt-admin-sock'),
]


@pytest.mark.parametrize('uri, socket', SOCKETS)
def test_admin_socket(uri, socket):
    assert admin_socket(uri, runtime_dir='/xr/libvirt') == socket


REFUSED = [
    ('libvirtd+ssh:///system', "unsupported configuration: Unsupported URI scheme 'libvirtd+ssh'"),
    ('Libvirtd:///system', "unsupported configuration: Unsupported URI scheme 'Libvirtd'"),
    ('VIRTqemud:///system', "unsupported configuration: Unsupported URI scheme 'VIRTqemud'"),
    ('qemu:///system', "unsupported configuration: Unsupported URI scheme 'qemu'"),
    ('test:///default', "unsupported configuration: Unsupported URI scheme 'test'"),
    ('libvirtd:///', "unsupported configuration: Invalid URI path '/', try '/system'"),
    ('libvirtd://', "unsupported configuration: Invalid URI path '', try '/system'"),
    ('libvirtd://system', "unsupported configuration: Invalid URI path '', try '/system'"),
    ('libvirtd:///system/', "unsupported configuration: Invalid URI path '/system/', try '/system'"),
    ('libvirtd:///System', "unsupported configuration: Invalid URI path '/System', try '/system'"),
    ('libvirtd:///system?SOCKET=/s', "unsupported configuration: Unknown URI parameter 'SOCKET'"),
    ('libvirtd:///system?socket=/s&x=1', "unsupported configuration: Unknown URI parameter 'x'"),
    ('foo', 'unsupported configuration: No URI scheme specified'),
    ('', 'unsupported configuration: No URI scheme specified'),
    ('xen', 'unsupported configuration: No URI scheme specified'),
    ('a b', 'internal error: Unable to parse URI a b'),
]


@pytest.mark.parametrize('uri, message', REFUSED)
def test_admin_socket_refuses(uri, message):
    with pytest.raises(URIError) as info:
        admin_socket(uri, runtime_dir='/xr/libvirt')
    assert info.value.libvirt_message == message
    assert str(info.value).startswith(message.split(': ', 1)[1])
    with pytest.raises(URIError):
        check_admin_uri(uri)


@pytest.mark.parametrize('uri, rule', [('virtqemud:///system?socket=', 'admin-socket'),
                                       ('libvirtd:///system?socket', 'admin-socket'),
                                       ('virtqemud:///system?socket=/a\'"', 'config-quoting'),
                                       ('virtqemud:///system\n', 'config-quoting')])
def test_check_admin_uri_refuses_what_cannot_work(uri, rule):
    with pytest.raises(URIError) as info:
        check_admin_uri(uri)
    assert info.value.rule == rule and info.value.libvirt_message is None


def test_check_admin_uri_returns_the_socket():
    assert check_admin_uri('virtqemud:///system') == '/run/libvirt/virtqemud-admin-sock'


def test_defaults_and_paths():
    assert default_admin_uri(True) == 'libvirtd:///system'
    assert default_admin_uri(False) == 'libvirtd:///session'
    assert admin_config_path(True, {'XDG_CONFIG_HOME': '/x'}) == ROOT_ADMIN_CONF
    assert admin_config_path(False, {'XDG_CONFIG_HOME': '/x'}) == '/x/libvirt/' + ADMIN_CONF_NAME
    assert admin_config_path(False, {'XDG_CONFIG_HOME': ''}, home='/h') == '/h/.config/libvirt/' + ADMIN_CONF_NAME
    assert user_runtime_dir({'XDG_RUNTIME_DIR': '/xr', 'XDG_CACHE_HOME': '/xc'}, '/h') == '/xr/libvirt'
    assert user_runtime_dir({'XDG_RUNTIME_DIR': '', 'XDG_CACHE_HOME': '/xc'}, '/h') == '/xc/libvirt'
    assert user_runtime_dir({'XDG_RUNTIME_DIR': 'rel'}, '/h') == 'rel/libvirt'
    assert user_runtime_dir({}, '/h') == '/h/.cache/libvirt'


ALIASES = ['q=virtqemud:///system', 'e=libvirtd:///session', '=virtlogd:///system', 'chain=q']


@pytest.mark.parametrize('name, kwargs, uri', [
    ('q', {}, 'virtqemud:///system'),
    ('', {}, 'virtlogd:///system'),
    ('chain', {}, 'q'),
    ('Q', {}, 'Q'),
    (None, {}, 'libvirtd:///session'),
    (None, {'root': True}, 'libvirtd:///system'),
    (None, {'env_default': 'q'}, 'virtqemud:///system'),
    (None, {'env_default': ''}, 'libvirtd:///session'),
    ('e', {'env_default': 'q'}, 'libvirtd:///session'),
    ('q', {'no_aliases': True}, 'q'),
])
def test_resolve_admin(name, kwargs, uri):
    assert resolve_admin(name, aliases=ALIASES, **kwargs) == uri


def test_resolve_admin_default_goes_through_aliases():
    """Unlike virsh, virt-admin looks its built-in default up too: a malformed entry breaks it."""
    with pytest.raises(lc.ConfError) as info:
        resolve_admin(None, aliases=['bad alias=x'])
    assert info.value.message.startswith("configuration file syntax error: Malformed 'uri_aliases' config entry")


def test_admin_connect_reports_libvirt_words():
    with pytest.raises(lc.ConfError) as info:
        admin_connect('qemu:///system', aliases=[])
    assert info.value.message == "unsupported configuration: Unsupported URI scheme 'qemu'"
    assert admin_connect('q', aliases=ALIASES) == {'uri': 'virtqemud:///system',
                                                   'socket': '/run/libvirt/virtqemud-admin-sock'}
