(*
Module: Test_Libvirt_client
  Provides unit tests and examples for the <Libvirt_client> lens.
*)
module Test_Libvirt_client =

(* Variable: debian
   The libvirt.conf shipped by Debian's libvirt-clients *)
let debian = "#
# This can be used to setup URI aliases for frequently
# used connection URIs. Aliases may contain only the
# characters  a-Z, 0-9, _, -.
#
# Following the '=' may be any valid libvirt connection
# URI, including arbitrary parameters

#uri_aliases = [
#  \"hail=qemu+ssh://root@hail.cloud.example.com/system\",
#  \"sleet=qemu+ssh://root@sleet.cloud.example.com/system\",
#]

#
# These can be used in cases when no URI is supplied by the application
# (@uri_default also prevents probing of the hypervisor driver).
#
#uri_default = \"qemu:///system\"
"

test Libvirt_client.lns get debian =
  { "#comment" }
  { "#comment" = "This can be used to setup URI aliases for frequently" }
  { "#comment" = "used connection URIs. Aliases may contain only the" }
  { "#comment" = "characters  a-Z, 0-9, _, -." }
  { "#comment" }
  { "#comment" = "Following the '=' may be any valid libvirt connection" }
  { "#comment" = "URI, including arbitrary parameters" }
  { "#comment" = "uri_aliases = [" }
  { "#comment" = "\"hail=qemu+ssh://root@hail.cloud.example.com/system\"," }
  { "#comment" = "\"sleet=qemu+ssh://root@sleet.cloud.example.com/system\"," }
  { "#comment" = "]" }
  { "#comment" }
  { "#comment" = "These can be used in cases when no URI is supplied by the application" }
  { "#comment" = "(@uri_default also prevents probing of the hypervisor driver)." }
  { "#comment" }
  { "#comment" = "uri_default = \"qemu:///system\"" }

(* Test: a list over several lines with a trailing comma *)
test Libvirt_client.lns get "uri_aliases = [
  \"hail=qemu+ssh://root@hail.cloud.example.com/system\",
  'sleet=test:///default?x=\"y\"',
]
uri_default = \"hail\"  # the default
" =
  { "uri_aliases"
    { "1" = "hail=qemu+ssh://root@hail.cloud.example.com/system"
      { "#ws" = "\n  " } }
    { "2" = "sleet=test:///default?x=\"y\""
      { "#ws" = "\n  " }
      { "#quote" = "'" } } }
  { "uri_default" = "hail"
    { "#comment" = "the default" } }

(* Test: one line, no trailing comma, no blanks at all *)
test Libvirt_client.lns get "uri_aliases=[\"a=test:///default\",\"b=test:///default\"]\n" =
  { "uri_aliases"
    { "1" = "a=test:///default" }
    { "2" = "b=test:///default" } }

(* Test: empty lists *)
test Libvirt_client.lns get "a = []\nb = [ \n ]\n" =
  { "a" { "#empty" } }
  { "b" { "#empty" } }

(* Test: integers, signed *)
test Libvirt_client.lns get "a = 1\nb = -20\nc = +3\n" =
  { "a" = "1" { "#int" } }
  { "b" = "-20" { "#int" } }
  { "c" = "+3" { "#int" } }

(* Test: triple-quoted strings span lines and hold quotes *)
test Libvirt_client.lns get "a = \"\"\"one \"two\"\n''three''\"\"\"\n" =
  { "a" = "one \"two\"\n''three''" { "#quote" = "\"\"\"" } }

(* Test: empty strings of both quote styles *)
test Libvirt_client.lns get "a = \"\"\nb = ''\n" =
  { "a" = "" }
  { "b" = "" { "#quote" = "'" } }

(* Test: ';' separates statements; a comment may follow it *)
test Libvirt_client.lns get "a=1;b='x' ; c=\"y\"; # tail\n" =
  { "a" = "1" { "#int" } }
  { "b" = "x" { "#quote" = "'" } }
  { "c" = "y" }
  { "#comment" = "tail" }

(* Test: a comment may hold ';' and '#' *)
test Libvirt_client.lns get "# a;b # c\nx = 'v' #x;y=1\n" =
  { "#comment" = "a;b # c" }
  { "x" = "v" { "#quote" = "'" } { "#comment" = "x;y=1" } }

(* Test: CRLF line endings *)
test Libvirt_client.lns get "# c\r\nuri_aliases = [\r\n  \"a=test:///default\",\r\n]\r\n" =
  { "#comment" = "c" }
  { "uri_aliases"
    { "1" = "a=test:///default" { "#ws" = "\r\n  " } } }

