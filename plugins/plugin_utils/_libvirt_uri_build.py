# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Build libvirt connection URIs from their parts: the inverse of ``parse_uri``.

``build_uri(driver, transport, user, host, port, path, params)`` gives
back, for every URI in the canonical form ``virsh uri`` prints,
``build_uri(**parse_uri(u)) == u``.  Parts are percent-encoded the way
libvirt formats them (libxml2's ``xmlSaveUri`` for the user, path and
fragment; GLib's URI escaping, as libvirt's ``virURIFormatParams`` uses,
for parameter values), and the result is read back with the rules of
``module_utils/_libvirt_uri.py``.

Only the controller builds URIs (the ``libvirt_uri_build`` filter), so
this lives apart from the rules the modules ship to every host.
"""

from __future__ import annotations

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import (
    RULE_HOST,
    RULE_IPV6,
    RULE_NO_DRIVER,
    RULE_PART,
    RULE_PORT,
    RULE_TRANSPORT,
    TRANSPORTS,
    URI_FORM,
    analyse,
    fail,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri_syntax import (
    ALPHA,
    DIGIT,
    HOST_CHARS,
    SCHEME_CHARS,
    UNDECODABLE,
    last_wins,
    pct_escape,
    split_params,
    valid_ipv6,
)

# What libxml2's xmlSaveUri leaves unescaped (RFC 2396 classes).
_MARK = "-_.!~*'()"
_SAVE_USER_CHARS = ALPHA + DIGIT + _MARK + ';:&=+$,'
_SAVE_PATH_CHARS = ALPHA + DIGIT + _MARK + '/;@&=+$,'
_SAVE_FRAGMENT_CHARS = ALPHA + DIGIT + _MARK + ';/?:@&=+$,[]'
# What GLib's g_uri_escape_string leaves unescaped (libvirt's virURIFormatParams).
_PARAM_CHARS = ALPHA + DIGIT + '-._~'


def _quote(text, safe):
    """Percent-encode every character of ``text`` outside ``safe`` (UTF-8, upper-case hex)."""
    out = []
    for ch in text:
        if ch in safe:
            out.append(ch)
        else:
            out.append(pct_escape(ch))
    return ''.join(out)


def _part_text(name, value, uri_hint=None):
    if value is None:
        return None
    if isinstance(value, bytes):
        try:
            value = value.decode('utf-8')
        except UnicodeDecodeError:
            fail('%s %r is not valid UTF-8 text' % (name, value), uri_hint, RULE_PART)
    if not isinstance(value, str):
        fail('%s must be a string, not %s (%r)' % (name, type(value).__name__, value),
             uri_hint, RULE_PART)
    value = str(value)
    try:
        value.encode('utf-8', UNDECODABLE)
    except UnicodeError:
        fail('%s %r cannot be encoded as UTF-8' % (name, value), uri_hint, RULE_PART)
    return value


def _param_value(name, value):
    if isinstance(value, bool):
        return '1' if value else '0'
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) or isinstance(value, bytes):
        return _part_text("the value of parameter '%s'" % name, value)
    fail("the value of parameter '%s' must be a string or an integer, not %s (%r)"
         % (name, type(value).__name__, value), None, RULE_PART)


def _param_pairs(params):
    if params is None:
        return None
    if isinstance(params, dict):
        items = list(params.items())
    elif isinstance(params, (list, tuple)):
        items = []
        for item in params:
            if not isinstance(item, (list, tuple)) or len(item) != 2:
                fail('params given as a list must hold [name, value] pairs, not %r' % (item,),
                     None, RULE_PART)
            items.append((item[0], item[1]))
    else:
        fail('params must be a dict of name: value, not %s (%r)'
             % (type(params).__name__, params), None, RULE_PART)
    pairs = []
    for name, value in items:
        name = _part_text('a parameter name', name)
        if not name:
            fail('a parameter name cannot be empty (params %r)' % (params,), None, RULE_PART)
        pairs.append((name, _param_value(name, value)))
    return pairs


def _format_params(pairs):
    """virURIFormatParams: name=value joined by '&', values escaped as GLib does."""
    return '&'.join('%s=%s' % (_quote(name, _PARAM_CHARS), _quote(value, _PARAM_CHARS))
                    for name, value in pairs)


def _build_host(host):
    if host.startswith('[') and host.endswith(']'):
        host = host[1:-1]
        if ':' not in host:
            fail("host '[%s]': brackets are only for IPv6 addresses" % host, None, RULE_IPV6)
    if ':' in host:
        if not valid_ipv6(host):
            fail("host '%s' is not a valid IPv6 address (':' is not allowed in a host name)"
                 % host, None, RULE_IPV6)
        address, sep, zone = host.partition('%')
        return '[%s%s]' % (address, '%25' + zone if sep else '')
    bad = [ch for ch in host if ch not in HOST_CHARS]
    if bad:
        fail("host '%s' contains '%s', which a host name cannot hold" % (host, bad[0]), None,
             RULE_HOST)
    return host


def _build_port(port, host):
    if port is None:
        return None
    if isinstance(port, bool):
        fail('port must be an integer 1-65535, not %r' % (port,), None, RULE_PORT)
    if isinstance(port, str) or isinstance(port, bytes):
        text = _part_text('port', port)
        if not text or any(ch not in DIGIT for ch in text):
            fail("port '%s' is not a number 1-65535" % text, None, RULE_PORT)
        port = int(text)
    if not isinstance(port, int):
        fail('port must be an integer 1-65535, not %s (%r)' % (type(port).__name__, port),
             None, RULE_PORT)
    if not 1 <= port <= 65535:
        fail('port %d is out of range (1-65535)' % port, None, RULE_PORT)
    if host is None:
        fail('port %d needs a host; libvirt ignores a port without one' % port, None, RULE_PORT)
    return port


def build_uri(driver, transport=None, user=None, host=None, port=None, path=None, params=None,
              query=None, fragment=None, scheme=None):
    """Assemble a libvirt connection URI; the inverse of ``parse_uri``.

    ``build_uri(**parse_uri(u)) == u`` for a URI ``u`` in canonical form
    (the form ``virsh uri`` prints).  The output follows libvirt's own
    formatting: ``driver[+transport]://[user@][host][:port]path[?query][#fragment]``,
    an IPv6 host in brackets, the user, path and fragment percent-encoded
    as libxml2's ``xmlSaveUri`` does, parameters as ``name=value`` joined
    by ``&`` with values percent-encoded as libvirt's ``virURIFormatParams``
    does (everything but ``A-Z a-z 0-9 - . _ ~``).

    ``params`` is a dict (or a list of [name, value] pairs, to repeat a
    name); integer values are written in decimal, booleans as 1/0.
    ``query`` (the raw query ``parse_uri`` returns) is used verbatim when
    ``params`` is None or splits to exactly ``params``; otherwise ``params``
    wins.  ``scheme``, when given, must agree with driver and transport.
    Empty strings count as absent for transport, user, host and path.

    The result passes ``parse_uri``'s rules, else URIError is raised.
    """
    driver = _part_text('driver', driver)
    if not driver:
        fail('a driver name is required, e.g. qemu (expected %s)' % URI_FORM, None,
             RULE_NO_DRIVER)
    if '+' in driver:
        fail("driver '%s' contains '+'; give the transport separately (driver=%s, "
             "transport=%s)" % ((driver,) + tuple(driver.split('+', 1))), None, RULE_PART)
    if driver[0] not in ALPHA or any(ch not in SCHEME_CHARS for ch in driver):
        fail("driver '%s' is not a valid driver name: it must start with a letter and hold "
             "only letters, digits, '-' and '.'" % driver, None, RULE_PART)
    transport = _part_text('transport', transport) or None
    if transport is not None and transport.lower() not in TRANSPORTS:
        text = ('remote_open: transport in URL not recognised '
                '(should be tls|unix|ssh|ext|tcp|libssh2|libssh)')
        fail("%s: got transport '%s'" % (text, transport), None, RULE_TRANSPORT,
             'invalid argument: ' + text)
    full_scheme = driver + ('+' + transport if transport else '')
    scheme = _part_text('scheme', scheme)
    if scheme is not None and scheme != full_scheme:
        fail("scheme '%s' does not match driver '%s' and transport %s (expected '%s')"
             % (scheme, driver, "'%s'" % transport if transport else 'None', full_scheme),
             None, RULE_PART)
    user = _part_text('user', user) or None
    host = _part_text('host', host) or None
    path = _part_text('path', path) or None
    query = _part_text('query', query)
    fragment = _part_text('fragment', fragment)
    port = _build_port(port, host)
    pairs = _param_pairs(params)

    out = [full_scheme, ':']
    authority = user is not None or host is not None
    if path is not None and not path.startswith('/') and authority:
        fail("path '%s' must start with '/' when the URI has a host or user" % path, None,
             RULE_PART)
    if authority or path is None or path.startswith('/'):
        out.append('//')
        if user is not None:
            out.append(_quote(user, _SAVE_USER_CHARS))
            out.append('@')
        if host is not None:
            out.append(_build_host(host))
        if port is not None:
            out.append(':%d' % port)
    if path is not None:
        out.append(_quote(path, _SAVE_PATH_CHARS))
    if pairs is None:
        query_text = query
    elif query is not None and (list(last_wins(split_params(query)).items())
                                == list(last_wins(pairs).items())):
        query_text = query
    elif pairs or query is not None:
        query_text = _format_params(pairs)
    else:
        query_text = None
    if query_text is not None:
        if '#' in query_text:
            fail("query '%s' contains '#' (write %%23 in a value)" % query_text, None,
                 RULE_PART)
        out.append('?' + query_text)
    if fragment is not None:
        out.append('#' + _quote(fragment, _SAVE_FRAGMENT_CHARS))
    result = ''.join(out)

    parsed = analyse(result, connect=False).as_dict()
    expected = {'user': user, 'host': host.strip('[]') if host and host.startswith('[') else host,
                'port': port, 'path': path, 'fragment': fragment}
    for key, value in expected.items():
        if parsed[key] != value:
            fail("URI '%s' built from the given parts reads back with %s %r instead of %r"
                 % (result, key, parsed[key], value), result, RULE_PART)
    if pairs is not None and list(parsed['params'].items()) != list(last_wins(pairs).items()):
        fail("URI '%s' built from the given parts reads back with params %r instead of %r"
             % (result, parsed['params'], pairs), result, RULE_PART)
    return result
