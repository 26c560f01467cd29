# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Reader for libvirt's client configuration file (libvirt.conf).

This is a pure-Python parser that accepts exactly the texts libvirt's
configuration parser accepts, and rejects the others with the same message
and the same line number (compared with libvirt 9.0 and 11.3; where they
differ, see ``OVERFLOW_CHECK_SINCE``, the parser follows the libvirt version
it is given, by default the one installed on the host it runs on).  It also
provides the accessors libvirt's client uses on that file (first occurrence
of a key wins, string and string-list typing) and the ``uri_aliases`` entry
rules.

Every error is a ``ConfError`` whose ``message`` is the text ``virsh``
prints after ``error: `` for the same file, for example::

    configuration file syntax error: /etc/libvirt/libvirt.conf:3: expecting a value
    internal error: /etc/libvirt/libvirt.conf: expected a string for 'uri_default' parameter
    Failed to open file '/etc/libvirt/libvirt.conf': Permission denied

Notes on how the text is handled:

* The parser works on the UTF-8 encoding of the text, like libvirt works on
  the file's bytes, so positional rules that count bytes (a triple-quoted
  string needs at least seven bytes left at its opening quotes) give the
  same answer for non-ASCII text.
* Only ``\\n`` counts lines; ``\\r`` ends a statement or a string but does
  not count, so a CRLF file reports the same line numbers as an LF file.
* A NUL character is an ordinary character to the grammar (libvirt parses
  the whole length of the file), but libvirt copies strings and comments as
  C strings, so their text ends at the first NUL.  ``Value.value`` and
  ``Entry.comment`` are cut the same way; ``Value.raw`` keeps the full text
  between the quotes.
* Integers keep their exact value (no caller here reads integers).  libvirt
  stores a 64-bit integer: before OVERFLOW_CHECK_SINCE it does not check for
  overflow; from that version on, a number whose digits exceed 2**63 - 1
  (whatever its sign) fails with ``numerical overflow: PATH:LINE: numeric
  overflow in conf value`` as soon as the digit that overflows is read.
* ``read_file`` only accepts UTF-8 files: libvirt itself reads any bytes,
  but a file that is not UTF-8 text is refused here with a clear message
  rather than being edited or resolved on a guess.
