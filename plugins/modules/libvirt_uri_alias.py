#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: libvirt_uri_alias
short_description: Manage libvirt URI aliases and C(uri_default) in libvirt.conf
version_added: 0.1.0
description:
  - Adds, changes and removes entries of C(uri_aliases) and sets or removes C(uri_default) in libvirt's client
    configuration file, C(/etc/libvirt/libvirt.conf) for root or C($XDG_CONFIG_HOME/libvirt/libvirt.conf) for a user.
  - The file is edited in place through an Augeas lens. Comments, order, quoting, indentation and every other
    setting stay byte for byte; a new alias joins the existing list in that list's own style.
  - The result is what libvirt does. libvirt uses the B(first) C(uri_aliases) entry of a name and the first
    C(uri_default), so the module changes those, and removes every occurrence when asked to remove one.
  - A file libvirt cannot parse, or whose C(uri_aliases) is not a list of strings, is left untouched and the
    module fails with the path, line and reason. Malformed alias entries, which make every libvirt connection that
    names a URI fail (unless the name matches an alias listed before the entry), are reported as a warning on every run and can be removed with O(state=absent).
  - The new text is checked against libvirt's grammar before it is written; the write is atomic and keeps the
    file's owner, group, mode and SELinux context. A run that changes nothing does not touch the file.
author:
  - virtkit.libvirt_client maintainers (@virtkit)
requirements:
  - python-augeas (C(python3-augeas) on Debian, Ubuntu, Fedora, EL and openSUSE, C(python-augeas) on Arch) on the
    target, with the Augeas library. The lens is carried by the module; no lens package is needed.
  - Python 3 on the target.
extends_documentation_fragment:
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
    description: Reports what would change, with the diff, and writes nothing.
  diff_mode:
    support: full
    description: Returns the text before and after.
  platform:
    support: full
    platforms: posix
    description: Any POSIX host with libaugeas and its Python bindings.
