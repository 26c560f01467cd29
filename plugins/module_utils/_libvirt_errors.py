# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""The errors of the collection: one base class, and the ones shared by several layers.

Every exception the collection raises derives from ``LibvirtClientError``:
``message`` is the full text shown to the user (``str(error)`` too), ``rule``
a short name of the rule that was broken (a class default, or the caller's
more precise one).  The bottom layer: this file imports nothing of the
collection.  Errors owned by one layer (``_libvirt_conf.ConfError``,
``_libvirt_uri.URIError``, ``_libvirt_rules.RuleError``, ...) are defined
there, on this base.
"""

#: The two files a module edits: ``client`` is libvirt.conf, ``admin`` is virt-admin's libvirt-admin.conf.
CONFIGS = ('client', 'admin')


class LibvirtClientError(Exception):
    """Base of every error of the collection: ``message`` and the ``rule`` it broke."""

    #: Short name of the rule that was broken; subclasses set their own.
    rule = 'error'

    def __init__(self, message, rule=None):
        super().__init__(message)
        self.message = message
        if rule is not None:
            self.rule = rule

    def __str__(self):
        return self.message


class Refusal(LibvirtClientError):
    """Bad input, or a file the collection will not use or edit; nothing was written."""

    rule = 'refused'


class FileError(LibvirtClientError):
    """A file cannot be used; the message names it and says why."""

    rule = 'file'


class SelectionError(LibvirtClientError):
    """A selection of accounts that cannot be made on this host; the message says why."""

    rule = 'selection'


class LensError(LibvirtClientError):
    """The lens cannot read or write a text."""

    rule = 'lens'


class MissingAugeas(LibvirtClientError):
    """python-augeas is needed for an edit but cannot be imported; ``traceback`` says why."""

    rule = 'augeas'

    def __init__(self, traceback_text):
        super().__init__('python-augeas cannot be imported')
        self.traceback = traceback_text
