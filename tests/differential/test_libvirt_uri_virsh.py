# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""module_utils/_libvirt_uri.py against real virsh 9.0 and 11.3 (virsh_oracle).

Every URI of CORPUS is given to ``virsh -c URI uri`` (empty libvirt.conf) and as the
target of an alias in libvirt.conf; check_connect_uri must refuse exactly what libvirt
refuses before contacting a driver, with libvirt's message, accept what virsh accepts,
and build_uri(**parse_uri(u)) must be the URI virsh prints.  The encoding of parameters
is compared with the name libvirt's remote driver logs when it reformats a URI.  The
tables and round trips are in tests/unit/plugins/module_utils/test_libvirt_uri.py.
"""

import os
import re
import shutil
import tempfile

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_uri as lu
from ansible_collections.virtkit.libvirt_client.tests.helpers.libvirt_oracle import PRE_DRIVER
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh_oracle import (
    ORACLES,
    oracle,
    uri_answer,
)
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_uri import (
    URIError,
    check_connect_uri,
    parse_uri,
)
from ansible_collections.virtkit.libvirt_client.plugins.plugin_utils._libvirt_uri_build import build_uri
from ansible_collections.virtkit.libvirt_client.tests.unit.plugins.module_utils.test_libvirt_uri import (
    CONNECT_ONLY_RULES,
    refusal,
)


TEST_XML = '<node>\n</node>\n'

# URIs given to `virsh -c URI uri` and as alias targets.  '{dir}' is a
# directory holding n.xml and 'a:b x.xml', both minimal test-driver nodes.
# Nothing here makes libvirt look a host name up: hosts are loopback
# addresses, ssh runs /bin/false (command=), and TLS stops at the missing
# CA certificate (pkipath=/nonexistent) before any connection.
CORPUS = [
    # accepted by virsh (test driver): the printed URI is the canonical form
    'test:///default', 'test:/default', 'test:///default?x=1', 'test:///default?x=%2F&y=/;z',
    'test:///default#frag', 'test:///default#f%41', 'test:///%64efault', 'test://:5/default',
    'test://u@/default', 'test://@/default', 'test:///default?no_verify=x&mode=bad&proxy=x',
    'test:///default?', 'test:///default?a', 'test:///default?a=1;b=2&c=3', 'test:///default?=x&&y',
    'test:///default%00junk', 'test:///default?q=%00', 'test:///default#%FF', 'test:///default#[x]',
    'test:///{dir}/n.xml', 'test:/{dir}/n.xml', 'test:///{dir}/a:b%20x.xml',
    'test:///{dir}/a%3Ab%20x.xml', 'test:///{dir}/%6E.xml?no_tty=x',
    # refused before any driver: syntax
    'foo', '/foo', '//h/x', '?x', '#x', ':foo', '1qemu:///system', 'q_emu:///system',
    'test:///default x', 'test:///a%zz', 'test://h:/x', 'test://host:abc/default',
    'test://::1/default', 'qemu+ssh://fe80::1/system', 'qemu+ssh://2001:db8::1/system',
    'test://[x/', 'test:///x#a#b', 'test:///x?[]', 'test:///a^b', 'test://a@b@c/x',
    'test://h:1:2/x', 'test://%/x', 'test://host:99999999999/x', 'test:///caf\u00e9',
    'qemu:///system"x', 'test:///x?a={b}', 'qemu+ssh://ho^st/system',
    # the qemu://system mistake
    'qemu://system', 'qemu://session', 'qemu://syst%65m', 'qemu://system/', 'qemu://system?x=1',
    'qemu://u@system/', 'qemu://system:22', 'vbox://session', 'vz://system', 'vz://session/',
    # embedded driver URIs
    'test:///embed', 'test:///embed?root=rel', 'qemu:///embed', 'qemu:///embed?root=tmp',
    'qemu:///embed?ROOT=/tmp', 'qemu:///embed?root=', 'qemu:///embed?root', 'qemu:///%65mbed',
    'QEMU:///embed?root=/tmp/x', 'qemu+ssh:///embed?root=/tmp',
    # the case of root= (libvirt 9.0: 'root' only; 11.3: any case, the first one)
    'qemu:///embed?Root=rel', 'qemu:///embed?ROOT=/x&root=rel', 'qemu:///embed?root=rel&ROOT=/x',
    # test and esx drivers
    'test:', 'test://', 'test:///', 'esx:///', 'vpx:///', 'gsx:///?x=1', 'vpx://127.0.0.1/',
    'openvz:///system?no_verify=x', 'vmwareplayer:///session?no_verify=x',
    'esx://127.0.0.1:1/?no_verify=1&auto_answer=0&transport=https&proxy=socks5://127.0.0.1:1',
    # remote driver: transport
    'qemu+unix://h/system', 'qemu+UNIX://h/system', 'qemu+unix://[::1]/system', 'qemu+:///system',
    'qemu+ssh+x:///system', 'qemu+bogus:///system', 'qemu+unix://h/system?no_verify=q',
    # remote driver: parameters
    'qemu:///system?no_verify=x', 'qemu:///system?no_verify=', 'qemu:///system?no_verify',
    'qemu:///system?NO_VERIFY=x', 'qemu:///system?no_tty=2147483648', 'qemu:///system?no_tty=0x1',
    'qemu:///system?no_tty=1&no_tty=x', 'qemu:///system?no_sanity=1.0',
    'qemu:///system?mode=bogus', 'qemu:///system?mode=DIRECT', 'qemu:///system?proxy=bogus',
    'qemu:///system?mode=direct&no_verify=z', 'qemu:///system?mode=auto&mode=bad',
    'qemu+ssh://127.0.0.1/system?mode=direct', 'qemu+libssh://127.0.0.1/system?mode=direct',
    'qemu+libssh2:///system?mode=direct', 'qemu+SSH://[::1]/system?mode=direct',
    'qemu+ext:///system', 'qemu+ext:///system?x=1', 'qemu+ext:///system?mode=bad',
    'qemu+ext:///system?no_verify=q', 'QEMU://system?pkipath=/nonexistent&no_verify=x',
    # accepted, and fail later for want of a daemon, a server or a certificate
    'QEMU://system?pkipath=/nonexistent', 'qemu:///system?mode=bad&mode=auto',
    'qemu+ssh://u@127.0.0.1:0/system?command=/bin/false', 'qemu+tcp://127.0.0.1:1/system',
    'qemu+tls://127.0.0.1/system?pkipath=/nonexistent', 'remote://127.0.0.1/?pkipath=/nonexistent',
    'qemu+ext:///system?command=/bin/false', 'qemu+ext:///system?COMMAND=/bin/false',
    'qemu+ssh://root@hail.cloud.example.com/system?command=/bin/false',
    'qemu+ssh://u@[::1]:2222/system?keyfile=/k&command=/bin/false',
    'qemu+libssh://127.0.0.1:1/system', 'qemu+libssh2://127.0.0.1:1/system?known_hosts=/k',
    'qemu:///system', 'qemu:///session', 'lxc:///', 'xen:///system', 'bhyve:///system',
    'qemu:///system?no_tty=-2147483648', 'qemu:///system?no_verify=%201',
    'qemu:///system?no_verify=+1', 'qemu:///system?mode=legacy&proxy=native',
    'qemu+unix:///system?socket=/nonexistent/sock&mode=direct',
    'qemu+tcp://127.0.0.1:1/system?mode=direct',
    'qemu+ext:///system?command=/bin/false&mode=direct',
    'qemu+ext://a%2Fb:99999/system?command=/bin/false', 'qemu+ext://[zz]/system?command=/bin/false',
    'test://[::1]/default?pkipath=/nonexistent', 'qemu:///embed?root=/nonexistent/embed&mode=x',
    # refused here although libvirt only fails later (DELIBERATE below)
    'qemu+ext:///system?command=', 'qemu+ssh://@127.0.0.1/system?command=/bin/false',
    'qemu+tls://[::1]:99999/system?pkipath=/nonexistent',
    'qemu+tls://[v1.x]/system?pkipath=/nonexistent',
    'qemu+tls://a%2Fb/system?pkipath=/nonexistent',
    'esx://127.0.0.1/?no_verify=x', 'esx://127.0.0.1/?transport=HTTP',
    'gsx://127.0.0.1/?proxy=ftp://p', 'vpx://127.0.0.1/dc/c?auto_answer=2',
]

# Refused by check_connect_uri with a rule of its own; libvirt parses these
# and then fails when it runs the command, logs in or resolves the host.
DELIBERATE = {
    'qemu+ext:///system?command=': 'ext-command',
    'qemu+ssh://@127.0.0.1/system?command=/bin/false': 'user',
    'qemu+tls://[::1]:99999/system?pkipath=/nonexistent': 'port',
    'qemu+tls://[v1.x]/system?pkipath=/nonexistent': 'ipv6',
    'qemu+tls://a%2Fb/system?pkipath=/nonexistent': 'host',
    # the esx driver refuses these parameters, and libvirt 9.0 then crashes
    'esx://127.0.0.1/?no_verify=x': 'esx',
    'esx://127.0.0.1/?transport=HTTP': 'esx',
    'gsx://127.0.0.1/?proxy=ftp://p': 'esx',
    'vpx://127.0.0.1/dc/c?auto_answer=2': 'esx',
}

# Where libvirt 7.0 (Debian 11) answers otherwise and the collection keeps the stricter answer
# of the later releases on purpose, on every version:
# - an alias whose target does not parse makes virsh 7.0 abort (glibc: "free(): double free
#   detected in tcache 2", "double free or corruption"): libvirt 7.0 frees the parsed URI twice
#   on that path.  The collection refuses such a target with 9.0's message, so it never writes
#   one into a file that would crash every libvirt 7.0 client naming the alias.
# - Debian 11's libxml2 (2.9.10) wraps a port beyond 2**31 instead of refusing it, so libvirt
#   7.0 goes on to the driver; the collection refuses the port (out of range) as 9.0 does.
ABORTS_7_0 = ('free(): double free detected', 'double free or corruption')
PORT_WRAPS_7_0 = ('test://host:99999999999/x',)

# Prefixes libvirt puts before a message according to its error code.
ERROR_CLASSES = ('internal error: ', 'invalid argument: ', 'unsupported configuration: ',
                 'Operation not supported: ')


class Virsh:
    """Runs an oracle's virsh (see virsh_oracle) as an unprivileged user with a generated configuration home."""

    def __init__(self, base, oracle_):
        self.oracle = oracle_
        self.base = base
        self.user = 'nobody' if os.geteuid() == 0 else None

    @property
    def version(self):
        return self.oracle.version_tuple

    def home(self, name, conf=None):
        home = os.path.join(self.base, name)
        os.makedirs(os.path.join(home, 'libvirt'))
        for path in (home, os.path.join(home, 'libvirt')):
            os.chmod(path, 0o755)
        if conf is not None:
            with open(os.path.join(home, 'libvirt', 'libvirt.conf'), 'w') as handle:
                handle.write(conf)
        return home

    def run_many(self, calls):
        """calls: [(home, name, extra_env)] -> [(ok, text, stderr)]: the URI virsh printed,
        or the text of its last 'error: ' line."""
        jobs = []
        for home, name, extra_env in calls:
            env = {'PATH': '/usr/bin:/bin', 'LC_ALL': 'C.UTF-8', 'HOME': home,
                   'XDG_CONFIG_HOME': home, 'LIBVIRT_AUTOSTART': '0'}
            env.update(extra_env or {})
            jobs.append({'args': ['-q', '-c', name, 'uri'], 'env': env, 'user': self.user})
        results = []
        for answer in self.oracle.run_many(jobs):
            ok, text = uri_answer(answer)
            # A transport that dies early (ext with /bin/false) may leave only 'Broken pipe'.
            results.append((ok, text, answer.err))
        return results

    def run(self, home, name, extra_env=None):
        return self.run_many([(home, name, extra_env)])[0]


