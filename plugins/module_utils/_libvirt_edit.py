# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Edit one libvirt.conf file: the engine behind the modules that write.

``apply(module, target, spec)`` reads the file of an opened, locked
``_libvirt_files.Target``, works out whether the wanted aliases and
``uri_default`` differ from what libvirt reads there (with the parser
alone: Augeas is only loaded when something changes), edits the text
through the lens, checks the new text with libvirt's grammar and that it
says what was asked, and writes it atomically.  ``spec`` is a dict with the
keys of ``new_spec()``.
"""

import os
import re

from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_rules as rules

# _libvirt_augeas (and the lens text it loads) is imported by edit_text() and edit() only: a run that
# changes nothing never compiles it (ansible-core still ships it in the module's payload).

ALIASES_KEY = 'uri_aliases'
DEFAULT_KEY = 'uri_default'
AUGEAS_PACKAGES = ('python-augeas (package python3-augeas on Debian, Ubuntu, Fedora, EL and openSUSE; '
                   'python-augeas on Arch)')


class Refusal(Exception):
    """Bad input or a file the module will not edit; nothing was written."""


class MissingAugeas(Exception):
    """python-augeas is needed for an edit but cannot be imported; ``traceback`` says why."""

    def __init__(self, traceback_text):
        super(MissingAugeas, self).__init__('python-augeas cannot be imported')
        self.traceback = traceback_text


def _augeas_class():
    try:
        import augeas
    except ImportError:
        import traceback
        raise MissingAugeas(traceback.format_exc())
    return augeas.Augeas


def new_spec(aliases=None, exclusive=False, absent=(), uri_default=None, create=True, backup=False, single=False):
    """What to make of one file.

    ``aliases`` is a dict of alias name to URI to make present (None: the
    aliases are not managed), ``exclusive`` removes every other entry (only
    with ``aliases``), ``absent`` lists names (or malformed entries' text)
    to remove, ``uri_default`` is the default to set ('' removes it, None
    leaves it alone).  ``single`` names the one alias's URI ``uri`` in messages (the module's name/uri
    options).
    """
    return dict(aliases=aliases, exclusive=exclusive, absent=list(absent), uri_default=uri_default,
                create=create, backup=backup, single=single)


def file_context(entries, root):
    """What ``check_connect_uri`` needs to know of the client reading a file: root or not, its remote settings."""
    context = dict(root=bool(root))
    for key in ('remote_mode', 'remote_proxy'):
        value = libvirt_conf.get_value(entries, key)
        if value is not None:
            context[key] = value.value
    return context


def check_spec(spec, context=None):
    """Check a spec's values with the collection's rules: (present pairs, absent names), or Refusal."""
    try:
        if spec['single'] and spec['aliases']:
            [(name, uri)] = spec['aliases'].items()
            rules.check_alias_name(name, 'name')
            rules.check_uri(uri, 'uri', context)
        present = rules.check_aliases(spec['aliases'], context) if spec['aliases'] is not None else []
        for name in spec['absent']:
            rules.check_entry_name(name)
    except rules.RuleError as exc:
        raise Refusal(exc.message)
    if spec['exclusive'] and spec['aliases'] is None:
        raise Refusal('exclusive needs aliases: the list of aliases to keep')
    return present, list(spec['absent'])


def alias_part(entry):
    """The text before the first '=', or the whole entry when it has none."""
    return entry.split('=', 1)[0]


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
    from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_augeas import LensError

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
    wanted = params['uri_default']
    if wanted is not None and (default or '') != wanted:
        raise Refusal('the edited text would not set uri_default to %r; %s is left untouched' % (wanted, path))
    return aliases, malformed, default


def edit_text(text, entries, path, params, present, absent):
    """The file's text with the wanted changes made through the lens."""
    from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_augeas import ConfTree, LensError

    try:
        tree = ConfTree(_augeas_class(), text)
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


def check_default(params, aliases, context=None):
    """uri_default must be an alias of the resulting file or a usable URI."""
    try:
        rules.check_default(params['uri_default'], set(alias['name'] for alias in aliases), context=context)
    except rules.RuleError as exc:
        raise Refusal(exc.message)


