#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: libvirt_uri_info
short_description: Report libvirt URI aliases, C(uri_default) and what they resolve to
version_added: 0.1.0
description:
  - Reads libvirt's client configuration files, C(/etc/libvirt/libvirt.conf) (the file libvirt reads for root) and the
    C($XDG_CONFIG_HOME/libvirt/libvirt.conf) of the given users, and reports for each file its C(uri_aliases),
    C(uri_default), duplicates, malformed entries, the URI a connection without one gets, and what each alias
    resolves to, the way libvirt itself would, for auditing a fleet.
  - Files are read the way libvirt reads them. A missing file is no configuration; a file libvirt cannot open
    or parse is reported with libvirt's own message, path and line.
  - A user's file is read with that user's identity (when the module runs as root), so that a file or directory
    the user cannot read is reported exactly as libvirt, running as that user, reports it.
  - The module never writes anything.
author:
  - virtkit.libvirt_client maintainers (@virtkit)
requirements:
  - Python 2.7 or 3.6+ on the target. No libvirt or Augeas package is needed; the files are read with a parser
    that follows libvirt's own.
attributes:
  check_mode:
    support: full
    description: The module only reads, so it runs and reports the same in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
  platform:
    support: full
    platforms: posix
    description: Any POSIX host; reading a user's file as that user needs the module to run as root.
