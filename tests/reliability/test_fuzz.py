# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Property tests (hypothesis, derandomized, bounded): lens round trip, refusals, names and URIs, plugins."""


import augeas
import pytest
import yaml
from ansible import constants as C
from ansible.errors import AnsibleError, AnsibleFilterError, AnsibleLookupError
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.virtkit.libvirt_client.plugins.filter import libvirt_uri as filters
from ansible_collections.virtkit.libvirt_client.plugins.lookup import libvirt_uri as lookup
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_augeas import ConfTree

from reliability_helpers import call_module, read, snapshot, virsh_uri, write

SETTINGS = dict(derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# -- a grammar of the texts libvirt accepts ------------------------------------

BLANK = st.sampled_from(['', ' ', '\t', '  '])
EOL = st.sampled_from(['\n', '\r\n', '\r'])
NAME = st.from_regex(r'\A[A-Za-z][A-Za-z0-9_]{0,7}\Z')
# Control characters are left out: the lens does not round-trip them yet (see docs/guarantees.md).
CHARS = st.characters(blacklist_categories=('Cs', 'Cc'))
COMMENT = st.text(CHARS, max_size=12).map(lambda t: '#' + t)


@st.composite
def scalar(draw):
    kind = draw(st.sampled_from(['dq', 'sq', 'triple', 'int']))
    if kind == 'int':
        return draw(st.from_regex(r'\A[+-]?[0-9]{1,6}\Z'))
    if kind == 'triple':
        body = draw(st.text(st.one_of(st.characters(blacklist_categories=('Cs', 'Cc'), blacklist_characters='"'),
                                      st.just('\n')), max_size=12))
        return '"""%s"""' % body
    quote = '"' if kind == 'dq' else "'"
    return quote + draw(st.text(CHARS.filter(lambda c: c != quote), max_size=16)) + quote


def list_value(depth):
    gap = st.sampled_from(['', ' ', '\n', '\n  ', '\t'])
    element = scalar() if depth >= 2 else st.one_of(scalar(), st.deferred(lambda: list_value(depth + 1)))

    @st.composite
    def build(draw):
        items = draw(st.lists(element, max_size=4))
        text = '[' + draw(gap)
        for i, item in enumerate(items):
            text += item + draw(gap)
            if i < len(items) - 1 or draw(st.booleans()):
                text += ',' + draw(gap)
        return text + ']'
    return build()


@st.composite
def statement(draw):
    name = draw(NAME)
    value = draw(st.one_of(scalar(), list_value(0)))
    text = name + draw(BLANK) + '=' + draw(BLANK) + value
    if draw(st.booleans()):
        text += draw(BLANK) + draw(COMMENT)
    return text


@st.composite
def conf_text(draw):
    parts = []
    for line in draw(st.lists(st.one_of(statement(), COMMENT, st.just('')), max_size=6)):
        parts.append(draw(BLANK) + line)
        parts.append(draw(EOL) if not line.startswith('#') else draw(EOL))
    text = ''.join(parts)
    if text and not text.strip(' \t\r\n'):
        text = ''
    if draw(st.booleans()) and text.endswith(('\n', '\r')) and not text.rstrip('\r\n').endswith(']') is None:
        text = text.rstrip('\r\n')
    return text


def accepted(text):
    try:
        libvirt_conf.parse(text, 'fuzz.conf')
    except libvirt_conf.ConfError:
        return False
    return True


@settings(max_examples=150, **SETTINGS)
@given(conf_text())
def test_lens_round_trips_every_accepted_text(text):
    assert accepted(text), repr(text)
    tree = ConfTree(augeas.Augeas, text)
    try:
        assert tree.render() == text
    finally:
        tree.close()


def test_grammar_sample_is_accepted_by_real_virsh(conf):
    """The strategy's texts are ones libvirt itself parses (a derandomized sample through virsh)."""
    seen = []

    @settings(max_examples=12, **SETTINGS)
    @given(conf_text())
    def check(text):
        write(conf, text)
        assert virsh_uri(str(conf), 'test:///default') == (True, 'test:///default'), repr(text)
        seen.append(text)
    check()
    assert len(seen) >= 12


# -- texts libvirt rejects are refused and left alone ----------------------------

BREAKERS = ['bare', '"open', "'open", '[', ']', '=', 'x = ', ' x', '# c\n]', ',', '_a = 1', '1x = 2', 'a = 1 b = 2',
            '"""', 'a = [1, # c\n]', '   \n']


@settings(max_examples=60, **SETTINGS)
@given(conf_text(), st.sampled_from(BREAKERS), st.integers(min_value=0))
def test_texts_libvirt_rejects_are_refused_without_write(conf, text, breaker, where):
    where = where % (len(text) + 1)
    broken = text[:where] + breaker + text[where:]
    if accepted(broken):
        return
    with open(str(conf), 'w', newline='') as f:
        f.write(broken)
    before = snapshot(conf)
    result = call_module({'path': str(conf), 'name': 'hail', 'uri': 'test:///default'}, diff=True)
    assert result.get('failed') is True, (broken, result)
    assert 'libvirt cannot use %s, so it is left untouched' % conf in result['msg'], result['msg']
    assert snapshot(conf) == before


# -- alias names and URIs: refused clearly, or written so that virsh agrees --------

NASTY = st.sampled_from(list('aZ09_-') + ['=', '#', ']', '[', ';', '"', "'", '\n', '\r', '\x00', ' ', '\t', 'é',
                                          '\u2028', '%', '&', '?', '/', '\\', ',', '%41', 'x' * 300])
NASTY_TEXT = st.lists(NASTY, max_size=12).map(''.join)
ALIAS = st.one_of(st.from_regex(r'\A[A-Za-z0-9_-]{1,12}\Z'), NASTY_TEXT, st.just('a' * 5000))
URI = st.one_of(NASTY_TEXT, st.from_regex(r'\A[A-Za-z0-9=&._~-]{0,20}\Z'), st.just('y' * 5000)).map(
    lambda t: 'test:///default?x=' + t)


def test_random_aliases_and_uris(conf):
    virsh_checked = []
    outcomes = {'written': 0, 'refused': 0}

    @settings(max_examples=120, **SETTINGS)
    @given(ALIAS, URI)
    def check(name, uri):
        write(conf, '# fuzz\nuri_aliases = [\n  "keep=test:///default?keep",\n]\n')
        before = snapshot(conf)
        result = call_module({'path': str(conf), 'name': name, 'uri': uri})
        if result.get('failed'):
            outcomes['refused'] += 1
            assert repr(name) in result['msg'] or repr(uri) in result['msg'], result['msg']
            assert snapshot(conf) == before
            return
        outcomes['written'] += 1
        assert result['changed'] is True
        entries = libvirt_conf.parse(read(conf), str(conf))
        aliases = libvirt_conf.get_string_list(entries, 'uri_aliases', str(conf))
        assert libvirt_conf.find_alias(aliases, name) == uri
        assert libvirt_conf.find_alias(aliases, 'keep') == 'test:///default?keep'
        if len(virsh_checked) < 25:
            virsh_checked.append(name)
            assert virsh_uri(str(conf), name) == (True, uri)
    check()
    assert outcomes['written'] >= 10 and outcomes['refused'] >= 10, outcomes


# -- the lookup and the filters raise Ansible errors only -----------------------

ANY = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), NASTY_TEXT,
              st.text(max_size=20), st.binary(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6)


