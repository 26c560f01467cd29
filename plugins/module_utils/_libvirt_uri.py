# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""libvirt connection URIs: parse and check them the way libvirt 9.0 does.

libvirt hands a connection URI to libxml2's ``xmlParseURI`` (an RFC 3986
parser), strips the brackets of an IPv6 host, splits the query into
parameters itself, and then applies a handful of rules before any driver
is contacted (``virConnectOpenInternal``), and a few more in the client
side of the remote driver (``remoteSplitURIScheme``, ``doRemoteOpen``).
The parsing (libxml2's grammar and libvirt's ``virURIParse``) is in
``_libvirt_uri_syntax.py``; this module re-implements the rules on top of
it in pure Python:

``parse_uri(uri)``
    Split a URI into its parts (a dict), refusing what libvirt cannot
    parse or would refuse whatever the driver: no driver name, the
    ``qemu://system`` mistake, an unknown transport, a ``unix`` transport
    with a host, an ``ext`` transport without ``command=``, plus a few
    things that can never connect (a port above 65535, brackets around a
    host that is not an IPv6 address).

``build_uri``, the inverse of ``parse_uri``, is in
``plugins/plugin_utils/_libvirt_uri_build.py``: only the controller builds
URIs, and every module ships this file to the host it runs on.

``check_connect_uri(uri, remote_mode=None, remote_proxy=None, root=False, libvirt_version=None)``
    Everything libvirt would refuse when connecting, before it talks to
    any daemon or host: ``parse_uri``'s rules, the remote driver's checks
    of integer parameters (``no_verify``, ``no_tty``, ``no_sanity``), the
    mode and proxy (``mode=``/``proxy=``, else the file's ``remote_mode``
    and ``remote_proxy``), the direct mode with an SSH transport, and
    ``netcat=`` with the native proxy (the default for ``/session`` URIs
    when the client is not root),
    ``test://`` without a path, ``esx://`` without a server or with
    parameters the esx driver refuses, and embedded (``/embed``) URIs
    without an absolute ``root=``; plus what cannot be written into
    libvirt.conf at all (both kinds of quote, a line break, NUL).

``check_remote_mode(value)``, ``check_remote_proxy(value)``
    The values libvirt accepts for the file's ``remote_mode`` and
    ``remote_proxy``.

``effective_remote_mode(uri, remote_mode)``, ``effective_remote_proxy(uri, remote_proxy, root)``,
``remote_driver_handles(uri)``
    What libvirt's remote driver goes on with for a URI.

Where the libvirt versions checked here (7.0, 9.0, 11.3, 12.8) differ
(``EMBED_ROOT_ABSOLUTE_SINCE``, ``SOCKET_NETCAT_SINCE``,
``EMBED_ROOT_ANY_CASE_SINCE``), ``check_connect_uri`` follows the version
it is given; without one, the libvirt installed on the host it runs on
(looked up only for a URI where the versions differ), else the newest.

