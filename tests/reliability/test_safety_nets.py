# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The module's safety nets, each made to fire by a fault injected where it cannot happen on its own.

The lens and Augeas are trusted to do what they are asked, and the module
checks that they did: it reads the edited text back with libvirt's grammar
(``verify``) and compares what the lens and the parser see (the element
count).  These nets only fire when something else is wrong, so each test
runs the module in this process (``call_module``) with a part of the lens
made to lie, and asserts that the module refuses with the net's own
message, leaves the file's bytes, inode and mtime as they were and leaves
no temporary file.  Removing any one net makes its test fail (see
docs/guarantees.md, "Safety nets").
"""

import os
from unittest import mock

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_augeas import ConfTree, LensError

from reliability_helpers import ENGINE, REWRITE, call_module, read as read_text, snapshot, temp_files, write
from test_fuzz import SETTINGS, conf_text

ORIGINAL = ('# original\nuri_aliases = [\n  "a=test:///default?a",\n  "z=test:///default?z",\n]\n'
            'uri_default = "a"\n')


def refused(conf, args, message, original=ORIGINAL, **patches):
    """Run the module on ``original`` with ConfTree's methods replaced; assert the refusal and no change."""
    write(conf, original)
    before = snapshot(conf)
    with mock.patch.multiple(ConfTree, **patches):
        result = call_module(dict(args, path=str(conf)), diff=True)
    assert result.get('failed') is True, result
    assert result['changed'] is False
    assert message in result['msg'], result['msg']
    assert str(conf) in result['msg']
    assert snapshot(conf) == before
    assert temp_files(conf.parent) == []
    return result


def lying_render(replace_from, replace_to):
    """A render() that returns the real edit with one piece of text swapped."""
    real = ConfTree.render

    def render(self):
        text = real(self)
        assert replace_from in text, text
        return text.replace(replace_from, replace_to, 1)
    return render


# -- verify(): the edited text must say what was asked, in libvirt's grammar -------

def test_verify_refuses_an_alias_mapped_elsewhere(conf):
    refused(conf, {'name': 'b', 'uri': 'test:///default?b'},
            "the edited text would not map alias 'b' to 'test:///default?b'",
            render=lying_render('b=test:///default?b', 'b=test:///default?wrong'))


def test_verify_refuses_a_change_made_to_a_later_duplicate(conf):
    """The lens adds a second 'a' instead of changing the first: libvirt would still use the first."""
    refused(conf, {'name': 'a', 'uri': 'test:///default?new'},
            "the edited text would not map alias 'a' to 'test:///default?new'",
            render=lying_render('"a=test:///default?new",', '"a=test:///default?a",\n  "a=test:///default?new",'))


def test_verify_refuses_an_alias_left_in_place(conf):
    refused(conf, {'name': 'z', 'state': 'absent'},
            "the edited text would still hold alias 'z'",
            render=lying_render('\n]', '\n  "z=test:///default?z",\n]'))


def test_verify_refuses_a_malformed_entry_left_in_place(conf):
    original = ORIGINAL.replace('\n]', '\n  "bad entry",\n]')
    refused(conf, {'name': 'bad entry', 'state': 'absent'},
            "the edited text would still hold alias 'bad entry'", original=original,
            render=lambda self: original.replace('# original', '# edited'))


def test_verify_refuses_a_wrong_uri_default(conf):
    refused(conf, {'uri_default': 'z'},
            "the edited text would not set uri_default to 'z'",
            render=lying_render('uri_default = "z"', 'uri_default = "a"'))


def test_verify_refuses_a_removed_uri_default_left_in_place(conf):
    refused(conf, {'uri_default': ''},
            "the edited text would not set uri_default to ''",
            render=lambda self: ORIGINAL.replace('# original', '# edited'))


def test_verify_refuses_a_wrong_remote_setting(conf):
    refused(conf, {'remote_mode': 'direct'},
            "the edited text would not set remote_mode to 'direct'; %s is left untouched" % conf,
            render=lying_render('remote_mode = "direct"', 'remote_mode = "legacy"'))


def test_verify_refuses_a_remote_setting_that_is_not_a_string(conf):
    """remote_proxy alone (remote_mode unset): each setting the spec sets is checked."""
    refused(conf, {'remote_proxy': 'native'},
            "the edited text would not set remote_proxy to 'native'; %s is left untouched" % conf,
            render=lying_render('remote_proxy = "native"', 'remote_proxy = 1'))


