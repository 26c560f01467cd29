# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""libvirt-admin.conf and admin URIs: what ``virt-admin`` connects to.

``virt-admin`` (``virAdmConnectOpen`` in libvirt's ``src/admin/libvirt-admin.c``,
the same in libvirt 9.0 and 11.3) reads ``libvirt-admin.conf`` from the places
libvirt.conf is read from, with the same grammar and the same ``uri_aliases``
rules, and turns a name into a UNIX socket path:

1. The file is loaded (a syntax error stops everything).
2. A name given with ``-c`` is used as is, even an empty one (there is no
   ``xen`` rewriting and no "empty means default").  Without ``-c``:
   ``LIBVIRT_ADMIN_DEFAULT_URI`` when set and non-empty, else the file's
   ``uri_default`` (which must be a string; an empty one is used as is),
   else ``libvirtd:///system`` for root and ``libvirtd:///session`` for
   everyone else.
3. Whatever came out of step 2, the built-in default included, goes
   through one pass of ``uri_aliases`` (first match, lazy validation, no
   chaining); an alias may even be empty (``"=virtqemud:///system"`` is
   what ``virt-admin -c ''`` reaches).
4. The URI must parse (``Unable to parse URI``).  Its parameters may only
   be ``socket`` (exact name; the last one wins); any other is refused
   (``Unknown URI parameter 'NAME'``).  With ``socket=`` that path is the
   socket and nothing else is checked.  Without it the scheme must be
   ``libvirtd`` (the socket ``libvirt-admin-sock``) or start with ``virt``
   (``SCHEME-admin-sock``, the scheme taken whole, ``+transport`` and all),
   both case-sensitive; the path must be exactly ``/system``
   (``/run/libvirt/``) or ``/session`` (the user's runtime directory:
   ``$XDG_RUNTIME_DIR/libvirt``, else ``$XDG_CACHE_HOME/libvirt``, else
   ``$HOME/.cache/libvirt``, for root too).  User, host, port and fragment
   are ignored: an admin connection is always local.

``resolve_admin`` does steps 1-3, ``admin_socket`` step 4, ``admin_connect``
all of them; ``check_admin_uri`` refuses, before a URI is written into
libvirt-admin.conf, what virt-admin would refuse plus what can never
connect or be written.  Errors carry virt-admin's wording (what it prints
after ``error: ``).
"""

import os

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_files import (
    ADMIN_CONF_NAME, SYSTEM_DIR, user_config_file,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_conf import (
    ConfError,
    get_string,
    read_file,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_resolve import (
    AliasIndex,
    alias_list,
    name_text,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import (
    RULE_CONFIG_QUOTING,
    RULE_SYNTAX,
    URIError,
    WHITESPACE_NAMES,
    check_text,
    printable,
    uri_text,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri_syntax import (
    Parts,
    Raw,
    SyntaxFailure,
    libxml2_parse,
)

#: The file virt-admin reads as root (another account reads ADMIN_CONF_NAME under its config directory).
ROOT_ADMIN_CONF = SYSTEM_DIR + '/' + ADMIN_CONF_NAME

#: The default connection when nothing names one.
DEFAULT_ADMIN_URI_ROOT = 'libvirtd:///system'
DEFAULT_ADMIN_URI_USER = 'libvirtd:///session'

#: libvirt's RUNSTATEDIR on Debian (and every distribution with /run).
RUNSTATEDIR = '/run'

#: The admin daemons libvirt ships (schemes virt-admin takes): the monolithic daemon, the
#: modular hypervisor and secondary drivers' daemons, and the helpers that have an admin socket.
KNOWN_ADMIN_DAEMONS = ('libvirtd', 'virtproxyd', 'virtqemud', 'virtlxcd', 'virtxend', 'virtvboxd',
                       'virtbhyved', 'virtchd', 'virtvzd', 'virtinterfaced', 'virtnetworkd',
                       'virtnodedevd', 'virtnwfilterd', 'virtsecretd', 'virtstoraged', 'virtlogd',
                       'virtlockd')

RULE_ADMIN_PARAM = 'admin-param'
RULE_ADMIN_SCHEME = 'admin-scheme'
RULE_ADMIN_PATH = 'admin-path'
RULE_ADMIN_SOCKET = 'admin-socket'

_UNSUPPORTED = 'unsupported configuration: '


def default_admin_uri(root):
    """``libvirtd:///system`` for root (effective uid 0), ``libvirtd:///session`` for anyone else."""
    return DEFAULT_ADMIN_URI_ROOT if root else DEFAULT_ADMIN_URI_USER


