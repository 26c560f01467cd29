# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""libxml2's URI grammar, and what libvirt's virURIParse makes of its result.

libvirt hands a connection URI to libxml2's ``xmlParseURI`` (RFC 3986 as
libxml2 2.9 implements it) and reads the parts back through ``virURIParse``
(``src/util/viruri.c``): percent-decoded as C strings, the brackets of an
IPv6 host stripped, the query split into parameters.  This file ports both,
and nothing of the rules libvirt applies afterwards (those are in
``_libvirt_uri``):

``libxml2_parse(text)``
    The raw, still percent-encoded parts (``Raw``), or ``SyntaxFailure``
    (whose ``reason`` says where and why) when ``xmlParseURI`` returns NULL.

``Parts(text, raw)``
    The parts as libvirt sees them (decoded, brackets stripped, parameters
    split by ``split_params``); ``as_dict()`` is ``parse_uri``'s result.

``valid_ipv6(text)``
    Whether a bracketed host is an IPv6 address (libxml2 does not check it).

The character classes and ``pct_escape`` are shared with the rules and
with ``plugin_utils/_libvirt_uri_build.py``, which writes URIs in the form
this grammar reads.  This file imports nothing of the collection but
``_libvirt_errors``.
"""

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import LibvirtClientError

# How bytes that are not UTF-8 are carried in text: lone surrogates, so they are written back unchanged.
UNDECODABLE = 'surrogateescape'

# The range of a C int: libxml2 reads a port into one, libvirt integer parameters too.
INT_MAX = 2147483647
INT_MIN = -2147483648

ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
DIGIT = '0123456789'
_HEX = '0123456789abcdefABCDEF'
# RFC 3986 classes, as libxml2 2.9 tests them.
_UNRESERVED = ALPHA + DIGIT + '-._~'
_SUB_DELIMS = "!$&'()*+,;="
SCHEME_CHARS = ALPHA + DIGIT + '+-.'
_USERINFO_CHARS = _UNRESERVED + _SUB_DELIMS + ':'
HOST_CHARS = _UNRESERVED + _SUB_DELIMS
_PCHAR_CHARS = _UNRESERVED + _SUB_DELIMS + ':@'
_QUERY_CHARS = _PCHAR_CHARS + '/?'
_FRAGMENT_CHARS = _QUERY_CHARS + '[]'


# ------------------------------------------------------------------ percent-encoding

def _utf8(text):
    try:
        return bytearray(text.encode('utf-8', UNDECODABLE))
    except UnicodeError:
        return bytearray(text.encode('utf-8', 'replace'))


def pct_escape(ch):
    return ''.join('%%%02X' % b for b in _utf8(ch))


def _unescape(raw):
    """Percent-decode ``raw`` the way libvirt ends up seeing it.

    libxml2's xmlURIUnescapeString turns each %XX into a byte; libvirt then
    uses the bytes as a C string, so a %00 ends the value there.  Bytes are
    read as UTF-8; bytes that are not UTF-8 are kept as lone surrogates
    (Python 3) so that build_uri writes them back as the same %XX.
    """
    data = bytearray()
    i = 0
    n = len(raw)
    while i < n:
        ch = raw[i]
        if ch == '%' and n - i > 2 and raw[i + 1] in _HEX and raw[i + 2] in _HEX:
            data.append(int(raw[i + 1:i + 3], 16))
            i += 3
        else:
            data.extend(_utf8(ch))
            i += 1
    if 0 in data:
        data = data[:data.index(0)]
    return bytes(data).decode('utf-8', UNDECODABLE)


# ------------------------------------------------------------------ libxml2 grammar

def _scan(s, i, allowed):
    """Advance over ``allowed`` characters and %XX escapes, like libxml2's NEXT loops."""
    n = len(s)
    while i < n:
        ch = s[i]
        if ch in allowed:
            i += 1
        elif ch == '%' and i + 2 < n and s[i + 1] in _HEX and s[i + 2] in _HEX:
            i += 3
        else:
            break
    return i