Errors are ``URIError`` (a ``ValueError``).  ``str(error)`` names the value
and the rule; where libvirt reports the same problem it starts with
libvirt's own wording, and ``error.libvirt_message`` holds exactly the text
``virsh`` prints after ``error: ``.
"""

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import LibvirtClientError
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri_syntax import (
    DIGIT,
    HOST_CHARS,
    INT_MAX,
    INT_MIN,
    UNDECODABLE,
    Parts,
    SyntaxFailure,
    libxml2_parse,
    pct_escape,
    valid_ipv6,
)

#: Transports known to libvirt's remote driver, in the order its error message lists them.
TRANSPORTS = ('tls', 'unix', 'ssh', 'ext', 'tcp', 'libssh2', 'libssh')

#: Query parameters the remote driver consumes itself; any other one is passed on to the daemon.
KNOWN_PARAMS = ('name', 'command', 'socket', 'auth', 'sshauth', 'netcat', 'keyfile', 'pkipath',
                'known_hosts', 'known_hosts_verify', 'tls_priority', 'mode', 'proxy',
                'no_sanity', 'no_verify', 'no_tty')

#: Parameters the remote driver reads as integers (0 = off, anything else = on).
INTEGER_PARAMS = ('no_sanity', 'no_verify', 'no_tty')

#: Values libvirt accepts for ``mode=`` and ``proxy=``.
MODES = ('auto', 'legacy', 'direct')
PROXIES = ('auto', 'netcat', 'native')

#: Transports that reach the daemon through an SSH session (``proxy=``, ``netcat=`` apply).
SSH_TRANSPORTS = ('ssh', 'libssh', 'libssh2')

#: The libvirt versions whose client-side rules this module knows (checked with their virsh),
#: oldest first.  A rule that changed between them follows the version given to
#: ``check_connect_uri``; the default is the newest.  Versions in between are taken to behave
#: like the newer one (the exact release of a change is not established here).
KNOWN_LIBVIRT_VERSIONS = ((7, 0), (9, 0), (11, 3), (12, 8))
DEFAULT_LIBVIRT_VERSION = KNOWN_LIBVIRT_VERSIONS[-1]

#: The rules that changed, each with the first release taken to follow it.
#: libvirt 7.0's virConnectOpenInternal hands an embedded URI's root= to the driver as it is;
#: 9.0's refuses one that is not absolute ("root path must be absolute") first.
EMBED_ROOT_ABSOLUTE_SINCE = (7, 1)
#: libvirt 7.0's remote driver defaults to the native proxy for a /session URI of a client that
#: is not root even when the URI names a socket=; 9.0's defaults to netcat then (so a netcat=
#: beside socket= is refused by 7.0 only).
SOCKET_NETCAT_SINCE = (7, 1)
#: libvirt 9.0 finds an embedded URI's root= by its exact name; 11.3 ignores its case.
EMBED_ROOT_ANY_CASE_SINCE = (9, 1)

#: Drivers whose URIs must carry a path, for which libvirt spots ``driver://system``.
MISSING_SLASH_DRIVERS = ('qemu', 'vbox', 'vz')

#: Keys of the dict ``parse_uri`` returns (and ``build_uri`` accepts).
URI_KEYS = ('scheme', 'driver', 'transport', 'user', 'host', 'port', 'path', 'query', 'params',
            'fragment')

# Rule identifiers carried by URIError.rule.
RULE_TYPE = 'type'
RULE_EMPTY = 'empty'
RULE_WHITESPACE = 'whitespace'
RULE_CONFIG_QUOTING = 'config-quoting'
RULE_SYNTAX = 'syntax'
RULE_NO_DRIVER = 'no-driver'
RULE_MISSING_SLASH = 'missing-slash'
RULE_TRANSPORT = 'transport'
RULE_UNIX_HOST = 'unix-host'
RULE_EXT_COMMAND = 'ext-command'
RULE_PORT = 'port'
RULE_IPV6 = 'ipv6'
RULE_HOST = 'host'
RULE_USER = 'user'
RULE_ENCODING = 'encoding'
RULE_INTEGER_PARAM = 'integer-param'
RULE_MODE = 'mode'
RULE_PROXY = 'proxy'
RULE_DIRECT_MODE = 'direct-mode'
RULE_NETCAT_NATIVE = 'netcat-native'
RULE_SETTING_TYPE = 'setting-type'
RULE_ARGUMENT = 'argument'
RULE_TEST_PATH = 'test-path'
RULE_SERVER_REQUIRED = 'server-required'
RULE_EMBED = 'embed'
RULE_ESX = 'esx'
RULE_PART = 'part'

WHITESPACE_NAMES = {
    ' ': 'a space',
    '\t': 'a tab',
    '\n': 'a line feed (LF)',
    '\r': 'a carriage return (CR)',
    '\x0b': 'a vertical tab',
    '\x0c': 'a form feed',
    '\x00': 'a NUL character',
}

URI_FORM = 'driver[+transport]://[user@][host][:port]/[path][?param=value&...]'


class URIError(LibvirtClientError, ValueError):
    """A libvirt connection URI (or a part of one) that libvirt would refuse.

    ``str(error)`` is the full message.  ``uri`` is the offending URI (or the
    URI being built), ``rule`` a short identifier of the rule that failed
    (one of the ``RULE_*`` constants), and ``libvirt_message`` the exact text
    ``virsh`` prints after ``error: `` for the same URI when libvirt itself
    reports this problem, else ``None``.
    """

    rule = 'uri'

    def __init__(self, message, uri=None, rule=None, libvirt_message=None):
        super().__init__(message, rule)
        self.uri = uri
        self.libvirt_message = libvirt_message


# ------------------------------------------------------------------ helpers

def uri_text(value):
    """``value`` as text (bytes must be UTF-8); URIError for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        try:
            return value.decode('utf-8')
        except UnicodeDecodeError:
            raise URIError('URI %r is not valid UTF-8 text' % (value,), rule=RULE_ENCODING)
    raise URIError('a URI must be a string, not %s (%r)' % (type(value).__name__, value),
                   rule=RULE_TYPE)


def printable(text):
    """Render ``text`` for a message: as is, unless it holds control characters."""
    if all(' ' <= ch != '\x7f' for ch in text):
        return text
    out = []
    for ch in text:
        if ch == '\n':
            out.append('\\n')
        elif ch == '\r':
            out.append('\\r')
        elif ch == '\t':
            out.append('\\t')
        elif ch < ' ' or ch == '\x7f':
            out.append('\\x%02x' % ord(ch))
        else:
            out.append(ch)
    return ''.join(out)


def _strtol_int(value):
    """True when libvirt's virStrToLong_i(value, NULL, 10) accepts ``value``."""
    i = 0
    n = len(value)
    while i < n and value[i] in ' \t\n\v\f\r':
        i += 1
    if i < n and value[i] in '+-':
        i += 1
    start = i
    while i < n and value[i] in DIGIT:
        i += 1
    if i == start or i != n:
        return False
    number = int(value.strip())
    return INT_MIN <= number <= INT_MAX