def admin_config_path(root, environ=None, home=None):
    """The libvirt-admin.conf virt-admin reads: root's, or the user's under $XDG_CONFIG_HOME or ~/.config."""
    if root:
        return ROOT_ADMIN_CONF
    environ = os.environ if environ is None else environ
    return user_config_file(_home(environ, home), environ.get('XDG_CONFIG_HOME'), name=ADMIN_CONF_NAME)


def _home(environ, home):
    if home is not None:
        return home
    return environ.get('HOME') or os.path.expanduser('~')


def user_runtime_dir(environ=None, home=None):
    """libvirt's virGetUserRuntimeDirectory: GLib's user runtime directory plus ``/libvirt``.

    ``$XDG_RUNTIME_DIR`` when set and non-empty (used as is, even relative),
    else ``$XDG_CACHE_HOME`` when set and non-empty, else ``HOME/.cache``
    (``home`` when given, else ``$HOME``, else the passwd home).  The same
    for root: only the ``/session`` paths use it.
    """
    environ = os.environ if environ is None else environ
    base = environ.get('XDG_RUNTIME_DIR') or environ.get('XDG_CACHE_HOME') or os.path.join(
        _home(environ, home), '.cache')
    return base.rstrip('/') + '/libvirt' if base != '/' else '/libvirt'


def _parse_admin(uri):
    """virURIParse as virt-admin uses it: the parts, or URIError with libvirt's message."""
    text = uri_text(uri)
    if text == '':
        raw = Raw()
    else:
        text = check_text(text)
        try:
            raw = libxml2_parse(text)
        except SyntaxFailure as failure:
            raise URIError('Unable to parse URI %s: %s' % (text, failure.reason), uri=text,
                           rule=RULE_SYNTAX,
                           libvirt_message='internal error: Unable to parse URI %s' % text)
    return Parts(text, raw)


def _refuse(text, uri, rule, hint):
    raise URIError('%s (%s)' % (text, hint), uri=uri, rule=rule, libvirt_message=_UNSUPPORTED + text)


def admin_socket(uri, runtime_dir=None, runstatedir=RUNSTATEDIR):
    """The socket virt-admin connects to for ``uri`` (an admin URI after alias lookup).

    ``runtime_dir`` is the user's libvirt runtime directory (see
    ``user_runtime_dir``; computed from this process's environment when
    None), used by ``/session`` URIs.  Raises URIError when virt-admin
    refuses the URI, ``libvirt_message`` holding its words.
    """
    parts = _parse_admin(uri)
    uri = parts.uri
    socket = None
    for name, value in parts.pairs:
        if name == 'socket':
            socket = value
        else:
            _refuse("Unknown URI parameter '%s'" % name, uri, RULE_ADMIN_PARAM,
                    "URI '%s': an admin URI takes no parameter but socket=" % uri)
    if socket is not None:
        return socket
    scheme = parts.scheme
    if scheme is None:
        _refuse('No URI scheme specified', uri, RULE_ADMIN_SCHEME,
                "'%s' is neither an alias nor an admin URI such as virtqemud:///system" % uri)
    if scheme == 'libvirtd':
        base = 'libvirt-admin-sock'
    elif scheme.startswith('virt'):
        base = '%s-admin-sock' % scheme
    else:
        _refuse("Unsupported URI scheme '%s'" % scheme, uri, RULE_ADMIN_SCHEME,
                "URI '%s': an admin URI names a daemon, libvirtd or virt... such as virtqemud, "
                'virtproxyd, virtlogd' % uri)
    if parts.path == '/system':
        return '%s/libvirt/%s' % (runstatedir, base)
    if parts.path == '/session':
        if runtime_dir is None:
            runtime_dir = user_runtime_dir()
        return '%s/%s' % (runtime_dir, base)
    _refuse("Invalid URI path '%s', try '/system'" % (parts.path or ''), uri, RULE_ADMIN_PATH,
            "URI '%s': the path of an admin URI is /system or /session" % uri)


