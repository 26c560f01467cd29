# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Differential test: libvirt_conf against real libvirt (virsh 9.0 and 11.3, see virsh_oracle).

Texts generated from a fixed seed are written as an unprivileged user's
libvirt.conf; ``virsh -c test:///default uri`` reads and parses that file on
every connection.  For each text, parse() (then the 'uri_aliases' checks
libvirt makes while connecting) must accept it iff virsh does, and reject it
with the message virsh prints after 'error: '.
"""

import os
import pwd
import random
import shutil
import tempfile

import pytest

from ansible_collections.virtkit.libvirt_client.tests.helpers.as_nobody import run_as_nobody
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh_oracle import ORACLES, oracle

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as lc
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_host as libvirt_host

SEED = 20260309
GENERATED = 420
TEST_URI = 'test:///default'
CONNECT_FAILED = 'error: failed to connect to the hypervisor\n'


# ------------------------------------------------------------ virsh driver

class Virsh:
    """Runs an oracle's virsh as an unprivileged user against generated libvirt.conf files."""

    def __init__(self, base, oracle):
        self.oracle = oracle
        self.base = base
        self.count = 0
        # As root libvirt reads /etc/libvirt/libvirt.conf: run as nobody.
        self.user = 'nobody' if os.geteuid() == 0 else None
        self.prefix = ['nobody'] if self.user else []
        if self.user:
            pwd.getpwnam('nobody')

    def require(self):
        """The oracle's virsh version (the oracle fails the test when virsh is missing)."""
        return '%s (%s)' % (self.oracle.version, self.oracle.name)

    def config_home(self, key):
        home = os.path.join(self.base, f'h{key}')
        os.mkdir(home)
        os.chmod(home, 0o755)
        os.mkdir(os.path.join(home, 'libvirt'))
        os.chmod(os.path.join(home, 'libvirt'), 0o755)
        return home

    def job(self, home, name=TEST_URI):
        env = {'PATH': '/usr/bin:/bin', 'LC_ALL': 'C.UTF-8', 'XDG_CONFIG_HOME': home, 'HOME': home}
        return {'args': ['-c', name, 'uri'], 'env': env, 'user': self.user}

    @staticmethod
    def answer(answer):
        """Return (ok, text): the URI virsh printed, or the text after 'error: '."""
        if answer.rc == 0:
            assert answer.err == '', answer.err
            return True, answer.out.strip('\n')
        err = answer.err
        assert err.startswith(CONNECT_FAILED + 'error: ') and err.endswith('\n'), err
        return False, err[len(CONNECT_FAILED + 'error: '):-1]

    def run_many(self, calls):
        """calls: [(home, name)] -> [(ok, text)], in one batch."""
        self.count += len(calls)
        return [self.answer(a) for a in self.oracle.run_many([self.job(home, name) for home, name in calls])]

    def run(self, home, name=TEST_URI):
        return self.run_many([(home, name)])[0]


@pytest.fixture(scope='module', params=ORACLES)
def virsh(request):
    base = tempfile.mkdtemp(prefix='libvirt-conf-virsh-')
    os.chmod(base, 0o755)
    try:
        yield Virsh(base, oracle(request.param))
    finally:
        shutil.rmtree(base)


def expected_outcome(data, path, name=TEST_URI, version=None):
    """What libvirt_conf predicts virsh (of libvirt ``version``) answers for file bytes ``data``."""
    try:
        entries = lc.parse(data.decode('utf-8'), path, version)
        aliases = lc.get_string_list(entries, 'uri_aliases', path)
        uri = lc.find_alias(aliases, name)
    except lc.ConfError as exc:
        return False, exc.message
    return True, name if uri is None else uri


# ------------------------------------------------------------- generation