# ------------------------------------------------------------------ analysis

def fail(message, uri, rule, libvirt_message=None):
    """Refuse: raise URIError with ``message`` and ``rule`` (one of the ``RULE_*`` constants)."""
    raise URIError(message, uri=uri, rule=rule, libvirt_message=libvirt_message)


def check_text(uri):
    """Type, emptiness, whitespace/control and non-ASCII characters."""
    uri = uri_text(uri)
    if uri == '':
        fail('the URI is empty; a libvirt connection URI needs at least a driver name, '
             'e.g. qemu:///system', uri, RULE_EMPTY)
    for pos, ch in enumerate(uri):
        if ch in WHITESPACE_NAMES or ch < ' ' or ch == '\x7f':
            what = WHITESPACE_NAMES.get(ch, 'control character U+%04X' % ord(ch))
            libvirt = 'internal error: Unable to parse URI %s' % uri
            if ch == '\x00':
                libvirt = None
            fail('Unable to parse URI %s: %s at position %d is not allowed in a URI '
                 '(percent-encode it, e.g. %s)' % (printable(uri), what, pos, pct_escape(ch)),
                 uri, RULE_WHITESPACE, libvirt)
    for pos, ch in enumerate(uri):
        if ord(ch) > 0x7e:
            fail("Unable to parse URI %s: the non-ASCII character '%s' at position %d must be "
                 "percent-encoded as UTF-8 (%s)" % (uri, ch, pos, pct_escape(ch)),
                 uri, RULE_SYNTAX, 'internal error: Unable to parse URI %s' % uri)
    return uri


def _syntax(uri):
    """libxml2's verdict, then libvirt's 'no driver name' rule."""
    try:
        raw = libxml2_parse(uri)
    except SyntaxFailure as failure:
        fail('Unable to parse URI %s: %s' % (uri, failure.reason), uri, RULE_SYNTAX,
             'internal error: Unable to parse URI %s' % uri)
    if raw.scheme is None:
        libvirt = "no connection driver available for URI '%s' does not include a driver name" % uri
        fail('%s (expected %s, e.g. qemu:///system)' % (libvirt, URI_FORM), uri, RULE_NO_DRIVER,
             libvirt)
    return Parts(uri, raw)


def _check_missing_slash(parts):
    """virConnectCheckURIMissingSlash: qemu://system where qemu:///system was meant."""
    if parts.host is None or parts.scheme not in MISSING_SLASH_DRIVERS:
        return
    if parts.host in ('session', 'system'):
        text = 'invalid URI %s (maybe you want %s:///%s)' % (parts.uri, parts.scheme, parts.host)
        fail(text, parts.uri, RULE_MISSING_SLASH, 'internal error: ' + text)


def _check_embed(parts, settings):
    """virConnectOpenInternal's rules for driver:///embed?root=/dir URIs.

    Returns True for an embedded-driver URI: libvirt then tries only the
    embeddable drivers, never the remote driver and its checks.  The first
    ``root`` parameter counts; libvirt 9.0 matches its name exactly, newer
    versions ignore case (``ROOT=`` works there).
    """
    if parts.path != '/embed':
        return False
    uri = parts.uri
    if not parts.scheme or any(ch not in 'abcdefghijklmnopqrstuvwxyz' for ch in parts.scheme):
        text = ("no connection driver available for URI scheme '%s' for embedded driver is not "
                "valid" % parts.scheme)
        fail("%s (URI '%s': an embedded driver is named by a lower-case driver name without a "
             'transport)' % (text, uri), uri, RULE_EMBED, text)
    root = None
    version = settings.version
    if not settings.version_given:
        # Only a root= whose case matters, or one that is not absolute, needs a version: then
        # the host's libvirt decides.
        exact_first = [index for index, pair in enumerate(parts.pairs) if pair[0] == 'root'][:1]
        any_first = [index for index, pair in enumerate(parts.pairs) if pair[0].lower() == 'root'][:1]
        relative = [index for index in exact_first + any_first if not parts.pairs[index][1].startswith('/')]
        if exact_first != any_first or relative:
            version = settings.deciding_version()
    exact = version < EMBED_ROOT_ANY_CASE_SINCE
    for name, value in parts.pairs:
        if name == 'root' or (not exact and name.lower() == 'root'):
            root = value
            break
    if root is None:
        text = "Missing URI parameter 'root'"
        fail("%s (URI '%s': an embedded driver needs root=/absolute/dir)" % (text, uri), uri,
             RULE_EMBED, 'invalid argument: ' + text)
    if not root.startswith('/') and version >= EMBED_ROOT_ABSOLUTE_SINCE:
        text = 'root path must be absolute'
        fail("%s (URI '%s' has root='%s')" % (text, uri, root), uri, RULE_EMBED,
             'unsupported configuration: ' + text)
    return True