def check_admin_uri(uri):
    """Refuse an admin URI virt-admin would refuse, or that cannot connect or be written.

    Applied before a URI is written into libvirt-admin.conf (alias target
    or ``uri_default``).  On top of ``admin_socket``'s rules (libvirt's
    messages), it refuses an empty ``socket=`` (virt-admin then tries to
    connect to '' and fails), and what a libvirt.conf string cannot hold
    (both quotes, a line break, NUL).  Returns the socket path of a
    ``/system`` URI or of ``socket=``; for ``/session`` the path under
    ``$XDG_RUNTIME_DIR/libvirt`` of this process.
    """
    text = uri_text(uri)
    for pos, ch in enumerate(text):
        if ch in '\r\n\x00':
            raise URIError("URI '%s' contains %s at position %d, which cannot be written into a "
                           'libvirt-admin.conf string' % (printable(text), WHITESPACE_NAMES[ch], pos),
                           uri=text, rule=RULE_CONFIG_QUOTING)
    if "'" in text and '"' in text:
        raise URIError("URI %s contains both ' and \", so it cannot be written as a libvirt-admin.conf "
                       "string (percent-encode one of them, %%27 for ' or %%22 for \")" % text,
                       uri=text, rule=RULE_CONFIG_QUOTING)
    socket = admin_socket(text)
    if socket == '':
        raise URIError("URI '%s' has an empty socket= parameter; virt-admin would try to connect to '' "
                       '(give an absolute socket path, or drop socket=)' % text, uri=text,
                       rule=RULE_ADMIN_SOCKET)
    return socket


def resolve_admin(name, entries=None, path=None, aliases=None, env_default=None, root=False,
                  no_aliases=False, alias_index=None):
    """The admin URI virt-admin goes on with for ``name`` (steps 1-3 above).

    ``name``
        what ``-c`` gives; None when no ``-c`` (an empty string is a name).
    ``entries``, ``path``
        the parsed libvirt-admin.conf and its path (read from ``path`` when
        ``entries`` is None; a missing file is no configuration).
    ``aliases``
        a list of ``'alias=uri'`` strings standing in for the file's ``uri_aliases``.
    ``env_default``
        ``LIBVIRT_ADMIN_DEFAULT_URI`` (None or '' when unset).
    ``root``
        whether virt-admin runs as root (the built-in default).
    ``no_aliases``
        skip alias lookup (``VIR_CONNECT_NO_ALIASES``).
    ``alias_index``
        an ``AliasIndex`` over the same list, to share between calls.

    Returns the URI text; raises ConfError (``message`` = virt-admin's wording).
    """
    name = name_text(name, 'the connection name')
    env_default = name_text(env_default, 'LIBVIRT_ADMIN_DEFAULT_URI')
    if alias_index is None:
        aliases = alias_list(aliases)
    if path is not None:
        path = name_text(path, 'the configuration path')
    if entries is None and path is not None:
        loaded = read_file(path)
        entries = loaded[1] if loaded is not None else None
    conf_path = path if path is not None else ADMIN_CONF_NAME

    if name is not None:
        uri = name
    elif env_default:
        uri = env_default
    else:
        uri = get_string(entries, 'uri_default', conf_path)
        if uri is None:
            uri = str(default_admin_uri(root))
    if not no_aliases:
        if alias_index is None:
            alias_index = AliasIndex(entries, conf_path, aliases)
        target = alias_index.find(uri)
        if target is not None:
            uri = target
    return uri


def admin_connect(name, entries=None, path=None, aliases=None, env_default=None, root=False,
                  no_aliases=False, alias_index=None, runtime_dir=None, runstatedir=RUNSTATEDIR):
    """``{'uri': ..., 'socket': ...}``: where ``virt-admin [-c name]`` connects.

    The arguments are ``resolve_admin``'s and ``admin_socket``'s.  Raises
    ConfError whose ``message`` is what virt-admin prints after ``error: ``.
    """
    uri = resolve_admin(name, entries=entries, path=path, aliases=aliases, env_default=env_default,
                        root=root, no_aliases=no_aliases, alias_index=alias_index)
    try:
        socket = admin_socket(uri, runtime_dir=runtime_dir, runstatedir=runstatedir)
    except URIError as exc:
        raise ConfError(exc.libvirt_message or str(exc))
    return {'uri': uri, 'socket': socket}
