"""Write plugins/module_utils/_libvirt_lens.py from lenses/libvirt_client.aug.

The module carries the lens text to the target host inside its payload; this
script keeps that copy identical to the lens the augparse tests exercise.
Run with --check to fail when the copy is out of date.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LENS = os.path.join(HERE, 'libvirt_client.aug')
TARGET = os.path.join(HERE, os.pardir, 'plugins', 'module_utils', '_libvirt_lens.py')

HEADER = '''# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

# Generated from lenses/libvirt_client.aug by lenses/sync.py; do not edit.

"""The Libvirt_client Augeas lens, carried to the target inside the module."""

LENS_MODULE = 'Libvirt_client'
LENS_FILE = 'libvirt_client.aug'
LENS = LENS_MODULE + '.lns'

'''


def render():
    with open(LENS) as f:
        text = f.read()
    lines = ''.join('    %r\n' % line for line in text.splitlines(True))
    return HEADER + 'LENS_TEXT = (\n' + lines + ')\n'


def main():
    wanted = render()
    try:
        with open(TARGET) as f:
            current = f.read()
    except IOError:
        current = None
    if '--check' in sys.argv[1:]:
        if current != wanted:
            sys.stderr.write('%s is out of date: run lenses/sync.py\n' % TARGET)
            return 1
        return 0
    if current != wanted:
        with open(TARGET, 'w') as f:
            f.write(wanted)
    return 0


if __name__ == '__main__':
    sys.exit(main())