def _reaches_remote(parts):
    """Whether libvirt's client hands this URI to the remote driver.

    The client-side drivers of libvirt.so claim only their exact scheme,
    and the test, openvz and vmware drivers only without a server.
    """
    scheme = parts.scheme
    if parts.host is None and scheme in ('test', 'openvz', 'vmwareplayer', 'vmwarews',
                                         'vmwarefusion'):
        return False
    if scheme in ('esx', 'vpx', 'gsx'):
        return False
    return True


def _check_driver_rules(parts):
    """Rules of the client-side driver that takes the URI (test and esx), before any I/O."""
    uri = parts.uri
    if parts.scheme == 'test' and parts.host is None and parts.path in (None, '', '/'):
        text = 'testOpen: supply a path or use test:///default'
        fail("%s (URI '%s' has no path)" % (text, uri), uri, RULE_TEST_PATH,
             'invalid argument: ' + text)
    if parts.scheme in ('esx', 'vpx', 'gsx'):
        if parts.host is None:
            text = 'URI is missing the server part'
            fail("%s (URI '%s': the %s driver connects to a server, e.g. %s://host/)"
                 % (text, uri, parts.scheme, parts.scheme), uri, RULE_SERVER_REQUIRED,
                 'invalid argument: ' + text)
        _check_esx_params(parts)
        if parts.scheme == 'vpx' and parts.path in (None, '', '/'):
            text = 'Path has to specify the datacenter and compute resource'
            fail("%s (URI '%s': a vCenter URI reads vpx://host/DATACENTER/COMPUTE-RESOURCE)"
                 % (text, uri), uri, RULE_ESX, 'invalid argument: ' + text)


_ESX_PROXY_TYPES = ('http://', 'socks://', 'socks5://', 'socks4://', 'socks4a://')


def _esx_fail(parts, text):
    # libvirt 9.0's esx driver detects these too, but then crashes instead of reporting them.
    fail("%s (URI '%s')" % (text, parts.uri), parts.uri, RULE_ESX)


def _check_esx_params(parts):
    """esxUtil_ParseUri: the parameters the esx, vpx and gsx drivers read."""
    for name, value in parts.pairs:
        key = name.lower()
        if key == 'transport' and value not in ('http', 'https'):
            _esx_fail(parts, "Query parameter 'transport' has unexpected value '%s' (should be "
                             "http|https)" % value)
        elif key in ('no_verify', 'auto_answer') and (
                not _strtol_int(value) or int(value.strip()) not in (0, 1)):
            _esx_fail(parts, "Query parameter '%s' has unexpected value '%s' (should be 0 or 1)"
                      % (key, value))
        elif key == 'proxy':
            rest = value
            for prefix in _ESX_PROXY_TYPES:
                if value.startswith(prefix):
                    rest = value[len(prefix):]
                    break
            else:
                if '://' in value:
                    _esx_fail(parts, "Query parameter 'proxy' contains unexpected type '%s' "
                                     "(should be (http|socks(|4|4a|5))" % value.split('://')[0])
            if ':' in rest:
                host, _sep, port = rest.partition(':')
                if not host:
                    _esx_fail(parts, "Query parameter 'proxy' doesn't contain a hostname")
                if not _strtol_int(port) or not 1 <= int(port.strip()) <= 65535:
                    _esx_fail(parts, "Query parameter 'proxy' has unexpected port value '%s' "
                                     "(should be [1..65535])" % port)


def _check_transport(parts):
    """remoteSplitURIScheme: the transport must be known, and unix takes no host."""
    if parts.transport is None:
        return
    uri = parts.uri
    if parts.transport.lower() not in TRANSPORTS:
        text = ('remote_open: transport in URL not recognised '
                '(should be tls|unix|ssh|ext|tcp|libssh2|libssh)')
        fail("%s: URI '%s' names transport '%s'" % (text, uri, parts.transport), uri,
             RULE_TRANSPORT, 'invalid argument: ' + text)
    if parts.transport.lower() == 'unix' and parts.host is not None:
        text = "using unix socket and remote server '%s' is not supported." % parts.host
        fail("%s (URI '%s': the unix transport reaches a local socket; drop the host or use a "
             'network transport such as ssh)' % (text, uri), uri, RULE_UNIX_HOST,
             'invalid argument: ' + text)


def _mode_error(mode, where, uri=None):
    text = "Unknown remote mode '%s'" % mode
    fail('%s (%s must be one of %s)' % (text, where, ', '.join(MODES)), uri, RULE_MODE,
         'invalid argument: ' + text)


def _proxy_error(proxy, where, uri=None):
    # libvirt (9.0 and 11.3) spells this message "Unnkown"; it is kept verbatim.
    text = "Unnkown proxy type '%s'" % proxy
    fail('%s (%s must be one of %s)' % (text, where, ', '.join(PROXIES)), uri, RULE_PROXY,
         'invalid argument: ' + text)