def octal_mode(mode):
    """The permission bits of a numeric ``mode`` option (int or '0644'), None for a symbolic one or none."""
    if isinstance(mode, int):
        return mode
    if mode and re.match(r'\A0?[0-7]{3,4}\Z', mode):
        return int(mode, 8)
    return None


def _warn_malformed(module, path, malformed):
    for entry, message in malformed:
        if entry is None:
            module.warn(message)
            continue
        module.warn("%s holds the malformed uri_aliases entry %r (%s): every libvirt connection that reads "
                    "this file and names a URI fails (unless the name matches an alias listed before the entry) "
                    "until it is removed, e.g. with name: %r and state: absent"
                    % (path, entry, message, alias_part(entry)))


def _selinux_setter(module, path, exists):
    """A function giving a temporary file the SELinux context ``path`` has (or gets by default), or None."""
    if not module.selinux_enabled():
        return None
    context = module.selinux_context(path) if exists else module.selinux_default_context(path)

    def setter(tmp_path):
        module.set_context_if_different(tmp_path, context, False)
    return setter


def apply(module, opener, path, spec, user_attrs=None, file_args=None, selinux=True, root=False):
    """Make one file say what ``spec`` asks; returns the result dict of that file.

    ``opener(create)`` opens the file's directory (``_libvirt_files``'s
    ``open_system_target`` or ``open_user_target`` bound to the file) and
    returns a Target, or None when a directory is missing and ``create`` is
    false.  Nothing is created before it is known that the file must be
    written, and nothing at all in check mode.  ``user_attrs`` is
    (uid, gid, mode) applied through the opened directory (a user's tree);
    ``file_args`` the common file arguments applied by path (system scope),
    both only when given.  ``root`` says the file is read by root (the
    system file), for the URI rules.  Raises Refusal, MissingAugeas or
    ``_libvirt_files.FileError``; the file is then unchanged.
    """
    target = opener(False)
    try:
        if target is not None:
            target.lock()
            if not module.check_mode:
                target.remove_stale_temps()
            path = target.path
            data = target.read()
        else:
            data = None
        if data is None and not spec['create']:
            raise Refusal("'%s' does not exist and create is false" % path)
        text, entries = load(path, data)
        context = file_context(entries, root)
        present, absent = check_spec(spec, context)
        if needs_change(entries, spec, present, absent):
            new_text = edit_text(text, entries, path, spec, present, absent)
            aliases, malformed, default = verify(new_text, path, spec, present, absent)
            changed = new_text != text or data is None
        else:
            new_text = text
            aliases, malformed, default = summarize(entries, path)
            changed = False
        check_default(spec, aliases, context)

        result = dict(changed=changed, path=path, aliases=aliases, uri_default=default,
                      malformed=[m[0] for m in malformed if m[0] is not None])
        if module._diff:
            result['diff'] = dict(before_header=path, after_header=path,
                                  before=text if data is not None else '', after=new_text)
        _warn_malformed(module, path, malformed)

        if changed and not module.check_mode:
            if target is None:
                target = opener(True)
                target.lock()
                target.remove_stale_temps()
                if target.read() is not None:
                    raise Refusal("'%s' was created by someone else while it was being edited; it is left "
                                  "untouched, run again" % path)
            if spec['backup'] and data is not None:
                if user_attrs is not None:
                    result['backup_file'] = target.backup(data)
                else:
                    result['backup_file'] = module.backup_local(path)
            context_setter = _selinux_setter(module, path, data is not None) if selinux and user_attrs is None \
                else None
            mode = file_args.get('mode') if file_args else None
            target.write(to_bytes(new_text), mode=octal_mode(mode), selinux=context_setter)
        if user_attrs is not None and target is not None:
            uid, gid, mode = user_attrs
            if target.set_attributes(uid, gid, mode, check=module.check_mode):
                result['changed'] = True
    finally:
        if target is not None:
            target.close()

    if file_args is not None and os.path.exists(path):
        # In check mode this reports what would change and changes nothing.
        result['changed'] = module.set_fs_attributes_if_different(dict(file_args, path=path), result['changed'],
                                                                  result.get('diff'))
    return result