NAMES = ['a', 'uri_default', 'remote_mode', 'Key_2', 'x9', 'ABC', 'uri_default', 'tls_priority']
BAD_NAMES = ['_a', '9a', 'a-b', 'a.b', '\u00e9t\u00e9', '', '-', 'a b']
BLANKS = ['', ' ', '\t', '  ', ' \t ']
ODD_BLANKS = ['\x0b', '\x0c', '\u00a0', '\0']
EOLS = ['\n', '\r\n', '\r', '\n\n', '\r\n\r\n', ' \n\t\n']
WORDS = ['x', 'qemu:///system', 'it\'s', 'say "hi"', '#not a comment', '\u00e9\u4e2d', 'a;b', '[1]',
         'test:///default', '', ' ', 'C:\\dir', '\0nul']
ALIAS_ENTRIES = ['a=test:///default', 'hail=qemu+ssh://root@hail/system', 'x=y=z', '=test:///default',
                 'b-2_C=test:///default', 'noequals', 'bad alias=x', 'bad.alias=x', '\u00e9=x', 'a\0b=c', '']


class Gen:
    def __init__(self, rnd):
        self.r = rnd
        self.clean = False

    def bad(self, p):
        """Whether to put a (possibly) broken construct here; never in a clean text."""
        return not self.clean and self.r.random() < p

    def pick(self, seq):
        return self.r.choice(seq)

    def maybe(self, p):
        return self.r.random() < p

    def blanks(self):
        if self.bad(0.04):
            return self.pick(ODD_BLANKS)
        return self.pick(BLANKS)

    def lspace(self):
        """Whitespace allowed between list tokens (blanks and line ends)."""
        if self.maybe(0.3):
            return self.pick(BLANKS) + self.pick(EOLS) + self.pick(BLANKS)
        return self.blanks()

    def string(self, depth=0):
        word = self.pick(WORDS)
        kind = self.r.randrange(9 if self.clean else 10)
        if '\0' in word and self.clean:
            word = word.replace('\0', '')
        if kind < 4:
            if '"' in word:
                return f"'{word}'"
            return f'"{word}"'
        if kind < 7:
            if "'" in word:
                return f'"{word}"'
            return f"'{word}'"
        if kind < 9:
            body = word
            if self.maybe(0.6):
                body = word + self.pick(EOLS) + self.pick(WORDS)
            return f'"""{body}"""'
        # Broken strings.
        return self.pick([f'"{word}', f"'{word}", f'"""{word}', f'"{word}\n"',
                          f"'{word}\r'", f'"""{word}""', '""""""', '"a"b', '"""'])

    def number(self):
        kind = self.r.randrange(6 if self.clean else 10)
        if kind < 6:
            return self.pick(['', '', '+', '-']) + str(self.r.randrange(0, 10 ** self.r.randrange(1, 22)))
        return self.pick(['+', '-', '+-1', '--1', '0x1f', '1.5', '12abc', '1e3', '-x', '007'])

    def value(self, depth=0):
        kind = self.r.randrange(10 if self.clean else 12)
        if kind < 4 or (kind >= 7 and depth >= 3 and self.clean):
            return self.string()
        if kind < 7:
            return self.number()
        if kind < 10 and depth < 3:
            return self.list(depth + 1)
        return self.pick(['x', 'true', '', '#c', ']', ',', '(1)', '{}'])

    def list(self, depth):
        items = [self.value(depth) for dummy in range(self.r.randrange(0, 4))]
        text = '['
        for i, item in enumerate(items):
            text += self.lspace() + item + self.lspace()
            if i < len(items) - 1 or self.maybe(0.3):
                text += ',' if not self.bad(0.1) else self.pick(['', ',,'])
        if self.bad(0.05):
            text += self.lspace() + '# comment' + self.pick(EOLS)
        text += self.lspace()
        if not self.bad(0.07):
            text += ']'
        return text

    def aliases(self):
        entries = [self.pick(ALIAS_ENTRIES[:5] if self.clean else ALIAS_ENTRIES)
                   for dummy in range(self.r.randrange(0, 4))]
        if self.bad(0.3):
            return 'uri_aliases = ' + self.pick(['"a=b"', '1', '[1]', '["a=b", 2]', '[["a=b"]]', '[]'])
        parts = []
        for entry in entries:
            quote = "'" if '"' in entry else '"'
            parts.append(quote + entry + quote)
        return 'uri_aliases = [' + ', '.join(parts) + self.pick(['', ',']) + ']'

    def statement(self):
        kind = self.r.randrange(20)
        if kind == 0:
            return self.blanks() + '#' + self.pick(WORDS)
        if kind == 1:
            return self.aliases()
        name = self.pick(BAD_NAMES) if self.bad(0.05) else self.pick(NAMES)
        assign = self.pick(['', '==', '\n=']) if self.bad(0.05) else '='
        text = self.blanks() + name + self.blanks() + assign + self.blanks() + self.value()
        if self.maybe(0.2):
            text += self.blanks() + '#' + self.pick(WORDS)
        return text

    def separator(self):
        if self.bad(0.05):
            return self.pick([' ', '\t', ';;', ''])
        return self.blanks() + self.pick(EOLS + [';', '; ', ';\n']) + self.blanks()

    def text(self):
        self.clean = self.maybe(0.5)
        count = self.r.randrange(0, 6)
        heads = ['', '\n', '# head\n', '\r\n'] + ([] if self.clean else ['\ufeff'])
        text = self.pick(heads) if self.maybe(0.3) else ''
        for i in range(count):
            text += self.statement()
            if i < count - 1 or self.maybe(0.7):
                text += self.separator()
        if self.bad(0.15) and text:
            # Cut the text anywhere: end-of-file in every construct.
            text = text[:self.r.randrange(len(text) + 1)]
        if self.maybe(0.05):
            text += self.pick(['   ', '\n\t', '\r'] if text.strip(' \t\r\n') else [''])
        return text