@pytest.fixture(params=ORACLES)
def virsh(request):
    # Function scope: ansible-test runs each test in a fork, where a module-scoped
    # fixture would never be torn down.
    base = tempfile.mkdtemp(prefix='virtkit_uri_')
    try:
        os.chmod(base, 0o755)
        for name in ('n.xml', 'a:b x.xml'):
            with open(os.path.join(base, name), 'w') as handle:
                handle.write(TEST_XML)
            os.chmod(os.path.join(base, name), 0o644)
        yield Virsh(base, oracle(request.param))
    finally:
        shutil.rmtree(base)


def _corpus(base):
    return [uri.replace('{dir}', base.lstrip('/')) for uri in CORPUS]


def _strip_class(text):
    for prefix in ERROR_CLASSES:
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def _verdicts(virsh, uris, homes):
    return virsh.run_many([(home, uri, None) for uri, home in zip(uris, homes)])


def _check_against_virsh(uri, ok, text, libvirt_name, version):
    """Compare check_connect_uri/parse_uri/build_uri with one answer of virsh (libvirt ``version``)."""
    try:
        check_connect_uri(uri, libvirt_version=version)
        error = None
    except URIError as caught:
        error = caught
    if tuple(version[:2]) == (7, 0) and error is not None and not ok:
        if libvirt_name != uri and text.startswith(ABORTS_7_0) and error.rule not in CONNECT_ONLY_RULES:
            return 'stricter'
        if uri in PORT_WRAPS_7_0:
            return 'stricter'
    if ok:
        assert error is None, (uri, text, str(error))
        assert build_uri(**parse_uri(uri)) == text, uri
        return 'accepted'
    if error is None:
        assert not text.startswith(PRE_DRIVER), (uri, text)
        return 'later'
    if error.libvirt_message is None:
        assert DELIBERATE.get(uri) == error.rule, (uri, text, str(error))
        return 'deliberate'
    expected = error.libvirt_message
    if error.rule == 'no-driver':
        expected = expected.replace("URI '%s'" % uri, "URI '%s'" % libvirt_name)
    assert text == expected, (uri, str(error))
    assert str(error).startswith(_strip_class(error.libvirt_message)), (uri, str(error))
    if error.rule in CONNECT_ONLY_RULES:
        try:
            parse_uri(uri)
        except URIError as parse_error:
            # only an ext URI without command= (libvirt checks its parameters first)
            assert parse_error.rule == 'ext-command', (uri, str(parse_error))
    else:
        assert str(refusal(parse_uri, uri)) == str(error), uri
    return 'refused'


