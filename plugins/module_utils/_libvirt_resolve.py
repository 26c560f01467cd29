# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Resolve a connection name the way libvirt's ``virConnectOpen`` does.

``resolve(name, ...)`` returns the URI libvirt would connect to for
``name`` (what ``virsh -c NAME uri`` prints), given the client
configuration (libvirt.conf), or raises ``libvirt_conf.ConfError`` whose
``message`` is exactly what ``virsh`` prints after ``error: ``.

The steps, in libvirt's order:

1. The configuration is loaded (a syntax error stops everything).
2. An empty name is the same as no name.
3. An explicit name equal to ``xen`` (any case) or exactly ``xen://``
   becomes ``xen:///system``, before alias lookup.
4. No name: ``LIBVIRT_DEFAULT_URI`` when set and non-empty, else
   ``uri_default``, else the probe (what the daemon answers).
5. Unless aliases are disabled, one pass of ``uri_aliases`` lookup (first
   match wins, validation is lazy, no chaining).
6. The result must name a driver, and must not be the ``qemu://system``
   mistake.
"""

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_conf import (
    ConfError,
    get_string,
    get_string_list,
    read_file,
    split_alias_entry,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import (
    RULE_MISSING_SLASH,
    RULE_NO_DRIVER,
    RULE_EMPTY,
    URIError,
    parse_uri,
)

#: What libvirt's probe answers in practice when nothing else names a URI.
DEFAULT_PROBE = 'qemu:///system'

_XEN_SYSTEM = 'xen:///system'
_DEFAULT_PATH = 'libvirt.conf'


def name_text(value, what):
    """``value`` as text (None stays None); ConfError for anything else."""
    if value is None:
        return None
    if isinstance(value, bytes):
        try:
            value = value.decode('utf-8')
        except UnicodeDecodeError:
            raise ConfError('%s %r is not valid UTF-8 text' % (what, value))
    if not isinstance(value, str):
        raise ConfError('%s must be a string, not %s (%r)' % (what, type(value).__name__, value))
    value = str(value)
    if '\x00' in value:
        raise ConfError('%s %r holds a NUL character, which a connection name cannot hold'
                        % (what, value))
    return value


def alias_list(aliases):
    if aliases is None:
        return None
    if isinstance(aliases, (str, bytes)) or not isinstance(aliases, (list, tuple)):
        raise ConfError("aliases must be a list of 'alias=uri' strings, not %s (%r)"
                        % (type(aliases).__name__, aliases))
    result = []
    for item in aliases:
        result.append(name_text(item, "the 'uri_aliases' entry"))
    return result


class AliasIndex:
    """``uri_aliases`` prepared once, for resolving many names.

    Answers exactly like libvirt's walk of the list: the first entry of a
    name wins; a name that no entry before the first malformed one matches
    gets that entry's error (or the list's type error); entries after the
    first malformed one are never reached.  The list is read on the first
    ``find``, so a configuration whose aliases are never consulted never
    fails because of them.
    """

    def __init__(self, entries=None, path=None, aliases=None):
        self._entries = entries
        self._path = path if path is not None else _DEFAULT_PATH
        self._aliases = aliases
        self._first = None
        self._error = None

    def _build(self):
        self._first = {}
        try:
            if self._aliases is not None:
                items = alias_list(self._aliases)
            else:
                items = get_string_list(self._entries, 'uri_aliases', self._path)
            for entry in items or ():
                alias, uri = split_alias_entry(entry)
                self._first.setdefault(alias, uri)
        except ConfError as exc:
            exc.path = self._path
            self._error = exc

    def find(self, name):
        """The URI of alias ``name``, None when no entry names it; ConfError as libvirt raises it."""
        if self._first is None:
            self._build()
        if name in self._first:
            return self._first[name]
        if self._error is not None:
            raise self._error
        return None


def check_resolved(uri, name):
    """libvirt's checks of the resolved ``uri`` (``name``: what was asked for, None if nothing).

    Raises ConfError with libvirt's message when the URI names no driver,
    does not parse, or is the ``qemu://system`` mistake; other problems are
    the driver's business and are not checked here.
    """
    shown = name if name else '(null)'
    no_driver = ("no connection driver available for URI '%s' does not include a driver name"
                 % shown)
    try:
        parse_uri(uri)
    except URIError as exc:
        if exc.rule in (RULE_NO_DRIVER, RULE_EMPTY):
            raise ConfError(no_driver)
        message = exc.libvirt_message
        if message and (exc.rule == RULE_MISSING_SLASH
                        or message.startswith('internal error: Unable to parse URI')):
            raise ConfError(message)
        # Any later rule (transport, port, ...) is met only when connecting.
        return


def resolve(name, entries=None, path=None, aliases=None, env_default=None, virsh_default=None,
            no_aliases=False, probe=DEFAULT_PROBE, alias_index=None, checked=None, libvirt_version=None):
    """The URI libvirt connects to for ``name``.

    ``name``
        the name asked for (``virsh -c NAME``); None or '' for the default.
    ``entries``
        the parsed configuration (``libvirt_conf.parse``/``read_file``), or
        None; when None and ``path`` is given, the file at ``path`` is read
        the way libvirt reads it (a missing file is no configuration).
    ``path``
        the configuration file, used for messages (and reading, see above).
    ``aliases``
        when not None, a list of ``'alias=uri'`` strings that stands in for
        the file's ``uri_aliases``.
    ``env_default``
        the value of ``LIBVIRT_DEFAULT_URI`` (None or '' when unset).
    ``virsh_default``
        the value of ``VIRSH_DEFAULT_CONNECT_URI``: used as an explicit name
        when ``name`` is empty (virsh's behaviour); None or '' to ignore.
    ``no_aliases``
        True to skip alias lookup (``VIR_CONNECT_NO_ALIASES``).
    ``probe``
        what the probe answers when nothing names a URI.
    ``alias_index``
        an ``AliasIndex`` of the same ``entries``/``path``/``aliases``, to
        share between many calls (it replaces walking the list every time).
    ``checked``
        a set of URIs already known to pass libvirt's checks, shared between
        calls; URIs found to pass are added.
    ``libvirt_version``
        (major, minor, micro) of the libvirt whose rules apply where
        versions differ (``read_file``); by default this host's.

    Returns the URI text; raises ``ConfError`` (``message`` = virsh's wording).
    """
    name = name_text(name, 'the connection name')
    env_default = name_text(env_default, 'LIBVIRT_DEFAULT_URI')
    virsh_default = name_text(virsh_default, 'VIRSH_DEFAULT_CONNECT_URI')
    if alias_index is None:
        aliases = alias_list(aliases)
    probe = name_text(probe, 'the probe URI')
    if path is not None:
        path = name_text(path, 'the configuration path')

    if entries is None and path is not None:
        loaded = read_file(path, libvirt_version)
        entries = loaded[1] if loaded is not None else None
    conf_path = path if path is not None else _DEFAULT_PATH

    if not name and virsh_default:
        name = virsh_default
    if not name:
        name = None

    if name is not None:
        uri = name
        if uri.lower() == 'xen' or uri == 'xen://':
            uri = _XEN_SYSTEM
    elif env_default:
        uri = env_default
    else:
        uri = get_string(entries, 'uri_default', conf_path)
        if uri is None:
            # Nothing names a URI: libvirt lets the drivers probe and never
            # consults uri_aliases, so a malformed entry does not matter here.
            uri = probe if probe else DEFAULT_PROBE
            no_aliases = True

    if not no_aliases:
        if alias_index is None:
            alias_index = AliasIndex(entries, conf_path, aliases)
        target = alias_index.find(uri)
        if target is not None:
            uri = target

    if checked is None or uri not in checked:
        check_resolved(uri, name)
        if checked is not None:
            checked.add(uri)
    return uri