HANDPICKED = [
    '', ' ', '\n', '\t\n \n', 'a=1', 'a=1 b=2', 'a=+', 'a=-', 'a=[1,]', 'a=[\n1,\n#c\n]', 'a=[1 #c\n]',
    'a=[[1,[2]],[]]', 'a=""""""', 'a=""""""\n', 'a="""x\n\n', 'a="""\n\n\n\n', 'a="""\u00e9\u00e9',
    'a="""\u00e9\u00e9"""', 'a="x\0y"', 'a=1\0', '\0', 'a=1;;', 'a=1\r\nb=2\r\nc=', 'a=1\rb=\r',
    'uri_aliases=["a=b", "c"]', 'uri_aliases=3\nuri_aliases=["a=b"]', 'uri_aliases=["a=b"]\nuri_aliases=3',
    'uri_aliases=["""a\nb"""]', 'uri_aliases=["\u00e9=x"]', 'uri_aliases=["a\0=b", "c"]',
    # 64-bit limits: libvirt 9.0 takes any number, later versions refuse overflow
    'a = 9223372036854775807', 'a = 9223372036854775808', 'a = -9223372036854775807', 'a = -9223372036854775808',
    'a = +18446744073709551616', 'a = 000000000000000000000000000001', 'a = 99999999999999999999x',
    'a = [1,\n 99999999999999999999 ]', 'a = 1\nb = 92233720368547758070 c',
]


def generated_texts():
    gen = Gen(random.Random(SEED))
    texts = list(HANDPICKED)
    seen = set(texts)
    attempts = 0
    while len(texts) < len(HANDPICKED) + GENERATED and attempts < GENERATED * 20:
        attempts += 1
        text = gen.text()
        if text not in seen:
            seen.add(text)
            texts.append(text)
    return texts


# ------------------------------------------------------------------ tests

