(*
Module: Libvirt_client
  Parses libvirt's client configuration files (libvirt.conf,
  libvirt-admin.conf) and every other file in libvirt's configuration
  format (libvirtd.conf, qemu.conf, ...).

Author: virtkit.libvirt_client maintainers

About: License
  GPL-3.0-or-later

About: Grammar
  A file is a sequence of statements separated by a newline (LF or CR) or
  a ';'.  A statement is a whole-line comment ('# text') or 'NAME = VALUE'
  with an optional trailing comment.  NAME matches [A-Za-z][A-Za-z0-9_]*.
  VALUE is a string ("...", '...' or """...""", the last one may span
  lines), a signed integer, or a list '[ v1, v2, ... ]' whose elements are
  values again (nested up to three levels), with an optional trailing comma.

About: Tree
  Every statement is a node; the whitespace before a statement (blank lines,
  indentation, the separator) belongs to that node and leaves with it.
  (start code)
  #comment = "text"            whole-line comment
  NAME = "body"                "body"
  NAME = "body"                'body'     with child  #quote = "'"
  NAME = "body"                """body""" with child  #quote = "\"\"\""
  NAME = "42"                  42         with child  #int
  NAME                         [ ... ]    children 1, 2, ... (the elements)
  NAME/#empty                  []         an empty list
  NAME/#comment = "text"       a comment after the value
  NAME/N = "body"              list element N, same scalar rules as above
  NAME/N/#ws = "\n  "          the blanks and newlines before element N
  (end code)
  Children appear in this order: #ws, #quote or #int, elements, #comment.

About: Usage
  Load only this lens, only for the file at hand:
  (start code)
  augtool --noautoload -I DIR -r ROOT \
    -t 'Libvirt_client.lns incl /etc/libvirt/libvirt.conf'
  (end code)
*)
module Libvirt_client =

(* Group: whitespace *)
let lead     = del /[ \t\r\n]*/ ""
let term     = del /[ \t]*[;\r\n]/ "\n"
let term_eol = del /[ \t]*[\r\n]/ "\n"
let eq       = del /[ \t]*=[ \t]*/ " = "
let list_ws  = [ label "#ws" . store /[ \t\r\n]+/ ]

(* Group: scalars *)
let name       = /[A-Za-z][A-Za-z0-9_]*/
let dq_body    = /[^"\r\n]*/
let sq_body    = /[^'\r\n]*/
let tq_body    = /([^"]|"[^"]|""[^"])*/
let dq         = del "\"" "\"" . store dq_body . del "\"" "\""
let sq         = [ label "#quote" . store /'/ ] . store sq_body . del "'" "'"
let tq         = [ label "#quote" . store /"""/ ] . store tq_body
                   . del "\"\"\"" "\"\"\""
let int        = [ label "#int" ] . store /[+-]?[0-9]+/
let scalar     = dq | sq | tq | int

(* Group: lists, nested up to three levels *)
let list (c:string) (v:lens) =
  let elem = [ seq c . list_ws? . v ] in
    del "[" "[" . counter c
  . ( elem . ( del /[ \t\r\n]*,/ "," . elem )*
        . del /([ \t\r\n]*,)?[ \t\r\n]*\]/ ",\n]"
    | [ label "#empty" ] . del /[ \t\r\n]*\]/ "]" )

let value0 = scalar
let value1 = scalar | list "el1" value0
let value2 = scalar | list "el2" value1
let value  = scalar | list "el3" value2

(* Group: statements *)
let comment_text = /[^ \t\r\n]([^\r\n]*[^ \t\r\n])?/

let inline_comment =
    [ label "#comment" . del /[ \t]*#[ \t]*/ " # " . store comment_text ]
  | [ label "#comment" . del /[ \t]*#/ " #" ]

(* A statement and what ends it: a separator, or nothing at all for the
   last statement of a file without a final newline. *)
let statement (end_any:lens) (end_eol:lens) =
    [ lead . label "#comment" . del /#[ \t]*/ "# " . store comment_text
        . end_eol ]
  | [ lead . label "#comment" . del "#" "#" . end_eol ]
  | [ lead . key name . eq . value
        . ( inline_comment . end_eol | end_any ) ]

let unit       = statement term term_eol
let unit_noeol = statement (del "" "") (del "" "")

(* View: lns
   A file that does not end with a newline or ';' ends with the node
   #noeol after its last statement. *)
let lns = unit* . ( del /[ \t\r\n]*/ ""
                  | unit_noeol . [ label "#noeol" . del /[ \t]*/ "" ] )

let filter = incl "/etc/libvirt/libvirt.conf"
           . incl "/etc/libvirt/libvirt-admin.conf"

let xfm = transform lns filter