def test_verify_refuses_a_remote_setting_left_out(conf):
    refused(conf, {'remote_mode': 'legacy'},
            "the edited text would not set remote_mode to 'legacy'; %s is left untouched" % conf,
            render=lambda self: ORIGINAL.replace('# original', '# edited'))


def test_verify_refuses_a_removed_remote_setting_left_in_place(conf):
    original = ORIGINAL + 'remote_proxy = "netcat"\n'
    refused(conf, {'remote_proxy': ''},
            "the edited text would still set remote_proxy; %s is left untouched" % conf, original=original,
            render=lambda self: original.replace('# original', '# edited'))


def test_verify_refuses_text_libvirt_cannot_parse(conf):
    refused(conf, {'name': 'b', 'uri': 'test:///default?b'},
            'the edited text would not be valid for libvirt',
            render=lying_render('"b=test:///default?b",', '"b=test:///default?b", # comment'))


def test_verify_refuses_an_exclusive_list_with_unlisted_entries(conf):
    refused(conf, {'aliases': {'a': 'test:///default?a'}, 'exclusive': True},
            "the edited text would still hold uri_aliases entries that are not listed once ('z')",
            render=lambda self: ORIGINAL.replace('# original', '# edited'))


def test_verify_refuses_an_exclusive_list_with_a_malformed_entry(conf):
    original = ORIGINAL.replace('\n]', '\n  "bad entry",\n]')
    refused(conf, {'aliases': {'a': 'test:///default?a', 'z': 'test:///default?z'}, 'exclusive': True},
            "the edited text would still hold uri_aliases entries that are not listed once ('bad entry')",
            original=original, render=lambda self: original.replace('# original', '# edited'))


def test_verify_refuses_an_exclusive_list_with_duplicates(conf):
    refused(conf, {'aliases': {'a': 'test:///default?a', 'z': 'test:///default?z2'}, 'exclusive': True},
            'the edited text would still hold uri_aliases entries that are not listed once (duplicates)',
            render=lying_render('"z=test:///default?z2",', '"z=test:///default?z2",\n  "z=test:///default?z",'))


# -- the lens and the parser must see the same list -----------------------------

def test_element_count_of_lens_and_parser_must_agree(conf):
    """One element hidden from the lens: without the count check 'z' would silently stay."""
    real = ConfTree.element_labels
    refused(conf, {'aliases': {'a': 'test:///default?a'}, 'exclusive': True},
            'the lens sees 1 uri_aliases entries where libvirt sees 2',
            element_labels=lambda self, path: real(self, path)[:-1])


def test_lens_that_cannot_read_the_file_is_a_refusal(conf):
    def broken(self, augeas_class, text):
        raise LensError('injected: the lens rejects the text')
    result = refused(conf, {'name': 'b', 'uri': 'test:///default?b'},
                     'is valid for libvirt but cannot be edited through the lens (injected: the lens rejects the text)',
                     __init__=broken)
    assert 'Traceback' not in result.get('exception', '')


def test_lens_that_fails_while_editing_is_a_refusal(conf):
    def broken(self, *args, **kwargs):
        raise LensError('injected: Augeas failed to insert')
    refused(conf, {'name': 'b', 'uri': 'test:///default?b'},
            'cannot edit %s: injected: Augeas failed to insert; it is left untouched' % conf,
            append_element=broken)


def test_lens_that_cannot_write_back_is_a_refusal(conf):
    def broken(self):
        raise UnicodeDecodeError('utf-8', b'\xc3', 0, 1, 'injected: cut character')
    result = refused(conf, {'name': 'b', 'uri': 'test:///default?b'},
                     'the lens cannot write it back', render=broken)
    assert result['msg'] == ('cannot edit %s: the lens cannot write it back (control characters in a comment or a '
                             'string are not supported); it is left untouched' % conf)


# -- the fast path (no Augeas when nothing changes) agrees with the edit -----------