def _compare(virsh, cases):
    """cases: list of (key, data bytes, connect name). Returns mismatches."""
    homes = []
    for key, data, name in cases:
        home = virsh.config_home(key)
        path = os.path.join(home, 'libvirt', 'libvirt.conf')
        with open(path, 'wb') as handle:
            handle.write(data)
        os.chmod(path, 0o644)
        homes.append((home, path))
    answers = virsh.run_many([(home, case[2]) for (home, dummy), case in zip(homes, cases)])
    results = []
    for case, (home, path), got in zip(cases, homes, answers):
        results.append((case, got, expected_outcome(case[1], path, case[2], virsh.oracle.version_tuple)))
        shutil.rmtree(home)
    return results, [(case[1], got, want) for case, got, want in results if got != want]


def test_parse_matches_virsh(virsh):
    version = virsh.require()
    texts = generated_texts()
    cases = [(f't{i}', text.encode('utf-8'), TEST_URI) for i, text in enumerate(texts)]
    results, mismatches = _compare(virsh, cases)
    accepted = sum(1 for dummy, got, want in results if got[0])
    print(f'compared {len(results)} texts with virsh {version}: {accepted} accepted, '
          f'{len(results) - accepted} rejected, {len(mismatches)} mismatches')
    assert len(results) >= 300
    # Both outcomes must be well represented, and every kind of syntax error seen.
    assert accepted >= 90 and len(results) - accepted >= 90
    whats = set()
    for dummy, got, want in results:
        if not got[0] and got[1].startswith(lc.SYNTAX_ERROR_PREFIX + '/'):
            whats.add(got[1].rsplit(': ', 1)[1])
    assert whats >= {'expecting a name', 'expecting an assignment', 'expecting a value',
                     'expecting a separator', 'expecting a separator in list',
                     'list is not closed with ]', 'unterminated string', 'unterminated number'}
    overflows = sum(1 for dummy, got, want in results if not got[0] and got[1].startswith(lc.OVERFLOW_ERROR_PREFIX))
    if lc.checks_overflow(virsh.oracle.version_tuple):
        assert overflows >= 6
    else:
        assert overflows == 0
    assert mismatches == []


ALIAS_FILE = (
    'uri_aliases = [\n'
    '  "first=test:///default",\n'
    '  "first=test:///nowhere",\n'
    '  "with-dash_9=test:///default",\n'
    '  "=test:///default",\n'
    '  "eq=test:///default?x=1",\n'
    '  "broken",\n'
    '  "never=test:///default",\n'
    ']\n'
)


BROKEN_ALIAS = ("configuration file syntax error: Malformed 'uri_aliases' config entry 'broken', "
                "expected 'alias=uri://host/path'")
ALIAS_ANSWERS = {
    'first': (True, 'test:///default'),
    'with-dash_9': (True, 'test:///default'),
    'eq': (True, 'test:///default?x=1'),
    'never': (False, BROKEN_ALIAS),
    'FIRST': (False, BROKEN_ALIAS),
    'test:///default': (False, BROKEN_ALIAS),
}


@pytest.mark.parametrize('name', sorted(ALIAS_ANSWERS))
def test_alias_walk_matches_virsh(virsh, name):
    """Lazy validation: a match before the malformed entry wins, anything else fails on it."""
    virsh.require()
    key = f'alias-{len(name)}' + name.replace('/', '_').replace(':', '_')
    results, mismatches = _compare(virsh, [(key, ALIAS_FILE.encode('utf-8'), name)])
    assert mismatches == []
    assert results[0][1] == ALIAS_ANSWERS[name]


def _file_case(virsh, key, prepare):
    """Lay out a config path with prepare(home, path); return (virsh's answer, read_file's answer, path)."""
    home = virsh.config_home(key)
    path = os.path.join(home, 'libvirt', 'libvirt.conf')
    prepare(home, path)
    try:
        return virsh.run(home), _read_file_as(virsh, path), path
    finally:
        for root, dirs, dummy in os.walk(home):
            for entry in dirs:
                os.chmod(os.path.join(root, entry), 0o755)
        shutil.rmtree(home)


