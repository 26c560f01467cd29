# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Edit libvirt.conf text through the Libvirt_client Augeas lens.

Augeas is opened without autoloading any lens and without the standard lens
library; only the Libvirt_client lens is compiled, and only the text at hand
is parsed (``text_store``) and written back (``text_retrieve``), so nothing on
disk is touched here.  The tree is described in the lens file.
"""

import os
import re
import shutil
import tempfile

from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import LensError
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_conf import quote_for
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_lens import (
    LENS, LENS_FILE, LENS_TEXT,
)

IN_TEXT = '/text/in'
OUT_TEXT = '/text/out'
TREE = '/tree'
SEQ = re.compile(r'^[0-9]+$')
# Some bindings cannot hand Augeas an empty string; an empty file is read as
# this one-statement text, whose statement is then dropped from the tree.
EMPTY_STAND_IN = 'empty = 1\n'


def line_end(text):
    """The line end ``text`` uses throughout: CRLF, CR, or LF (also for none or a mix).

    CRLF when every LF of the text follows a CR, CR when the text has CRs and
    no LF: then the text with its line ends made LF and back again is the same
    text, byte for byte.
    """
    if '\r' not in text:
        return '\n'
    if '\n' not in text:
        return '\r'
    if text.count('\n') == text.count('\r\n'):
        return '\r\n'
    return '\n'


def _augeas_error(aug, path):
    """The message Augeas left for its last text operation on ``path``."""
    base = '/augeas/text' + path + '/error'
    details = []
    for key in ('message', 'line', 'char'):
        try:
            value = aug.get(base + '/' + key) if aug.match(base + '/' + key) else None
        except UnicodeError:
            # Augeas may cut its message in the middle of a character.
            value = None
        if value:
            details.append('%s %s' % (key, value))
    return ', '.join(details) or 'unknown Augeas error'


def quote_fits(quote, value):
    """Whether ``value`` can be written between ``quote`` characters."""
    if quote == '"""':
        return '"""' not in value and not value.endswith('"')
    if '\n' in value or '\r' in value:
        return False
    return quote not in value