def _check_remote_params(parts, settings):
    """doRemoteOpen's parameter checks, in libvirt's order.

    ``mode=`` and ``proxy=`` in the URI win; without them the file's
    ``remote_mode`` and ``remote_proxy`` are read (and only then checked).
    Returns the (mode, proxy) text libvirt goes on with, None when unset.
    """
    uri = parts.uri
    for name, value in parts.pairs:
        if name.lower() in INTEGER_PARAMS and not _strtol_int(value):
            text = 'Failed to parse value of URI component %s' % name
            fail("%s (URI '%s': '%s' is not an integer; use 0 or 1)" % (text, uri, value), uri,
                 RULE_INTEGER_PARAM, 'invalid argument: ' + text)
    mode = parts.last_param('mode')
    where = "URI '%s': mode" % uri
    if mode is None and settings.remote_mode is not None:
        mode = settings.remote_mode
        where = "remote_mode in libvirt.conf, used for URI '%s' as it has no mode=," % uri
    if mode is not None and mode not in MODES:
        _mode_error(mode, where, uri)
    proxy = parts.last_param('proxy')
    where = "URI '%s': proxy" % uri
    if proxy is None and settings.remote_proxy is not None:
        proxy = settings.remote_proxy
        where = "remote_proxy in libvirt.conf, used for URI '%s' as it has no proxy=," % uri
    if proxy is not None and proxy not in PROXIES:
        _proxy_error(proxy, where, uri)
    return mode, proxy


def _check_ext_command(parts):
    if parts.transport is None or parts.transport.lower() != 'ext':
        return
    command = parts.last_param('command')
    if command:
        return
    text = "remote_open: for 'ext' transport, command is required"
    if command is None:
        fail("%s (URI '%s' has no command= parameter)" % (text, parts.uri), parts.uri,
             RULE_EXT_COMMAND, 'invalid argument: ' + text)
    fail("%s (URI '%s' has an empty command= parameter)" % (text, parts.uri), parts.uri,
         RULE_EXT_COMMAND)


def _check_direct_mode(parts, mode, settings):
    """remoteGetUNIXSocket: the direct mode builds a local socket path, unix transport only.

    libvirt builds that path for the unix and SSH transports, and only when
    the URI names no ``socket=``.
    """
    if mode != 'direct' or parts.last_param('socket') is not None:
        return
    transport = _effective_transport(parts)
    if transport in SSH_TRANSPORTS:
        text = 'Cannot use direct socket mode for %s transport' % transport
        if parts.last_param('mode') is None:
            why = "remote_mode = \"direct\" in libvirt.conf applies to URI '%s'" % parts.uri
        else:
            why = "URI '%s'" % parts.uri
        fail('%s (%s: the direct mode only works with the unix transport, or give socket=)'
             % (text, why), parts.uri, RULE_DIRECT_MODE, 'Operation not supported: ' + text)


def _opens_user_daemon(parts, root):
    """remoteGetURIDaemonInfo's REMOTE_DRIVER_OPEN_USER: a session daemon, for non-root clients.

    (libvirt turns a missing path into '', so a test+ scheme counts even without a path.)
    """
    if root:
        return False
    return parts.path == '/session' or parts.scheme.startswith('test+')


def _proxy_in_use(parts, proxy, root, version):
    """The proxy an SSH transport runs on the remote host (doRemoteOpen, virNetClientSSHHelperCommand)."""
    if proxy is None:
        if parts.last_param('socket') is not None and version >= SOCKET_NETCAT_SINCE:
            proxy = 'netcat'
        elif _opens_user_daemon(parts, root):
            proxy = 'native'
        else:
            proxy = 'auto'
    if proxy == 'auto' and parts.last_param('netcat') is not None:
        proxy = 'netcat'
    return proxy


def _check_netcat(parts, proxy, settings):
    """virNetClientSSHHelperCommand: netcat= makes no sense with the native proxy."""
    if _effective_transport(parts) not in SSH_TRANSPORTS or parts.last_param('netcat') is None:
        return
    version = settings.version
    if proxy is None and parts.last_param('socket') is not None:
        version = settings.deciding_version()
    if _proxy_in_use(parts, proxy, settings.root, version) != 'native':
        return
    text = 'netcat path not valid with native proxy mode'
    if parts.last_param('proxy') is not None:
        why = 'the URI asks for proxy=native'
    elif proxy is not None:
        why = 'remote_proxy = "native" in libvirt.conf applies (the URI has no proxy=)'
    elif parts.last_param('socket') is not None:
        why = ('libvirt %d.%d uses the native proxy (virt-ssh-helper) for a /session URI of a '
               'client that is not root even when the URI names a socket=; add proxy=netcat to '
               'keep netcat=, or drop netcat=' % version)
    else:
        why = ('for a client that is not root, a %s URI uses the native proxy (virt-ssh-helper) '
               'unless proxy=, remote_proxy or socket= say otherwise; add proxy=netcat to keep '
               'netcat=, or drop netcat=' % (
                   '/session' if parts.path == '/session' else 'test+...'))
    fail("%s (URI '%s': %s)" % (text, parts.uri, why), parts.uri, RULE_NETCAT_NATIVE,
         'invalid argument: ' + text)


