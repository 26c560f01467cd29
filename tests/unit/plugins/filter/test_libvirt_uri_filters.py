# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The libvirt_uri_parse and libvirt_uri_build filters: called directly, then through ansible-playbook."""

import json
import os
import subprocess
import sys
from collections import OrderedDict
from types import MappingProxyType

import pytest

from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import ansible_playbook
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.virtkit.libvirt_client.plugins.filter.libvirt_uri import (
    FilterModule,
    libvirt_uri_build,
    libvirt_uri_parse,
)

FQCN = 'virtkit.libvirt_client.'


def filter_error(func, *args, **kwargs):
    with pytest.raises(AnsibleFilterError) as info:
        func(*args, **kwargs)
    return str(info.value)


# ============================================================ direct calls

def test_filters_are_registered():
    assert FilterModule().filters() == {
        'libvirt_uri_parse': libvirt_uri_parse,
        'libvirt_uri_build': libvirt_uri_build,
    }


def test_parse():
    assert libvirt_uri_parse('qemu+ssh://u@[::1]:2222/system?keyfile=/k') == {
        'scheme': 'qemu+ssh', 'driver': 'qemu', 'transport': 'ssh', 'user': 'u', 'host': '::1',
        'port': 2222, 'path': '/system', 'query': 'keyfile=/k', 'params': {'keyfile': '/k'},
        'fragment': None, 'mode': 'auto',
    }


@pytest.mark.parametrize('uri, remote_mode, mode', [
    ('qemu+ssh://h/system', None, 'auto'),
    ('qemu+ssh://h/system', 'legacy', 'legacy'),
    ('qemu+ssh://h/system?mode=direct', 'legacy', 'direct'),
    ('qemu+ssh://h/system?MODE=auto', 'direct', 'auto'),
    ('qemu:///system?mode=bogus', None, 'bogus'),
    ('qemu:///system', 'direct', 'direct'),
    ('test:///default', 'legacy', None),
    ('esx://h/', 'legacy', None),
    ('qemu:///embed?root=/r', 'legacy', None),
])
def test_parse_reports_the_effective_mode(uri, remote_mode, mode):
    """The URI's mode=, else the file's remote_mode (given as an argument), else auto; None off the remote driver."""
    assert libvirt_uri_parse(uri, remote_mode=remote_mode)['mode'] == mode
    if remote_mode is None:
        assert libvirt_uri_parse(uri)['mode'] == mode


@pytest.mark.parametrize('value, message', [
    ('bogus', "libvirt_uri_parse: argument remote_mode: Unknown remote mode 'bogus' (remote_mode must be "
              "one of auto, legacy, direct)"),
    (3, "libvirt_uri_parse: argument remote_mode: expected a string for 'remote_mode' parameter, not int (3)"),
])
def test_parse_refuses_a_bad_remote_mode(value, message):
    assert filter_error(libvirt_uri_parse, 'qemu:///system', remote_mode=value) == message


def test_build_ignores_the_reported_mode():
    parsed = libvirt_uri_parse('qemu+ssh://h/system?mode=legacy', remote_mode='direct')
    assert libvirt_uri_build(parsed) == 'qemu+ssh://h/system?mode=legacy'
    assert libvirt_uri_build(dict(parsed, mode='direct')) == 'qemu+ssh://h/system?mode=legacy'
    assert filter_error(libvirt_uri_build, parsed, mode='direct') == (
        "libvirt_uri_build: 'mode' is reported by libvirt_uri_parse, not a part of the URI; set it as a "
        "parameter instead (params: {mode: ...})")