options:
  name:
    description:
      - An alias name, made of C(A-Z), C(a-z), C(0-9), C(_) and C(-).
      - With O(state=absent), also the text of a malformed entry to remove (the text before its first C(=), or the
        whole entry when it has none).
      - Mutually exclusive with O(aliases).
    type: str
  uri:
    description:
      - The URI the alias O(name) stands for. Required with O(name) and O(state=present).
      - Must be a URI libvirt can connect with; C(qemu://system)-style mistakes, URIs without a driver, with a line
        break, or holding both quote characters are refused.
    type: str
  state:
    description:
      - Whether the alias O(name) is present or absent. With O(aliases), every listed alias is made present.
    type: str
    choices: [present, absent]
    default: present
  aliases:
    description:
      - Several aliases at once, alias name to URI. New ones are appended in the order given.
    type: dict
  exclusive:
    description:
      - With O(aliases), remove every C(uri_aliases) entry that is not listed, malformed ones included.
    type: bool
    default: false
  uri_default:
    description:
      - The C(uri_default) to set, an alias name defined in the same file or a URI.
      - The empty string removes C(uri_default) (libvirt rejects an empty one, so it is never written).
      - Omitted, C(uri_default) is left alone.
    type: str
  scope:
    description:
      - V(system) edits C(/etc/libvirt/libvirt.conf), the file libvirt reads for root.
      - V(user) edits the file libvirt reads for O(user), C($XDG_CONFIG_HOME/libvirt/libvirt.conf).
      - Ignored when O(path) is given.
    type: str
    choices: [system, user]
    default: system
  user:
    description:
      - With O(scope=user), the user whose file is edited (a name or uid). Defaults to the user the connection
        logged in as (C(SUDO_USER) when the module runs under sudo), else the user the module runs as.
      - Directories below the user's home are never followed through symbolic links and must belong to the user;
        the file must be a regular file of that user with one link. New directories get mode C(0700) and new
        files C(0644) (or O(mode)), owned by the user.
      - In this scope O(owner), O(group), O(mode) and the backup are applied through the opened directory, never
        through a path; O(attributes), O(seuser), O(serole), O(setype) and O(selevel) are refused.
    type: str
  xdg_config_home:
    description:
      - With O(scope=user), the user's C(XDG_CONFIG_HOME), an absolute path inside the user's home. Default
        C(~/.config).
    type: path
  path:
    description:
      - Edit this file instead, for images, chroots and tests. Takes precedence over O(scope).
    type: path
  follow:
    description:
      - In system scope or with O(path), edit the target of a symbolic link at the file's path rather than
        refusing it. User scope never follows links.
    type: bool
    default: true
  create:
    description:
      - Create a missing file and its missing directories. With V(false), a missing file is a failure.
      - A file is created only to hold something. Removing from a missing file (O(state=absent), O(uri_default=""),
        O(exclusive=true) with no O(aliases)) changes nothing and creates nothing, and check mode never creates a
        directory.
    type: bool
    default: true
  backup:
    description:
      - Keep a timestamped copy of the file before changing it.
    type: bool
    default: false
notes:
  - Aliases are looked up once; an alias whose target is another alias's name is not followed by libvirt, so
    such a target is refused as a URI without a driver.
  - The module holds an exclusive lock on the file's directory while it reads, edits and replaces the file, so
    concurrent runs on one host do not lose each other's changes. Temporary files C(.libvirt.conf.PID.N.tmp) left
    by a run that was killed are removed by the next run that is not in check mode.
seealso:
  - name: libvirt connection URIs
    description: How libvirt resolves aliases and the default URI.
    link: https://libvirt.org/uri.html
'''

EXAMPLES = r'''
- name: Add an alias to the system file
  virtkit.libvirt_client.libvirt_uri_alias:
    name: hail
    uri: qemu+ssh://root@hail.cloud.example.com/system

- name: Manage every alias and the default, dropping hand-made leftovers
  virtkit.libvirt_client.libvirt_uri_alias:
    aliases:
      hail: qemu+ssh://root@hail.cloud.example.com/system
      sleet: qemu+ssh://root@sleet.cloud.example.com/system
    exclusive: true
    uri_default: hail

- name: Give a user their own default
  virtkit.libvirt_client.libvirt_uri_alias:
    scope: user
    user: alice
    uri_default: qemu:///session

- name: Remove a malformed entry that breaks connections
  virtkit.libvirt_client.libvirt_uri_alias:
    name: "bad entry without equals sign"
    state: absent

- name: Stop setting a default
  virtkit.libvirt_client.libvirt_uri_alias:
    uri_default: ""
'''

RETURN = r'''
path:
  description: The file the module worked on.
  returned: always
  type: str
  sample: /etc/libvirt/libvirt.conf
aliases:
  description: The well-formed C(uri_aliases) entries after the run, in file order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The alias.
      type: str
      sample: hail
    uri:
      description: The URI it stands for.
      type: str
      sample: qemu+ssh://root@hail.cloud.example.com/system
malformed:
  description:
    - The C(uri_aliases) entries after the run that libvirt rejects.
    - Each makes every connection that names a URI (with C(-c), E(LIBVIRT_DEFAULT_URI) or C(uri_default)) fail,
      unless the name matches an alias listed before it.
  returned: always
  type: list
  elements: str
  sample: []
uri_default:
  description: The C(uri_default) libvirt uses after the run, or null when none is set.
  returned: always
  type: str
  sample: hail
changed:
  description: Whether the file was (or, in check mode, would be) changed.
  returned: always
  type: bool
backup_file:
  description: The copy made with O(backup=true).
  returned: when a backup was made
  type: str
  sample: /etc/libvirt/libvirt.conf.12345.2026-11-25@12:00:00~
diff:
  description: The text before and after, in diff mode.
  returned: in diff mode
  type: dict
'''

import grp
import os
import pwd
import re
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.text.converters import to_bytes, to_native

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_files as libvirt_files
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import (
    URIError, check_connect_uri,
)

AUGEAS_IMPORT_ERROR = None
try:
    import augeas
except ImportError:
    augeas = None
    AUGEAS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_augeas import (
    ConfTree, LensError,
)

ALIAS_NAME = re.compile(r'\A[A-Za-z0-9_-]+\Z')
ALIASES_KEY = 'uri_aliases'
DEFAULT_KEY = 'uri_default'


class Refusal(Exception):
    """Bad input or a file the module will not edit; nothing was written."""


def alias_part(entry):
    """The text before the first '=', or the whole entry when it has none."""
    return entry.split('=', 1)[0]


def check_alias_name(name, what):
    if not ALIAS_NAME.match(name or ''):
        raise Refusal("%s %r is not a valid alias name: aliases may only contain the characters "
                      "A-Z, a-z, 0-9, '_' and '-', and must not be empty" % (what, name))


def check_target(uri, what):
    if uri is None or uri == '':
        raise Refusal('%s is empty: an alias needs a URI such as qemu:///system' % what)
    try:
        check_connect_uri(uri)
    except URIError as exc:
        raise Refusal('%s %r is refused: %s' % (what, uri, to_native(exc)))


def wanted_aliases(params):
    """(aliases to make present, in order, names to remove) from the options."""
    present = []
    absent = []
    if params['aliases'] is not None:
        for name, uri in params['aliases'].items():
            check_alias_name(name, 'alias name')
            if not isinstance(uri, str):
                raise Refusal('the URI of alias %r must be a string, got %r' % (name, uri))
            check_target(uri, 'the URI of alias %r' % name)
            present.append((name, uri))
    elif params['name'] is not None:
        name = params['name']
        if params['state'] == 'present':
            check_alias_name(name, 'name')
            check_target(params['uri'], 'uri')
            present.append((name, params['uri']))
        else:
            if name == '' or '\n' in name or '\r' in name:
                raise Refusal('name %r cannot name an alias entry: it is empty or holds a line break' % (name,))
            absent.append(name)
    return present, absent


def resolve_target(module, create):
    """Open the file's directory (making missing ones when ``create``): returns a libvirt_files.Target."""
    params = module.params
    if params['path']:
        return libvirt_files.open_system_target(params['path'], create, params['follow'])
    if params['scope'] == 'system':
        return libvirt_files.open_system_target(libvirt_files.system_path(), create, params['follow'])
    user = params['user']
    if user is None and os.geteuid() == 0:
        user = os.environ.get('SUDO_USER') or os.environ.get('DOAS_USER')
    pw = libvirt_files.lookup_user(user if user is not None else os.geteuid())
    home, rel = libvirt_files.user_config_path(pw, params['xdg_config_home'])
    return libvirt_files.open_user_target(pw, rel, create)


def load(path, data):
    """Text and entries of the file's bytes, as libvirt reads them."""
    if data is None:
        return '', []
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise Refusal("'%s' is not UTF-8 text (invalid byte at offset %d); it is left untouched"
                      % (path, exc.start))
    if '\0' in text:
        raise Refusal("'%s' holds a NUL character; it is left untouched" % path)
    try:
        entries = libvirt_conf.parse(text, path)
        libvirt_conf.get_string_list(entries, ALIASES_KEY, path)
    except libvirt_conf.ConfError as exc:
        raise Refusal('libvirt cannot use %s, so it is left untouched: %s' % (path, exc.message))
    return text, entries


def edit(tree, entries, params, present, absent):
    """Apply the wanted changes to the tree.

    The values of the list's elements come from the parsed entries (the
    lens and the parser see the same elements in the same order); Augeas is
    only asked for the labels, in one call, and then touched only where
    something changes, so the cost stays linear in the size of the file.
    """
    lists = tree.statements(ALIASES_KEY)
    list_path = lists[0] if lists else None
    items = []
    if list_path is not None:
        labels = tree.element_labels(list_path)
        values = [v.value for v in libvirt_conf.get_value(entries, ALIASES_KEY).value]
        if len(labels) != len(values):
            raise LensError('the lens sees %d uri_aliases entries where libvirt sees %d' % (len(labels), len(values)))
        items = list(zip(labels, values))
    next_label = [max([int(label) for label, value in items] + [0]) + 1]

    def keep_only(wanted):
        kept = []
        for item in items:
            if wanted(item):
                kept.append(item)
            else:
                tree.remove_element(list_path, item[0])
        if items and not kept:
            tree.mark_empty(list_path)
        return kept

    if params['exclusive'] and params['aliases'] is not None:
        names = set(name for name, uri in present)
        seen = set()

        def listed_once(item):
            name = alias_part(item[1])
            if name in names and name not in seen:
                seen.add(name)
                return True
            return False
        items = keep_only(listed_once)

    for name in absent:
        items = keep_only(lambda item: alias_part(item[1]) != name)

    first = {}
    for index, (label, value) in enumerate(items):
        first.setdefault(alias_part(value), index)
    for name, uri in present:
        entry = '%s=%s' % (name, uri)
        index = first.get(name)
        if index is not None:
            label, value = items[index]
            if value != entry:
                tree.set_string('%s/%s' % (list_path, label), entry)
                items[index] = (label, entry)
            continue
        if list_path is None:
            list_path = tree.add_list_statement(ALIASES_KEY)
        label = str(next_label[0])
        next_label[0] += 1
        tree.append_element(list_path, entry, after=items[-1][0] if items else None, label=label)
        first[name] = len(items)
        items.append((label, entry))

    default = params['uri_default']
    if default is not None:
        defaults = tree.statements(DEFAULT_KEY)
        if default == '':
            for path in reversed(defaults):
                tree.remove(path)
        elif defaults:
            if tree.get(defaults[0]) != default or tree.quote(defaults[0]) is None:
                tree.set_string(defaults[0], default)
        else:
            tree.add_string_statement(DEFAULT_KEY, default)


def needs_change(entries, params, present, absent):
    """Whether the parsed file differs from what is asked (no Augeas needed to tell)."""
    value = libvirt_conf.get_value(entries, ALIASES_KEY)
    names = [alias_part(v.value) for v in value.value] if value is not None else []
    if params['exclusive'] and params['aliases'] is not None:
        wanted = set(name for name, uri in present)
        if len(set(names)) != len(names) or any(name not in wanted for name in names):
            return True
    if any(name in names for name in absent):
        return True
    for name, uri in present:
        if name not in names or value.value[names.index(name)].value != '%s=%s' % (name, uri):
            return True
    default = params['uri_default']
    if default is not None:
        current = [e.value for e in entries if e.name == DEFAULT_KEY]
        if default == '':
            return bool(current)
        return not current or current[0].type != 'string' or current[0].value != default
    return False


def summarize(entries, path):
    """Aliases, malformed entries and uri_default of parsed entries."""
    aliases = []
    malformed = []
    for entry in libvirt_conf.get_string_list(entries, ALIASES_KEY, path) or []:
        try:
            name, uri = libvirt_conf.split_alias_entry(entry)
        except libvirt_conf.ConfError as exc:
            malformed.append((entry, exc.message))
        else:
            aliases.append({'name': name, 'uri': uri})
    default = libvirt_conf.get_value(entries, DEFAULT_KEY)
    if default is not None and default.type != 'string':
        malformed.append((None, "%s: expected a string for '%s' parameter: every connection made without a URI "
                                "fails; set uri_default to fix it" % (path, DEFAULT_KEY)))
        default = None
    return aliases, malformed, default and default.value


def verify(new_text, path, params, present, absent):
    """Check the new text with libvirt's grammar and that it says what was asked."""
    try:
        entries = libvirt_conf.parse(new_text, path)
        aliases, malformed, default = summarize(entries, path)
    except libvirt_conf.ConfError as exc:
        raise Refusal('the edited text would not be valid for libvirt (%s); %s is left untouched'
                      % (exc.message, path))
    first = {}
    for alias in aliases:
        first.setdefault(alias['name'], alias['uri'])
    for name, uri in present:
        if first.get(name) != uri:
            raise Refusal('the edited text would not map alias %r to %r; %s is left untouched' % (name, uri, path))
    names = set(a['name'] for a in aliases) | set(alias_part(m[0]) for m in malformed if m[0] is not None)
    for name in absent:
        if name in names:
            raise Refusal('the edited text would still hold alias %r; %s is left untouched' % (name, path))
    if params['exclusive'] and params['aliases'] is not None:
        names = [a['name'] for a in aliases] + [alias_part(m[0]) for m in malformed if m[0] is not None]
        listed = set(name for name, uri in present)
        extra = sorted(set(name for name in names if name not in listed))
        if extra or len(names) != len(set(names)):
            raise Refusal('the edited text would still hold uri_aliases entries that are not listed once (%s); '
                          '%s is left untouched' % (', '.join(repr(n) for n in extra) or 'duplicates', path))
    wanted = params['uri_default']
    if wanted is not None and (default or '') != wanted:
        raise Refusal('the edited text would not set uri_default to %r; %s is left untouched' % (wanted, path))
    return aliases, malformed, default


def edit_text(text, entries, path, params, present, absent):
    """The file's text with the wanted changes made through the lens."""
    try:
        tree = ConfTree(augeas.Augeas, text)
    except LensError as exc:
        raise Refusal('%s is valid for libvirt but cannot be edited through the lens (%s); it is left untouched'
                      % (path, exc))
    try:
        edit(tree, entries, params, present, absent)
        return tree.render()
    except LensError as exc:
        raise Refusal('cannot edit %s: %s; it is left untouched' % (path, exc))
    except UnicodeError:
        # Augeas's own error text could not be decoded (it cut a character).
        raise Refusal('cannot edit %s: the lens cannot write it back (control characters in a comment or a string '
                      'are not supported); it is left untouched' % path)
    finally:
        tree.close()


def check_default(params, aliases):
    """uri_default must be an alias of the resulting file or a usable URI."""
    default = params['uri_default']
    if not default:
        return
    if ALIAS_NAME.match(default):
        if any(alias['name'] == default for alias in aliases):
            return
        raise Refusal("uri_default %r is neither an alias defined in the file nor a URI libvirt can use "
                      "(a URI needs a driver, such as qemu:///system)" % default)
    check_target(default, 'uri_default')


USER_SCOPE_REFUSED = ('attributes', 'seuser', 'serole', 'setype', 'selevel')


def user_scope(params):
    return not params['path'] and params['scope'] == 'user'


def octal_mode(mode):
    """The permission bits of a numeric ``mode`` option (int or '0644'), None for a symbolic one or none."""
    if isinstance(mode, int):
        return mode
    if mode and re.match(r'\A0?[0-7]{3,4}\Z', mode):
        return int(mode, 8)
    return None


def owner_group_mode(module):
    """(uid, gid, mode) of the owner, group and mode options; -1, -1 and None when not given.

    ``mode`` is the permission bits or a callable computing them from the
    file's stat result (symbolic modes such as u+rw).
    """
    params = module.params
    ids = []
    for key, db in (('owner', pwd.getpwnam), ('group', grp.getgrnam)):
        value = params[key]
        if value is None:
            ids.append(-1)
        elif value.isdigit():
            ids.append(int(value))
        else:
            try:
                ids.append(db(value)[2])
            except KeyError:
                raise Refusal('%s %r does not exist on this host' % (key, value))
    mode = params['mode']
    bits = octal_mode(mode)
    if mode is not None and bits is None:
        def bits(st):
            try:
                return module._symbolic_mode_to_octal(st, mode)
            except ValueError as exc:
                raise Refusal('mode %r is not valid: %s' % (mode, to_native(exc)))
    return ids[0], ids[1], bits


def read_and_plan(module, target, present, absent):
    """Read the target's file and work out the new text; nothing is written.

    A missing file counts as empty, and is created only to hold something:
    removing from it changes nothing.
    """
    params = module.params
    path = target.path
    if not target.dir_exists and not params['create']:
        raise Refusal("the directory of '%s' does not exist and create is false" % path)
    if not module.check_mode:
        target.remove_stale_temps()
    data = target.read()
    if data is None and not params['create']:
        raise Refusal("'%s' does not exist and create is false" % path)
    text, entries = load(path, data)
    if needs_change(entries, params, present, absent):
        new_text = edit_text(text, entries, path, params, present, absent)
        aliases, malformed, default = verify(new_text, path, params, present, absent)
    else:
        new_text = text
        aliases, malformed, default = summarize(entries, path)
    check_default(params, aliases)
    return dict(path=path, data=data, text=text, new_text=new_text, aliases=aliases, malformed=malformed,
                default=default, changed=new_text != text)


def run(module):
    params = module.params
    present, absent = wanted_aliases(params)
    if params['exclusive'] and params['aliases'] is None:
        raise Refusal('exclusive needs aliases: the list of aliases to keep')
    in_user_scope = user_scope(params)
    if in_user_scope:
        given = [key for key in USER_SCOPE_REFUSED if params.get(key) is not None]
        if given:
            raise Refusal('%s cannot be used with scope=user: only owner, group and mode are applied to a file in '
                          "a user's directory" % ', '.join(given))
        uid, gid, user_mode = owner_group_mode(module)

    # Directories are made only when something is written: a check run, a
    # run that changes nothing and a removal from a missing file create none.
    target = resolve_target(module, False)
    try:
        target.lock()
        plan = read_and_plan(module, target, present, absent)
        if plan['changed'] and not target.dir_exists and not module.check_mode:
            target.close()
            target = resolve_target(module, True)
            target.lock()
            plan = read_and_plan(module, target, present, absent)
        path, data, text, new_text = plan['path'], plan['data'], plan['text'], plan['new_text']
        aliases, malformed, default = plan['aliases'], plan['malformed'], plan['default']
        changed = plan['changed']

        result = dict(changed=changed, path=path, aliases=aliases, uri_default=default,
                      malformed=[m[0] for m in malformed if m[0] is not None])
        if module._diff:
            result['diff'] = dict(before_header=path, after_header=path,
                                  before=text if data is not None else '', after=new_text)
        for entry, message in malformed:
            if entry is None:
                module.warn(message)
                continue
            module.warn("%s holds the malformed uri_aliases entry %r (%s): every libvirt connection that reads "
                        "this file and names a URI fails (unless the name matches an alias listed before the entry) "
                        "until it is removed, e.g. with name: %r and state: absent"
                        % (path, entry, message, alias_part(entry)))

        if changed and not module.check_mode:
            if params['backup'] and data is not None:
                if in_user_scope:
                    result['backup_file'] = target.backup(data)
                else:
                    result['backup_file'] = module.backup_local(path)
            mode = octal_mode(params['mode'])
            selinux = None
            if module.selinux_enabled():
                context = module.selinux_context(path) if data is not None else module.selinux_default_context(path)

                def selinux(tmp_path):
                    module.set_context_if_different(tmp_path, context, False)
            target.write(to_bytes(new_text), mode=mode, selinux=selinux)
        if in_user_scope:
            if target.set_attributes(uid, gid, user_mode, check=module.check_mode):
                result['changed'] = True
    finally:
        target.close()

    if not in_user_scope and os.path.exists(path):
        # In check mode, AnsibleModule only reports the differences.  Its diff
        # entries (dicts of attributes) do not fit the text diff: not passed.
        file_args = module.load_file_common_arguments(params, path=path)
        result['changed'] = module.set_fs_attributes_if_different(file_args, result['changed'])
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type='str'),
            uri=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            aliases=dict(type='dict'),
            exclusive=dict(type='bool', default=False),
            uri_default=dict(type='str'),
            scope=dict(type='str', default='system', choices=['system', 'user']),
            user=dict(type='str'),
            xdg_config_home=dict(type='path'),
            path=dict(type='path'),
            follow=dict(type='bool', default=True),
            create=dict(type='bool', default=True),
            backup=dict(type='bool', default=False),
        ),
        mutually_exclusive=[['name', 'aliases']],
        required_one_of=[['name', 'aliases', 'uri_default']],
        required_if=[['state', 'absent', ['name']]],
        required_by={'uri': 'name'},
        add_file_common_args=True,
        supports_check_mode=True,
    )
    if augeas is None:
        module.fail_json(msg=missing_required_lib(
            'python-augeas (package python3-augeas on Debian, Ubuntu, Fedora, EL and openSUSE; '
            'python-augeas on Arch)'), exception=AUGEAS_IMPORT_ERROR)
    if module.params['name'] is not None and module.params['state'] == 'present' and module.params['uri'] is None:
        module.fail_json(msg='uri is required with name and state=present: the URI the alias %r stands for'
                         % module.params['name'])
    try:
        result = run(module)
    except (Refusal, libvirt_files.FileError) as exc:
        module.fail_json(msg=to_native(exc), changed=False)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