def _effective_transport(parts):
    if parts.transport is not None:
        return parts.transport.lower()
    return 'tls' if parts.host is not None else 'unix'


def _check_structure(parts, connect, remote):
    """Rules of this module for URIs libvirt parses but can never use.

    The ext transport runs a command and ignores user, host and port, so
    none of these rules apply to it.
    """
    uri = parts.uri
    raw = parts.raw
    transport = _effective_transport(parts)
    if transport == 'ext':
        return
    if connect and remote and raw.user == '' and transport in ('ssh', 'libssh', 'libssh2'):
        fail("URI '%s' has an empty user name before '@'; libvirt would log in as '%s'. Name a "
             "user or drop the '@'" % (uri, parts.user), uri, RULE_USER)
    if parts.host is None:
        return
    if parts.bracketed:
        if not valid_ipv6(parts.host.strip('[]')):
            fail("URI '%s': the host '%s' is not a valid IPv6 address (brackets are only for IPv6 "
                 "addresses)" % (uri, raw.host), uri, RULE_IPV6)
    else:
        bad = [ch for ch in parts.host if ch not in HOST_CHARS]
        if bad:
            fail("URI '%s': the host '%s' (written '%s') contains '%s', which a host name cannot "
                 "hold" % (uri, parts.host, raw.host, bad[0]), uri, RULE_HOST)
    if raw.port is not None and int(raw.port) > 65535:
        fail("URI '%s': port %d is out of range (1-65535)" % (uri, int(raw.port)), uri, RULE_PORT)


class _Settings:
    """What check_connect_uri knows about the client beyond the URI."""

    def __init__(self, remote_mode=None, remote_proxy=None, root=False, libvirt_version=None):
        self.remote_mode = _setting_text(remote_mode, 'remote_mode')
        self.remote_proxy = _setting_text(remote_proxy, 'remote_proxy')
        if not isinstance(root, bool):
            fail('root must be true or false, not %r' % (root,), None, RULE_ARGUMENT)
        self.root = root
        self.version = libvirt_version_tuple(libvirt_version)
        self.version_given = libvirt_version is not None
        self._host_version = None

    def deciding_version(self):
        """The version for a URI where libvirt versions differ: the given one, else the host's libvirt's."""
        if self.version_given:
            return self.version
        if self._host_version is None:
            # Lazy downward import: the host's libvirt is asked only here, not when the rules load.
            from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_host

            host = _libvirt_host.libvirt_version()
            self._host_version = tuple(host[:2]) if host is not None else self.version
        return self._host_version


def _setting_text(value, name):
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode('utf-8', UNDECODABLE)
    if not isinstance(value, str):
        fail("expected a string for '%s' parameter, not %s (%r)"
             % (name, type(value).__name__, value), None, RULE_SETTING_TYPE)
    return str(value)


def analyse(uri, connect, settings=None):
    """Apply the rules to ``uri`` (``parse_uri``'s, ``check_connect_uri``'s with ``connect``); its ``Parts``."""
    uri = check_text(uri)
    parts = _syntax(uri)
    _check_missing_slash(parts)
    if settings is None:
        settings = _Settings()
    mode = proxy = None
    remote = False
    if connect:
        embedded = _check_embed(parts, settings)
        remote = not embedded and _reaches_remote(parts)
        if remote:
            _check_transport(parts)
            mode, proxy = _check_remote_params(parts, settings)
        elif not embedded:
            _check_driver_rules(parts)
    else:
        _check_transport(parts)
    _check_ext_command(parts)
    if remote:
        _check_direct_mode(parts, mode, settings)
        _check_netcat(parts, proxy, settings)
    _check_structure(parts, connect, remote)
    return parts


# ------------------------------------------------------------------ public API

