# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The virtkit.libvirt_client.libvirt_uri lookup run by ansible-playbook, checked with real virsh."""

import os

from ansible_collections.virtkit.libvirt_client.tests.helpers.files import write
from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import run_play
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh import virsh_uri

LOOKUP = 'virtkit.libvirt_client.libvirt_uri'
ALIASES = 100
TERMS = 10000


def debug(expression, name='call'):
    return {'name': name, 'ansible.builtin.debug': {'msg': '{{ %s }}' % expression}, 'ignore_errors': True}


def test_ten_thousand_terms_in_one_call(conf):
    lines = ['uri_aliases = [']
    lines += ['  "a%d=test:///default?x=%d",' % (i, i) for i in range(ALIASES)]
    lines += [']', 'uri_default = "a7"', '']
    write(conf, '\r\n'.join(lines))
    names = []
    expected = []
    for i in range(TERMS):
        kind = i % 3
        if kind == 0:
            names.append('a%d' % (i % ALIASES))
            expected.append('test:///default?x=%d' % (i % ALIASES))
        elif kind == 1:
            names.append('test:///default?x=%d' % i)
            expected.append('test:///default?x=%d' % i)
        else:
            names.append('')
            expected.append('test:///default?x=3')   # LIBVIRT_DEFAULT_URI below, through alias a3
    assert len(names) == TERMS
    results = run_play([debug("query('%s', *names, config=conf)" % LOOKUP)],
                       play_vars={'names': names, 'conf': str(conf)},
                       extra_env={'LIBVIRT_DEFAULT_URI': 'a3'})
    assert not results[0].get('failed'), results[0]
    assert len(results[0]['msg']) == TERMS
    assert results[0]['msg'] == expected
    # Spot checks against real virsh.
    for name, uri in (('a0', 'test:///default?x=0'), ('a99', 'test:///default?x=99'),
                      ('test:///default?x=5', 'test:///default?x=5')):
        assert virsh_uri(str(conf), name) == (True, uri)
    assert virsh_uri(str(conf), None, env={'LIBVIRT_DEFAULT_URI': 'a3'}) == (True, 'test:///default?x=3')
    assert virsh_uri(str(conf), None) == (True, 'test:///default?x=7')
    # Names only the explicit case fails on, answered like virsh.
    results = run_play([debug("lookup('%s', 'A1', config=conf)" % LOOKUP)],
                       play_vars={'conf': str(conf)}, extra_env={'LIBVIRT_DEFAULT_URI': ''})
    assert results[0]['failed'] is True
    ok, message = virsh_uri(str(conf), 'A1')
    assert not ok and message in results[0]['msg'], results[0]['msg']