def test_corpus_against_virsh(virsh):
    """`virsh -c URI uri` with an empty configuration."""
    uris = _corpus(virsh.base)
    assert len(set(uris)) == len(uris) >= 60
    home = virsh.home('empty', '')
    verdicts = _verdicts(virsh, uris, [home] * len(uris))
    seen = {}
    for uri, (ok, text, _err) in zip(uris, verdicts):
        kind = _check_against_virsh(uri, ok, text, uri, virsh.version)
        seen[kind] = seen.get(kind, 0) + 1
    assert seen['accepted'] >= 20 and seen['refused'] >= 70 and seen['later'] >= 25, seen
    assert seen['deliberate'] == len(DELIBERATE), seen


def _conf_string(text):
    quote = "'" if '"' in text else '"'
    assert quote not in text
    return quote + text + quote


def test_corpus_as_alias_targets(virsh):
    """The same URIs as targets of uri_aliases, reached through `virsh -c ALIAS uri`.

    This is how check_connect_uri is used: an alias target is parsed as is
    (no 'xen' rewriting), and libvirt names the alias in 'no driver' errors.
    """
    uris = [uri for uri in _corpus(virsh.base) if '\n' not in uri] + ['xen', 'XEN', 'xen://']
    aliases = ['u%d' % index for index in range(len(uris))]
    conf = 'uri_aliases = [\n%s\n]\n' % ',\n'.join(
        '  ' + _conf_string('%s=%s' % item) for item in zip(aliases, uris))
    home = virsh.home('aliases', conf)
    verdicts = _verdicts(virsh, aliases, [home] * len(aliases))
    kinds = []
    for uri, alias, (ok, text, _err) in zip(uris, aliases, verdicts):
        kinds.append(_check_against_virsh(uri, ok, text, alias, virsh.version))
    assert kinds[-3:] == ['refused', 'refused', 'later']