def parse_uri(uri):
    """Split a libvirt connection URI into its parts.

    Returns a dict:

    ``scheme``
        the full scheme, ``driver`` or ``driver+transport``, as written.
    ``driver``
        the driver name (the scheme up to the first ``+``).
    ``transport``
        the text after ``+`` as written (libvirt compares it ignoring case),
        or ``None`` when the URI names no transport (libvirt then uses
        ``tls`` with a host, ``unix`` without).
    ``user``, ``host``
        decoded; ``host`` without the brackets of an IPv6 address; ``None``
        when absent.  (An empty user name, ``//@host``, is what libxml2
        2.9 makes of it: the rest of the URI from the ``@``.)
    ``port``
        an int, or ``None`` when absent (libvirt ignores a port of 0 and a
        port without a host, and so does this function).
    ``path``
        decoded, ``None`` when the URI has none.
    ``query``
        the raw query text after ``?`` (``None`` without ``?``).
    ``params``
        the query split and decoded as libvirt does (``&`` separates, ``;``
        too when no ``&`` follows; a name without ``=`` has an empty value;
        ``=value`` is ignored); a dict in query order, the last of repeated
        names winning.
    ``fragment``
        decoded text after ``#``, ``None`` without ``#``.

    Decoded values are what libvirt sees: a ``%00`` ends the value (libvirt
    uses C strings) and bytes that are not UTF-8 are kept as surrogate
    escapes, so ``build_uri`` writes them back unchanged.

    Raises URIError when the URI is empty or not a string, holds whitespace,
    control or non-ASCII characters, does not parse (libxml2's rules; an
    IPv6 host without brackets is one such case), names no driver, is the
    ``qemu://system`` mistake, names an unknown transport, combines the
    ``unix`` transport with a host, or uses ``ext`` without a non-empty
    ``command=``; and, except with the ``ext`` transport (which ignores
    host and port), when its port is above 65535, its host is bracketed but
    not an IPv6 address, or decodes to characters no host name holds.
    """
    return analyse(uri, connect=False).as_dict()


def libvirt_version_tuple(version):
    """``(major, minor)`` of a libvirt version given as '9.0', '11.3.0', (9, 0) or None (the newest known)."""
    if version is None:
        return DEFAULT_LIBVIRT_VERSION
    numbers = None
    if isinstance(version, str):
        pieces = str(version).strip().split('.')
        if 2 <= len(pieces) <= 3 and all(piece.isdigit() for piece in pieces):
            numbers = tuple(int(piece) for piece in pieces)
    elif isinstance(version, (list, tuple)) and 2 <= len(version) <= 3 and all(
            isinstance(item, int) and not isinstance(item, bool) for item in version):
        numbers = tuple(version)
    if numbers is None:
        fail("libvirt version %r is not a version such as '9.0' or '11.3.0'" % (version,), None,
             RULE_ARGUMENT)
    return numbers[:2]


def _check_setting(value, name, allowed, refuse):
    """``value`` of the setting ``name`` as text, refused (``refuse(value, name)``) unless in ``allowed``."""
    if value is None:
        fail("expected a string for '%s' parameter, not None" % name, None, RULE_SETTING_TYPE)
    value = _setting_text(value, name)
    if value not in allowed:
        refuse(value, name)
    return value


def check_remote_mode(value):
    """Refuse a ``remote_mode`` value libvirt refuses; returns it (text).

    libvirt accepts exactly ``auto``, ``legacy`` and ``direct`` (case
    matters; an empty string is refused too).  The error's
    ``libvirt_message`` is what ``virsh`` prints when it meets the value:
    ``invalid argument: Unknown remote mode 'VALUE'``.  A value that is not
    a string is refused as libvirt refuses it in libvirt.conf (rule
    ``setting-type``; libvirt's message names the file:
    ``internal error: PATH: expected a string for 'remote_mode' parameter``).
    """
    return _check_setting(value, 'remote_mode', MODES, _mode_error)


def check_remote_proxy(value):
    """Refuse a ``remote_proxy`` value libvirt refuses; returns it (text).

    libvirt accepts exactly ``auto``, ``netcat`` and ``native``.  The
    error's ``libvirt_message`` is ``invalid argument: Unnkown proxy type
    'VALUE'`` (libvirt's spelling).  Non-strings as in check_remote_mode.
    """
    return _check_setting(value, 'remote_proxy', PROXIES, _proxy_error)


def remote_driver_handles(uri):
    """Whether libvirt's client hands ``uri`` to its remote driver (where mode and proxy apply).

    True for every URI except embedded-driver URIs (``.../embed``) and
    those the client-side drivers claim: ``test:``, ``openvz:``,
    ``vmwareplayer:``, ``vmwarews:`` and ``vmwarefusion:`` without a host,
    and ``esx:``, ``vpx:``, ``gsx:``.  Raises URIError when the URI does not
    parse (``parse_uri``'s rules).
    """
    parts = analyse(uri, connect=False)
    return parts.path != '/embed' and _reaches_remote(parts)


def effective_remote_mode(uri, remote_mode=None):
    """The ``mode`` libvirt's remote driver reads for ``uri``, None when no remote driver is involved.

    The URI's ``mode=`` parameter (the last one, its name in any case),
    else ``remote_mode`` (the configuration file's setting, None when the
    file has none), else ``auto``.  The value is returned as libvirt reads
    it, before it is checked (``check_connect_uri`` refuses unknown ones).
    Raises URIError when the URI does not parse, or ``remote_mode`` is not
    a string.
    """
    remote_mode = _setting_text(remote_mode, 'remote_mode')
    parts = analyse(uri, connect=False)
    if parts.path == '/embed' or not _reaches_remote(parts):
        return None
    mode = parts.last_param('mode')
    if mode is None:
        mode = remote_mode
    return 'auto' if mode is None else mode


