# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""The input rules of the collection, in one place.

What may be written into a libvirt.conf file as an alias name, an alias's
URI or ``uri_default``, checked with the same functions on the target (by
the modules) and on the controller (by the role's plan and the adopt
writer), so that both refuse the same values with the same message.  The
character class of alias names lives in ``_libvirt_conf`` (libvirt's own
rule for reading entries); the URI rules in ``_libvirt_uri``.
"""

import re

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import LibvirtClientError
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf

ALIAS_CHARS_TEXT = "A-Z, a-z, 0-9, '_' and '-'"

#: The settings of libvirt.conf that choose how remote URIs reach the daemons.
REMOTE_KEYS = ('remote_mode', 'remote_proxy')
#: The scalar string settings a module sets, in the order they are edited.
SCALAR_KEYS = (libvirt_conf.DEFAULT_KEY,) + REMOTE_KEYS

# The shape of the URIs nearly every fleet uses: a lower-case driver name, an optional network
# transport, an optional user, an optional host name with an optional port, then /system or
# /session, and nothing else.  check_connect_uri refuses none of them, whoever the client is
# (root or not, libvirt 9.0 or 11.3), as long as the file's remote_mode is unset, 'auto' or
# 'legacy' and its remote_proxy unset or one of libvirt's values: such a URI has no parameter,
# is not embedded, takes neither the unix nor the ext transport, names no driver with rules of
# its own (esx, vpx, gsx) and no host that libvirt reads as a misplaced path (qemu://system).
# check_uri accepts these without loading _libvirt_uri, the largest file a module would
# otherwise compile on every run; every other URI gets the full rules.
# tests/unit/plugins/module_utils/test_libvirt_rules.py holds this against check_connect_uri.
_PLAIN_URI_RE = re.compile(
    r'(?P<driver>[a-z][a-z0-9]*)(?:\+(?:ssh|libssh|libssh2|tls|tcp))?://'
    r'(?:[A-Za-z0-9._-]+@)?'
    r'(?:(?P<host>[A-Za-z0-9]+(?:[.-][A-Za-z0-9]+)*)(?::(?P<port>[0-9]{1,5}))?)?'
    r'/(?:system|session)\Z')
_PLAIN_DRIVER_EXCEPTIONS = ('esx', 'vpx', 'gsx')
_PLAIN_HOST_EXCEPTIONS = ('system', 'session')
_PLAIN_CONTEXT = {
    'remote_mode': (None, 'auto', 'legacy'),
    'remote_proxy': (None, 'auto', 'netcat', 'native'),
    'root': (False, True),
    'libvirt_version': (None,),
}

#: Why libvirt-admin.conf takes no remote_mode or remote_proxy.
ADMIN_HAS_NO_REMOTE = ('libvirt-admin.conf has no such setting: virt-admin only connects to local UNIX sockets and '
                       'never reads remote_mode or remote_proxy (they belong in libvirt.conf)')

# What a user who is not root reads instead of the system file.
USERS_DO_NOT_READ_SYSTEM = ('libvirt reads /etc/libvirt/libvirt.conf only for root; every other account reads only '
                            'its own $XDG_CONFIG_HOME/libvirt/libvirt.conf, so an alias of the system file means '
                            'nothing to a user')


class RuleError(LibvirtClientError, ValueError):
    """A value the collection refuses; ``str()`` names the value and the rule."""

    rule = 'value'


def is_alias_name(name):
    """Whether ``name`` is a non-empty string libvirt accepts as an alias name."""
    return isinstance(name, str) and name != '' and libvirt_conf.ALIAS_NAME_RE.match(name) is not None


def alias_name_from(text):
    """``text`` with every character libvirt refuses in an alias name replaced by '-'."""
    return ''.join(c if is_alias_name(c) else '-' for c in str(text))


def check_alias_name(name, what='alias name'):
    if not is_alias_name(name):
        raise RuleError("%s %r is not a valid alias name: aliases may only contain the characters %s, and must "
                        "not be empty" % (what, name, ALIAS_CHARS_TEXT))


def is_plain_uri(uri, context=None):
    """Whether ``uri`` has the plain shape (above) that check_connect_uri accepts in ``context``, as is."""
    match = _PLAIN_URI_RE.match(uri)
    if match is None or match.group('driver') in _PLAIN_DRIVER_EXCEPTIONS:
        return False
    if match.group('host') in _PLAIN_HOST_EXCEPTIONS or int(match.group('port') or 0) > 65535:
        return False
    return all(_plain_setting(key, value) for key, value in (context or {}).items())


def _plain_setting(key, value):
    """Whether ``value`` is one of the values of ``key`` in _PLAIN_CONTEXT (None and booleans by identity)."""
    return any(value is choice or (isinstance(choice, str) and value == choice)
               for choice in _PLAIN_CONTEXT.get(key, ()))


def check_uri(uri, what='uri', context=None):
    """An alias's URI or a URI ``uri_default``: one libvirt connects with and libvirt.conf can hold.

    ``context`` describes the client that reads the file, as keyword arguments of ``check_connect_uri``:
    ``root`` (the system file is read by root), the file's ``remote_mode`` and ``remote_proxy``, and the
    ``libvirt_version`` of the host, when known.  With ``admin`` true in ``context`` the file is a
    libvirt-admin.conf and the URI must be an admin URI virt-admin connects with (``check_admin_uri``).
    """
    if uri is None or uri == '':
        raise RuleError('%s is empty: an alias needs a URI such as qemu:///system' % what)
    if not isinstance(uri, str):
        raise RuleError('%s must be a string, got %r' % (what, uri))
    context = dict(context or {})
    admin = context.pop('admin', False)
    if not admin and is_plain_uri(uri, context):
        return
    # Lazy downward import: the URI rules load only for a URI outside the plain shape, not at every start-up.
    from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_uri as libvirt_uri
    try:
        if admin:
            # Lazy downward import: the admin rules and libvirt's resolution code load only for an admin URI.
            from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_admin import check_admin_uri
            check_admin_uri(uri)
        else:
            libvirt_uri.check_connect_uri(uri, **context)
    except libvirt_uri.URIError as exc:
        raise RuleError('%s %r is refused: %s' % (what, uri, exc.message))


def check_aliases(aliases, context=None):
    """Every name and URI of an alias dict; returns the (name, uri) pairs in order."""
    pairs = []
    for name, uri in aliases.items():
        check_alias_name(name, 'alias name')
        if not isinstance(uri, str):
            raise RuleError('the URI of alias %r must be a string, got %r' % (name, uri))
        check_uri(uri, 'the URI of alias %r' % (name,), context)
        pairs.append((name, uri))
    return pairs


def check_default(default, aliases, complete=True, system_aliases=(), what='uri_default', context=None):
    """Check a ``uri_default`` to be written into a file that will define ``aliases``.

    A default shaped like an alias name must be one of ``aliases``.  When
    ``complete`` is false (the file may hold aliases nobody listed), a name
    outside ``aliases`` is accepted, unless it is one of ``system_aliases``
    (the aliases of /etc/libvirt/libvirt.conf, when the file is a user's):
    then it is refused with the reason, since the user never reads them.
    Any other default must be a usable URI.  The empty string and None pass
    (they remove or keep the setting).
    """
    if default is None or default == '':
        return
    if not isinstance(default, str):
        raise RuleError('%s must be a string (an alias name or a URI; an empty string removes it), got %r'
                        % (what, default))
    if is_alias_name(default):
        if default in aliases:
            return
        if default in system_aliases:
            raise RuleError('%s %r is an alias of /etc/libvirt/libvirt.conf only, not of this user\'s file: %s'
                            % (what, default, USERS_DO_NOT_READ_SYSTEM))
        if not complete:
            return
        if (context or {}).get('admin'):
            raise RuleError("%s %r is neither an alias defined in the file nor an admin URI virt-admin can use "
                            "(an admin URI names a daemon, such as virtqemud:///system)" % (what, default))
        raise RuleError("%s %r is neither an alias defined in the file nor a URI libvirt can use "
                        "(a URI needs a driver, such as qemu:///system)" % (what, default))
    check_uri(default, what, context)


def check_entry_name(name):
    """A ``name`` given to remove an entry (possibly a malformed one): anything one line can hold."""
    if not isinstance(name, str) or name == '' or '\n' in name or '\r' in name:
        raise RuleError('name %r cannot name an alias entry: it is empty or holds a line break' % (name,))


def check_remote_setting(key, value, what=None):
    """A ``remote_mode`` or ``remote_proxy`` value to write: one libvirt accepts; returns it.

    ``None`` (leave the setting alone) and ``''`` (remove it) pass.  The
    refusal names ``what`` (default: the key) and the value, with libvirt's
    own words for a value it refuses.
    """
    if value is None or value == '':
        return value
    # Lazy downward import: the URI rules load only to check a remote_mode or remote_proxy value to write.
    from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_uri as libvirt_uri
    check = {'remote_mode': libvirt_uri.check_remote_mode, 'remote_proxy': libvirt_uri.check_remote_proxy}[key]
    try:
        return check(value)
    except libvirt_uri.URIError as exc:
        raise RuleError('%s %r is refused: %s' % (what or key, value, exc.message))