class Raw:
    """The raw (still percent-encoded) parts of a URI as libxml2 2.9 splits them."""

    def __init__(self):
        self.scheme = None
        self.user = None
        self.user_text = None
        self.host = None
        self.port = None
        self.path = None
        self.query = None
        self.fragment = None


class SyntaxFailure(LibvirtClientError):
    """libxml2's parser refused a URI; ``reason`` says where and why."""

    rule = 'syntax'

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _char_reason(s, i, where):
    ch = s[i]
    if ch == '%':
        return ("'%%' at position %d in the %s is not followed by two hexadecimal digits "
                "(write %%25 for a literal '%%')" % (i, where))
    if ch == '#':
        return "a second '#' at position %d (write %%23 for a literal '#')" % i
    if ch in '[]':
        return ("'%s' at position %d: brackets are only allowed around an IPv6 host "
                "(write %s otherwise)" % (ch, i, pct_escape(ch)))
    if ch == '@':
        return ("unexpected '@' at position %d: only one '@' may separate the user from the "
                "host (write %%40 for a literal '@')" % i)
    return ("character '%s' at position %d is not allowed in the %s (write it as %s)"
            % (ch, i, where, pct_escape(ch)))


def _authority_text(s, start):
    end = start
    while end < len(s) and s[end] not in '/?#':
        end += 1
    text = s[start:end]
    return text[text.rfind('@') + 1:]


def _ipv6_reason(s, start):
    """A hint when the host part of the authority looks like a bare IPv6 address."""
    hostport = _authority_text(s, start)
    if hostport.count(':') >= 2 and not hostport.startswith('['):
        return ("the host '%s' looks like an IPv6 address, which must be enclosed in brackets, "
                "e.g. qemu+ssh://[%s]/system" % (hostport, hostport))
    return None


def _parse_authority(s, i, raw):
    """authority = [ userinfo "@" ] host [ ":" port ]  (xmlParse3986Authority)."""
    start = i
    n = len(s)
    j = _scan(s, i, _USERINFO_CHARS)
    if j < n and s[j] == '@':
        raw.user = s[i:j]
        # libxml2 2.9 unescapes an empty user name with length 0, which it
        # reads as "the whole rest of the string": libvirt then sees '@...'.
        raw.user_text = raw.user or s[j:]
        i = j + 1
    host_start = i
    if i < n and s[i] == '[':
        close = s.find(']', i + 1)
        if close < 0:
            raise SyntaxFailure("the '[' at position %d opening an IPv6 host is never closed "
                                "with ']'" % i)
        i = close + 1
    else:
        i = _scan(s, i, HOST_CHARS)
    raw.host = s[host_start:i] if i > host_start else None
    if i < n and s[i] == ':':
        port_start = i + 1
        j = port_start
        while j < n and s[j] in DIGIT:
            j += 1
        if j == port_start:
            reason = _ipv6_reason(s, start)
            if reason:
                raise SyntaxFailure(reason)
            if j == n or s[j] in '/?#':
                raise SyntaxFailure("the port after ':' at position %d is empty (remove the "
                                    "':' or give a port number)" % i)
            raise SyntaxFailure("the port after ':' must be a decimal number, found '%s'"
                                % _port_text(s, port_start))
        if int(s[port_start:j]) > INT_MAX:
            raise SyntaxFailure('port %s is out of range (1-65535)' % s[port_start:j])
        raw.port = s[port_start:j]
        i = j
        if i < n and s[i] not in '/?#':
            reason = _ipv6_reason(s, start)
            if reason:
                raise SyntaxFailure(reason)
            raise SyntaxFailure("the port after ':' must be a decimal number, found '%s'"
                                % _port_text(s, port_start))
    if i < n and s[i] not in '/?#':
        reason = _ipv6_reason(s, start)
        if reason:
            raise SyntaxFailure(reason)
        raise SyntaxFailure(_char_reason(s, i, 'host'))
    return i