@pytest.fixture(scope='module')
def lookup_plugin():
    plugin = lookup.LookupModule()
    plugin._load_name = 'virtkit.libvirt_client.libvirt_uri'
    C.config.initialize_plugin_configuration_definitions(
        'lookup', plugin._load_name, yaml.safe_load(lookup.DOCUMENTATION)['options'])
    return plugin


def test_lookup_raises_only_ansible_errors(conf, lookup_plugin):
    write(conf, '# fuzz\nuri_aliases = [\n  "keep=test:///default?keep",\n]\n')
    options = st.fixed_dictionaries({}, optional={
        'config': st.one_of(st.just(str(conf)), st.just(str(conf.parent)), NASTY_TEXT, ANY),
        'aliases': st.one_of(st.dictionaries(NASTY_TEXT, NASTY_TEXT, max_size=3), ANY),
        'no_aliases': ANY, 'virsh': ANY, 'probe': ANY})

    @settings(max_examples=200, **SETTINGS)
    @given(st.lists(st.one_of(NASTY_TEXT, ANY), max_size=3), options)
    def check(terms, kwargs):
        kwargs.setdefault('config', str(conf))
        try:
            result = lookup_plugin.run(terms, variables={}, **kwargs)
        except AnsibleError as exc:
            assert isinstance(exc, AnsibleLookupError) or type(exc).__name__ == 'AnsibleOptionsError', exc
            assert str(exc)
        else:
            assert isinstance(result, list) and all(isinstance(r, str) for r in result)
    check()


@settings(max_examples=200, **SETTINGS)
@given(st.one_of(NASTY_TEXT.map(lambda t: 'qemu+ssh://' + t), NASTY_TEXT, ANY))
def test_parse_filter_raises_only_filter_errors(value):
    try:
        result = filters.libvirt_uri_parse(value)
    except AnsibleFilterError as exc:
        assert str(exc).startswith('libvirt_uri_parse')
    else:
        assert isinstance(result, dict)


@settings(max_examples=200, **SETTINGS)
@given(st.one_of(st.dictionaries(st.sampled_from(['driver', 'transport', 'user', 'host', 'port', 'path', 'params',
                                                  'scheme', 'bogus']), st.one_of(NASTY_TEXT, ANY), max_size=5),
                 ANY),
       st.dictionaries(st.sampled_from(['driver', 'host', 'port', 'zzz']), st.one_of(NASTY_TEXT, ANY), max_size=2))
def test_build_filter_raises_only_filter_errors(parts, overrides):
    try:
        result = filters.libvirt_uri_build(parts, **overrides)
    except AnsibleFilterError as exc:
        assert str(exc).startswith('libvirt_uri_build')
    else:
        assert isinstance(result, str)
