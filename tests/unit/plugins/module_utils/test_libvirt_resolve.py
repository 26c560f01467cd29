# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""libvirt_resolve: direct checks, and the cases of the differential test against real virsh.

The differential test (tests/differential/test_libvirt_resolve_virsh.py) generates
(libvirt.conf, request) cases from a fixed seed (``make_case``).  Every URI written anywhere is ``test:///default`` or
``test:///default?x=N`` (the test driver needs no daemon) or a bare word
(which names no driver), so virsh never contacts a daemon or a host.  Each
case is resolved by ``resolve()`` and by ``virsh [-c NAME] uri`` run as
``nobody``, with libvirt 9.0 and with 11.3 (virsh_oracle); both must give
the same URI or the same error message.
"""

import os
import shutil
import tempfile

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as lc
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_resolve import resolve

SEED = 20261125
CASES = 400
NO_DRIVER = "no connection driver available for URI '%s' does not include a driver name"


def _entries(text, path='/x/libvirt.conf'):
    return lc.parse(text, path)


def _error(**kwargs):
    name = kwargs.pop('name', None)
    with pytest.raises(lc.ConfError) as info:
        resolve(name, **kwargs)
    return info.value.message


# ------------------------------------------------------------------ direct checks

def test_explicit_name_goes_through_aliases_once():
    entries = _entries('uri_aliases = ["a=b", "b=test:///default", "c=test:///default?x=1=2"]\n')
    assert resolve('b', entries=entries) == 'test:///default'
    assert resolve('c', entries=entries) == 'test:///default?x=1=2'
    assert _error(name='a', entries=entries) == NO_DRIVER % 'a'
    assert resolve('test:///default', entries=entries) == 'test:///default'


def test_xen_becomes_xen_system_before_alias_lookup():
    entries = _entries('uri_aliases = ["xen=test:///default"]\nuri_default = "xen"\n')
    for name in ('xen', 'XEN', 'xEn', 'xen://'):
        assert resolve(name, entries=entries) == 'xen:///system'
    assert resolve('xen:', entries=_entries('')) == 'xen:'
    # Through the defaults the alias is reachable.
    assert resolve(None, entries=entries) == 'test:///default'
    assert resolve(None, entries=[], env_default='xen', aliases=['xen=test:///default?x=1']) == \
        'test:///default?x=1'


def test_default_order_and_probe():
    entries = _entries('uri_default = "test:///default?x=1"\n')
    assert resolve(None, entries=entries) == 'test:///default?x=1'
    assert resolve('', entries=entries, env_default='') == 'test:///default?x=1'
    assert resolve('', entries=entries, env_default='test:///default?x=2') == 'test:///default?x=2'
    assert resolve('', entries=entries, env_default='test:///default?x=2',
                   virsh_default='test:///default?x=3') == 'test:///default?x=3'
    assert resolve('test:///default', entries=entries, virsh_default='x') == 'test:///default'
    assert resolve(None, entries=[]) == 'qemu:///system'
    assert resolve(None, entries=None, probe='qemu:///session') == 'qemu:///session'


def test_probe_result_skips_aliases():
    # Checked with virsh 9.0: with nothing naming a URI, a malformed entry or a
    # uri_aliases that is not a list does not stop the probe.
    assert resolve(None, aliases=['p=test:///default'], probe='test:///default?p') == 'test:///default?p'
    assert resolve(None, entries=_entries('uri_aliases = [ "bad" ]\n'), probe='test:///default') == 'test:///default'
    assert resolve(None, entries=_entries('uri_aliases = "x"\n'), probe='test:///default') == 'test:///default'


def test_no_aliases_and_aliases_option():
    entries = _entries('uri_aliases = ["a=test:///default", "bad"]\n')
    assert resolve('a', entries=entries) == 'test:///default'
    assert _error(name='b', entries=entries) == (
        "configuration file syntax error: Malformed 'uri_aliases' config entry 'bad', "
        "expected 'alias=uri://host/path'")
    assert _error(name='a', entries=entries, no_aliases=True) == NO_DRIVER % 'a'
    assert resolve('test:///default?x=1', entries=entries, no_aliases=True) == 'test:///default?x=1'
    # The option stands in for the file's list, even an invalid one.
    bad_type = _entries('uri_aliases = "x"\n')
    assert resolve('a', entries=bad_type, aliases=['a=test:///default?x=4']) == 'test:///default?x=4'
    assert _error(name='a', entries=entries, aliases=['a b=test:///default']) == (
        "configuration file syntax error: Malformed 'uri_aliases' config entry 'a b=test:///default', "
        "aliases may only contain 'a-Z, 0-9, _, -'")


def test_resolved_uri_checks():
    assert _error(name='qemu://system') == 'internal error: invalid URI qemu://system (maybe you want qemu:///system)'
    assert _error(name='s', aliases=['s=vbox://session']) == \
        'internal error: invalid URI vbox://session (maybe you want vbox:///session)'
    assert _error(name='s', aliases=['s=']) == NO_DRIVER % 's'
    assert _error(name='a b') == 'internal error: Unable to parse URI a b'
    assert _error(name=None, entries=_entries('uri_default = ""\n')) == NO_DRIVER % '(null)'
    assert _error(name='', entries=_entries('uri_default = 1\n'), path='/p') == \
        "internal error: /p: expected a string for 'uri_default' parameter"


def test_bad_arguments_are_clear():
    assert 'must be a string' in _error(name=3)
    assert "list of 'alias=uri' strings" in _error(name='a', aliases='a=b')
    assert 'NUL' in _error(name='a\x00b')


def test_path_is_read_when_no_entries_given():
    root = tempfile.mkdtemp()
    try:
        path = os.path.join(root, 'libvirt.conf')
        assert resolve('a', path=path, aliases=['a=test:///default']) == 'test:///default'
        with open(path, 'w') as f:
            f.write('uri_aliases = ["a=test:///default?x=9"]\nbogus\n')
        assert _error(name='a', path=path) == \
            'configuration file syntax error: %s:2: expecting an assignment' % path
    finally:
        shutil.rmtree(root)


# ------------------------------------------------------------------ differential test

ALIAS_NAMES = ['a', 'b', 'A', 'web', 'x-1', 'x_2', 'Web', '', 'xen', 'test', '9']
BARE = ['nodriver', 'a', 'web', 'b', 'Web', '']
MALFORMED = ['noequals', 'bad name=test:///default', 'a.b=test:///default', 'xen:=test:///default',
             'tilde~=test:///default?x=7', '']


def _test_uri(rng):
    if rng.random() < 0.3:
        return 'test:///default'
    return 'test:///default?x=%d' % rng.randint(0, 99)


def _target(rng):
    r = rng.random()
    if r < 0.7:
        return _test_uri(rng)
    if r < 0.8:
        return rng.choice(ALIAS_NAMES)   # alias-to-alias: never followed
    return rng.choice(BARE)


def _quote(rng, text):
    r = rng.random()
    if r < 0.1 and '"' not in text and not text.endswith('"'):
        return '"""%s"""' % text
    return ("'%s'" if r < 0.45 else '"%s"') % text


def _alias_list(rng, with_malformed):
    entries = []
    for dummy in range(rng.randint(0, 8)):
        name = rng.choice(ALIAS_NAMES)
        if rng.random() < 0.15:
            name = name.upper()
        entries.append('%s=%s' % (name, _target(rng)))
    if with_malformed:
        entries.insert(rng.randint(0, len(entries)), rng.choice(MALFORMED))
    return entries


def _render_list(rng, items, nl):
    parts = [_quote(rng, item) for item in items]
    if rng.random() < 0.5:
        body = ', '.join(parts)
        if parts and rng.random() < 0.3:
            body += ','
        return '[ %s ]' % body
    lines = ['[']
    for i, part in enumerate(parts):
        lines.append('  %s%s' % (part, ',' if i < len(parts) - 1 or rng.random() < 0.5 else ''))
    lines.append(']')
    return nl.join(lines)


def _default_value(rng):
    r = rng.random()
    if r < 0.5:
        return _quote(rng, _test_uri(rng))
    if r < 0.75:
        return _quote(rng, rng.choice(ALIAS_NAMES))
    if r < 0.8:
        return _quote(rng, rng.choice(['xen', 'XEN', 'nodriver']))
    if r < 0.9:
        return '""'
    return str(rng.randint(0, 9))


def make_case(rng):
    """(config text, name or None, env dict for LIBVIRT_DEFAULT_URI)."""
    nl = '\r\n' if rng.random() < 0.25 else '\n'
    r = rng.random()
    if r < 0.2:
        name = None
    elif r < 0.27:
        name = ''
    elif r < 0.37:
        name = _test_uri(rng)
    elif r < 0.45:
        name = rng.choice(['xen', 'XEN', 'Xen', 'xen://'])
    else:
        name = rng.choice(ALIAS_NAMES + BARE)
        if name and rng.random() < 0.15:
            name = name.upper()
    xen = name is not None and (name.lower() == 'xen' or name == 'xen://')
    env = {}
    r = rng.random()
    if r < 0.3:
        env['LIBVIRT_DEFAULT_URI'] = _test_uri(rng)
    elif r < 0.45:
        env['LIBVIRT_DEFAULT_URI'] = rng.choice(ALIAS_NAMES + ['xen'])
    elif r < 0.55:
        env['LIBVIRT_DEFAULT_URI'] = ''
    needs_default = not name and not env.get('LIBVIRT_DEFAULT_URI')

    statements = []
    if rng.random() < 0.3:
        statements.append('# client configuration')
    if rng.random() < 0.3:
        statements.append('remote_mode = "legacy"  # kept')
    if needs_default or rng.random() < 0.5:
        statements.append('uri_default = %s' % _default_value(rng))
    r = rng.random()
    if xen or r < 0.85:
        items = _alias_list(rng, xen or rng.random() < 0.12)
        trailing = '   # aliases' if rng.random() < 0.2 else ''
        statements.append('uri_aliases = %s%s' % (_render_list(rng, items, nl), trailing))
        if rng.random() < 0.15:
            # A duplicate key: libvirt reads the first one.
            statements.append('uri_aliases = %s' % _render_list(rng, _alias_list(rng, False), nl))
    elif r < 0.9:
        statements.append('uri_aliases = %s' % _quote(rng, 'a=test:///default'))
    elif r < 0.93:
        statements.append('uri_aliases = [ "a=test:///default", 3 ]')
    if rng.random() < 0.2:
        statements.append('uri_default = %s' % _default_value(rng))
    if rng.random() < 0.04:
        statements.insert(rng.randint(0, len(statements)), rng.choice(
            ['bogus', 'uri_default = nope', 'uri_aliases = [ "a=b" # c', 'x = 1 y = 2']))
    if rng.random() < 0.2:
        rng.shuffle(statements)
    text = nl.join(statements) + (nl if rng.random() < 0.8 else '')
    return text, name, env


def test_alias_index_answers_like_the_walk():
    """AliasIndex (built once for many names) agrees with libvirt's walk of the list for every name."""
    import random
    from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_conf import ConfError, find_alias
    from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_resolve import AliasIndex

    rng = random.Random(7)
    pieces = ['a', 'b', 'c', 'a b', '', 'x=y']
    compared = 0
    for dummy in range(300):
        aliases = []
        for index in range(rng.randint(0, 6)):
            name = rng.choice(pieces)
            aliases.append(name if rng.random() < 0.15 else '%s=test:///default?i=%d' % (name, index))
        index = AliasIndex(aliases=aliases)
        for name in ['a', 'b', 'c', 'zz', '']:
            try:
                expected = ('uri', find_alias(aliases, name))
            except ConfError as exc:
                expected = ('error', exc.message)
            try:
                got = ('uri', index.find(name))
            except ConfError as exc:
                got = ('error', exc.message)
            assert got == expected, (aliases, name)
            compared += 1
    assert compared == 1500
