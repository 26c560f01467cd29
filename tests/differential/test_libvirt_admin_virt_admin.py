# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""module_utils/_libvirt_admin.py with real virt-admin as the judge.

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
    admin_connect,
    user_runtime_dir,
)
from ansible_collections.virtkit.libvirt_client.tests.helpers.libvirt_oracle import oracles
from ansible_collections.virtkit.libvirt_client.tests.unit.plugins.module_utils.test_libvirt_admin import (
    ALIASES,
)


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