def test_defaults_options_and_no_terms(conf):
    write(conf, "# mine\nuri_default = 'b'\nuri_aliases = [ 'b=test:///default?x=2', 'c=test:///default?x=3' ]\n")
    tasks = [
        debug("lookup('%s', config=conf)" % LOOKUP, 'no term'),
        debug("query('%s', '', 'c', config=conf)" % LOOKUP, 'empty term'),
        debug("query('%s', 'b', config=conf, no_aliases=true)" % LOOKUP, 'no aliases'),
        debug("query('%s', 'z', 'test:///default', config=conf, aliases={'z': 'test:///default?x=26'})" % LOOKUP,
              'aliases'),
        debug("query('%s', 'b', config=conf, aliases={'z': 'test:///default?x=26'})" % LOOKUP, 'aliases replace'),
        debug("query('%s', '', config=conf, virsh=true)" % LOOKUP, 'virsh'),
        debug("query('%s', '', config=conf)" % LOOKUP, 'environment'),
        debug("query('%s', '', config=conf ~ '.missing', probe='test:///default?x=9', "
              "aliases={'test:///default?x=9': 'test:///default?x=8'})"
              % LOOKUP, 'missing file'),
        debug("query('%s', 'xen', 'XEN', 'xen://', config=conf)" % LOOKUP, 'xen'),
    ]
    results = run_play(tasks, play_vars={'conf': str(conf)},
                       extra_env={'VIRSH_DEFAULT_CONNECT_URI': 'c', 'LIBVIRT_DEFAULT_URI': ''})
    by_name = {r['_task']: r for r in results}
    assert by_name['no term']['msg'] == 'test:///default?x=2'
    assert by_name['empty term']['msg'] == ['test:///default?x=2', 'test:///default?x=3']
    assert by_name['no aliases']['failed'] is True
    assert ("no connection driver available for URI 'b' does not include a driver name"
            in by_name['no aliases']['msg'])
    assert by_name['aliases']['msg'] == ['test:///default?x=26', 'test:///default']
    assert by_name['aliases replace']['failed'] is True   # the file's list is not used
    assert "URI 'b' does not include a driver name" in by_name['aliases replace']['msg']
    assert by_name['virsh']['msg'] == ['test:///default?x=3']
    assert by_name['environment']['msg'] == ['test:///default?x=2']
    assert by_name['missing file']['msg'] == ['test:///default?x=9']
    assert by_name['xen']['msg'] == ['xen:///system'] * 3
    assert virsh_uri(str(conf), None) == (True, 'test:///default?x=2')
    assert virsh_uri(str(conf), None, env={'VIRSH_DEFAULT_CONNECT_URI': 'c'}) == (True, 'test:///default?x=3')


def test_errors_are_clear_and_match_virsh(conf):
    write(conf, 'uri_aliases = [\n  "good=test:///default",\n  "bad entry=test:///default",\n]\n')
    syntax = conf.parent / 'other' / 'libvirt' / 'libvirt.conf'
    syntax.parent.mkdir(parents=True)
    for p in (syntax.parent.parent, syntax.parent):
        os.chmod(str(p), 0o755)
    write(syntax, 'uri_default = "test:///default"\nuri_aliases = [ "a=b" # no comments here\n]\n')
    tasks = [
        debug("query('%s', 'good', config=conf)" % LOOKUP, 'before the bad entry'),
        debug("query('%s', 'test:///default', config=conf)" % LOOKUP, 'malformed'),
        debug("query('%s', 'test:///default', config=syntax)" % LOOKUP, 'syntax'),
        debug("query('%s', 'a', config=conf, aliases={'a b': 'test:///default'})" % LOOKUP, 'bad option'),
        debug("query('%s', 'a', config=conf, aliases={'a': 3})" % LOOKUP, 'bad value'),
    ]
    results = run_play(tasks, play_vars={'conf': str(conf), 'syntax': str(syntax)},
                       extra_env={'LIBVIRT_DEFAULT_URI': ''})
    by_name = {r['_task']: r for r in results}
    assert by_name['before the bad entry']['msg'] == ['test:///default']
    assert virsh_uri(str(conf), 'good') == (True, 'test:///default')

    msg = by_name['malformed']['msg']
    ok, virsh_message = virsh_uri(str(conf), 'test:///default')
    assert not ok
    assert by_name['malformed']['failed'] is True
    assert virsh_message in msg
    assert '(uri_aliases in %s:1)' % conf in msg
    assert 'Traceback' not in msg

    ok, virsh_message = virsh_uri(str(syntax), 'test:///default')
    assert not ok and virsh_message == 'configuration file syntax error: %s:2: expecting a separator in list' % syntax
    assert by_name['syntax']['failed'] is True
    assert virsh_message in by_name['syntax']['msg']

    assert by_name['bad option']['failed'] is True
    assert "aliases may only contain 'a-Z, 0-9, _, -'" in by_name['bad option']['msg']
    assert "(in option 'aliases')" in by_name['bad option']['msg']
    assert by_name['bad value']['failed'] is True
    assert "option 'aliases' must map alias names (strings) to URIs (strings)" in by_name['bad value']['msg']