REQUESTS = st.one_of(
    st.fixed_dictionaries({'name': st.sampled_from(['a', 'b', 'uri_default']), 'uri': st.sampled_from(
        ['test:///default', 'test:///default?a', 'qemu:///system'])}),
    st.fixed_dictionaries({'name': st.sampled_from(['a', 'b', 'x y']), 'state': st.just('absent')}),
    st.fixed_dictionaries({'aliases': st.dictionaries(st.sampled_from(['a', 'b']), st.sampled_from(
        ['test:///default', 'test:///default?a']), max_size=2), 'exclusive': st.booleans()}),
    st.fixed_dictionaries({'uri_default': st.sampled_from(['', 'a', 'test:///default'])}),
)
PREFIXES = st.sampled_from(['', 'uri_aliases = [ "a=test:///default" ]\n', 'uri_default = "a"\n',
                            "uri_aliases = [\n  'a=test:///default?a',\n  'b=test:///default',\n"
                            "  'a=test:///default',\n]\nuri_default = 'test:///default'\n",
                            'uri_aliases = [ "x y", "a=test:///default" ]\nuri_default = 1\n',
                            'uri_default = "a"\nuri_default = "test:///default"\nuri_aliases = [ "a=a:///" ]\n'])


# make mutate runs fewer examples (VK_FAST_PATH_EXAMPLES) to test hundreds of mutants in time.
@settings(max_examples=int(os.environ.get('VK_FAST_PATH_EXAMPLES', '300')), **SETTINGS)
@given(PREFIXES, conf_text(), REQUESTS)
def test_fast_path_skips_only_edits_that_change_nothing(prefix, text, request):
    """needs_change() is False only when the lens edit would give back the same text, which verify() accepts."""
    import importlib
    module = importlib.import_module('ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_alias_run')
    engine = importlib.import_module(ENGINE)
    rewrite = importlib.import_module(REWRITE)
    text = prefix + text
    params = dict({'name': None, 'uri': None, 'state': 'present', 'aliases': None, 'exclusive': False,
                   'uri_default': None, 'remote_mode': None, 'remote_proxy': None, 'config': 'client',
                   'create': True, 'backup': False}, **request)
    try:
        params = module.spec_of(params)
        text, entries = engine.load('fuzz.conf', text.encode('utf-8'))
        present, absent = engine.check_spec(params, engine.file_context(entries, False))
    except engine.Refusal:
        return
    edited = rewrite.edit_text(text, entries, 'fuzz.conf', params, present, absent)
    if not engine.needs_change(entries, params, present, absent):
        assert edited == text, (text, params)
        rewrite.verify(text, 'fuzz.conf', params, present, absent)
    else:
        assert edited != text, (text, params)


def test_fast_path_is_taken(conf):
    """When nothing changes, the lens is not even opened (and the file is not touched)."""
    write(conf, ORIGINAL)
    before = snapshot(conf)

    def no_lens(self, *args):
        raise AssertionError('the lens was opened for a run that changes nothing')
    with mock.patch.object(ConfTree, '__init__', no_lens):
        result = call_module({'path': str(conf), 'aliases': {'a': 'test:///default?a'}, 'uri_default': 'a'})
    assert result['changed'] is False, result
    assert snapshot(conf) == before


@pytest.mark.parametrize('original, args', [
    (ORIGINAL, {'aliases': {'a': 'test:///default?a', 'z': 'test:///default?z'}, 'exclusive': True}),
    ('uri_aliases = [ "a=test:///default?a" ]\nuri_default = "a"\nuri_default = 1\n', {'uri_default': 'a'}),
], ids=['exclusive list already right', 'first uri_default right, a later one an integer'])
def test_fast_path_is_taken_where_libvirt_reads_what_is_asked(conf, original, args):
    write(conf, original)
    before = snapshot(conf)

    def no_lens(self, *args):
        raise AssertionError('the lens was opened for a run that changes nothing')
    with mock.patch.object(ConfTree, '__init__', no_lens):
        result = call_module(dict(args, path=str(conf)))
    assert result['changed'] is False, result
    assert snapshot(conf) == before


def test_parser_view_is_the_one_libvirt_has(conf):
    """load() refuses what libvirt refuses even when the lens could read it: a list that is not all strings."""
    write(conf, 'uri_aliases = [ "a=test:///default", 1 ]\n')
    before = snapshot(conf)
    result = call_module({'path': str(conf), 'name': 'b', 'uri': 'test:///default?b'})
    assert result.get('failed') is True
    assert "expected a string list for 'uri_aliases' parameter" in result['msg']
    assert snapshot(conf) == before
    assert libvirt_conf.parse(read_text(conf), str(conf))


@pytest.fixture(autouse=True)
def _no_stray_temps(conf):
    yield
    if os.path.isdir(str(conf.parent)):
        assert temp_files(conf.parent) == []
