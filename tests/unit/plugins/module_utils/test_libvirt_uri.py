# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tests of module_utils/_libvirt_uri.py.

* Tables of URIs with the exact result of parse_uri, check_connect_uri and
  build_uri, one or more rows per rule.
* Round trips: build_uri(**parse_uri(u)) == u for canonical URIs, and
  parse_uri(build_uri(**parts)) == parts for generated parts.
* Differential against the installed libxml2 (the library libvirt parses
  URIs with): generated strings must be accepted or refused as
  xmlParseURI does, and split into the same parts.
* The differential against real virsh 9.0 and 11.3 (a corpus of URIs, alone and as alias
  targets, and the encoding of parameters libvirt's remote driver logs) is
  tests/differential/test_libvirt_uri_virsh.py.
"""

import ctypes
import random

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_uri as lu
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import (
    URIError,
    check_connect_uri,
    parse_uri,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri_syntax import (
    Parts,
    SyntaxFailure,
    libxml2_parse,
)
from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._libvirt_uri_build import build_uri

SEED = 20260311


def parts(**given):
    """A full parse_uri result: the given keys, None for the others, {} params."""
    result = dict((key, None) for key in lu.URI_KEYS)
    result['params'] = {}
    result.update(given)
    return result


def refusal(func, *args, **kwargs):
    with pytest.raises(URIError) as info:
        func(*args, **kwargs)
    return info.value


# ============================================================ parse_uri: accepted

PARSED = [
    ('test:///default', parts(scheme='test', driver='test', path='/default')),
    ('qemu:///system', parts(scheme='qemu', driver='qemu', path='/system')),
    ('qemu:///session', parts(scheme='qemu', driver='qemu', path='/session')),
    ('lxc:///', parts(scheme='lxc', driver='lxc', path='/')),
    ('xen:///system', parts(scheme='xen', driver='xen', path='/system')),
    ('remote://host/', parts(scheme='remote', driver='remote', host='host', path='/')),
    ('test:///tmp/x.xml', parts(scheme='test', driver='test', path='/tmp/x.xml')),
    ('qemu+ssh://root@hail.cloud.example.com/system',
     parts(scheme='qemu+ssh', driver='qemu', transport='ssh', user='root',
           host='hail.cloud.example.com', path='/system')),
    ('qemu+ssh://u@[::1]:2222/system?keyfile=/k',
     parts(scheme='qemu+ssh', driver='qemu', transport='ssh', user='u', host='::1', port=2222,
           path='/system', query='keyfile=/k', params={'keyfile': '/k'})),
    ('qemu+ext:///system?command=/bin/x',
     parts(scheme='qemu+ext', driver='qemu', transport='ext', path='/system',
           query='command=/bin/x', params={'command': '/bin/x'})),
    # transport as written; libvirt compares it ignoring case
    ('qemu+SSH://h/system', parts(scheme='qemu+SSH', driver='qemu', transport='SSH', host='h',
                                  path='/system')),
    ('qemu+tcp://192.168.1.5:16509/system',
     parts(scheme='qemu+tcp', driver='qemu', transport='tcp', host='192.168.1.5', port=16509,
           path='/system')),
    ('qemu+tls://[fe80::1%25eth0]/system',
     parts(scheme='qemu+tls', driver='qemu', transport='tls', host='fe80::1%eth0', path='/system')),
    ('qemu+libssh2://[::ffff:10.0.0.1]/system?known_hosts=/k&sshauth=privkey',
     parts(scheme='qemu+libssh2', driver='qemu', transport='libssh2', host='::ffff:10.0.0.1',
           path='/system', query='known_hosts=/k&sshauth=privkey',
           params={'known_hosts': '/k', 'sshauth': 'privkey'})),
    # no path at all: None (libvirt uses "")
    ('qemu+ssh://host', parts(scheme='qemu+ssh', driver='qemu', transport='ssh', host='host')),
    ('test:', parts(scheme='test', driver='test')),
    ('test:/default', parts(scheme='test', driver='test', path='/default')),
    ('test:default', parts(scheme='test', driver='test', path='default')),
    # a port of 0, or a port without a host, is ignored by libvirt
    ('qemu+ssh://h:0/system', parts(scheme='qemu+ssh', driver='qemu', transport='ssh', host='h',
                                    path='/system')),
    ('test://:5/default', parts(scheme='test', driver='test', path='/default')),
    ('qemu+ssh://h:022/system', parts(scheme='qemu+ssh', driver='qemu', transport='ssh', host='h',
                                      port=22, path='/system')),
    # percent-decoding of user, host, path, fragment and parameters
    ('qemu+ssh://a%20b@h%2Dx/sys%74em#f%41',
     parts(scheme='qemu+ssh', driver='qemu', transport='ssh', user='a b', host='h-x',
           path='/system', fragment='fA')),
    ('test:///caf%C3%A9?n%C3%A9=%E2%82%AC',
     parts(scheme='test', driver='test', path='/caf\u00e9', query='n%C3%A9=%E2%82%AC',
           params={'n\u00e9': '\u20ac'})),
    # a %00 ends a value (libvirt uses C strings)
    ('test:///default%00junk?a=x%00y',
     parts(scheme='test', driver='test', path='/default', query='a=x%00y', params={'a': 'x'})),
    # user:password is kept whole as the user, as libxml2 does
    ('qemu+ssh://u:pw@h/system', parts(scheme='qemu+ssh', driver='qemu', transport='ssh',
                                       user='u:pw', host='h', path='/system')),
    # libxml2 2.9 reads an empty user name as the rest of the URI
    ('test://@/default', parts(scheme='test', driver='test', user='@/default', path='/default')),
    # query splitting, as virURIParseParams
    ('test:///default?a=1&b&c=&=d&&e=f=g',
     parts(scheme='test', driver='test', path='/default', query='a=1&b&c=&=d&&e=f=g',
           params={'a': '1', 'b': '', 'c': '', 'e': 'f=g'})),
    ('test:///default?a=1;b=2', parts(scheme='test', driver='test', path='/default',
                                      query='a=1;b=2', params={'a': '1', 'b': '2'})),
    ('test:///default?a=1;b=2&c=3', parts(scheme='test', driver='test', path='/default',
                                          query='a=1;b=2&c=3', params={'a': '1;b=2', 'c': '3'})),
    ('test:///default?a=1&a=2', parts(scheme='test', driver='test', path='/default',
                                      query='a=1&a=2', params={'a': '2'})),
    ('test:///default?', parts(scheme='test', driver='test', path='/default', query='')),
    ('test:///default#', parts(scheme='test', driver='test', path='/default', fragment='')),
    ('test:///default?x=%2B+y', parts(scheme='test', driver='test', path='/default',
                                      query='x=%2B+y', params={'x': '++y'})),
    # scheme characters and case
    ('Vendor.Driver-2:///x', parts(scheme='Vendor.Driver-2', driver='Vendor.Driver-2', path='/x')),
    ('QEMU://system', parts(scheme='QEMU', driver='QEMU', host='system')),
    # ext ignores host and port, so they are not checked with it
    ('qemu+ext://h:70000/system?command=/x',
     parts(scheme='qemu+ext', driver='qemu', transport='ext', host='h', port=70000,
           path='/system', query='command=/x', params={'command': '/x'})),
]


@pytest.mark.parametrize('uri, expected', PARSED, ids=[row[0] for row in PARSED])
def test_parse_uri(uri, expected):
    assert parse_uri(uri) == expected


def test_parse_uri_keys_and_param_order():
    result = parse_uri('test:///default?z=1&a=2&m=3&a=4')
    assert tuple(sorted(result)) == tuple(sorted(lu.URI_KEYS))
    assert list(result['params'].items()) == [('z', '1'), ('a', '4'), ('m', '3')]


def test_parse_uri_bytes_input():
    assert parse_uri(b'qemu:///system')['path'] == '/system'


# ============================================================ parse_uri: refused

REFUSED = [
    # (uri, rule, exact message)
    ('', 'empty', "the URI is empty; a libvirt connection URI needs at least a driver name, "
                  "e.g. qemu:///system"),
    ('foo', 'no-driver',
     "no connection driver available for URI 'foo' does not include a driver name (expected "
     "driver[+transport]://[user@][host][:port]/[path][?param=value&...], e.g. qemu:///system)"),
    ('/var/run/libvirt/libvirt-sock', 'no-driver',
     "no connection driver available for URI '/var/run/libvirt/libvirt-sock' does not include a "
     "driver name (expected driver[+transport]://[user@][host][:port]/[path][?param=value&...], "
     "e.g. qemu:///system)"),
    ('qemu://system', 'missing-slash', 'invalid URI qemu://system (maybe you want qemu:///system)'),
    ('qemu://session', 'missing-slash',
     'invalid URI qemu://session (maybe you want qemu:///session)'),
    ('vbox://session/', 'missing-slash',
     'invalid URI vbox://session/ (maybe you want vbox:///session)'),
    ('vz://system?x=1', 'missing-slash', 'invalid URI vz://system?x=1 (maybe you want vz:///system)'),
    ('qemu://root@system:22', 'missing-slash',
     'invalid URI qemu://root@system:22 (maybe you want qemu:///system)'),
    ('qemu://syst%65m', 'missing-slash',
     'invalid URI qemu://syst%65m (maybe you want qemu:///system)'),
    ('qemu+bogus:///system', 'transport',
     "remote_open: transport in URL not recognised (should be tls|unix|ssh|ext|tcp|libssh2|libssh): "
     "URI 'qemu+bogus:///system' names transport 'bogus'"),
    ('qemu+:///system', 'transport',
     "remote_open: transport in URL not recognised (should be tls|unix|ssh|ext|tcp|libssh2|libssh): "
     "URI 'qemu+:///system' names transport ''"),
    ('qemu+ssh+tcp://h/system', 'transport',
     "remote_open: transport in URL not recognised (should be tls|unix|ssh|ext|tcp|libssh2|libssh): "
     "URI 'qemu+ssh+tcp://h/system' names transport 'ssh+tcp'"),
    ('qemu+unix://h/system', 'unix-host',
     "using unix socket and remote server 'h' is not supported. (URI 'qemu+unix://h/system': the "
     "unix transport reaches a local socket; drop the host or use a network transport such as ssh)"),
    ('qemu+UNIX://[::1]/system', 'unix-host',
     "using unix socket and remote server '::1' is not supported. (URI 'qemu+UNIX://[::1]/system': "
     "the unix transport reaches a local socket; drop the host or use a network transport such as "
     "ssh)"),
    ('qemu+ext:///system', 'ext-command',
     "remote_open: for 'ext' transport, command is required (URI 'qemu+ext:///system' has no "
     "command= parameter)"),
    ('qemu+ext:///system?command=', 'ext-command',
     "remote_open: for 'ext' transport, command is required (URI 'qemu+ext:///system?command=' has "
     "an empty command= parameter)"),
    ('qemu+ssh://h:99999/system', 'port',
     "URI 'qemu+ssh://h:99999/system': port 99999 is out of range (1-65535)"),
    ('qemu+ssh://h:99999999999/system', 'syntax',
     'Unable to parse URI qemu+ssh://h:99999999999/system: port 99999999999 is out of range '
     '(1-65535)'),
    ('qemu+ssh://h:ssh/system', 'syntax',
     "Unable to parse URI qemu+ssh://h:ssh/system: the port after ':' must be a decimal number, "
     "found 'ssh'"),
    ('qemu+ssh://h:22x/system', 'syntax',
     "Unable to parse URI qemu+ssh://h:22x/system: the port after ':' must be a decimal number, "
     "found '22x'"),
    ('qemu+ssh://h:/system', 'syntax',
     "Unable to parse URI qemu+ssh://h:/system: the port after ':' at position 12 is empty "
     "(remove the ':' or give a port number)"),
    ('qemu+ssh://fe80::1/system', 'syntax',
     "Unable to parse URI qemu+ssh://fe80::1/system: the host 'fe80::1' looks like an IPv6 "
     "address, which must be enclosed in brackets, e.g. qemu+ssh://[fe80::1]/system"),
    ('qemu+ssh://root@2001:db8::7:2222/system', 'syntax',
     "Unable to parse URI qemu+ssh://root@2001:db8::7:2222/system: the host '2001:db8::7:2222' "
     "looks like an IPv6 address, which must be enclosed in brackets, e.g. "
     "qemu+ssh://[2001:db8::7:2222]/system"),
    ('qemu+tcp://[fe80::1/system', 'syntax',
     "Unable to parse URI qemu+tcp://[fe80::1/system: the '[' at position 11 opening an IPv6 host "
     "is never closed with ']'"),
    ('qemu+tcp://[node1]/system', 'ipv6',
     "URI 'qemu+tcp://[node1]/system': the host '[node1]' is not a valid IPv6 address (brackets "
     "are only for IPv6 addresses)"),
    ('qemu+tcp://[fe80::g]/system', 'ipv6',
     "URI 'qemu+tcp://[fe80::g]/system': the host '[fe80::g]' is not a valid IPv6 address "
     "(brackets are only for IPv6 addresses)"),
    ('qemu+tcp://a%2Fb/system', 'host',
     "URI 'qemu+tcp://a%2Fb/system': the host 'a/b' (written 'a%2Fb') contains '/', which a host "
     "name cannot hold"),
    ('test:///default x', 'whitespace',
     'Unable to parse URI test:///default x: a space at position 15 is not allowed in a URI '
     '(percent-encode it, e.g. %20)'),
    ('test:///default\n', 'whitespace',
     'Unable to parse URI test:///default\\n: a line feed (LF) at position 15 is not allowed in a '
     'URI (percent-encode it, e.g. %0A)'),
    ('test:///def\tault', 'whitespace',
     'Unable to parse URI test:///def\\tault: a tab at position 11 is not allowed in a URI '
     '(percent-encode it, e.g. %09)'),
    ('test:///default\x00', 'whitespace',
     'Unable to parse URI test:///default\\x00: a NUL character at position 15 is not allowed in a '
     'URI (percent-encode it, e.g. %00)'),
    ('test:///default\x1b', 'whitespace',
     'Unable to parse URI test:///default\\x1b: control character U+001B at position 15 is not '
     'allowed in a URI (percent-encode it, e.g. %1B)'),
    ('test:///caf\u00e9', 'syntax',
     "Unable to parse URI test:///caf\u00e9: the non-ASCII character '\u00e9' at position 11 must "
     "be percent-encoded as UTF-8 (%C3%A9)"),
    (':foo', 'syntax',
     "Unable to parse URI :foo: it starts with ':' where a driver name belongs, e.g. qemu:///system"),
    ('1qemu:///system', 'syntax',
     "Unable to parse URI 1qemu:///system: the driver name '1qemu' must start with a letter"),
    ('q_emu:///system', 'syntax',
     "Unable to parse URI q_emu:///system: the driver name 'q_emu' contains '_'; a driver name may "
     "only hold letters, digits, '+', '-' and '.'"),
    ('test:///a%zz', 'syntax',
     "Unable to parse URI test:///a%zz: '%' at position 9 in the path is not followed by two "
     "hexadecimal digits (write %25 for a literal '%')"),
    ('test:///x?a=100%', 'syntax',
     "Unable to parse URI test:///x?a=100%: '%' at position 15 in the query is not followed by two "
     "hexadecimal digits (write %25 for a literal '%')"),
    ('test:///x#a#b', 'syntax',
     "Unable to parse URI test:///x#a#b: a second '#' at position 11 (write %23 for a literal '#')"),
    ('test:///x?a=[1]', 'syntax',
     "Unable to parse URI test:///x?a=[1]: '[' at position 12: brackets are only allowed around an "
     "IPv6 host (write %5B otherwise)"),
    ('qemu+ssh://a@b@h/system', 'syntax',
     "Unable to parse URI qemu+ssh://a@b@h/system: unexpected '@' at position 14: only one '@' may "
     "separate the user from the host (write %40 for a literal '@')"),
    ('qemu:///system"', 'syntax',
     "Unable to parse URI qemu:///system\": character '\"' at position 14 is not allowed in the "
     "path (write it as %22)"),
    ('qemu+ssh://ho^st/system', 'syntax',
     "Unable to parse URI qemu+ssh://ho^st/system: character '^' at position 13 is not allowed in "
     "the host (write it as %5E)"),
    ('test:///x?a={b}', 'syntax',
     "Unable to parse URI test:///x?a={b}: character '{' at position 12 is not allowed in the query "
     "(write it as %7B)"),
]


@pytest.mark.parametrize('uri, rule, message', REFUSED, ids=[repr(row[0]) for row in REFUSED])
def test_parse_uri_refuses(uri, rule, message):
    error = refusal(parse_uri, uri)
    assert (error.rule, str(error)) == (rule, message)
    assert error.uri == uri
    assert isinstance(error, ValueError)


LIBVIRT_MESSAGES = [
    ('foo', "no connection driver available for URI 'foo' does not include a driver name"),
    ('qemu://system', 'internal error: invalid URI qemu://system (maybe you want qemu:///system)'),
    ('test:///a b', 'internal error: Unable to parse URI test:///a b'),
    ('qemu+x:///system', 'invalid argument: remote_open: transport in URL not recognised '
                         '(should be tls|unix|ssh|ext|tcp|libssh2|libssh)'),
    ('qemu+unix://h/system', "invalid argument: using unix socket and remote server 'h' is not "
                             "supported."),
    ('qemu+ext:///system', "invalid argument: remote_open: for 'ext' transport, command is required"),
    # rules of this module only: no libvirt text
    ('qemu+ssh://h:99999/system', None),
    ('qemu+tcp://[node1]/system', None),
    ('qemu+ext:///system?command=', None),
]


@pytest.mark.parametrize('uri, text', LIBVIRT_MESSAGES, ids=[row[0] for row in LIBVIRT_MESSAGES])
def test_libvirt_message(uri, text):
    assert refusal(parse_uri, uri).libvirt_message == text


@pytest.mark.parametrize('value', [None, 42, ['qemu:///system'], {'uri': 'x'}])
def test_parse_uri_type(value):
    error = refusal(parse_uri, value)
    assert error.rule == 'type'
    assert str(error).startswith('a URI must be a string, not %s' % type(value).__name__)


def test_parse_uri_bytes_not_utf8():
    assert refusal(parse_uri, b'test:///\xff').rule == 'encoding'


# ============================================================ check_connect_uri

CONNECT_ACCEPTED = [
    'test:///default',
    'qemu:///system',
    'qemu:///session',
    'qemu+ssh://root@hail.cloud.example.com/system',
    'qemu+ssh://u@[::1]:2222/system?keyfile=/k',
    'remote://host/',
    'remote:///',
    'test:///tmp/x.xml',
    'xen:///system',
    'xen://',
    'lxc:///',
    'qemu+ext:///system?command=/bin/x',
    'qemu+tcp://10.0.0.1:16509/system',
    'qemu+tls://host.example.com/system?pkipath=/etc/pki/libvirt&no_verify=1',
    'qemu+libssh://u@h/system?known_hosts_verify=ignore&sshauth=agent,privkey',
    'qemu:///system?mode=legacy&proxy=netcat',
    'qemu+unix:///system?mode=direct',
    'qemu+tcp://h/system?mode=direct',
    'qemu:///system?no_tty=+1&no_verify=%201&no_sanity=-2147483648',
    "qemu+ssh://o'brien@h/system",
    'qemu:///embed?root=/var/tmp/embed',
    # handled by the test driver, which ignores parameters
    'test:///default?no_verify=x&mode=bad',
    'test://@/default',
    'test:/default',
    'esx://host/?no_verify=1&auto_answer=0&transport=http&proxy=socks4a://p:1080&vcenter=*',
    'vpx://vc.example.com/dc1/cluster1?no_verify=1',
    'openvz:///system',
    'vmwareplayer:///session',
    'QEMU://system',
    'qemu+ssh://system',
    'bhyve:///system',
    'ch:///session',
    'vbox:///session',
    'vz:///system',
    'qemu+ext://h:99999/system?command=/x',
]


@pytest.mark.parametrize('uri', CONNECT_ACCEPTED)
def test_check_connect_uri_accepts(uri):
    assert check_connect_uri(uri) is None


CONNECT_REFUSED = [
    # (uri, rule, start of the message)
    ('qemu:///system?no_verify=yes', 'integer-param',
     "Failed to parse value of URI component no_verify (URI 'qemu:///system?no_verify=yes': 'yes' "
     "is not an integer; use 0 or 1)"),
    ('qemu:///system?NO_TTY', 'integer-param', 'Failed to parse value of URI component NO_TTY '),
    ('qemu:///system?no_sanity=2147483648', 'integer-param',
     'Failed to parse value of URI component no_sanity '),
    ('qemu:///system?no_verify=0x1', 'integer-param',
     'Failed to parse value of URI component no_verify '),
    ('qemu+ssh://h/system?no_tty=1&no_tty=on', 'integer-param',
     "Failed to parse value of URI component no_tty (URI 'qemu+ssh://h/system?no_tty=1&no_tty=on': "
     "'on' is not an integer"),
    ('qemu:///system?mode=DIRECT', 'mode',
     "Unknown remote mode 'DIRECT' (URI 'qemu:///system?mode=DIRECT': mode must be one of auto, "
     "legacy, direct)"),
    ('qemu:///system?mode=auto&mode=x', 'mode', "Unknown remote mode 'x' "),
    ('qemu:///system?proxy=socat', 'proxy',
     "Unnkown proxy type 'socat' (URI 'qemu:///system?proxy=socat': proxy must be one of auto, "
     "netcat, native)"),
    ('qemu+ssh://h/system?mode=direct', 'direct-mode',
     "Cannot use direct socket mode for ssh transport (URI 'qemu+ssh://h/system?mode=direct': "
     "the direct mode only works with the unix transport, or give socket=)"),
    ('qemu+LIBSSH2://h/system?mode=direct', 'direct-mode',
     'Cannot use direct socket mode for libssh2 transport '),
    ('test:///', 'test-path',
     "testOpen: supply a path or use test:///default (URI 'test:///' has no path)"),
    ('test://', 'test-path', 'testOpen: supply a path or use test:///default '),
    ('test:', 'test-path', 'testOpen: supply a path or use test:///default '),
    ('esx:///', 'server-required',
     "URI is missing the server part (URI 'esx:///': the esx driver connects to a server, e.g. "
     "esx://host/)"),
    ('vpx:///dc/cluster', 'server-required', 'URI is missing the server part '),
    ('vpx://vc.example.com/', 'esx',
     "Path has to specify the datacenter and compute resource (URI 'vpx://vc.example.com/': a "
     "vCenter URI reads vpx://host/DATACENTER/COMPUTE-RESOURCE)"),
    ('esx://h/?no_verify=yes', 'esx',
     "Query parameter 'no_verify' has unexpected value 'yes' (should be 0 or 1) (URI "
     "'esx://h/?no_verify=yes')"),
    ('gsx://h/?AUTO_ANSWER=2', 'esx',
     "Query parameter 'auto_answer' has unexpected value '2' (should be 0 or 1)"),
    ('esx://h/?transport=HTTPS', 'esx',
     "Query parameter 'transport' has unexpected value 'HTTPS' (should be http|https)"),
    ('esx://h/?proxy=ftp://p:1', 'esx',
     "Query parameter 'proxy' contains unexpected type 'ftp' (should be (http|socks(|4|4a|5))"),
    ('esx://h/?proxy=:3128', 'esx', "Query parameter 'proxy' doesn't contain a hostname"),
    ('esx://h/?proxy=socks4a://p:65536', 'esx',
     "Query parameter 'proxy' has unexpected port value '65536' (should be [1..65535])"),
    ('qemu:///embed', 'embed',
     "Missing URI parameter 'root' (URI 'qemu:///embed': an embedded driver needs "
     "root=/absolute/dir)"),
    ('qemu:///embed?root=x', 'embed',
     "root path must be absolute (URI 'qemu:///embed?root=x' has root='x')"),
    ('QEMU:///embed?root=/x', 'embed',
     "no connection driver available for URI scheme 'QEMU' for embedded driver is not valid (URI "
     "'QEMU:///embed?root=/x': an embedded driver is named by a lower-case driver name without a "
     "transport)"),
    ('qemu+ssh://@h/system', 'user',
     "URI 'qemu+ssh://@h/system' has an empty user name before '@'; libvirt would log in as "
     "'@h/system'. Name a user or drop the '@'"),
    ('qemu:///system?x=\'"', 'config-quoting',
     "URI qemu:///system?x='\" contains both ' and \", so it cannot be written as a libvirt.conf "
     "string"),
    ('qemu:///system\n', 'config-quoting',
     "URI 'qemu:///system\\n' contains a line feed (LF) at position 14, which cannot be written "
     "into a libvirt.conf string"),
    ('qemu:///sys\rtem', 'config-quoting',
     "URI 'qemu:///sys\\rtem' contains a carriage return (CR) at position 11, "),
    ('qemu:///system\x00', 'config-quoting', "URI 'qemu:///system\\x00' contains a NUL character "),
    # parse_uri's rules apply too
    ('qemu://system', 'missing-slash', 'invalid URI qemu://system (maybe you want qemu:///system)'),
    ('xen', 'no-driver', "no connection driver available for URI 'xen' does not include a driver "),
    ('', 'empty', 'the URI is empty'),
    ('qemu+unix://h/system?no_verify=x', 'unix-host', "using unix socket and remote server 'h' "),
    ('qemu+ext:///system?no_verify=x', 'integer-param', 'Failed to parse value '),
    ('qemu+ext:///system?mode=x', 'mode', "Unknown remote mode 'x' "),
]


@pytest.mark.parametrize('uri, rule, message', CONNECT_REFUSED,
                         ids=[repr(row[0]) for row in CONNECT_REFUSED])
def test_check_connect_uri_refuses(uri, rule, message):
    error = refusal(check_connect_uri, uri)
    assert error.rule == rule
    assert str(error).startswith(message), str(error)


CONNECT_ONLY_RULES = ('integer-param', 'mode', 'proxy', 'direct-mode', 'test-path',
                      'server-required', 'embed', 'esx', 'user', 'config-quoting')


@pytest.mark.parametrize('uri, rule', [(row[0], row[1]) for row in CONNECT_REFUSED
                                       if row[1] in CONNECT_ONLY_RULES and
                                       row[1] != 'config-quoting'])
def test_connect_only_rules_do_not_stop_parse(uri, rule):
    try:
        parse_uri(uri)
    except URIError as error:
        # e.g. an ext URI without command=: libvirt checks the parameters first
        assert error.rule not in CONNECT_ONLY_RULES


# ============================================================ build_uri

BUILT = [
    (dict(driver='qemu', path='/system'), 'qemu:///system'),
    (dict(driver='test'), 'test://'),
    (dict(driver='test', path='default'), 'test:default'),
    (dict(driver='qemu', transport='ssh', user='root', host='hail.cloud.example.com',
          path='/system'), 'qemu+ssh://root@hail.cloud.example.com/system'),
    (dict(driver='qemu', transport='ssh', user='u', host='::1', port=2222, path='/system',
          params={'keyfile': '/k'}), 'qemu+ssh://u@[::1]:2222/system?keyfile=%2Fk'),
    (dict(driver='qemu', transport='ssh', host='[::1]', path='/system'), 'qemu+ssh://[::1]/system'),
    (dict(driver='qemu', transport='tcp', host='fe80::1%eth0', path='/system'),
     'qemu+tcp://[fe80::1%25eth0]/system'),
    (dict(driver='remote', host='host', path='/'), 'remote://host/'),
    (dict(driver='qemu', transport='ext', path='/system', params={'command': '/bin/x'}),
     'qemu+ext:///system?command=%2Fbin%2Fx'),
    # values escaped as libvirt's virURIFormatParams (GLib: all but A-Z a-z 0-9 - . _ ~)
    (dict(driver='qemu', path='/system', params={'a': 'x y/\u00e9&=;#%+~-._', 'b': ''}),
     'qemu:///system?a=x%20y%2F%C3%A9%26%3D%3B%23%25%2B~-._&b='),
    (dict(driver='qemu', path='/system', params={'no_tty': 1, 'no_verify': True,
                                                 'no_sanity': False}),
     'qemu:///system?no_tty=1&no_verify=1&no_sanity=0'),
    (dict(driver='qemu', path='/system', params=[['a', '1'], ['a', '2']]),
     'qemu:///system?a=1&a=2'),
    (dict(driver='qemu', path='/system', params={}), 'qemu:///system'),
    # user, path and fragment escaped as libxml2's xmlSaveUri
    (dict(driver='qemu', transport='ssh', user='a b:c;d@\u00e9', host='h', path='/system'),
     'qemu+ssh://a%20b:c;d%40%C3%A9@h/system'),
    (dict(driver='test', path="/tmp/a:b c#d?e%f@g'\u00e9.xml"),
     "test:///tmp/a%3Ab%20c%23d%3Fe%25f@g'%C3%A9.xml"),
    (dict(driver='test', path='/default', fragment='a b#[]:\u00e9'),
     'test:///default#a%20b%23[]:%C3%A9'),
    (dict(driver='test', path='/default', fragment=''), 'test:///default#'),
    # a user without a host, as libvirt writes it
    (dict(driver='test', user='u', path='/default'), 'test://u@/default'),
    # the raw query wins when it holds exactly the params
    (dict(driver='qemu', path='/system', params={'keyfile': '/k'}, query='keyfile=/k'),
     'qemu:///system?keyfile=/k'),
    (dict(driver='qemu', path='/system', params={'keyfile': '/j'}, query='keyfile=/k'),
     'qemu:///system?keyfile=%2Fj'),
    (dict(driver='qemu', path='/system', query='a=1;b=2'), 'qemu:///system?a=1;b=2'),
    (dict(driver='qemu', path='/system', params={}, query=''), 'qemu:///system?'),
    # empty strings are absent parts; strings are fine for ports
    (dict(driver='qemu', transport='', user='', host='', path='/system'), 'qemu:///system'),
    (dict(driver='qemu', transport='tcp', host='h', port='16509', path='/system'),
     'qemu+tcp://h:16509/system'),
    (dict(driver='qemu', transport='ssh', scheme='qemu+ssh', host='h'), 'qemu+ssh://h'),
]


@pytest.mark.parametrize('kwargs, expected', BUILT, ids=[row[1] for row in BUILT])
def test_build_uri(kwargs, expected):
    assert build_uri(**kwargs) == expected


def test_build_uri_positional_contract():
    assert build_uri('qemu', 'ssh', 'root', 'h', 22, '/system', {'no_tty': '1'}) == \
        'qemu+ssh://root@h:22/system?no_tty=1'


BUILD_REFUSED = [
    (dict(driver=''), 'no-driver', 'a driver name is required, e.g. qemu'),
    (dict(driver=None), 'no-driver', 'a driver name is required, e.g. qemu'),
    (dict(driver='qemu+ssh'), 'part',
     "driver 'qemu+ssh' contains '+'; give the transport separately (driver=qemu, transport=ssh)"),
    (dict(driver='9p'), 'part', "driver '9p' is not a valid driver name"),
    (dict(driver='q emu'), 'part', "driver 'q emu' is not a valid driver name"),
    (dict(driver=5), 'part', 'driver must be a string, not int (5)'),
    (dict(driver='qemu', transport='bogus'), 'transport',
     "remote_open: transport in URL not recognised (should be tls|unix|ssh|ext|tcp|libssh2|libssh): "
     "got transport 'bogus'"),
    (dict(driver='qemu', transport='unix', host='h', path='/system'), 'unix-host',
     "using unix socket and remote server 'h' is not supported."),
    (dict(driver='qemu', transport='ext', path='/system'), 'ext-command',
     "remote_open: for 'ext' transport, command is required"),
    (dict(driver='qemu', host='system'), 'missing-slash',
     'invalid URI qemu://system (maybe you want qemu:///system)'),
    (dict(driver='qemu', scheme='qemu+ssh', path='/system'), 'part',
     "scheme 'qemu+ssh' does not match driver 'qemu' and transport None (expected 'qemu')"),
    (dict(driver='qemu', transport='ssh', host='h', port=0), 'port', 'port 0 is out of range (1-65535)'),
    (dict(driver='qemu', transport='ssh', host='h', port=65536), 'port',
     'port 65536 is out of range (1-65535)'),
    (dict(driver='qemu', transport='ssh', host='h', port='ssh'), 'port',
     "port 'ssh' is not a number 1-65535"),
    (dict(driver='qemu', transport='ssh', host='h', port=True), 'port',
     'port must be an integer 1-65535, not True'),
    (dict(driver='qemu', transport='ssh', host='h', port=2.5), 'port',
     'port must be an integer 1-65535, not float (2.5)'),
    (dict(driver='qemu', port=22, path='/system'), 'port',
     'port 22 needs a host; libvirt ignores a port without one'),
    (dict(driver='qemu', transport='ssh', host='fe80::zz'), 'ipv6',
     "host 'fe80::zz' is not a valid IPv6 address (':' is not allowed in a host name)"),
    (dict(driver='qemu', transport='ssh', host='[node]'), 'ipv6',
     "host '[node]': brackets are only for IPv6 addresses"),
    (dict(driver='qemu', transport='ssh', host='a/b'), 'host',
     "host 'a/b' contains '/', which a host name cannot hold"),
    (dict(driver='qemu', transport='ssh', host='h', path='system'), 'part',
     "path 'system' must start with '/' when the URI has a host or user"),
    (dict(driver='qemu', path='/system', params={'': 'x'}), 'part', 'a parameter name cannot be empty'),
    (dict(driver='qemu', path='/system', params={'a': None}), 'part',
     "the value of parameter 'a' must be a string or an integer, not NoneType (None)"),
    (dict(driver='qemu', path='/system', params={'a': [1]}), 'part',
     "the value of parameter 'a' must be a string or an integer, not list ([1])"),
    (dict(driver='qemu', path='/system', params='a=1'), 'part',
     "params must be a dict of name: value, not str ('a=1')"),
    (dict(driver='qemu', path='/system', params=[['a']]), 'part',
     "params given as a list must hold [name, value] pairs, not ['a']"),
    (dict(driver='qemu', path='/system', query='a=b#c'), 'part', "query 'a=b#c' contains '#'"),
    (dict(driver='qemu', path='/system', query='a b'), 'whitespace',
     'Unable to parse URI qemu:///system?a b: a space at position 16'),
]


@pytest.mark.parametrize('kwargs, rule, message', BUILD_REFUSED,
                         ids=[repr(row[0]) for row in BUILD_REFUSED])
def test_build_uri_refuses(kwargs, rule, message):
    error = refusal(build_uri, **kwargs)
    assert error.rule == rule
    assert str(error).startswith(message), str(error)


# ============================================================ round trips

CANONICAL = [
    'test:///default',
    'qemu:///system',
    'qemu:///session',
    'lxc:///',
    'xen:///system',
    'remote://host/',
    'test:///tmp/x.xml',
    'test://',
    'test:default',
    'qemu+ssh://root@hail.cloud.example.com/system',
    'qemu+ssh://u@[::1]:2222/system?keyfile=/k',
    'qemu+ext:///system?command=/bin/x',
    'qemu+SSH://h/system',
    'qemu+tcp://[fe80::1%25eth0]:16509/system',
    'qemu+libssh2://u@192.0.2.1/system?known_hosts=/k&sshauth=privkey&no_verify=1',
    'test:///tmp/a%3Ab%20c.xml',
    'test:///default?a=1;b=2&c=%2F&d&&=e',
    'test:///default?',
    'test:///default#frag',
    'test:///default#',
    'test://u@/default',
    'test://%40%2Fdefault@/default',
    'qemu+ssh://a%20b:c;d@h/system',
    'test:///%FF?x=%FF#%FF',
]


@pytest.mark.parametrize('uri', CANONICAL)
def test_round_trip(uri):
    assert build_uri(**parse_uri(uri)) == uri


def _random_parts(rng):
    words = ['a', 'Z9', 'node-1', 'x_y', '~t', '\u00e9t\u00e9', 'a b', '%', '/', ':', '@', '#',
             '?', '&', '=', ';', '+', "'", '[', ']', '!', '$', '(', ')', '*', ',']
    drivers = ['qemu', 'test', 'lxc', 'remote', 'xen', 'Vendor.X-2']
    hosts = ['h', 'node1.example.com', '192.0.2.7', '::1', 'fe80::1%eth0', '2001:db8::8:800:200c:417a',
             '::ffff:10.0.0.1', 'a_b~c', "a!b$c'd(e)f*g+h,i;j=k&l"]

    def word():
        return ''.join(rng.choice(words) for _count in range(rng.randint(1, 4)))

    transport = rng.choice([None, 'tls', 'ssh', 'tcp', 'libssh', 'libssh2', 'ext', 'unix'])
    host = rng.choice([None] + hosts) if transport != 'unix' else None
    given = {
        'driver': rng.choice(drivers),
        'transport': transport,
        'host': host,
        'user': word() if host and rng.random() < 0.5 else None,
        'port': rng.randint(1, 65535) if host and rng.random() < 0.5 else None,
        'path': rng.choice([None, '/', '/system', '/session']) if rng.random() < 0.5 else
        '/' + '/'.join(word() for _count in range(rng.randint(1, 3))),
        'fragment': word() if rng.random() < 0.2 else None,
    }
    params = {}
    for _count in range(rng.randint(0, 3)):
        params[word()] = word()
    if transport == 'ext':
        params['command'] = '/usr/bin/x'
    given['params'] = params
    if given['driver'] == 'test' and host is None and given['path'] in (None, '/'):
        given['path'] = '/default'
    return given


def test_generated_parts_round_trip():
    rng = random.Random(SEED)
    for _count in range(3000):
        given = _random_parts(rng)
        uri = build_uri(**given)
        parsed = parse_uri(uri)
        for key in ('driver', 'transport', 'user', 'host', 'port', 'path', 'fragment'):
            assert parsed[key] == given[key], (uri, key, given)
        assert parsed['params'] == given['params'], (uri, given)
        assert build_uri(**parsed) == uri
        check_connect_uri(uri)


# ============================================================ libxml2 differential

class _XmlURI(ctypes.Structure):
    _fields_ = [('scheme', ctypes.c_char_p), ('opaque', ctypes.c_char_p),
                ('authority', ctypes.c_char_p), ('server', ctypes.c_char_p),
                ('user', ctypes.c_char_p), ('port', ctypes.c_int), ('path', ctypes.c_char_p),
                ('query', ctypes.c_char_p), ('fragment', ctypes.c_char_p),
                ('cleanup', ctypes.c_int), ('query_raw', ctypes.c_char_p)]


@pytest.fixture(scope='module')
def libxml2():
    try:
        lib = ctypes.CDLL('libxml2.so.2')
    except OSError:
        pytest.fail('libxml2 (libxml2.so.2) is not installed: run `make test`, which installs '
                    'libvirt-clients and the libxml2 it parses URIs with')
    lib.xmlParseURI.restype = ctypes.POINTER(_XmlURI)
    lib.xmlParseURI.argtypes = [ctypes.c_char_p]
    lib.xmlFreeURI.argtypes = [ctypes.POINTER(_XmlURI)]
    return lib


def _xml_parse(lib, text):
    pointer = lib.xmlParseURI(text.encode('utf-8'))
    if not pointer:
        return None
    uri = pointer.contents
    result = dict((name, getattr(uri, name)) for name, _ctype in _XmlURI._fields_)
    lib.xmlFreeURI(pointer)
    return result


def _bytes(text):
    return None if text is None else text.encode('utf-8', 'surrogateescape')


PIECES = list("aZq9:/?#@[]%4F.+-_~!$&'()*;=,\" ^|{}<>`\t") + [
    '\u00e9', '%00', '%FF', '%41', '%zz', '::', '//', 'qemu', 'test:', '[::1]', ':22',
    '%25', '%C3%A9', '99999999999']
PREFIXES = ['', 'test:', 'qemu+ssh://', 'a://', '//', 'x:/', 'qemu://', 'q:', 'q://u@']


def test_grammar_matches_libxml2(libxml2):
    """Accept/refuse and every part as libxml2's xmlParseURI (then virURIParse) sees it."""
    rng = random.Random(SEED)
    checked = accepted = 0
    for _count in range(25000):
        text = rng.choice(PREFIXES) + ''.join(rng.choice(PIECES) for _count in range(rng.randint(0, 12)))
        expected = _xml_parse(libxml2, text)
        try:
            raw = libxml2_parse(text)
        except SyntaxFailure:
            raw = None
        assert (raw is None) == (expected is None), text
        checked += 1
        if raw is None or expected['scheme'] is None:
            continue
        accepted += 1
        got = Parts(text, raw)
        server = _bytes(got.host)
        if got.host is not None and got.bracketed and ':' in raw.host:
            server = b'[' + server + b']'
        assert (_bytes(got.scheme), server, _bytes(got.user), _bytes(got.path),
                _bytes(got.query), _bytes(got.fragment)) == \
            (expected['scheme'], expected['server'], expected['user'], expected['path'],
             expected['query_raw'], expected['fragment']), text
        if expected['server']:
            assert (got.port or 0) == expected['port'], text
    assert checked == 25000 and accepted > 3000


# ============================================================ virsh differential

@pytest.mark.parametrize('uri, old, new', [
    ('qemu:///embed?Root=rel', "invalid argument: Missing URI parameter 'root'",
     'unsupported configuration: root path must be absolute'),
    ('qemu:///embed?ROOT=/x&root=rel', 'unsupported configuration: root path must be absolute', None),
    ('qemu:///embed?root=rel&ROOT=/x', 'unsupported configuration: root path must be absolute',
     'unsupported configuration: root path must be absolute'),
    ('qemu:///embed?ROOT=/x', "invalid argument: Missing URI parameter 'root'", None),
])
def test_embed_root_case_follows_the_version_given(uri, old, new):
    """The rule the differential test found, without virsh: which version is asked decides."""
    for version, want in (((9, 0, 0), old), ((11, 3, 0), new)):
        if want is None:
            assert check_connect_uri(uri, libvirt_version=version) is None
        else:
            assert refusal(check_connect_uri, uri, libvirt_version=version).libvirt_message == want