@pytest.mark.parametrize('uri, message', [
    ('qemu://system',
     'libvirt_uri_parse: invalid URI qemu://system (maybe you want qemu:///system)'),
    ('foo',
     "libvirt_uri_parse: no connection driver available for URI 'foo' does not include a driver "
     "name (expected driver[+transport]://[user@][host][:port]/[path][?param=value&...], e.g. "
     "qemu:///system)"),
    ('qemu+ssh://fe80::1/system',
     "libvirt_uri_parse: Unable to parse URI qemu+ssh://fe80::1/system: the host 'fe80::1' looks "
     "like an IPv6 address, which must be enclosed in brackets, e.g. qemu+ssh://[fe80::1]/system"),
    ('qemu+bogus:///system',
     'libvirt_uri_parse: remote_open: transport in URL not recognised (should be '
     "tls|unix|ssh|ext|tcp|libssh2|libssh): URI 'qemu+bogus:///system' names transport 'bogus'"),
    ('', 'libvirt_uri_parse: the URI is empty; a libvirt connection URI needs at least a driver '
         'name, e.g. qemu:///system'),
])
def test_parse_errors(uri, message):
    assert filter_error(libvirt_uri_parse, uri) == message


@pytest.mark.parametrize('value', [None, 42, ['qemu:///system'], {'driver': 'qemu'}])
def test_parse_wants_a_string(value):
    assert filter_error(libvirt_uri_parse, value) == (
        'libvirt_uri_parse expects a libvirt connection URI string such as qemu:///system, got '
        '%s: %r' % (type(value).__name__, value))


def test_build_from_parse_output_and_overrides():
    parsed = libvirt_uri_parse('qemu+ssh://root@old.example.com/system?keyfile=/k')
    assert libvirt_uri_build(parsed) == 'qemu+ssh://root@old.example.com/system?keyfile=/k'
    assert libvirt_uri_build(parsed, host='new.example.com', port=2222) == \
        'qemu+ssh://root@new.example.com:2222/system?keyfile=/k'
    # a new transport makes the parsed scheme stale: it is dropped, not checked
    assert libvirt_uri_build(parsed, transport='libssh2') == \
        'qemu+libssh2://root@old.example.com/system?keyfile=/k'
    assert libvirt_uri_build(parsed, driver='lxc', transport=None) == \
        'lxc://root@old.example.com/system?keyfile=/k'
    # new params win over the parsed raw query
    assert libvirt_uri_build(parsed, params={'keyfile': '/j', 'no_tty': 1}) == \
        'qemu+ssh://root@old.example.com/system?keyfile=%2Fj&no_tty=1'
    assert libvirt_uri_build(parsed, user=None, params=None, query=None) == \
        'qemu+ssh://old.example.com/system'


def test_build_accepts_other_mappings():
    parts = MappingProxyType({'driver': 'qemu', 'transport': 'tcp', 'host': 'fd00::5',
                              'port': '16509', 'path': '/system',
                              'params': OrderedDict([('b', 2), ('a', True)])})
    assert libvirt_uri_build(parts) == 'qemu+tcp://[fd00::5]:16509/system?b=2&a=1'
    assert libvirt_uri_build({'driver': 'qemu', 'path': '/system',
                              'params': (('x', '1'), ('x', '2'))}) == 'qemu:///system?x=1&x=2'


@pytest.mark.parametrize('parts, overrides, message', [
    ({'driver': 'qemu', 'bogus': 1}, {},
     "libvirt_uri_build: unknown input key 'bogus'; the URI parts are scheme, driver, transport, "
     "user, host, port, path, query, params, fragment"),
    ({'driver': 'qemu'}, {'hots': 'h', 'prot': 1},
     "libvirt_uri_build: unknown argument keys 'hots', 'prot'; the URI parts are scheme, driver, "
     "transport, user, host, port, path, query, params, fragment"),
    ({'host': 'h'}, {},
     "libvirt_uri_build: the 'driver' part is required (e.g. driver: qemu); got {'host': 'h'}"),
    ({'driver': 'qemu', 'transport': 'ssh', 'host': 'h', 'port': 70000}, {},
     'libvirt_uri_build: port 70000 is out of range (1-65535)'),
    ({'driver': 'qemu', 'transport': 'unix', 'host': 'h', 'path': '/system'}, {},
     "libvirt_uri_build: using unix socket and remote server 'h' is not supported. (URI "
     "'qemu+unix://h/system': the unix transport reaches a local socket; drop the host or use a "
     "network transport such as ssh)"),
    ({'driver': 'qemu', 'host': 'system'}, {},
     'libvirt_uri_build: invalid URI qemu://system (maybe you want qemu:///system)'),
    ({'scheme': 'qemu+ssh', 'driver': 'qemu', 'transport': 'ssh', 'path': '/system'},
     {'scheme': 'qemu+tcp'},
     "libvirt_uri_build: scheme 'qemu+tcp' does not match driver 'qemu' and transport 'ssh' "
     "(expected 'qemu+ssh')"),
])
def test_build_errors(parts, overrides, message):
    assert filter_error(libvirt_uri_build, parts, **overrides) == message