PASS_THROUGH = [
    'x=%41~-._!*()&y&=z&foo=%C3%A9',
    'a=1;b=2&c=3',
    'k=/a%20b&k2=%2f&k3=%25%26%3D%3B%23',
    'z=%FF&w=a+b',
    'no_tty=1&keyfile=/k&x=1',
]


@pytest.mark.parametrize('query', PASS_THROUGH)
def test_params_as_libvirt_formats_them(virsh, query):
    """The remote driver logs the parameters it passes on and the name it builds from them."""
    uri = 'qemu+ext:///system?command=/bin/false&' + query
    ok, _text, err = virsh.run(virsh.home('log-%d' % PASS_THROUGH.index(query)), uri, {
        'LIBVIRT_LOG_FILTERS': '1:remote.remote_driver', 'LIBVIRT_LOG_OUTPUTS': '1:stderr'})
    assert not ok
    passed = re.findall(r"passing through variable '(.*?)' \('(.*?)'\) to remote end", err)
    names = re.findall(r'proceeding with name = (.*)', err)
    ours = [(name, value) for name, value in parse_uri(uri)['params'].items()
            if name.lower() not in lu.KNOWN_PARAMS]
    assert passed == ours
    assert names == [build_uri('qemu', path='/system', params=ours)]


def test_embed_root_case_without_a_version_follows_this_hosts_libvirt():
    """No version given: the libvirt installed here decides (this machine's virsh says which)."""
    here = oracle('host').version_tuple
    for uri in ('qemu:///embed?Root=rel', 'qemu:///embed?ROOT=/x', 'qemu:///embed?root=rel',
                'qemu+ssh://127.0.0.1/session?socket=/s&netcat=nc'):
        try:
            check_connect_uri(uri, libvirt_version=here)
            want = None
        except URIError as caught:
            want = caught.libvirt_message
        try:
            check_connect_uri(uri)
            got = None
        except URIError as caught:
            got = caught.libvirt_message
        assert got == want, uri
