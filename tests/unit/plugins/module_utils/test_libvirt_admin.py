# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""module_utils/_libvirt_admin.py: libvirt-admin.conf and admin URIs, with real virt-admin as the judge.

No daemon runs here, so ``virt-admin [-c NAME] uri`` always fails; its last error
either names the socket it tried (``Failed to connect socket to 'PATH': ...``), which
shows which URI it resolved, or is the refusal ``admin_connect`` must reproduce word
for word.  Every case runs as root (a temporary /etc/libvirt bind-mounted in a private
mount namespace) and as ``nobody`` (XDG_CONFIG_HOME pointing at a temporary
directory), against every libvirt of ``libvirt_oracle.oracles()``.
"""

import itertools
from concurrent.futures import ThreadPoolExecutor

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
from ansible_collections.virtkit.libvirt_client.tests.unit.plugins.module_utils.libvirt_oracle import oracles


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


# ============================================================ virt-admin differential

NAMES = [None, '', 'libvirtd:///system', 'libvirtd:///session', 'virtqemud:///system', 'virtqemud:///session',
         'virtproxyd:///system', 'virtlogd:///session', 'virt:///system', 'virtqemud+ssh://127.0.0.1:5/system',
         'libvirtd+ssh:///system', 'Libvirtd:///system', 'VIRTqemud:///system', 'qemu:///system',
         'test:///default', 'libvirtd:///', 'libvirtd://', 'libvirtd:', 'libvirtd:///syst%65m',
         'libvirtd:///system/', 'libvirtd:///System', 'libvirtd:///system?socket=/nonexistent/s',
         'libvirtd:///system?SOCKET=/s', 'libvirtd:///system?x=1', 'libvirtd:///system?socket=/s&x=1',
         'libvirtd:///system?socket=/nonexistent/a&socket=/nonexistent/b', 'foo:///bar?socket=/nonexistent/s',
         'xx?socket=/nonexistent/s', 'foo', 'xen', 'libvirtd:///system#frag', 'libvirtd://u@127.0.0.1:9/system',
         'libvirtd:///system?=x', 'virtqemud:/system', 'libvirtd://system', 'a b',
         'libvirtd:///session?socket=/nonexistent/a%20b', 'q', 'e', 'chain', 'Q', 'bad alias']
SESSION_NAMES = [None, '', 'libvirtd:///session', 'virtqemud:///session', 'q', 'e']

ALIAS_LIST = 'uri_aliases = [%s]\n' % ', '.join('"%s"' % entry for entry in ALIASES)
CONFS = [
    None,
    ALIAS_LIST,
    ALIAS_LIST + 'uri_default = "e"\n',
    ALIAS_LIST + 'uri_default = ""\n',
    'uri_default = "virtlogd:///session"\n',
    'uri_default = "virtqemud:///system"\nuri_aliases = ["virtqemud=virtlogd:///system"]\n',
    'uri_default = 1\n',
    'uri_aliases = ["bad alias=x", "q=virtqemud:///system"]\n',
    'uri_aliases = ["q=virtqemud:///system", "bad"]\n',
    'uri_aliases = "q=virtqemud:///system"\n',
    'x = \n',
]
ENVS = [{}, {'XDG_RUNTIME_DIR': '/nonexistent/xr'}, {'XDG_CACHE_HOME': '/nonexistent/xc'},
        {'LIBVIRT_ADMIN_DEFAULT_URI': 'q'}, {'LIBVIRT_ADMIN_DEFAULT_URI': ''}]


def admin_groups():
    """(conf, env, names): every name under every configuration, the names that depend on it under every env."""
    groups = [(conf, {}, NAMES) for conf in CONFS]
    groups += [(conf, env, SESSION_NAMES) for conf, env in itertools.product(CONFS, ENVS[1:])]
    return groups


def expected_answer(name, conf, env, as_root, home):
    """What admin_connect says virt-admin does: ('socket', path) or ('error', message)."""
    path = ROOT_ADMIN_CONF if as_root else home + '/libvirt/' + ADMIN_CONF_NAME
    environ = dict(env, HOME=home)
    try:
        entries = lc.parse(conf, path) if conf is not None else None
        found = admin_connect(name, entries=entries, path=path, root=as_root,
                              env_default=environ.get('LIBVIRT_ADMIN_DEFAULT_URI'),
                              runtime_dir=user_runtime_dir(environ, home))
    except lc.ConfError as error:
        return 'error', error.message
    return 'socket', found['socket']


def virt_admin_answer(text):
    prefix = "Failed to connect socket to '"
    if text.startswith(prefix) and "': " in text:
        return 'socket', text[len(prefix):text.rindex("': ")]
    return 'error', text


ORACLES = oracles()


@pytest.mark.parametrize('as_root', [False, True], ids=['user', 'root'])
@pytest.mark.parametrize('oracle', ORACLES, ids=[oracle.name for oracle in ORACLES])
def test_admin_rules_against_virt_admin(oracle, as_root):
    groups = admin_groups()

    def ask(group):
        conf, env, names = group
        return oracle.admin_connect_many(names, conf, as_root=as_root, env=env)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(ask, groups))
    mismatches = []
    kinds = {}
    for (conf, env, names), (found, home) in zip(groups, answers):
        for name, (ok, text) in zip(names, found):
            assert not ok, (name, conf, env)
            expected = expected_answer(name, conf, env, as_root, home)
            kinds[expected[0]] = kinds.get(expected[0], 0) + 1
            if expected != virt_admin_answer(text):
                mismatches.append((name, conf, env, expected, text))
    assert not mismatches, '%d mismatches:\n%s' % (len(mismatches), '\n'.join(repr(row) for row in mismatches[:15]))
    assert kinds['socket'] > 100 and kinds['error'] > 100, kinds


@pytest.mark.parametrize('oracle', ORACLES, ids=[oracle.name for oracle in ORACLES])
def test_dash_c_and_connect_agree(oracle):
    """The differential uses virt-admin's connect command; -c NAME goes the same way."""
    conf = ALIAS_LIST + 'uri_default = "e"\n'
    names = [None, '', 'q', 'virtqemud:///session', 'qemu:///system']
    found, _home = oracle.admin_connect_many(names, conf, env={'XDG_RUNTIME_DIR': '/nonexistent/xr'})
    for name, (_ok, text) in zip(names, found):
        args = (['-c', name] if name is not None else []) + ['uri']
        _rc, errors, _out, _home = oracle.virt_admin(args, conf, env={'XDG_RUNTIME_DIR': '/nonexistent/xr'})
        assert errors[-1] == text, (name, errors, text)
