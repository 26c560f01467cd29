# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""The write path of ``_libvirt_update``: edit a file's text through the lens, then check the new text.

``_libvirt_update.apply`` imports this file only once it knows, from the
parsed file alone, that something must change: a run that changes nothing
compiles neither this code nor ``_libvirt_augeas`` on the host.

``edit_text`` makes the wanted changes through the Libvirt_client lens
(``_libvirt_augeas.ConfTree``, in Augeas); ``verify`` reads the new text
back with libvirt's grammar and checks that it says what was asked.
"""

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_augeas import ConfTree
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import LensError
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_rules as rules
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import MissingAugeas, Refusal


def _augeas_class():
    """python-augeas's Augeas class; MissingAugeas (with the import's traceback) when it cannot be imported."""
    try:
        import augeas
    except ImportError:
        import traceback
        raise MissingAugeas(traceback.format_exc())
    return augeas.Augeas


def edit(tree, entries, params, present, absent):
    """Apply the wanted changes to the tree.

    The values of the list's elements come from the parsed entries (the
    lens and the parser see the same elements in the same order); Augeas is
    only asked for the labels, in one call, and then touched only where
    something changes, so the cost stays linear in the size of the file.
    """
    lists = tree.statements(libvirt_conf.ALIASES_KEY)
    list_path = lists[0] if lists else None
    items = []
    if list_path is not None:
        labels = tree.element_labels(list_path)
        values = [v.value for v in libvirt_conf.get_value(entries, libvirt_conf.ALIASES_KEY).value]
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
            name = libvirt_conf.alias_part(item[1])
            if name in names and name not in seen:
                seen.add(name)
                return True
            return False
        items = keep_only(listed_once)

    for name in absent:
        items = keep_only(lambda item: libvirt_conf.alias_part(item[1]) != name)

    first = {}
    for index, (label, value) in enumerate(items):
        first.setdefault(libvirt_conf.alias_part(value), index)
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
            list_path = tree.add_list_statement(libvirt_conf.ALIASES_KEY)
        label = str(next_label[0])
        next_label[0] += 1
        tree.append_element(list_path, entry, after=items[-1][0] if items else None, label=label)
        first[name] = len(items)
        items.append((label, entry))

    for key in rules.SCALAR_KEYS:
        value = params.get(key)
        if value is None:
            continue
        statements = tree.statements(key)
        if value == '':
            for path in reversed(statements):
                tree.remove(path)
        elif statements:
            # libvirt reads the first occurrence; it keeps its quote when the value fits in it.
            if tree.get(statements[0]) != value or tree.quote(statements[0]) is None:
                tree.set_string(statements[0], value)
        else:
            tree.add_string_statement(key, value)


def verify(new_text, path, params, present, absent):
    """Check the new text with libvirt's grammar and that it says what was asked."""
    try:
        entries = libvirt_conf.parse(new_text, path)
        aliases, malformed, default = libvirt_conf.summarize(entries, path)
    except libvirt_conf.ConfError as exc:
        raise Refusal('the edited text would not be valid for libvirt (%s); %s is left untouched'
                      % (exc.message, path))
    first = {}
    for alias in aliases:
        first.setdefault(alias['name'], alias['uri'])
    for name, uri in present:
        if first.get(name) != uri:
            raise Refusal('the edited text would not map alias %r to %r; %s is left untouched' % (name, uri, path))
    names = set(a['name'] for a in aliases) | set(libvirt_conf.alias_part(m[0]) for m in malformed if m[0] is not None)
    for name in absent:
        if name in names:
            raise Refusal('the edited text would still hold alias %r; %s is left untouched' % (name, path))
    if params['exclusive'] and params['aliases'] is not None:
        names = [a['name'] for a in aliases] + [libvirt_conf.alias_part(m[0]) for m in malformed if m[0] is not None]
        listed = set(name for name, uri in present)
        extra = sorted(set(name for name in names if name not in listed))
        if extra or len(names) != len(set(names)):
            raise Refusal('the edited text would still hold uri_aliases entries that are not listed once (%s); '
                          '%s is left untouched' % (', '.join(repr(n) for n in extra) or 'duplicates', path))
    wanted = params['uri_default']
    if wanted is not None and (default or '') != wanted:
        raise Refusal('the edited text would not set uri_default to %r; %s is left untouched' % (wanted, path))
    for key in rules.REMOTE_KEYS:
        wanted = params.get(key)
        if wanted is None:
            continue
        value = libvirt_conf.get_value(entries, key)
        if wanted == '' and any(e.name == key for e in entries):
            raise Refusal('the edited text would still set %s; %s is left untouched' % (key, path))
        if wanted != '' and (value is None or value.type != 'string' or value.value != wanted):
            raise Refusal('the edited text would not set %s to %r; %s is left untouched' % (key, wanted, path))
    return aliases, malformed, default


def edit_text(text, entries, path, params, present, absent):
    """The file's text with the wanted changes made through the lens."""
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