def _read_file_as(virsh, path):
    """read_file's outcome in the terms of virsh, run as the user virsh runs as."""
    version = virsh.oracle.version_tuple

    def outcome():
        try:
            result = lc.read_file(path, version)
            if result is not None:
                aliases = lc.get_string_list(result[1], 'uri_aliases', path)
                lc.find_alias(aliases, TEST_URI)
        except lc.ConfError as exc:
            return False, exc.message
        return True, TEST_URI

    if not virsh.prefix:
        return outcome()
    return tuple(run_as_nobody(outcome))


def _write(path, data, mode=0o644):
    with open(path, 'wb') as handle:
        handle.write(data)
    os.chmod(path, mode)


FILE_CASES = {
    # name: (prepare(home, path), expected message or None when virsh connects)
    'missing': (lambda home, path: None, None),
    'dangling symlink': (lambda home, path: os.symlink(path + '.target', path), None),
    'symlink loop': (lambda home, path: os.symlink(path, path), None),
    'parent is a file': (lambda home, path: (
        shutil.rmtree(os.path.dirname(path)), _write(os.path.dirname(path), b'')), None),
    'parent not searchable': (lambda home, path: (
        _write(path, b'a =\n'), os.chmod(os.path.dirname(path), 0o700)), None),
    'unreadable': (lambda home, path: _write(path, b'a = 1\n', 0),
                   "Failed to open file '{path}': Permission denied"),
    'directory': (lambda home, path: os.mkdir(path, 0o755),
                  "Failed to read file '{path}': Is a directory"),
    'exactly 10 MiB': (lambda home, path: _write(path, b'#' + b'x' * (lc.MAX_CONFIG_FILE_SIZE - 1)), None),
    'over 10 MiB': (lambda home, path: _write(path, b'#' + b'x' * lc.MAX_CONFIG_FILE_SIZE),
                    "Failed to read file '{path}': Value too large for defined data type"),
    'syntax error': (lambda home, path: _write(path, b'# c\r\nuri_default = "x"\r\nb = [1,\r\n'),
                     'configuration file syntax error: {path}:4: expecting a value'),
}


@pytest.mark.parametrize('case', sorted(FILE_CASES))
def test_read_file_matches_virsh(virsh, case):
    virsh.require()
    prepare, message = FILE_CASES[case]
    got, mine, path = _file_case(virsh, 'file-' + case.replace(' ', '-'), prepare)
    assert mine == got
    if message is None:
        assert got == (True, TEST_URI)
    else:
        assert got == (False, message.format(path=path))


@pytest.mark.parametrize('version, outcome', [
    ((9, 0, 0), 18446744073709551616),
    (lc.OVERFLOW_CHECK_SINCE, 'numerical overflow: /p:2: numeric overflow in conf value'),
    ((11, 3, 0), 'numerical overflow: /p:2: numeric overflow in conf value'),
])
def test_overflow_follows_the_version_given(version, outcome):
    """The rule the differential test found, without virsh: which version is asked decides."""
    text = 'a = 1\nb = [ 18446744073709551616 ]\n'
    if isinstance(outcome, int):
        assert lc.parse(text, '/p', version)[1].value.value[0].value == outcome
    else:
        with pytest.raises(lc.ConfSyntaxError) as info:
            lc.parse(text, '/p', version)
        assert (info.value.message, info.value.line, info.value.what) == (outcome, 2, lc.OVERFLOW_WHAT)
        # rebuilt from line and what (as libvirt_uri_info does across a fork), the message is the same
        assert lc.ConfSyntaxError('/p', 2, lc.OVERFLOW_WHAT).message == outcome


def test_host_libvirt_version_is_the_machines_virsh():
    assert '.'.join(str(part) for part in libvirt_host.libvirt_version()) == oracle('host').version