def _port_text(s, i):
    j = i
    while j < len(s) and s[j] not in '/?#':
        j += 1
    return s[i:j]


def _parse_tail(s, i, raw):
    """[ "?" query ] [ "#" fragment ] end."""
    if i < len(s) and s[i] == '?':
        j = _scan(s, i + 1, _QUERY_CHARS)
        raw.query = s[i + 1:j]
        i = j
    if i < len(s) and s[i] == '#':
        j = _scan(s, i + 1, _FRAGMENT_CHARS)
        raw.fragment = s[i + 1:j]
        i = j
        if i < len(s):
            raise SyntaxFailure(_char_reason(s, i, 'fragment'))
    if i < len(s):
        where = 'query' if raw.query is not None else 'path'
        raise SyntaxFailure(_char_reason(s, i, where))


def _parse_path_segments(s, i):
    """*( "/" segment ) after an optional first segment, as the path productions do."""
    i = _scan(s, i, _PCHAR_CHARS)
    while i < len(s) and s[i] == '/':
        i = _scan(s, i + 1, _PCHAR_CHARS)
    return i


def _parse_absolute(s):
    """scheme ":" hier-part [ "?" query ] [ "#" fragment ]  (xmlParse3986URI).

    Returns None when ``s`` does not start with ``scheme:``; raises
    SyntaxFailure when it does but the rest does not parse.
    """
    if not s or s[0] not in ALPHA:
        return None
    i = 1
    while i < len(s) and s[i] in SCHEME_CHARS:
        i += 1
    if i >= len(s) or s[i] != ':':
        return None
    raw = Raw()
    raw.scheme = s[:i]
    i += 1
    if s.startswith('//', i):
        i = _parse_authority(s, i + 2, raw)
        start = i
        while i < len(s) and s[i] == '/':
            i = _scan(s, i + 1, _PCHAR_CHARS)
        raw.path = s[start:i] if i > start else None
    elif i < len(s) and (s[i] == '/' or s[i] in _PCHAR_CHARS or
                         (s[i] == '%' and _scan(s, i, '') > i)):
        start = i
        i = _parse_path_segments(s, i)
        raw.path = s[start:i] if i > start else None
    _parse_tail(s, i, raw)
    return raw


def _parse_relative(s):
    """relative-ref (xmlParse3986RelativeRef); only decides parsable-without-scheme."""
    raw = Raw()
    i = 0
    if s.startswith('//'):
        i = _parse_authority(s, 2, raw)
        while i < len(s) and s[i] == '/':
            i = _scan(s, i + 1, _PCHAR_CHARS)
    elif s.startswith('/'):
        i = _parse_path_segments(s, 0)
    else:
        i = _scan(s, 0, _PCHAR_CHARS.replace(':', ''))
        if i < len(s) and s[i] == ':':
            first = s[:i]
            if not first:
                raise SyntaxFailure("it starts with ':' where a driver name belongs, "
                                    "e.g. qemu:///system")
            bad = [ch for ch in first if ch not in SCHEME_CHARS]
            if first[0] not in ALPHA:
                raise SyntaxFailure("the driver name '%s' must start with a letter" % first)
            if bad:
                raise SyntaxFailure("the driver name '%s' contains '%s'; a driver name may only "
                                    "hold letters, digits, '+', '-' and '.'" % (first, bad[0]))
            raise SyntaxFailure(_char_reason(s, i, 'path'))
        while i < len(s) and s[i] == '/':
            i = _scan(s, i + 1, _PCHAR_CHARS)
    _parse_tail(s, i, raw)
    return raw


def libxml2_parse(uri):
    """Split ``uri`` like xmlParseURI; raises SyntaxFailure when libxml2 returns NULL."""
    raw = _parse_absolute(uri)
    if raw is not None:
        return raw
    return _parse_relative(uri)