@pytest.mark.parametrize('value', ['qemu:///system', None, ['qemu']])
def test_build_wants_a_mapping(value):
    assert filter_error(libvirt_uri_build, value).startswith(
        'libvirt_uri_build expects a dict of URI parts such as libvirt_uri_parse returns (keys: '
        'scheme, driver, transport, user, host, port, path, query, params, fragment), got %s'
        % type(value).__name__)


# ============================================================ through ansible-playbook

CASES = [
    # (task name, template, expected value) - or expected failure text with ignore_errors
    ('parse', "{{ 'qemu+ssh://root@hail.example.com:2222/system?keyfile=/root/.ssh/id' | %slibvirt_uri_parse }}"
     % FQCN,
     {'scheme': 'qemu+ssh', 'driver': 'qemu', 'transport': 'ssh', 'user': 'root',
      'host': 'hail.example.com', 'port': 2222, 'path': '/system',
      'query': 'keyfile=/root/.ssh/id', 'params': {'keyfile': '/root/.ssh/id'}, 'fragment': None,
      'mode': 'auto'}),
    ('mode', "{{ uris | map('%slibvirt_uri_parse', remote_mode='legacy') | map(attribute='mode') | list }}"
     % FQCN, ['legacy', 'legacy', 'legacy']),
    ('bad remote_mode', "{{ 'qemu:///system' | %slibvirt_uri_parse(remote_mode='Legacy') }}" % FQCN,
     "FAIL:libvirt_uri_parse: argument remote_mode: Unknown remote mode 'Legacy'"),
    ('ipv6 host', "{{ ('qemu+tcp://[fe80::1]:16509/system' | %slibvirt_uri_parse).host }}" % FQCN,
     'fe80::1'),
    ('map and select', "{{ uris | map('%slibvirt_uri_parse') | selectattr('transport', 'in', "
                       "['ssh', 'libssh', 'libssh2']) | map(attribute='host') | list }}" % FQCN,
     ['node1.example.com', 'node2.example.com']),
    ('build', "{{ {'driver': 'qemu', 'transport': 'ssh', 'user': 'root', 'host': "
              "'node1.example.com', 'path': '/system', 'params': {'keyfile': '/root/.ssh/id', "
              "'no_tty': 1}} | %slibvirt_uri_build }}" % FQCN,
     'qemu+ssh://root@node1.example.com/system?keyfile=%2Froot%2F.ssh%2Fid&no_tty=1'),
    ('build ipv6', "{{ {'driver': 'qemu', 'transport': 'tcp', 'host': 'fd00::5', 'port': 16509, "
                   "'path': '/system'} | %slibvirt_uri_build }}" % FQCN,
     'qemu+tcp://[fd00::5]:16509/system'),
    ('round trip', "{{ uris | map('%slibvirt_uri_parse') | map('%slibvirt_uri_build') | list }}"
     % (FQCN, FQCN),
     ['qemu:///system', 'qemu+ssh://root@node1.example.com/system',
      'qemu+libssh2://node2.example.com/system?known_hosts=/etc/ssh/ssh_known_hosts']),
    ('override', "{{ 'qemu+ssh://root@old.example.com/system?keyfile=/k' | %slibvirt_uri_parse "
                 "| %slibvirt_uri_build(host='new.example.com') }}" % (FQCN, FQCN),
     'qemu+ssh://root@new.example.com/system?keyfile=/k'),
    ('new transport', "{{ 'qemu+ssh://root@node1.example.com/system' | %slibvirt_uri_parse "
                      "| %slibvirt_uri_build(transport='libssh2') }}" % (FQCN, FQCN),
     'qemu+libssh2://root@node1.example.com/system'),
    ('build from vars', '{{ parts | %slibvirt_uri_build }}' % FQCN, 'qemu+ssh://[::1]:2222/session'),
    ('parse error', "{{ 'qemu://system' | %slibvirt_uri_parse }}" % FQCN,
     'FAIL:libvirt_uri_parse: invalid URI qemu://system (maybe you want qemu:///system)'),
    ('parse no driver', "{{ 'hail' | %slibvirt_uri_parse }}" % FQCN,
     "FAIL:libvirt_uri_parse: no connection driver available for URI 'hail' does not include a "
     "driver name"),
    ('parse not a string', '{{ 42 | %slibvirt_uri_parse }}' % FQCN,
     'FAIL:libvirt_uri_parse expects a libvirt connection URI string such as qemu:///system, got '
     'int: 42'),
    ('build bad port', "{{ {'driver': 'qemu', 'transport': 'ssh', 'host': 'h', 'port': 0} "
                       "| %slibvirt_uri_build }}" % FQCN,
     'FAIL:libvirt_uri_build: port 0 is out of range (1-65535)'),
    ('build unknown key', "{{ {'driver': 'qemu', 'hostname': 'h'} | %slibvirt_uri_build }}" % FQCN,
     "FAIL:libvirt_uri_build: unknown input key 'hostname'; the URI parts are scheme, driver, "
     "transport, user, host, port, path, query, params, fragment"),
    ('build ext without command', "{{ {'driver': 'qemu', 'transport': 'ext', 'path': '/system'} "
                                  "| %slibvirt_uri_build }}" % FQCN,
     "FAIL:libvirt_uri_build: remote_open: for 'ext' transport, command is required (URI "
     "'qemu+ext:///system' has no command= parameter)"),
]