options:
  system:
    description:
      - Report C(/etc/libvirt/libvirt.conf), the file libvirt reads for root.
    type: bool
    default: true
  users:
    description:
      - Users (names or uids) whose file is reported, C($XDG_CONFIG_HOME/libvirt/libvirt.conf), by default
        C(~/.config/libvirt/libvirt.conf) in the home directory of the user's passwd entry.
      - A user with uid 0 is reported with C(/etc/libvirt/libvirt.conf), which is what libvirt reads for root.
      - When the module runs as root, each file is read as its user (with the user's uid, gid and groups).
        Otherwise a file of another user is read with the module's identity; RV(configs[].read_as) says which.
      - A user who does not exist on the host makes the module fail.
    type: list
    elements: str
    default: []
  xdg_config_home:
    description:
      - C(XDG_CONFIG_HOME) of some of the O(users), user name (as given in O(users)) to absolute path. Users not
        listed use C(~/.config).
    type: dict
  paths:
    description:
      - More files to report, for images, chroots and tests. They are read with the module's identity and a
        connection without a URI is taken to get the probe answer for root, C(qemu:///system).
    type: list
    elements: path
    default: []
  names:
    description:
      - Connection names to resolve through every file, besides the file's own aliases, for example URIs or
        alias names that should exist everywhere.
    type: list
    elements: str
    default: []
  environment:
    description:
      - The environment connections are made in. Only C(LIBVIRT_DEFAULT_URI) is used (set and non-empty, it is
        what a connection without a URI asks for); other keys are ignored, so the target's whole environment,
        such as C(ansible_env), can be passed.
    type: dict
notes:
  - Aliases are looked up once and in order, the first entry of a name wins, and libvirt checks the entries only
    up to the one it looks for. An explicit URI, or a name no alias has, makes libvirt walk and check the whole
    list, so a single malformed entry makes those connections fail; a connection without any URI, where
    neither C(LIBVIRT_DEFAULT_URI) nor C(uri_default) names one, skips alias lookup and is not affected.
  - The probe answer (what the daemon picks when nothing names a URI) is reported as it is in practice,
    C(qemu:///system) for root and C(qemu:///session) for other users.
seealso:
  - module: virtkit.libvirt_client.libvirt_uri_alias
  - name: libvirt connection URIs
    description: How libvirt resolves aliases and the default URI.
    link: https://libvirt.org/uri.html
'''

EXAMPLES = r'''
- name: Read the system file and two users' files
  virtkit.libvirt_client.libvirt_uri_info:
    users:
      - alice
      - bob
    names:
      - hail
  register: libvirt_client

- name: Fail on hosts where a configuration breaks libvirt connections
  ansible.builtin.assert:
    that: libvirt_client.configs | selectattr('broken') | list | length == 0
    fail_msg: "{{ libvirt_client.configs | selectattr('broken') | map(attribute='broken_reason') | list }}"

- name: Show what a plain 'virsh' connects to for each file
  ansible.builtin.debug:
    msg: "{{ item.path }}: {{ item.default_uri.uri | default(item.default_uri.error) }}"
  loop: "{{ libvirt_client.configs }}"

- name: Take the login environment into account, with a user's own XDG_CONFIG_HOME
  virtkit.libvirt_client.libvirt_uri_info:
    system: false
    users:
      - alice
    xdg_config_home:
      alice: /home/alice/.local/config
    environment: "{{ ansible_env }}"
'''

RETURN = r'''
configs:
  description:
    - One entry per file, in this order, the system file, the users' files (in the order of O(users)), then
      O(paths).
  returned: always
  type: list
  elements: dict
  contains:
    scope:
      description: V(system), V(user) or V(path).
      type: str
      returned: always
      sample: user
    user:
      description: The user name for a user's file, else null.
      type: str
      returned: always
      sample: alice
    path:
      description: The file.
      type: str
      returned: always
      sample: /home/alice/.config/libvirt/libvirt.conf
    read_as:
      description: The user whose identity the file was read with.
      type: str
      returned: always
      sample: alice
    exists:
      description: Whether libvirt sees a file at the path (a missing file, a dangling link or an unreachable
        directory is no configuration, which is not an error).
      type: bool
      returned: always
      sample: true
    readable:
      description: Whether the file could be read (false when it is missing or cannot be read).
      type: bool
      returned: always
      sample: true
    valid:
      description:
        - Whether libvirt can parse the file and its C(uri_aliases), when set, is a list of strings. True for a
          missing file, which libvirt takes as an empty one.
        - Malformed alias entries do not make a file invalid; see RV(configs[].malformed).
        - Null when the module cannot tell, for a file that is not UTF-8 text (libvirt reads any bytes, this
          module does not guess) or a user's file that could not be read with the user's identity.
      type: bool
      returned: always
      sample: true
    error:
      description: libvirt's message when it cannot open, read or parse the file or use its C(uri_aliases),
        with the path and, for a syntax error, the line; else null.
      type: str
      returned: always
      sample: "configuration file syntax error: /etc/libvirt/libvirt.conf:3: expecting a value"
    aliases:
      description: The well-formed C(uri_aliases) entries, in file order (duplicates included).
      type: list
      elements: dict
      returned: always
      contains:
        name:
          description: The alias.
          type: str
          returned: always
          sample: hail
        uri:
          description: The URI it stands for.
          type: str
          returned: always
          sample: qemu+ssh://root@hail.cloud.example.com/system
        line:
          description: The line of the entry.
          type: int
          returned: always
          sample: 4
    alias_modes:
      description:
        - Alias name to the remote mode libvirt uses for the URI of its first entry, the URI's C(mode=), else the
          file's RV(configs[].remote_mode), else V(auto); null when no remote driver is involved
          (C(test:///...), C(esx://...), embedded URIs) or the URI does not parse.
      type: dict
      returned: always
      sample: {"hail": "legacy"}
    remote_mode:
      description: The C(remote_mode) libvirt reads from the file (the first one), or null when there is none.
      type: raw
      returned: always
      sample: legacy
    remote_proxy:
      description: The C(remote_proxy) libvirt reads from the file (the first one), or null when there is none.
      type: raw
      returned: always
      sample: netcat
    uri_default:
      description: The C(uri_default) libvirt reads (the first one), or null when there is none or it is not a
        string (see RV(configs[].default_uri)).
      type: str
      returned: always
      sample: hail
    duplicates:
      description: Names set more than once; libvirt uses the first one.
      type: dict
      returned: always
      contains:
        aliases:
          description: Alias names that have more than one well-formed entry, in order of first appearance.
          type: list
          elements: str
          returned: always
          sample: [hail]
        uri_default:
          description: Whether C(uri_default) is set more than once.
          type: bool
          returned: always
          sample: false
    malformed:
      description: The C(uri_aliases) entries libvirt rejects.
      type: list
      elements: dict
      returned: always
      contains:
        entry:
          description: The entry.
          type: str
          returned: always
          sample: old host
        line:
          description: The line of the entry.
          type: int
          returned: always
          sample: 5
        message:
          description: libvirt's message for the entry.
          type: str
          returned: always
          sample: "configuration file syntax error: Malformed 'uri_aliases' config entry 'old host',
            expected 'alias=uri://host/path'"
    broken:
      description:
        - Whether the file makes every connection libvirt makes fail, or every one that names a URI.
        - True when libvirt cannot read or parse the file (every connection fails, even one given an explicit
          URI), when C(uri_aliases) is not a list of strings, or when it holds a malformed entry (every
          connection given a URI or an unknown name fails; see RV(configs[].broken_reason) for what still works).
        - Null when the module cannot tell (see RV(configs[].valid)).
      type: bool
      returned: always
      sample: false
    broken_reason:
      description: A sentence saying which connections fail and why, when RV(configs[].broken) is true; else null.
      type: str
      returned: always
      sample: "Every libvirt connection that reads /etc/libvirt/libvirt.conf fails, even one given an explicit
        URI: configuration file syntax error: /etc/libvirt/libvirt.conf:3: expecting a value"
    default_uri:
      description:
        - What a connection without a URI gets, C(LIBVIRT_DEFAULT_URI) from O(environment), else C(uri_default),
          either through the aliases, else the probe answer.
      type: dict
      returned: always
      contains:
        uri:
          description: The URI, when the connection gets one.
          type: str
          returned: when it resolves
          sample: qemu+ssh://root@hail.cloud.example.com/system
        error:
          description: libvirt's message, when the connection fails before connecting.
          type: str
          returned: when it fails
          sample: "no connection driver available for URI 'hail' does not include a driver name"
        source:
          description: What named the URI, V(environment), V(uri_default) or V(probe); null when the file could
            not be read or parsed.
          type: str
          returned: always
          sample: uri_default
    resolutions:
      description:
        - Each alias of the file and each of O(names), to what libvirt makes of that name, a dict with C(uri) when
          it resolves, or C(error) with libvirt's message when it fails before connecting.
        - An empty name is the default connection, as in RV(configs[].default_uri).
      type: dict
      returned: always
      sample:
        hail:
          uri: qemu+ssh://root@hail.cloud.example.com/system
        sleet:
          error: "configuration file syntax error: Malformed 'uri_aliases' config entry 'old host', expected
            'alias=uri://host/path'"
'''

import grp
import json
import os
import pwd

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native, to_text
from ansible.module_utils.six import string_types

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_files as libvirt_files
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_resolve import resolve
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import (
    URIError, effective_remote_mode,
)

ALIASES_KEY = 'uri_aliases'
DEFAULT_KEY = 'uri_default'
ENV_KEY = 'LIBVIRT_DEFAULT_URI'
PROBE_SYSTEM = 'qemu:///system'
PROBE_SESSION = 'qemu:///session'


class Refusal(Exception):
    """Bad input; nothing was read."""


# -- reading -------------------------------------------------------------------------------------

def _encode_outcome(path):
    """read_file(path) as a JSON-able dict (used directly, or in a child with the user's identity)."""
    try:
        loaded = libvirt_conf.read_file(path)
    except libvirt_conf.ConfSyntaxError as exc:
        return {'kind': 'syntax', 'line': exc.line, 'what': exc.what}
    except libvirt_conf.ConfError as exc:
        # libvirt's own failures to open or read; anything else is a file this parser does not take.
        kind = 'error' if exc.message.startswith('Failed to ') else 'unsupported'
        return {'kind': kind, 'message': exc.message}
    if loaded is None:
        return {'kind': 'missing'}
    return {'kind': 'text', 'text': loaded[0]}


def _groups_of(pw):
    if hasattr(os, 'getgrouplist'):
        return os.getgrouplist(pw.pw_name, pw.pw_gid)
    groups = set([pw.pw_gid])
    for group in grp.getgrall():
        if pw.pw_name in group.gr_mem:
            groups.add(group.gr_gid)
    return sorted(groups)


def _read_as_user(path, pw):
    """_encode_outcome(path) computed by a child process running with the identity of ``pw``."""
    groups = _groups_of(pw)
    rfd, wfd = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:
        os.close(rfd)
        os.close(wfd)
        message = 'cannot read %s as user %s: %s' % (path, pw.pw_name, os.strerror(exc.errno))
        return {'kind': 'identity', 'message': message}
    if pid == 0:
        status = 0
        try:
            os.close(rfd)
            try:
                os.setgroups(groups)
                os.setgid(pw.pw_gid)
                os.setuid(pw.pw_uid)
                outcome = _encode_outcome(path)
            except OSError as exc:
                message = 'cannot take the identity of user %s: %s' % (pw.pw_name, os.strerror(exc.errno))
                outcome = {'kind': 'identity', 'message': message}
            data = json.dumps(outcome).encode('utf-8')
            while data:
                written = os.write(wfd, data)
                data = data[written:]
        except BaseException:  # pylint: disable=broad-except
            status = 1
        finally:
            os._exit(status)  # pylint: disable=protected-access
    os.close(wfd)
    chunks = []
    try:
        while True:
            chunk = os.read(rfd, 1024 * 1024)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(rfd)
        os.waitpid(pid, 0)
    try:
        return json.loads(b''.join(chunks).decode('utf-8'))
    except ValueError:
        return {'kind': 'identity', 'message': 'reading %s as user %s failed' % (path, pw.pw_name)}


def load(path, pw=None):
    """(outcome, read_as): read ``path`` like libvirt, as the user ``pw`` when possible."""
    euid = os.geteuid()
    if pw is not None and euid == 0 and pw.pw_uid != 0:
        return _read_as_user(path, pw), pw.pw_name
    if pw is not None and pw.pw_uid == euid:
        return _encode_outcome(path), pw.pw_name
    try:
        me = pwd.getpwuid(euid).pw_name
    except KeyError:
        me = str(euid)
    return _encode_outcome(path), me


# -- reporting -----------------------------------------------------------------------------------

def _resolution(name, entries, path, env_default):
    try:
        return {'uri': resolve(name, entries=entries, path=path, env_default=env_default)}
    except libvirt_conf.ConfError as exc:
        return {'error': exc.message}


def _default_uri(entries, path, env_default, probe):
    """What a connection without a URI gets, with the setting that named it."""
    if env_default:
        source = 'environment'
    elif libvirt_conf.get_value(entries, DEFAULT_KEY) is not None:
        source = DEFAULT_KEY
    else:
        # libvirt leaves the choice to the daemon without looking at the aliases.
        return {'uri': probe, 'source': 'probe'}
    result = _resolution(None, entries, path, env_default)
    result['source'] = source
    return result


def _broken_reason(path, message):
    return ('Every libvirt connection that reads %s fails, even one given an explicit URI: %s' % (path, message))


def _malformed_reason(path, first, working):
    sentence = ('Every libvirt connection that reads %s and is given a URI, or a name no earlier alias has, fails '
                'with "%s" (line %d)' % (path, first['message'], first['line']))
    if working:
        sentence += '; only the aliases listed before that entry still work: %s' % ', '.join(working)
    sentence += ('. A connection without a URI fails the same way when LIBVIRT_DEFAULT_URI or uri_default names '
                 'something other than one of those aliases, and gets the probe answer when neither is set.')
    return sentence


def _describe_remote(config, entries):
    """The file's remote_mode and remote_proxy, and the mode libvirt uses for each alias's URI."""
    for key in ('remote_mode', 'remote_proxy'):
        value = libvirt_conf.get_value(entries, key)
        config[key] = value.value if value is not None else None
    config['alias_modes'] = {}
    for alias in config['aliases']:
        if alias['name'] in config['alias_modes']:
            continue
        try:
            config['alias_modes'][alias['name']] = effective_remote_mode(alias['uri'], config['remote_mode'])
        except URIError:
            config['alias_modes'][alias['name']] = None


def describe(scope, user, path, outcome, read_as, probe, names, env_default):
    config = {
        'scope': scope, 'user': user, 'path': path, 'read_as': read_as,
        'exists': True, 'readable': True, 'valid': True, 'error': None,
        'aliases': [], 'uri_default': None, 'remote_mode': None, 'remote_proxy': None, 'alias_modes': {},
        'duplicates': {'aliases': [], 'uri_default': False},
        'malformed': [], 'broken': False, 'broken_reason': None,
        'default_uri': None, 'resolutions': {},
    }
    kind = outcome['kind']
    if kind == 'missing':
        config['exists'] = False
        config['readable'] = False
        entries = []
    elif kind == 'text':
        entries = libvirt_conf.parse(outcome['text'], path)
    else:
        if kind == 'syntax':
            failure = libvirt_conf.ConfSyntaxError(path, outcome['line'], outcome['what']).message
            config['valid'] = False
        else:
            failure = outcome['message']
            config['readable'] = kind == 'unsupported'
            config['valid'] = False if kind == 'error' else None
        config['error'] = failure
        if kind in ('syntax', 'error'):
            config['broken'] = True
            config['broken_reason'] = _broken_reason(path, failure)
        else:
            # Not UTF-8 text, or the user's identity could not be taken: what libvirt makes of the
            # file is not known.
            config['broken'] = None
        config['default_uri'] = {'error': failure, 'source': None}
        for name in names:
            config['resolutions'][name] = {'error': failure}
        return config

    try:
        items = libvirt_conf.get_string_list(entries, ALIASES_KEY, path)
    except libvirt_conf.ConfError as exc:
        items = None
        config['valid'] = False
        config['error'] = exc.message
        config['broken'] = True
        config['broken_reason'] = (
            'Every libvirt connection that reads %s and is given a URI or a name fails: %s. A connection without '
            'a URI fails the same way when LIBVIRT_DEFAULT_URI or uri_default names one, and gets the probe '
            'answer otherwise.' % (path, exc.message))

    counts = {}
    order = []
    working = []
    if items is not None:
        value = libvirt_conf.get_value(entries, ALIASES_KEY)
        for item, text in zip(value.value, items):
            try:
                name, uri = libvirt_conf.split_alias_entry(text)
            except libvirt_conf.ConfError as exc:
                config['malformed'].append({'entry': text, 'line': item.line, 'message': exc.message})
                continue
            config['aliases'].append({'name': name, 'uri': uri, 'line': item.line})
            if not config['malformed'] and name not in working:
                working.append(name)
            if name not in counts:
                order.append(name)
            counts[name] = counts.get(name, 0) + 1
    config['duplicates']['aliases'] = [name for name in order if counts[name] > 1]
    config['duplicates']['uri_default'] = len([e for e in entries if e.name == DEFAULT_KEY]) > 1
    if config['malformed']:
        config['broken'] = True
        config['broken_reason'] = _malformed_reason(path, config['malformed'][0], working)

    _describe_remote(config, entries)
    default = libvirt_conf.get_value(entries, DEFAULT_KEY)
    if default is not None and default.type == 'string':
        config['uri_default'] = default.value
    config['default_uri'] = _default_uri(entries, path, env_default, probe)
    for name in order + [n for n in names if n not in counts]:
        if name:
            config['resolutions'][name] = _resolution(name, entries, path, env_default)
        else:
            # An empty name is no name: the default connection.
            config['resolutions'][name] = dict((key, value) for key, value in config['default_uri'].items()
                                               if key != 'source')
    return config


# -- options -------------------------------------------------------------------------------------

def env_default_of(environment):
    if environment is None:
        return None
    value = environment.get(ENV_KEY)
    if value is None:
        return None
    if not isinstance(value, string_types):
        raise Refusal('environment %s must be a string, got %s (%r)' % (ENV_KEY, type(value).__name__, value))
    return to_text(value)


def user_file(user, xdg):
    """(passwd entry, path) of the file libvirt reads for ``user``."""
    try:
        pw = libvirt_files.lookup_user(user)
    except libvirt_files.FileError as exc:
        raise Refusal(to_native(exc))
    if pw.pw_uid != 0:
        try:
            libvirt_files.check_xdg_config_home(xdg, pw.pw_name)
        except libvirt_files.FileError as exc:
            raise Refusal(to_native(exc))
        if not os.path.isabs(pw.pw_dir):
            raise Refusal("user '%s' has a home directory that is not absolute: '%s'" % (pw.pw_name, pw.pw_dir))
    return pw, libvirt_files.config_path(pw.pw_uid, os.path.normpath(pw.pw_dir),
                                         os.path.normpath(xdg) if xdg else None)


def run(params):
    env_default = env_default_of(params['environment'])
    xdg = params['xdg_config_home'] or {}
    users = params['users'] or []
    unknown = sorted(set(xdg) - set(users))
    if unknown:
        raise Refusal('xdg_config_home names %s, which %s not in users (%s)'
                      % (', '.join("'%s'" % u for u in unknown), 'is' if len(unknown) == 1 else 'are',
                         ', '.join(users) or 'empty'))
    names = []
    for name in params['names'] or []:
        if name not in names:
            names.append(name)

    jobs = []
    if params['system']:
        jobs.append(('system', None, libvirt_files.system_path(), None, PROBE_SYSTEM))
    for user in users:
        pw, path = user_file(user, xdg.get(user))
        jobs.append(('user', pw.pw_name, path, pw, PROBE_SYSTEM if pw.pw_uid == 0 else PROBE_SESSION))
    for path in params['paths'] or []:
        if not path:
            raise Refusal('paths holds an empty path')
        jobs.append(('path', None, os.path.abspath(path), None, PROBE_SYSTEM))

    configs = []
    for scope, user, path, pw, probe in jobs:
        outcome, read_as = load(path, pw)
        configs.append(describe(scope, user, path, outcome, read_as, probe, names, env_default))
    return configs


def main():
    module = AnsibleModule(
        argument_spec=dict(
            system=dict(type='bool', default=True),
            users=dict(type='list', elements='str', default=[]),
            xdg_config_home=dict(type='dict'),
            paths=dict(type='list', elements='path', default=[]),
            names=dict(type='list', elements='str', default=[]),
            environment=dict(type='dict'),
        ),
        supports_check_mode=True,
    )
    try:
        configs = run(module.params)
    except Refusal as exc:
        module.fail_json(msg=to_native(exc))
    module.exit_json(changed=False, configs=configs)


if __name__ == '__main__':
    main()
