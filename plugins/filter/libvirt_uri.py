# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters ``libvirt_uri_parse`` and ``libvirt_uri_build``: libvirt connection URIs <-> dicts.

The documentation of each filter is in the YAML file of the same name next
to this one.  Both use the rules of ``module_utils/_libvirt_uri.py`` (and
``libvirt_uri_build`` ``plugin_utils/_libvirt_uri_build.py``), which
follow libvirt 9.0; every refusal is an ``AnsibleFilterError`` whose message
names the value and the rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import (
    URI_KEYS,
    URIError,
    check_remote_mode,
    effective_remote_mode,
    parse_uri,
)
from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._libvirt_uri_build import build_uri

# Changing one of these makes a 'scheme' taken from libvirt_uri_parse stale.
_SCHEME_PARTS = ('driver', 'transport')

# Keys libvirt_uri_parse adds that are read from the URI, not parts of it: libvirt_uri_build
# ignores them in its input and refuses them as arguments.
DERIVED_KEYS = ('mode',)


def libvirt_uri_parse(uri, remote_mode=None):
    """Split a libvirt connection URI into a dict (see libvirt_uri_parse.yml)."""
    if not isinstance(uri, str):
        raise AnsibleFilterError(
            'libvirt_uri_parse expects a libvirt connection URI string such as qemu:///system, '
            'got %s: %r' % (type(uri).__name__, uri))
    if remote_mode is not None:
        try:
            check_remote_mode(remote_mode)
        except URIError as error:
            raise AnsibleFilterError("libvirt_uri_parse: argument remote_mode: %s" % error) from None
    try:
        parts = parse_uri(uri)
        parts['mode'] = effective_remote_mode(uri, remote_mode)
    except URIError as error:
        raise AnsibleFilterError('libvirt_uri_parse: %s' % error) from None
    return parts


def _plain(value):
    """Native dicts and lists for values templating may hand over as other mappings."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [_plain(item) for item in value]
    return value


def libvirt_uri_build(parts, **overrides):
    """Assemble a libvirt connection URI from a dict (see libvirt_uri_build.yml)."""
    if not isinstance(parts, Mapping):
        raise AnsibleFilterError(
            'libvirt_uri_build expects a dict of URI parts such as libvirt_uri_parse returns '
            '(keys: %s), got %s: %r' % (', '.join(URI_KEYS), type(parts).__name__, parts))
    derived = sorted(str(key) for key in overrides if key in DERIVED_KEYS)
    if derived:
        raise AnsibleFilterError(
            "libvirt_uri_build: '%s' is reported by libvirt_uri_parse, not a part of the URI; set it "
            "as a parameter instead (params: {%s: ...})" % (derived[0], derived[0]))
    merged = {}
    for source, what in ((parts, 'input'), (overrides, 'argument')):
        if source is parts:
            source = {key: value for key, value in parts.items() if key not in DERIVED_KEYS}
        unknown = sorted(str(key) for key in source if key not in URI_KEYS)
        if unknown:
            raise AnsibleFilterError(
                'libvirt_uri_build: unknown %s key%s %s; the URI parts are %s'
                % (what, 's' if len(unknown) > 1 else '', ', '.join(repr(k) for k in unknown),
                   ', '.join(URI_KEYS)))
        merged.update((str(key), _plain(value)) for key, value in source.items())
    if 'scheme' not in overrides and any(key in overrides for key in _SCHEME_PARTS):
        merged.pop('scheme', None)
    if merged.get('driver') in (None, ''):
        raise AnsibleFilterError(
            "libvirt_uri_build: the 'driver' part is required (e.g. driver: qemu); got %r"
            % (dict(parts),))
    try:
        return build_uri(**merged)
    except URIError as error:
        raise AnsibleFilterError('libvirt_uri_build: %s' % error) from None


class FilterModule:
    """The collection's libvirt URI filters."""

    def filters(self):
        return {
            'libvirt_uri_parse': libvirt_uri_parse,
            'libvirt_uri_build': libvirt_uri_build,
        }