def test_filters_in_a_playbook(tmp_path):
    """One playbook, every case a task; the registered results are written out as JSON."""
    tasks = []
    for index, (name, template, expected) in enumerate(CASES):
        task = {'name': name, 'ansible.builtin.debug': {'msg': template}, 'register': 'r%d' % index}
        if isinstance(expected, str) and expected.startswith('FAIL:'):
            task['ignore_errors'] = True
        tasks.append(task)
    results_file = tmp_path / 'results.json'
    tasks.append({'name': 'write the results', 'ansible.builtin.copy': {
        'content': '{{ [%s] | to_json }}' % ', '.join('r%d' % i for i in range(len(CASES))),
        'dest': str(results_file), 'mode': '0600'}})
    play = [{
        'name': 'libvirt URI filters',
        'hosts': 'localhost',
        'gather_facts': False,
        'vars': {
            'ansible_python_interpreter': sys.executable,
            'uris': ['qemu:///system', 'qemu+ssh://root@node1.example.com/system',
                     'qemu+libssh2://node2.example.com/system?known_hosts=/etc/ssh/ssh_known_hosts'],
            'parts': {'driver': 'qemu', 'transport': 'ssh', 'host': '::1', 'port': 2222,
                      'path': '/session'},
        },
        'tasks': tasks,
    }]
    playbook = tmp_path / 'filters.yml'
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='0',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='0', ANSIBLE_RETRY_FILES_ENABLED='0',
               ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'))
    assert env.get('ANSIBLE_COLLECTIONS_PATH'), 'tests/conftest.py sets ANSIBLE_COLLECTIONS_PATH'
    proc = subprocess.run([ansible_playbook(), '-i', 'localhost,', '-c', 'local', str(playbook)],
                          env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'Traceback' not in proc.stdout + proc.stderr
    results = json.loads(results_file.read_text())
    assert len(results) == len(CASES)
    for (name, _template, expected), result in zip(CASES, results):
        if isinstance(expected, str) and expected.startswith('FAIL:'):
            assert result.get('failed') is True, (name, result)
            assert expected[len('FAIL:'):] in result['msg'], (name, result['msg'])
            assert 'Traceback' not in json.dumps(result), (name, result)
        else:
            assert not result.get('failed'), (name, result)
            assert result['msg'] == expected, (name, result)
