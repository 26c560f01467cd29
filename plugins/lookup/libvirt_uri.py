# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: libvirt_uri
author:
  - virtkit.libvirt_client maintainers (@virtkit)
short_description: Resolve libvirt connection names the way libvirt does
version_added: 0.1.0
description:
  - Returns the URI libvirt connects to for each name, exactly as C(virConnectOpen) resolves it
    (what C(virsh -c NAME uri) prints), reading libvirt's client configuration file on the controller.
  - An empty name (or no term at all) resolves the default connection - E(LIBVIRT_DEFAULT_URI) when set
    and non-empty, else C(uri_default), else the O(probe) answer.
  - C(xen) (any case) and C(xen://) become C(xen:///system) before alias lookup.
  - Names then go through one pass of C(uri_aliases) lookup (unless O(no_aliases)); the first entry whose
    alias equals the name exactly wins, aliases are not chained, and a malformed entry met before a match
    fails the lookup, as it fails every connection in libvirt.
  - The configuration file is read and parsed once per call, however many terms are given.
  - Runs on the controller; nothing is read on managed hosts.
options:
  _terms:
    description:
      - Connection names or URIs to resolve. An empty string, or no term at all, resolves the default connection.
    type: list
    elements: str
    required: false
  config:
    description:
      - Path of the libvirt client configuration file to read.
      - Defaults to the file libvirt reads for the user running Ansible on the controller -
        C(/etc/libvirt/libvirt.conf) for root (effective uid 0), else C($XDG_CONFIG_HOME/libvirt/libvirt.conf),
        or C(~/.config/libvirt/libvirt.conf) when E(XDG_CONFIG_HOME) is unset or empty.
      - A missing file means no configuration, as in libvirt.
    type: path
  aliases:
    description:
      - Mapping of alias name to URI that stands in for the file's C(uri_aliases) list (the file's list is then
        ignored; its other settings, such as C(uri_default), are still read).
      - Entries are checked in the given order with libvirt's rules, so an alias holding a character outside
        letters, digits, C(_) and C(-) fails the lookup.
    type: dict
  no_aliases:
    description:
      - Skip alias lookup, like libvirt's C(VIR_CONNECT_NO_ALIASES) flag.
    type: bool
    default: false
  virsh:
    description:
      - Resolve as C(virsh) does - when a term is empty, E(VIRSH_DEFAULT_CONNECT_URI) (when set and non-empty)
        is used as an explicit name, which beats E(LIBVIRT_DEFAULT_URI) and C(uri_default).
    type: bool
    default: false
  probe:
    description:
      - The URI the libvirt probe answers when neither E(LIBVIRT_DEFAULT_URI) nor C(uri_default) names one.
      - Defaults to C(qemu:///system) when Ansible runs as root on the controller, else C(qemu:///session).
    type: str
  details:
    description:
      - Return a dictionary per term instead of the URI alone, with the resolved C(uri) and the effective
        remote C(mode).
      - The mode is the one libvirt's remote driver goes on with - the URI's C(mode=) parameter (the last one,
        its name in any case), else the file's C(remote_mode), else C(auto). It is V(null) for URIs the remote
        driver does not handle (C(test:///...) and C(esx://...) for instance, and embedded C(.../embed) URIs).
      - The value is reported as libvirt reads it; libvirt refuses to connect with values other than C(auto),
        C(legacy) and C(direct). A C(remote_mode) that is not a string fails the lookup with libvirt's message
        when a URI needs it, as it fails the connection.
    type: bool
    default: false
    version_added: 0.2.0
  admin:
    description:
      - Resolve as C(virt-admin) does, through C(libvirt-admin.conf) (by default C(/etc/libvirt/libvirt-admin.conf)
        for root, else under E(XDG_CONFIG_HOME) or C(~/.config), like C(libvirt.conf)).
      - No term resolves the default admin connection - E(LIBVIRT_ADMIN_DEFAULT_URI) when set and non-empty, else
        C(uri_default), else C(libvirtd:///system) for root and C(libvirtd:///session) for others. Unlike the client
        rules, an empty term is a name like any other (C(virt-admin -c '')), the built-in default also goes through
        the aliases, and there is no C(xen) rewriting.
      - The result must be an admin URI - C(libvirtd) or C(virt...) with the path C(/system) or C(/session), or any URI
        with a C(socket=) parameter and no other; anything else fails with C(virt-admin)'s message.
      - With O(details=true) each result holds C(uri) and the C(socket) C(virt-admin) connects to (C(/session) sockets
        are under E(XDG_RUNTIME_DIR) of the controller, else E(XDG_CACHE_HOME), else C(~/.cache)).
      - O(virsh) and O(probe) do not apply.
    type: bool
    default: false
    version_added: 0.2.0
notes:
  - E(LIBVIRT_DEFAULT_URI) and E(VIRSH_DEFAULT_CONNECT_URI) are read from the controller's environment.
  - Errors carry libvirt's own wording (what C(virsh) prints after C(error:)), with the file and line concerned.
seealso:
  - name: libvirt connection URIs
    description: libvirt's documentation of connection URIs and aliases.
    link: https://libvirt.org/uri.html
"""

EXAMPLES = r"""
- name: Where does the default connection go?
  ansible.builtin.debug:
    msg: "{{ lookup('virtkit.libvirt_client.libvirt_uri') }}"

- name: Resolve an alias through a given file
  ansible.builtin.debug:
    msg: "{{ lookup('virtkit.libvirt_client.libvirt_uri', 'hail', config='/etc/libvirt/libvirt.conf') }}"

- name: Resolve several names at once (one file read)
  ansible.builtin.debug:
    msg: "{{ query('virtkit.libvirt_client.libvirt_uri', 'hail', 'sleet', 'test:///default') }}"

- name: Resolve with aliases given here instead of the file's
  ansible.builtin.debug:
    msg: "{{ lookup('virtkit.libvirt_client.libvirt_uri', 'lab', aliases={'lab': 'qemu+ssh://root@lab/system'}) }}"

- name: What virsh would use without -c
  ansible.builtin.debug:
    msg: "{{ lookup('virtkit.libvirt_client.libvirt_uri', '', virsh=true) }}"

- name: Which socket does virt-admin use for an alias of libvirt-admin.conf?
  ansible.builtin.debug:
    msg: "{{ lookup('virtkit.libvirt_client.libvirt_uri', 'qemu-admin', admin=true, details=true).socket }}"

- name: Which daemon mode does an alias use (mode= in the URI, else remote_mode in the file, else auto)?
  ansible.builtin.debug:
    msg: "{{ lookup('virtkit.libvirt_client.libvirt_uri', 'hail', details=true).mode }}"
"""

RETURN = r"""
_raw:
  description:
    - One resolved URI per term, in term order (one URI for the default when no term is given).
    - With O(details=true), one dictionary per term instead, with keys C(uri) (the resolved URI) and C(mode)
      (the effective remote mode, V(null) when the remote driver does not handle the URI); with O(admin=true),
      keys C(uri) and C(socket).
  type: list
  elements: raw
  sample:
    - qemu+ssh://root@lab/system
"""

import os

from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.lookup import LookupBase

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_admin import (
    admin_config_path,
    admin_connect,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_conf import (
    ConfError,
    get_string,
    get_value,
    read_file,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_files import config_path
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_resolve import AliasIndex, resolve
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import (
    URIError,
    effective_remote_mode,
    parse_uri,
    remote_driver_handles,
)


def default_config_path() -> str:
    """The libvirt.conf libvirt reads for the user running this process."""
    return config_path(os.geteuid(), os.path.expanduser('~'), os.environ.get('XDG_CONFIG_HOME'))


def default_probe() -> str:
    return 'qemu:///system' if os.geteuid() == 0 else 'qemu:///session'


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        admin = bool(self.get_option('admin'))
        if admin:
            path = self.get_option('config') or admin_config_path(os.geteuid() == 0)
        else:
            path = self.get_option('config') or default_config_path()
        aliases_opt = self.get_option('aliases')
        no_aliases = bool(self.get_option('no_aliases'))
        probe = self.get_option('probe') or default_probe()
        virsh_default = os.environ.get('VIRSH_DEFAULT_CONNECT_URI') if self.get_option('virsh') else None
        env_default = os.environ.get('LIBVIRT_DEFAULT_URI')

        aliases = None
        if aliases_opt is not None:
            aliases = []
            for key, value in aliases_opt.items():
                if not isinstance(key, str) or not isinstance(value, str):
                    raise AnsibleLookupError(
                        "libvirt_uri: option 'aliases' must map alias names (strings) to URIs (strings); "
                        "got %r: %r" % (key, value))
                aliases.append('%s=%s' % (key, value))

        try:
            loaded = read_file(path)
        except ConfError as exc:
            raise AnsibleLookupError('libvirt_uri: cannot read %s: %s' % (path, exc.message)) from None
        entries = loaded[1] if loaded is not None else []

        # Prepared once for all terms: the aliases, and the URIs that passed libvirt's checks.
        index = AliasIndex(entries, path, aliases)
        if admin:
            return self._admin(terms, entries, path, aliases_opt is not None, no_aliases, index)
        names = list(terms) if terms else ['']
        checked = set()
        results = []
        for term in names:
            if term is None:
                term = ''
            if not isinstance(term, str):
                raise AnsibleLookupError('libvirt_uri: each term must be a connection name (a string), not %s (%r)'
                                         % (type(term).__name__, term))
            term = to_text(term)
            try:
                uri = resolve(term, entries=entries, path=path, aliases=aliases,
                              env_default=env_default, virsh_default=virsh_default,
                              no_aliases=no_aliases, probe=probe, alias_index=index, checked=checked)
            except ConfError as exc:
                raise AnsibleLookupError(self._message(term, exc, path, entries, aliases_opt is not None)) from None
            if self.get_option('details'):
                uri = {'uri': uri, 'mode': self._mode(term, uri, entries, path)}
            results.append(uri)
        return results

    def _admin(self, terms, entries, path, from_option, no_aliases, index):
        """Resolve as virt-admin: no term is the default, an empty term the name ''."""
        env_default = os.environ.get('LIBVIRT_ADMIN_DEFAULT_URI')
        results = []
        for term in (list(terms) if terms else [None]):
            if term is not None and not isinstance(term, str):
                raise AnsibleLookupError('libvirt_uri: each term must be a connection name (a string), not %s (%r)'
                                         % (type(term).__name__, term))
            try:
                found = admin_connect(None if term is None else to_text(term), entries=entries, path=path,
                                      env_default=env_default, root=os.geteuid() == 0, no_aliases=no_aliases,
                                      alias_index=index)
            except ConfError as exc:
                message = self._message(term or '', exc, path, entries, from_option)
                if term == '':
                    message = message.replace('the default connection', "the name ''", 1)
                raise AnsibleLookupError(message.replace('libvirt_uri:', 'libvirt_uri (admin):', 1)) from None
            results.append(found if self.get_option('details') else found['uri'])
        return results

    @staticmethod
    def _mode(term, uri, entries, path):
        """The effective remote mode of ``uri``: mode=, else the file's remote_mode, else auto."""
        shown = "'%s'" % term if term else 'the default connection'
        try:
            if not remote_driver_handles(uri):
                return None
            if any(name.lower() == 'mode' for name in parse_uri(uri)['params']):
                return effective_remote_mode(uri)
            # libvirt reads the file's remote_mode only for URIs without mode=.
            return effective_remote_mode(uri, get_string(entries, 'remote_mode', path))
        except ConfError as exc:
            raise AnsibleLookupError('libvirt_uri: cannot tell the mode of %s (%s): %s'
                                     % (shown, uri, exc.message)) from None
        except URIError as exc:
            raise AnsibleLookupError('libvirt_uri: cannot tell the mode of %s (%s): %s' % (shown, uri, exc)) from None

    @staticmethod
    def _message(term, exc, path, entries, from_option):
        shown = "'%s'" % term if term else 'the default connection'
        where = ''
        if exc.message.startswith('configuration file syntax error: Malformed'):
            if from_option:
                where = " (in option 'aliases')"
            else:
                value = get_value(entries, 'uri_aliases')
                line = ':%d' % value.line if value is not None and value.line else ''
                where = ' (uri_aliases in %s%s)' % (path, line)
        elif path not in exc.message:
            where = ' (configuration: %s)' % path
        return 'libvirt_uri: cannot resolve %s: %s%s' % (shown, exc.message, where)