def effective_remote_proxy(uri, remote_proxy=None, root=False, libvirt_version=None):
    """The proxy an SSH transport runs on the remote host for ``uri``; None for other transports.

    The URI's ``proxy=``, else ``remote_proxy`` (the file's setting), else
    libvirt's default: ``netcat`` when the URI has ``socket=`` (from
    ``SOCKET_NETCAT_SINCE``; ``libvirt_version``, None: the newest known),
    ``native`` for a ``/session`` URI (or a ``test+...`` scheme) when the
    client is not root, else ``auto``; ``auto`` with a ``netcat=`` parameter
    becomes ``netcat``.  Returned before it is checked, like
    effective_remote_mode.
    """
    remote_proxy = _setting_text(remote_proxy, 'remote_proxy')
    version = libvirt_version_tuple(libvirt_version)
    parts = analyse(uri, connect=False)
    if (parts.path == '/embed' or not _reaches_remote(parts)
            or _effective_transport(parts) not in SSH_TRANSPORTS):
        return None
    proxy = parts.last_param('proxy')
    if proxy is None:
        proxy = remote_proxy
    return _proxy_in_use(parts, proxy, bool(root), version)


def check_connect_uri(uri, remote_mode=None, remote_proxy=None, root=False, libvirt_version=None):
    """Refuse a URI libvirt would refuse when connecting, or libvirt.conf cannot hold.

    Applied before a URI is written into libvirt.conf as an alias target or
    as ``uri_default``.  On top of ``parse_uri``'s rules it refuses what
    libvirt refuses before contacting any daemon or host, for a client
    whose libvirt.conf holds ``remote_mode`` and ``remote_proxy`` (None:
    not set), running as root or not (``root``), with libvirt
    ``libvirt_version`` ('9.0', '11.3', (9, 0); None: the libvirt of the
    host it runs on where the known versions differ, else the newest known,
    12.8):

    * for URIs handled by the remote driver (all of them except ``test:``,
      ``openvz:`` and ``vmware*:`` without a host, ``esx``, ``vpx``,
      ``gsx`` and embedded URIs), in libvirt's order: integer parameters
      (``no_verify``, ``no_tty``, ``no_sanity``) that are not integers;
      the mode (``mode=``, else ``remote_mode``) other than
      auto/legacy/direct; the proxy (``proxy=``, else ``remote_proxy``)
      other than auto/netcat/native; the ``direct`` mode with an SSH
      transport unless the URI names a ``socket=``; ``netcat=`` with an SSH
      transport when the proxy is ``native``, which is also libvirt's
      default for ``/session`` URIs (and ``test+...`` schemes) when the
      client is not root and neither ``proxy=``, ``remote_proxy`` nor
      ``socket=`` says otherwise (libvirt 7.0 ignores ``socket=`` there).  ``remote_mode`` and ``remote_proxy`` are
      read only for URIs without ``mode=``/``proxy=``, as libvirt reads
      them; they must be strings (``check_remote_mode`` checks a value
      alone);
    * ``test:`` URIs without a path (``test:///``), ``esx``/``vpx``/``gsx``
      URIs without a server, with a ``transport=``, ``no_verify=``,
      ``auto_answer=`` or ``proxy=`` parameter the esx driver refuses (libvirt
      9.0 crashes on these), ``vpx`` URIs without a datacenter path;
    * ``.../embed`` URIs without an absolute ``root=`` or with a scheme
      other than a lower-case driver name (libvirt 7.0 and 9.0 read only a
      parameter named exactly ``root``; 11.3 ignores the name's case;
      7.0 passes a relative ``root=`` on to the driver, so only its absence
      is refused there);
    * an empty user name (``//@host``) with an SSH transport, which
      libvirt would turn into a user named after the rest of the URI;
    * a URI holding both ``'`` and ``"`` (a libvirt.conf string has no
      escapes), a line break or a NUL.

    Everything else ``virsh`` accepts is accepted: for example
    ``test:///default``, ``qemu:///system``, ``qemu+ssh://root@host/system``,
    ``qemu+ssh://u@[::1]:2222/system?keyfile=/k``, ``remote://host/``,
    ``test:///tmp/x.xml``, ``xen:///system``, ``lxc:///`` and
    ``qemu+ext:///system?command=/bin/x``.

    Returns None; raises URIError.
    """
    settings = _Settings(remote_mode, remote_proxy, root, libvirt_version)
    text = uri_text(uri)
    for pos, ch in enumerate(text):
        if ch in '\r\n\x00':
            fail("URI '%s' contains %s at position %d, which cannot be written into a "
                 'libvirt.conf string' % (printable(text), WHITESPACE_NAMES[ch], pos), text,
                 RULE_CONFIG_QUOTING)
    if "'" in text and '"' in text:
        fail("URI %s contains both ' and \", so it cannot be written as a libvirt.conf "
             'string (libvirt.conf strings have no escapes; percent-encode one of them, '
             "%%27 for ' or %%22 for \")" % text, text, RULE_CONFIG_QUOTING)
    analyse(text, connect=True, settings=settings)