class ConfTree:
    """A libvirt.conf text held as an Augeas tree.

    ``augeas_class`` is the ``augeas.Augeas`` class of whichever binding is
    installed (python-augeas from PyPI or the distributions' python3-augeas).

    The lens reads a CRLF line end as two separators (the CR ends the
    statement, the LF belongs to the next one), and a file's last statement
    without a line end as a statement of its own kind (``#noeol``): a
    statement added after either would split the CRLF or rewrite that last
    statement with the lens's default spacing.  So the tree holds the text
    with LF line ends when the file uses CRLF or CR throughout, and with an
    LF after its last statement when it has no line end there; ``render``
    undoes both.  Untouched lines come back byte for byte, new lines end with
    the file's line end, and the file still ends without one as long as its
    last statement stays the last.
    """

    def __init__(self, augeas_class, text):
        self.text = text
        # the file's line end, which the tree holds as LF
        self.eol = line_end(text)
        # whether the tree holds an LF after the last statement that the text does not end with
        self.eol_added = False
        if self.eol != '\n':
            text = text.replace(self.eol, '\n')
        lens_dir = tempfile.mkdtemp(prefix='libvirt_client_lens.')
        try:
            with open(os.path.join(lens_dir, LENS_FILE), 'w') as f:
                f.write(LENS_TEXT)
            flags = (augeas_class.NO_MODL_AUTOLOAD | augeas_class.NO_STDINC
                     | augeas_class.NO_LOAD)
            self.aug = augeas_class(loadpath=lens_dir, flags=flags)
            self._store(text or EMPTY_STAND_IN)
            if self.has(TREE + '/#noeol'):
                self.aug.remove(TREE)
                self._store(text + '\n')
                self.eol_added = True
            if not text:
                self.aug.remove(TREE + '/*')
        finally:
            # The lens is compiled by now; Augeas does not read it again.
            shutil.rmtree(lens_dir, ignore_errors=True)

    def _store(self, text):
        self.aug.set(IN_TEXT, text)
        try:
            self.aug.text_store(LENS, IN_TEXT, TREE)
        except Exception:
            raise LensError(_augeas_error(self.aug, TREE))

    def close(self):
        self.aug.close()

    # -- reading ---------------------------------------------------------

    def statements(self, name=None):
        """Paths of the top-level statements, all or those called ``name``."""
        if name is None:
            return self.aug.match(TREE + '/*')
        return self.aug.match('%s/%s' % (TREE, name))

    def get(self, path):
        """The value at ``path``; '' for an empty string or no value."""
        return self.aug.get(path) or ''

    def has(self, path):
        return bool(self.aug.match(path))

    def children(self, path):
        return self.aug.match(path + '/*')

    def element_labels(self, list_path):
        """Labels of the elements of the list at ``list_path``, in order.

        One match for the whole list: the labels are read off the paths
        Augeas returns, so a list of any length costs a single call.
        """
        labels = []
        for path in self.aug.match(list_path + '/*'):
            label = path.rsplit('/', 1)[1]
            if SEQ.match(label):
                labels.append(label)
        return labels

    def quote(self, path):
        """The quote a scalar node is written with: '"', "'", '\"\"\"' or None (integer)."""
        if self.has(path + '/#int'):
            return None
        if self.has(path + '/#quote'):
            return self.aug.get(path + '/#quote')
        return '"'

    # -- writing ---------------------------------------------------------

    def _insert_marker(self, path, label, value):
        """Add the child ``label`` where the lens wants it: after #ws, first otherwise."""
        if self.has(path + '/#ws'):
            self.aug.insert(path + '/#ws', label, False)
        elif self.children(path):
            self.aug.insert(path + '/*[1]', label, True)
        self.aug.set(path + '/' + label, value)

    def set_string(self, path, value, prefer=None):
        """Give the scalar node at ``path`` the string ``value``.

        The node keeps its quote if the value fits in it; otherwise (or for a
        new node, where ``prefer`` may name the quote wanted) the value is
        written in double quotes, or single quotes when it holds a '"'.
        """
        current = prefer if prefer is not None else self.quote(path)
        if current is None or not quote_fits(current, value):
            try:
                current = quote_for(value)
            except ValueError as exc:
                raise LensError(str(exc))
        for marker in ('#int', '#quote', '#empty'):
            if self.has(path + '/' + marker):
                self.aug.remove(path + '/' + marker)
        if self.element_labels(path):
            self.aug.remove(path + '/*[label() =~ regexp("[0-9]+")]')
        if current != '"':
            self._insert_marker(path, '#quote', current)
        self.aug.set(path, value)

    def remove(self, path):
        if self.eol_added and self.aug.match(path) == self.statements()[-1:]:
            # The last statement leaves with the line end added after it; the
            # text now ends with the line end of the statement before.
            self.eol_added = False
        self.aug.remove(path)

    def _new_statement(self, name):
        """A new statement ``name`` at the end of the file; returns its path.

        The file's last statement keeps the line end it was given, and the new
        one ends with a line end too.
        """
        self.eol_added = False
        existing = self.statements()
        if existing:
            self.aug.insert(existing[-1], name, False)
        else:
            self.aug.set(TREE + '/' + name, None)
        return self.statements(name)[-1]

    def add_string_statement(self, name, value):
        path = self._new_statement(name)
        self.set_string(path, value, prefer='"')
        return path

    def add_list_statement(self, name):
        path = self._new_statement(name)
        self.aug.set(path + '/#empty', None)
        return path

    def append_element(self, list_path, value, after=None, label=None):
        """Append a string element to the list at ``list_path``.

        ``after`` is the label of the list's last element, whose leading
        whitespace and quote the new element copies (None for an empty list:
        the element then goes on a line of its own, indented by two spaces).
        ``label`` is the new element's label, unique among its siblings.
        Returns the new element's path.
        """
        if after is not None:
            last = '%s/%s' % (list_path, after)
            ws = self.aug.get(last + '/#ws') if self.has(last + '/#ws') else None
            quote = self.quote(last)
            self.aug.insert(last, '0', False)
        else:
            ws, quote = '\n  ', '"'
            if self.has(list_path + '/#empty'):
                self.aug.remove(list_path + '/#empty')
            if self.children(list_path):
                self.aug.insert(list_path + '/*[1]', '0', True)
            else:
                self.aug.set(list_path + '/0', None)
        path = list_path + '/0'
        if ws:
            self.aug.set(path + '/#ws', ws)
        if quote is None or quote == '"""':
            quote = '"'
        self.set_string(path, value, prefer=quote)
        label = label or str(max([int(x) for x in self.element_labels(list_path) if x != '0'] + [0]) + 1)
        self.aug.rename(path, label)
        return '%s/%s' % (list_path, label)

    def remove_element(self, list_path, label):
        """Remove element ``label``; the caller marks the list empty when it is."""
        self.aug.remove('%s/%s' % (list_path, label))

    def mark_empty(self, list_path):
        """Record that the list at ``list_path`` has no elements left."""
        self._insert_marker(list_path, '#empty', None)

    def render(self):
        """The text the tree stands for now."""
        try:
            self.aug.text_retrieve(LENS, IN_TEXT, TREE, OUT_TEXT)
        except Exception:
            raise LensError(_augeas_error(self.aug, TREE))
        text = self.aug.get(OUT_TEXT)
        if not text:
            # Bindings differ in how they hand back an empty string.
            return ''
        if isinstance(text, bytes):
            text = text.decode('utf-8')
        if self.eol_added and text.endswith('\n'):
            text = text[:-1]
        if self.eol != '\n':
            text = text.replace('\n', self.eol)
        return text