# ------------------------------------------------------------------ virURIParse

def split_params(query):
    """Split a raw query into (name, value) pairs exactly as libvirt's virURIParseParams does.

    ``&`` separates parameters; ``;`` does too, but only when no ``&``
    follows.  ``name`` alone means an empty value; ``=value`` is ignored.
    """
    pairs = []
    if not query:
        return pairs
    i = 0
    n = len(query)
    while i < n:
        end = query.find('&', i)
        if end < 0:
            end = query.find(';', i)
        if end < 0:
            end = n
        eq = query.find('=', i)
        if eq >= end:
            eq = -1
        if end == i:
            pass
        elif eq < 0:
            pairs.append((_unescape(query[i:end]), ''))
        elif eq == i:
            pass
        else:
            pairs.append((_unescape(query[i:eq]), _unescape(query[eq + 1:end])))
        i = end + 1
    return pairs


def last_wins(pairs):
    """(name, value) pairs as a dict in first-seen order, the last value of a name winning."""
    result = dict()
    for name, value in pairs:
        result[name] = value
    return result


class Parts:
    """A URI as libvirt sees it after virURIParse (decoded, brackets stripped)."""

    def __init__(self, uri, raw):
        self.uri = uri
        self.raw = raw
        self.scheme = raw.scheme
        self.driver = None
        self.transport = None
        self.user = _unescape(raw.user_text) if raw.user is not None else None
        host = _unescape(raw.host) if raw.host is not None else None
        self.bracketed = host is not None and host.startswith('[') and host.endswith(']')
        if self.bracketed and ':' in host:
            host = host[1:-1]
        self.host = host
        port = int(raw.port) if raw.port is not None else 0
        if not self.host:
            port = 0
        self.port = port or None
        self.path = _unescape(raw.path) if raw.path is not None else None
        self.query = raw.query
        self.fragment = _unescape(raw.fragment) if raw.fragment is not None else None
        self.pairs = split_params(raw.query)
        if self.scheme is not None:
            driver, plus, transport = self.scheme.partition('+')
            self.driver = driver
            self.transport = transport if plus else None

    def params(self):
        return last_wins(self.pairs)

    def last_param(self, name):
        """The remote driver's view of a parameter: case-insensitive name, last one wins."""
        found = None
        for key, value in self.pairs:
            if key.lower() == name:
                found = value
        return found

    def as_dict(self):
        return {
            'scheme': self.scheme,
            'driver': self.driver,
            'transport': self.transport,
            'user': self.user,
            'host': self.host,
            'port': self.port,
            'path': self.path,
            'query': self.query,
            'params': self.params(),
            'fragment': self.fragment,
        }


# ------------------------------------------------------------------ IPv6 hosts (libxml2 does not check them)

def _valid_ipv4(text):
    parts = text.split('.')
    if len(parts) != 4:
        return False
    for part in parts:
        if (not part or len(part) > 3 or any(ch not in DIGIT for ch in part) or int(part) > 255 or
                (len(part) > 1 and part[0] == '0')):
            return False
    return True


def valid_ipv6(text):
    """True for an IPv6 address in any RFC 4291 text form, optionally with a %zone."""
    address, sep, zone = text.partition('%')
    if sep and (not zone or any(ch not in _UNRESERVED for ch in zone)):
        return False
    if address.count('::') > 1:
        return False
    if '.' in address:
        head, colon, tail = address.rpartition(':')
        if not colon or not _valid_ipv4(tail):
            return False
        address = head + ':0:0'
    if '::' in address:
        left, right = address.split('::')
        groups = (left.split(':') if left else []) + (right.split(':') if right else [])
        if len(groups) > 7:
            return False
    else:
        groups = address.split(':')
        if len(groups) != 8:
            return False
    return all(1 <= len(group) <= 4 and all(ch in _HEX for ch in group) for group in groups)