(* Test: indentation, blank lines, trailing blanks *)
test Libvirt_client.lns get "\n\n   a = 1   \n\t# c  \n\n  \n" =
  { "a" = "1" { "#int" } }
  { "#comment" = "c" }

(* Test: any key name; nested lists; numbers in lists *)
test Libvirt_client.lns get "cgroup_device_acl = [ \"/dev/null\", [ 1, [ 'x' ] ], -2 ]\n" =
  { "cgroup_device_acl"
    { "1" = "/dev/null" { "#ws" = " " } }
    { "2" { "#ws" = " " }
      { "1" = "1" { "#ws" = " " } { "#int" } }
      { "2" { "#ws" = " " }
        { "1" = "x" { "#ws" = " " } { "#quote" = "'" } } } }
    { "3" = "-2" { "#ws" = " " } { "#int" } } }

(* Test: no final newline *)
test Libvirt_client.lns get "a = 1\nb = \"x\"  " =
  { "a" = "1" { "#int" } }
  { "b" = "x" }
  { "#noeol" }

test Libvirt_client.lns get "# only a comment" =
  { "#comment" = "only a comment" }
  { "#noeol" }

(* Test: a comment inside a list is not libvirt syntax *)
test Libvirt_client.lns get "a = [ \"x\", # no\n ]\n" = *

(* Test: two statements on one line need a separator *)
test Libvirt_client.lns get "a = 1 b = 2\n" = *

(* Test: bare words are not values *)
test Libvirt_client.lns get "a = yes\n" = *

(* Test: names start with a letter *)
test Libvirt_client.lns get "_a = 1\n" = *

(* Test: single-line strings end on their line *)
test Libvirt_client.lns get "a = \"x\ny\"\n" = *

(* Test: put keeps what it does not touch *)
test Libvirt_client.lns put "# keep\nuri_default = 'a'   # why\nother=1\n" after
  set "uri_default" "b"
  = "# keep\nuri_default = 'b'   # why\nother=1\n"

(* Test: a new element joins the list in its own style *)
test Libvirt_client.lns put "uri_aliases = [\n    \"a=test:///default\"\n]\n" after
  insa "0" "uri_aliases/1" ;
  set "uri_aliases/0/#ws" "\n    " ;
  set "uri_aliases/0" "b=test:///default"
  = "uri_aliases = [\n    \"a=test:///default\",\n    \"b=test:///default\"\n]\n"

test Libvirt_client.lns put "uri_aliases = [ 'a=test:///default' ]\n" after
  insa "0" "uri_aliases/1" ;
  set "uri_aliases/0/#ws" " " ;
  set "uri_aliases/0/#quote" "'" ;
  set "uri_aliases/0" "b=test:///default"
  = "uri_aliases = [ 'a=test:///default', 'b=test:///default' ]\n"

(* Test: removing an element keeps its neighbours *)
test Libvirt_client.lns put "l = [\n  \"a\",\n  \"b\",\n  \"c\",\n]\n" after
  rm "l/2"
  = "l = [\n  \"a\",\n  \"c\",\n]\n"

test Libvirt_client.lns put "l = [ \"a\", \"b\" ]\n" after
  rm "l/2"
  = "l = [ \"a\" ]\n"

(* Test: removing every element leaves an empty list *)
test Libvirt_client.lns put "l = [ \"a\" ]\n" after
  rm "l/1" ;
  set "l/#empty" ""
  = "l = []\n"

(* Test: a statement leaves with the blank lines before it *)
test Libvirt_client.lns put "a = 1\n\n# about b\nb = 2\n\nc = 3\n" after
  rm "c"
  = "a = 1\n\n# about b\nb = 2\n"

(* Test: new statements go on their own lines *)
test Libvirt_client.lns put "a = 1\n" after
  set "uri_default" "qemu:///system"
  = "a = 1\nuri_default = \"qemu:///system\"\n"

test Libvirt_client.lns put "a = 1" after
  rm "#noeol" ;
  set "uri_default" "qemu:///system"
  = "a = 1\nuri_default = \"qemu:///system\"\n"

test Libvirt_client.lns put "" after
  set "uri_aliases/1" "a=test:///default" ;
  set "uri_aliases/1/#ws" "\n  "
  = "uri_aliases = [\n  \"a=test:///default\",\n]\n"

(* Test: switching quotes when the value needs it *)
test Libvirt_client.lns put "uri_default = \"a\"\n" after
  set "uri_default/#quote" "'" ;
  set "uri_default" "x\"y"
  = "uri_default = 'x\"y'\n"
