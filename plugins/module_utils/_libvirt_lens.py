# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

# Generated from lenses/libvirt_client.aug by lenses/sync.py; do not edit.

"""The Libvirt_client Augeas lens, carried to the target inside the module."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

LENS_MODULE = 'Libvirt_client'
LENS_FILE = 'libvirt_client.aug'
LENS = LENS_MODULE + '.lns'

LENS_TEXT = (
    '(*\n'
    'Module: Libvirt_client\n'
    "  Parses libvirt's client configuration files (libvirt.conf,\n"
    "  libvirt-admin.conf) and every other file in libvirt's configuration\n"
    '  format (libvirtd.conf, qemu.conf, ...).\n'
    '\n'
    'Author: virtkit.libvirt_client maintainers\n'
    '\n'
    'About: License\n'
    '  GPL-3.0-or-later\n'
    '\n'
    'About: Grammar\n'
    '  A file is a sequence of statements separated by a newline (LF or CR) or\n'
    "  a ';'.  A statement is a whole-line comment ('# text') or 'NAME = VALUE'\n"
    '  with an optional trailing comment.  NAME matches [A-Za-z][A-Za-z0-9_]*.\n'
    '  VALUE is a string ("...", \'...\' or """...""", the last one may span\n'
    "  lines), a signed integer, or a list '[ v1, v2, ... ]' whose elements are\n"
    '  values again (nested up to three levels), with an optional trailing comma.\n'
    '\n'
    'About: Tree\n'
    '  Every statement is a node; the whitespace before a statement (blank lines,\n'
    '  indentation, the separator) belongs to that node and leaves with it.\n'
    '  (start code)\n'
    '  #comment = "text"            whole-line comment\n'
    '  NAME = "body"                "body"\n'
    '  NAME = "body"                \'body\'     with child  #quote = "\'"\n'
    '  NAME = "body"                """body""" with child  #quote = "\\"\\"\\""\n'
    '  NAME = "42"                  42         with child  #int\n'
    '  NAME                         [ ... ]    children 1, 2, ... (the elements)\n'
    '  NAME/#empty                  []         an empty list\n'
    '  NAME/#comment = "text"       a comment after the value\n'
    '  NAME/N = "body"              list element N, same scalar rules as above\n'
    '  NAME/N/#ws = "\\n  "          the blanks and newlines before element N\n'
    '  (end code)\n'
    '  Children appear in this order: #ws, #quote or #int, elements, #comment.\n'
    '\n'
    'About: Usage\n'
    '  Load only this lens, only for the file at hand:\n'
    '  (start code)\n'
    '  augtool --noautoload -I DIR -r ROOT \\\n'
    "    -t 'Libvirt_client.lns incl /etc/libvirt/libvirt.conf'\n"
    '  (end code)\n'
    '*)\n'
    'module Libvirt_client =\n'
    '\n'
    '(* Group: whitespace *)\n'
    'let lead     = del /[ \\t\\r\\n]*/ ""\n'
    'let term     = del /[ \\t]*[;\\r\\n]/ "\\n"\n'
    'let term_eol = del /[ \\t]*[\\r\\n]/ "\\n"\n'
    'let eq       = del /[ \\t]*=[ \\t]*/ " = "\n'
    'let list_ws  = [ label "#ws" . store /[ \\t\\r\\n]+/ ]\n'
    '\n'
    '(* Group: scalars *)\n'
    'let name       = /[A-Za-z][A-Za-z0-9_]*/\n'
    'let dq_body    = /[^"\\r\\n]*/\n'
    "let sq_body    = /[^'\\r\\n]*/\n"
    'let tq_body    = /([^"]|"[^"]|""[^"])*/\n'
    'let dq         = del "\\"" "\\"" . store dq_body . del "\\"" "\\""\n'
    'let sq         = [ label "#quote" . store /\'/ ] . store sq_body . del "\'" "\'"\n'
    'let tq         = [ label "#quote" . store /"""/ ] . store tq_body\n'
    '                   . del "\\"\\"\\"" "\\"\\"\\""\n'
    'let int        = [ label "#int" ] . store /[+-]?[0-9]+/\n'
    'let scalar     = dq | sq | tq | int\n'
    '\n'
    '(* Group: lists, nested up to three levels *)\n'
    'let list (c:string) (v:lens) =\n'
    '  let elem = [ seq c . list_ws? . v ] in\n'
    '    del "[" "[" . counter c\n'
    '  . ( elem . ( del /[ \\t\\r\\n]*,/ "," . elem )*\n'
    '        . del /([ \\t\\r\\n]*,)?[ \\t\\r\\n]*\\]/ ",\\n]"\n'
    '    | [ label "#empty" ] . del /[ \\t\\r\\n]*\\]/ "]" )\n'
    '\n'
    'let value0 = scalar\n'
    'let value1 = scalar | list "el1" value0\n'
    'let value2 = scalar | list "el2" value1\n'
    'let value  = scalar | list "el3" value2\n'
    '\n'
    '(* Group: statements *)\n'
    'let comment_text = /[^ \\t\\r\\n]([^\\r\\n]*[^ \\t\\r\\n])?/\n'
    '\n'
    'let inline_comment =\n'
    '    [ label "#comment" . del /[ \\t]*#[ \\t]*/ " # " . store comment_text ]\n'
    '  | [ label "#comment" . del /[ \\t]*#/ " #" ]\n'
    '\n'
    '(* A statement and what ends it: a separator, or nothing at all for the\n'
    '   last statement of a file without a final newline. *)\n'
    'let statement (end_any:lens) (end_eol:lens) =\n'
    '    [ lead . label "#comment" . del /#[ \\t]*/ "# " . store comment_text\n'
    '        . end_eol ]\n'
    '  | [ lead . label "#comment" . del "#" "#" . end_eol ]\n'
    '  | [ lead . key name . eq . value\n'
    '        . ( inline_comment . end_eol | end_any ) ]\n'
    '\n'
    'let unit       = statement term term_eol\n'
    'let unit_noeol = statement (del "" "") (del "" "")\n'
    '\n'
    '(* View: lns\n'
    "   A file that does not end with a newline or ';' ends with the node\n"
    '   #noeol after its last statement. *)\n'
    'let lns = unit* . ( del /[ \\t\\r\\n]*/ ""\n'
    '                  | unit_noeol . [ label "#noeol" . del /[ \\t]*/ "" ] )\n'
    '\n'
    'let filter = incl "/etc/libvirt/libvirt.conf"\n'
    '           . incl "/etc/libvirt/libvirt-admin.conf"\n'
    '\n'
    'let xfm = transform lns filter\n'
)