"""

import errno
import os
import re

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_host as libvirt_host
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import LibvirtClientError


MAX_CONFIG_FILE_SIZE = 10 * 1024 * 1024
#: The settings the collection manages: the list of aliases and the default URI.
ALIASES_KEY = 'uri_aliases'
DEFAULT_KEY = 'uri_default'

# Characters allowed in the alias part of a 'uri_aliases' entry (a regular
# expression character class, ASCII only, like libvirt's URI_ALIAS_CHARS).
ALIAS_NAME_CHARS = '[A-Za-z0-9_-]'
ALIAS_NAME_RE = re.compile(r'\A' + ALIAS_NAME_CHARS + r'*\Z')

# Prefixes libvirt's error reporting puts in front of the messages.
SYNTAX_ERROR_PREFIX = 'configuration file syntax error: '
INTERNAL_ERROR_PREFIX = 'internal error: '
OVERFLOW_ERROR_PREFIX = 'numerical overflow: '

# The first libvirt release whose parser refuses integers beyond 64 bits
# (libvirt 9.0 accepts them, 11.3 refuses them; like _libvirt_uri, the
# releases in between, not tested here, are taken to behave like 11.3).
OVERFLOW_CHECK_SINCE = (9, 1, 0)
OVERFLOW_WHAT = 'numeric overflow in conf value'
_LLONG_MAX = 2 ** 63 - 1

_TYPE_STRING = 'string'
_TYPE_INT = 'int'
_TYPE_LIST = 'list'

# Byte values used by the scanner.
_NL = 0x0A
_CR = 0x0D
_SP = 0x20
_TAB = 0x09
_NUL = 0x00
_HASH = 0x23
_DQUOTE = 0x22
_SQUOTE = 0x27
_EQUALS = 0x3D
_SEMI = 0x3B
_COMMA = 0x2C
_LBRACKET = 0x5B
_RBRACKET = 0x5D
_PLUS = 0x2B
_MINUS = 0x2D
_UNDERSCORE = 0x5F

_EOL_RE = re.compile(b'[\r\n]')
_DQ_END_RE = re.compile(b'["\r\n]')
_SQ_END_RE = re.compile(b"['\r\n]")
_LEAD_BYTE_RE = re.compile(b'[\xc0-\xff]')


class ConfError(LibvirtClientError):
    """Error reading libvirt.conf or using one of its values.

    ``message`` is libvirt's full wording (what ``virsh`` prints after
    ``error: ``); ``detail`` is the same text without libvirt's error-class
    prefix (``internal error: `` or ``configuration file syntax error: ``);
    ``path`` is the file concerned when there is one.
    """

    rule = 'config'

    def __init__(self, message, path=None, detail=None):
        super().__init__(message)
        self.path = path
        self.detail = message if detail is None else detail


class ConfSyntaxError(ConfError):
    """The file's text is not accepted by libvirt's parser."""

    def __init__(self, path, line, what):
        detail = '{}:{}: {}'.format(path, line, what)
        # libvirt reports an overflowing number with its own error class.
        prefix = OVERFLOW_ERROR_PREFIX if what == OVERFLOW_WHAT else SYNTAX_ERROR_PREFIX
        super().__init__(prefix + detail, path=path, detail=detail)
        self.line = line
        self.what = what


class _Compared:
    """Equality on ``_key()``, and the matching ``__ne__`` and no hash (Python 2 needs both spelled out)."""

    __slots__ = ()

    def _key(self):
        raise NotImplementedError

    def __eq__(self, other):
        if not isinstance(other, type(self)):
            return NotImplemented
        return self._key() == other._key()

    def __ne__(self, other):
        result = self.__eq__(other)
        if result is NotImplemented:
            return result
        return not result

    __hash__ = None


class Value(_Compared):
    """One parsed value.

    ``type`` is 'string', 'int' or 'list'; ``value`` is the text, the
    integer or the list of ``Value``; ``quote`` is the opening delimiter of a
    string ('"', "'" or '\"\"\"', None for other types); ``raw`` is the full
    text between a string's quotes (``value`` stops at a NUL, like libvirt);
    ``line`` is the line where the value starts; ``start``/``end`` are the
    character offsets of the value (quotes and brackets included) in the
    parsed text.  Values compare equal on type, value and quote (not on
    position).
    """

    __slots__ = ('end', 'line', 'quote', 'raw', 'start', 'type', 'value')

    def __init__(self, kind, value, quote=None, raw=None, line=None, start=None, end=None):
        self.type = kind
        self.value = value
        self.quote = quote
        self.raw = raw
        self.line = line
        self.start = start
        self.end = end

    def plain(self):
        """The value as plain Python data (text, int or nested lists)."""
        if self.type == _TYPE_LIST:
            return [item.plain() for item in self.value]
        return self.value

    def _key(self):
        return (self.type, self.value, self.quote)

    def __repr__(self):
        if self.type == _TYPE_STRING:
            return 'Value(string {}{!r}, line {!r})'.format(self.quote, self.value, self.line)
        return 'Value({} {!r}, line {!r})'.format(self.type, self.value, self.line)


class Entry(_Compared):
    """One statement of the file, or a comment on a line of its own.

    ``name`` is None for a whole-line comment; ``value`` is a ``Value``
    (None for a whole-line comment); ``comment`` is the text after ``#``
    (for a statement: its trailing comment, or None); ``line`` is the line
    where the entry starts; ``start``/``end`` are character offsets in the
    parsed text (from the name or ``#`` to the end of the value or comment).
    Entries compare equal on name, value and comment (not on position).
    """

    __slots__ = ('comment', 'end', 'line', 'name', 'start', 'value')

    def __init__(self, name, value, comment, line, start=None, end=None):
        self.name = name
        self.value = value
        self.comment = comment
        self.line = line
        self.start = start
        self.end = end

    def _key(self):
        return (self.name, self.value, self.comment)

    def __repr__(self):
        return 'Entry({!r}, {!r}, comment={!r}, line={!r})'.format(self.name, self.value, self.comment, self.line)


def _is_digit(c):
    return 0x30 <= c <= 0x39


def _is_alpha(c):
    return 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def _is_blank(c):
    return c == _SP or c == _TAB


def _is_eol(c):
    return c == _NL or c == _CR


def _c_string(text):
    """Text as libvirt keeps it after copying it as a C string."""
    nul = text.find('\0')
    if nul >= 0:
        return text[:nul]
    return text


class _Parser:
    """Scanner following libvirt's virConfParse step by step.

    ``buf`` is the UTF-8 encoding of the text followed by one NUL byte: the
    buffer libvirt parses is NUL-terminated too, and several of its checks
    read the byte at the end position.
    """

    def __init__(self, data, path, libvirt_version=None):
        self.libvirt_version = libvirt_version
        self.buf = bytearray(data)
        self.end = len(self.buf)
        self.buf.append(_NUL)
        self.cur = 0
        self.line = 1
        self.path = path
        self.entries = []
        # Byte offsets of the non-ASCII characters, for byte -> character
        # offset conversion.
        self._wide = None

    # -- helpers --------------------------------------------------------

    def error(self, what):
        raise ConfSyntaxError(self.path, self.line, what)

    def c(self):
        return self.buf[self.cur]

    def advance(self):
        if self.cur < self.end:
            self.cur += 1

    def text(self, start, stop):
        return bytes(self.buf[start:stop]).decode('utf-8')

    def char_offset(self, pos):
        if self._wide is None:
            # (offset just past the character, extra bytes so far) for each
            # multi-byte character, found from its lead byte.
            self._wide = []
            extra = 0
            for match in _LEAD_BYTE_RE.finditer(self.buf, 0, self.end):
                lead = self.buf[match.start()]
                size = 4 if lead >= 0xF0 else 3 if lead >= 0xE0 else 2
                extra += size - 1
                self._wide.append((match.start() + size, extra))
        if not self._wide:
            return pos
        # Number of extra bytes of the wide characters ending at or before pos.
        lo, hi = 0, len(self._wide)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._wide[mid][0] <= pos:
                lo = mid + 1
            else:
                hi = mid
        if lo == 0:
            return pos
        return pos - self._wide[lo - 1][1]

    def skip_blanks(self):
        buf = self.buf
        while self.cur < self.end and _is_blank(buf[self.cur]):
            self.cur += 1

    def skip_blanks_and_eol(self):
        buf = self.buf
        while self.cur < self.end:
            c = buf[self.cur]
            if c == _NL:
                self.line += 1
            elif not (c == _SP or c == _TAB or c == _CR):
                break
            self.cur += 1

    def startswith_triple(self, pos):
        buf = self.buf
        return buf[pos] == _DQUOTE and buf[pos + 1] == _DQUOTE and buf[pos + 2] == _DQUOTE

    # -- grammar --------------------------------------------------------

    def parse(self):
        while self.cur < self.end:
            self.parse_statement()
            self.parse_separator()
        return self.entries

    def parse_separator(self):
        self.skip_blanks()
        if self.cur >= self.end:
            return
        c = self.c()
        if _is_eol(c):
            self.skip_blanks_and_eol()
        elif c == _SEMI:
            self.advance()
            self.skip_blanks_and_eol()
        else:
            self.error('expecting a separator')

    def find_eol(self, pos, pattern=_EOL_RE):
        """Position of the first byte matching pattern from pos, else the end."""
        match = pattern.search(self.buf, pos, self.end)
        return self.end if match is None else match.start()

    def parse_comment_text(self):
        """At '#': return the comment text and leave cur at the end of line."""
        self.advance()
        base = self.cur
        self.cur = self.find_eol(base)
        return _c_string(self.text(base, self.cur))

    def parse_statement(self):
        self.skip_blanks_and_eol()
        if self.c() == _HASH:
            line = self.line
            start = self.cur
            comment = self.parse_comment_text()
            self.entries.append(Entry(None, None, comment, line,
                                      self.char_offset(start), self.char_offset(self.cur)))
            return
        self.skip_blanks()
        line = self.line
        start = self.cur
        name = self.parse_name()
        self.skip_blanks()
        if self.c() != _EQUALS:
            self.error('expecting an assignment')
        self.advance()
        self.skip_blanks()
        value = self.parse_value()
        stop = self.cur
        self.skip_blanks()
        comment = None
        if self.c() == _HASH:
            comment = self.parse_comment_text()
            stop = self.cur
        self.entries.append(Entry(name, value, comment, line,
                                  self.char_offset(start), self.char_offset(stop)))

    def parse_name(self):
        self.skip_blanks()
        base = self.cur
        if not _is_alpha(self.c()):
            self.error('expecting a name')
        buf = self.buf
        while self.cur < self.end:
            c = buf[self.cur]
            if not (_is_alpha(c) or _is_digit(c) or c == _UNDERSCORE):
                break
            self.cur += 1
        return self.text(base, self.cur)

    def parse_value(self):
        self.skip_blanks()
        if self.cur >= self.end:
            self.error('expecting a value')
        line = self.line
        start = self.cur
        c = self.c()
        if c == _DQUOTE or c == _SQUOTE:
            quote, raw = self.parse_string()
            return Value(_TYPE_STRING, _c_string(raw), quote, raw, line,
                         self.char_offset(start), self.char_offset(self.cur))
        if c == _LBRACKET:
            items = self.parse_list()
            return Value(_TYPE_LIST, items, None, None, line,
                         self.char_offset(start), self.char_offset(self.cur))
        if _is_digit(c) or c == _MINUS or c == _PLUS:
            number = self.parse_long()
            return Value(_TYPE_INT, number, None, None, line,
                         self.char_offset(start), self.char_offset(self.cur))
        self.error('expecting a value')

    def parse_list(self):
        items = []
        self.advance()
        self.skip_blanks_and_eol()
        if self.cur < self.end and self.c() != _RBRACKET:
            items.append(self.parse_value())
            self.skip_blanks_and_eol()
        while self.cur < self.end and self.c() != _RBRACKET:
            if self.c() != _COMMA:
                self.error('expecting a separator in list')
            self.advance()
            self.skip_blanks_and_eol()
            if self.c() == _RBRACKET:
                break
            items.append(self.parse_value())
            self.skip_blanks_and_eol()
        if self.c() == _RBRACKET:
            self.advance()
        else:
            self.error('list is not closed with ]')
        return items

    def parse_long(self):
        neg = False
        c = self.c()
        if c == _MINUS:
            neg = True
            self.advance()
        elif c == _PLUS:
            self.advance()
        if self.cur >= self.end or not _is_digit(self.c()):
            self.error('unterminated number')
        number = 0
        buf = self.buf
        while self.cur < self.end and _is_digit(buf[self.cur]):
            number = number * 10 + (buf[self.cur] - 0x30)
            if number > _LLONG_MAX and checks_overflow(self.libvirt_version):
                self.error(OVERFLOW_WHAT)
            self.cur += 1
        return -number if neg else number

    def parse_string(self):
        buf = self.buf
        if self.c() == _SQUOTE:
            return "'", self.parse_short_string(_SQUOTE)
        if self.cur + 6 < self.end and self.startswith_triple(self.cur):
            self.cur += 3
            base = self.cur
            # libvirt steps byte by byte while cur + 2 < end, counting '\n',
            # until cur starts '"""'; so the closing quotes must lie wholly
            # before the end, and when there are none it stops two bytes
            # short of the end (line breaks there are not counted).
            close = buf.find(b'"""', base, self.end)
            stop = self.end - 2 if close < 0 else close
            self.line += buf.count(b'\n', base, stop)
            self.cur = stop
            if close < 0:
                self.error('unterminated string')
            raw = self.text(base, self.cur)
            self.cur += 3
            return '"""', raw
        return '"', self.parse_short_string(_DQUOTE)

    def parse_short_string(self, quote):
        self.advance()
        base = self.cur
        self.cur = self.find_eol(base, _SQ_END_RE if quote == _SQUOTE else _DQ_END_RE)
        if self.c() != quote:
            self.error('unterminated string')
        raw = self.text(base, self.cur)
        self.advance()
        return raw


def checks_overflow(version=None):
    """Whether libvirt ``version`` (default: this host's; newest rules without libvirt) refuses 64-bit overflow."""
    if version is None:
        version = libvirt_host.libvirt_version()
    return version is None or tuple(version) >= OVERFLOW_CHECK_SINCE


def parse(text, path, libvirt_version=None):
    """Parse the text of a libvirt configuration file.

    ``path`` is only used in error messages.  Returns the list of ``Entry``
    in file order; raises ``ConfSyntaxError`` where libvirt's parser fails.
    Byte strings are taken as UTF-8.  ``libvirt_version`` ((major, minor,
    micro)) is the libvirt whose rules apply where versions differ; by
    default the one on this host, looked up only when it matters.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode('utf-8')
        except UnicodeDecodeError as exc:
            raise _not_utf8(path, exc)
    try:
        data = text.encode('utf-8')
    except UnicodeEncodeError as exc:
        message = "Cannot parse '{}': the text holds a character that is not valid Unicode ({})".format(
            path, exc.reason)
        raise ConfError(message, path=path)
    return _Parser(data, path, libvirt_version).parse()


def _not_utf8(path, exc):
    bad = bytearray(exc.object[exc.start:exc.start + 1])
    message = "File '{}' is not UTF-8 text: invalid byte 0x{:02x} at offset {}".format(path, bad[0], exc.start)
    return ConfError(message, path=path)


def _system_error(action, path, err):
    message = "Failed to {} file '{}': {}".format(action, path, os.strerror(err))
    return ConfError(message, path=path)


def read_file(path, libvirt_version=None):
    """Read and parse a libvirt configuration file the way libvirt does.

    Returns ``(text, entries)``, or None when libvirt would see no file
    (``access(path, F_OK)`` fails: missing file, dangling symbolic link, a
    parent that is missing, not a directory or not searchable).  Raises
    ``ConfError`` with libvirt's wording when the file cannot be opened or
    read (a directory, more than MAX_CONFIG_FILE_SIZE bytes), when it is not
    UTF-8 text, and ``ConfSyntaxError`` when it does not parse.
    """
    if not os.access(path, os.F_OK):
        return None
    try:
        # O_NONBLOCK: a FIFO without writer reads as empty instead of hanging.
        fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NONBLOCK', 0))
    except (IOError, OSError) as exc:
        raise _system_error('open', path, exc.errno)
    try:
        chunks = []
        size = 0
        limit = MAX_CONFIG_FILE_SIZE + 1
        while size < limit:
            try:
                chunk = os.read(fd, min(limit - size, 1024 * 1024))
            except (IOError, OSError) as exc:
                if exc.errno == errno.EINTR:
                    continue
                if exc.errno == errno.EAGAIN:
                    break
                raise _system_error('read', path, exc.errno)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > MAX_CONFIG_FILE_SIZE:
        raise _system_error('read', path, errno.EOVERFLOW)
    data = b''.join(chunks)
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, exc)
    return text, _Parser(data, path, libvirt_version).parse()


def get_value(entries, name):
    """The ``Value`` of the first entry called ``name`` (libvirt reads the first), or None."""
    for entry in entries or ():
        if entry.name is not None and entry.name == name:
            return entry.value
    return None


def get_string(entries, name, path):
    """Text of setting ``name``, None when absent; ConfError when it is not a string."""
    value = get_value(entries, name)
    if value is None:
        return None
    if value.type != _TYPE_STRING:
        detail = "{}: expected a string for '{}' parameter".format(path, name)
        raise ConfError(INTERNAL_ERROR_PREFIX + detail, path=path, detail=detail)
    return value.value


def get_string_list(entries, name, path):
    """Texts of list setting ``name``, None when absent.

    Raises ConfError with libvirt's wording when the value is not a list
    (an internal error in libvirt) or holds something other than a string
    (a syntax error in libvirt).
    """
    value = get_value(entries, name)
    if value is None:
        return None
    detail = "{}: expected a string list for '{}' parameter".format(path, name)
    if value.type != _TYPE_LIST:
        raise ConfError(INTERNAL_ERROR_PREFIX + detail, path=path, detail=detail)
    for item in value.value:
        if item.type != _TYPE_STRING:
            raise ConfError(SYNTAX_ERROR_PREFIX + detail, path=path, detail=detail)
    return [item.value for item in value.value]


def split_alias_entry(entry):
    """Split one 'uri_aliases' entry into ``(alias, uri)`` like libvirt.

    The alias is the text before the first '=', the URI everything after it.
    Raises ConfError with libvirt's message when there is no '=' or the
    alias holds a character outside ALIAS_NAME_CHARS.
    """
    entry = _c_string(entry)
    offset = entry.find('=')
    if offset < 0:
        detail = "Malformed 'uri_aliases' config entry '{}', expected 'alias=uri://host/path'".format(entry)
        raise ConfError(SYNTAX_ERROR_PREFIX + detail, detail=detail)
    alias = entry[:offset]
    if not ALIAS_NAME_RE.match(alias):
        detail = "Malformed 'uri_aliases' config entry '{}', aliases may only contain 'a-Z, 0-9, _, -'".format(entry)
        raise ConfError(SYNTAX_ERROR_PREFIX + detail, detail=detail)
    return alias, entry[offset + 1:]


def find_alias(aliases, name):
    """Resolve ``name`` through a 'uri_aliases' list like libvirt.

    Walks the entries in order: the first entry whose alias equals ``name``
    wins and the entries after it are never checked; a malformed entry met
    before a match raises ConfError.  Returns the URI, or None when nothing
    matches (or the list is None or empty).
    """
    for entry in aliases or ():
        alias, uri = split_alias_entry(entry)
        if alias == name:
            return uri
    return None


def quote_for(text):
    """The quote to write ``text`` as a one-line string libvirt reads back unchanged.

    '"' unless the text holds '"', then "'".  Raises ValueError when the
    text holds both quotes, a line break (CR or LF) or a NUL, which no
    one-line libvirt string can carry.
    """
    if '\n' in text or '\r' in text:
        raise ValueError('{!r} cannot be written as a libvirt string: it holds a line break'.format(text))
    if '\0' in text:
        raise ValueError('{!r} cannot be written as a libvirt string: it holds a NUL character'.format(text))
    if '"' not in text:
        return '"'
    if "'" not in text:
        return "'"
    raise ValueError('{!r} cannot be written as a libvirt string: it holds both \' and " '
                     '(libvirt strings have no escapes)'.format(text))


def alias_part(entry):
    """The text before the first '=', or the whole entry when it has none."""
    return entry.split('=', 1)[0]


def summarize(entries, path):
    """Aliases, malformed entries and uri_default of parsed entries."""
    aliases = []
    malformed = []
    for entry in get_string_list(entries, ALIASES_KEY, path) or []:
        try:
            name, uri = split_alias_entry(entry)
        except ConfError as exc:
            malformed.append((entry, exc.message))
        else:
            aliases.append({'name': name, 'uri': uri})
    default = get_value(entries, DEFAULT_KEY)
    if default is not None and default.type != 'string':
        malformed.append((None, "%s: expected a string for '%s' parameter: every connection made without a URI "
                                "fails; set uri_default to fix it" % (path, DEFAULT_KEY)))
        default = None
    return aliases, malformed, default and default.value
