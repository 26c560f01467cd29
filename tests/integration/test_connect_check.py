# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""libvirt_uri_info's check_connections against real libvirt daemons (tests/fleet/fleet.sh --libvirtd).

The fleet: c9 (Debian 12, libvirt 9.0) and c13 (Debian 13, libvirt 11.3) each run libvirtd and are
the clients; nod runs no daemon, noh has neither virt-ssh-helper nor nc.  A listener of this process
that never answers stands for a host that hangs, a port nothing listens on for a closed one.  Every
cause is made for real and checked with libvirt's own message; no known_hosts file changes.
"""

import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import yaml

from ansible_collections.virtkit.libvirt_client.tests.helpers.playbook import run_playbook

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLEET = os.path.join(ROOT, 'tests', 'fleet', 'fleet.sh')
USER = 'vkconn'

# One fleet for the file, on one pytest-xdist worker (the pytest step uses --dist loadgroup).
pytestmark = pytest.mark.xdist_group('connect_check')


def sh(*args):
    proc = subprocess.run(list(args), capture_output=True, text=True, check=False, timeout=600)
    assert proc.returncode == 0, '%s: exit status %s\n%s%s' % (' '.join(args), proc.returncode, proc.stdout, proc.stderr)
    return proc.stdout


class Fleet:
    def __init__(self, path):
        self.path = path
        with open(os.path.join(path, 'hosts.json')) as f:
            self.hosts = dict((h['name'], h) for h in json.load(f))

    def ssh(self, host, command, stdin=None):
        return subprocess.run([FLEET, 'ssh', self.path, host, command], input=stdin, capture_output=True,
                              text=True, check=True, timeout=120).stdout

    def uri(self, host, key='', extra=''):
        h = self.hosts[host]
        query = '&'.join(part for part in ('keyfile=' + key if key else '', extra) if part)
        return 'qemu+ssh://root@%s:%s/system%s' % (h['address'], h['port'], '?' + query if query else '')

    def key_line(self, host):
        with open(os.path.join(self.path, 'hosts', host, 'ssh_host_ed25519_key.pub')) as f:
            kind, key = f.read().split()[:2]
        h = self.hosts[host]
        return '[%s]:%s %s %s\n' % (h['address'], h['port'], kind, key)

    def info(self, host, args):
        play = [{'hosts': host, 'gather_facts': False, 'tasks': [
            {'name': 'check', 'virtkit.libvirt_client.libvirt_uri_info': args}]}]
        with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as f:
            yaml.safe_dump(play, f)
        try:
            start = time.monotonic()
            rc, results = run_playbook(f.name, ['-i', os.path.join(self.path, 'inventory.yml')])
            return results[0], time.monotonic() - start
        finally:
            os.unlink(f.name)


@pytest.fixture(scope='module')
def fleet():
    assert os.geteuid() == 0, 'the fleet starts sshd and libvirtd in mount namespaces: run as root'
    assert os.path.exists('/usr/sbin/libvirtd'), 'libvirtd is missing: make deps installs libvirt-daemon'
    path = tempfile.mkdtemp(prefix='connect-fleet.')
    try:
        up = [FLEET, 'up', '--libvirtd', '--users', USER, '--etc', 'empty',
              '--names', 'c9,c13:debian13,nod:no-libvirtd,noh:no-helpers', '0', path]
        # `up` again keeps the hosts that started: a second try gets past a useradd that met another
        # program's lock on /etc/passwd
        if subprocess.run(up, capture_output=True, timeout=600, check=False).returncode != 0:
            time.sleep(1)
            sh(*up)
        fl = Fleet(path)
        # the user's own key, allowed to log in as root everywhere (the fleet's authorized_keys)
        for host in ('c9', 'c13'):
            fl.ssh(host, "su %s -c \"mkdir -p -m 0700 ~/.ssh && ssh-keygen -q -t ed25519 -N '' -f ~/.ssh/id_ed25519\""
                   % USER)
            with open(os.path.join(path, 'hosts', host, 'home', USER, '.ssh', 'id_ed25519.pub')) as f:
                pub = f.read()
            with open(os.path.join(path, 'authorized_keys'), 'a') as f:
                f.write(pub)
        yield fl
    finally:
        subprocess.run([FLEET, 'down', path], check=False, timeout=300)
        shutil.rmtree(path, ignore_errors=True)


def write_conf(fleet, host, aliases, user=None):
    text = 'uri_aliases = [\n%s]\n' % ''.join('  "%s=%s",\n' % pair for pair in aliases)
    if user is None:
        with open(os.path.join(fleet.path, 'hosts', host, 'etc-libvirt', 'libvirt.conf'), 'w') as f:
            f.write(text)
    else:
        fleet.ssh(host, "su %s -c 'mkdir -p ~/.config/libvirt && cat > ~/.config/libvirt/libvirt.conf'" % user,
                  stdin=text)


def known_hosts_hashes(fleet):
    """sha256 of every known_hosts file of the fleet's homes and /etc/ssh, and whether /root/.ssh exists."""
    found = {}
    for base in (os.path.join(fleet.path, 'hosts'),):
        for dirpath, dummy, files in os.walk(base):
            for name in files:
                if 'known_hosts' in name:
                    path = os.path.join(dirpath, name)
                    with open(path, 'rb') as f:
                        found[path] = hashlib.sha256(f.read()).hexdigest()
    found['/root/.ssh exists'] = os.path.exists('/root/.ssh')
    return found


def by_name(result, user=None):
    for config in result['configs']:
        if config['user'] == user:
            return dict((entry['name'], entry) for entry in config['connections'])
    raise AssertionError('no config of %s in %s' % (user, result))


@pytest.fixture(scope='module')
def silent_port():
    """A port that accepts connections and never says a word (a hung host)."""
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    sock.listen(256)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture(scope='module')
def closed_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


EOF_PREFIX = 'End of file while reading data: '


def _without_login_noise(error):
    """libvirt's message without what the remote login's own start-up printed before the helper's error.

    When the remote end fails, libvirt gives everything the remote command wrote to stderr, the
    login shell's start-up files included (on this machine root's, which may print lines of their
    own, e.g. a shim rehash that another process holds the lock of): keep the prefix and the last
    line, the one of the helper or the shell that ran it.
    """
    if error.startswith(EOF_PREFIX) and '\n' in error:
        return EOF_PREFIX + error.splitlines()[-1]
    return error


def test_each_cause_with_libvirts_message(fleet, silent_port, closed_port):
    key = os.path.join(fleet.path, 'id_ed25519')
    other = os.path.join(fleet.path, 'other_key')
    if not os.path.exists(other):
        sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', other)
    nv = 'no_verify=1'
    write_conf(fleet, 'c9', [
        ('to13', fleet.uri('c13', key, nv)),
        ('to9', fleet.uri('c9', key, nv + '&proxy=netcat')),
        ('unknown', fleet.uri('c13', key)),
        ('auth', fleet.uri('c13', other, nv)),
        ('closed', 'qemu+ssh://root@127.0.0.1:%d/system?keyfile=%s' % (closed_port, key)),
        ('noname', 'qemu+ssh://root@nosuch.invalid/system?keyfile=%s' % key),
        ('hung', 'qemu+ssh://root@127.0.0.1:%d/system?keyfile=%s&%s' % (silent_port, key, nv)),
        ('nodaemon', fleet.uri('nod', key, nv)),
        ('nohelper', fleet.uri('noh', key, nv)),
        ('nohelper_native', fleet.uri('noh', key, nv + '&proxy=native')),
        ('refused', 'qemu://system'),
        ('badproxy', fleet.uri('c13', key, 'proxy=bogus')),
    ])
    before = known_hosts_hashes(fleet)
    result, seconds = fleet.info('c9', {'check_connections': True, 'connection_timeout': 10, 'remote_version': True})
    assert known_hosts_hashes(fleet) == before
    got = by_name(result)
    assert (got['to13']['ok'], got['to13']['remote_hostname'], got['to13']['cause']) == (True, 'c13', None)
    # `version --daemon` asks QEMU's version first: 11.3 probes QEMU for it (seconds, on a busy machine
    # more than the timeout), 9.0 without QEMU fails ("Cannot find suitable emulator"); the connection
    # is fine either way
    assert got['to13']['remote_libvirt_version'] in ('11.3.0', None)
    assert got['to9']['remote_libvirt_version'] is None
    assert (got['to9']['ok'], got['to9']['remote_hostname']) == (True, 'c9')
    assert (got[None]['ok'], got[None]['remote_hostname'], got[None]['uri']) == (True, 'c9', 'qemu:///system')
    expected = {
        'unknown': ('host_key_unknown', 'Cannot recv data: Host key verification failed.: Connection reset by peer'),
        'auth': ('auth_failed', 'Cannot recv data: root@%s: Permission denied (publickey).: Connection reset by peer'
                 % fleet.hosts['c13']['address']),
        'closed': ('unreachable', 'Cannot recv data: ssh: connect to host 127.0.0.1 port %d: Connection refused: '
                                  'Connection reset by peer' % closed_port),
        'noname': ('unreachable', 'Cannot recv data: ssh: Could not resolve hostname nosuch.invalid: '),
        'hung': ('timeout', 'Connection timed out during banner exchange'),
        'nodaemon': ('no_daemon', "End of file while reading data: virt-ssh-helper: cannot connect to "
                                  "'/var/run/libvirt/libvirt-sock': Failed to connect socket to "
                                  "'/var/run/libvirt/libvirt-sock': No such file or directory: Input/output error"),
        'nohelper': ('no_helper', 'End of file while reading data: sh: 1: nc: not found: Input/output error'),
        'nohelper_native': ('no_helper', 'End of file while reading data: sh: 1: virt-ssh-helper: not found: '
                                         'Input/output error'),
        'refused': ('uri_refused', 'internal error: invalid URI qemu://system (maybe you want qemu:///system)'),
        'badproxy': ('uri_refused', "invalid argument: Unnkown proxy type 'bogus'"),
    }
    for name, (cause, message) in expected.items():
        entry = got[name]
        assert (name, entry['ok'], entry['cause']) == (name, False, cause), entry
        assert message in _without_login_noise(entry['error']), (name, entry['error'])
    # all at once: the hung host costs one timeout, not one per connection
    # (the playbook's own start and a busy machine included; one connection after another would be
    # 2 timeouts for the hung host alone, plus a second or more for each of the others)
    assert seconds < 10 + 2 + 30, seconds
    assert sorted((f['name'], f['cause']) for f in result['connection_failures']) \
        == sorted((name, cause) for name, (cause, dummy) in expected.items())


def test_user_known_hosts_are_read_and_never_changed(fleet):
    """An account's known_hosts decides, a no_verify alias adds nothing another connection sees, and the
    file keeps its bytes; a changed key is a mismatch."""
    home = os.path.join(fleet.path, 'hosts', 'c13', 'home', USER, '.ssh')
    wrong = fleet.key_line('c9').split()[:1] + fleet.key_line('noh').split()[1:]
    with open(os.path.join(home, 'known_hosts'), 'w') as f:
        f.write(fleet.key_line('c13') + ' '.join(wrong) + '\n')
    fleet.ssh('c13', 'chown %s: /home/%s/.ssh/known_hosts' % (USER, USER))
    # a login that prints: the check reads only what virsh prints
    fleet.ssh('c13', "su %s -c 'echo \"echo not-a-hostname; echo noise >&2\" >~/.profile'" % USER)
    write_conf(fleet, 'c13', [
        ('self', fleet.uri('c13', '', '')),                    # known: connects with the user's own key
        ('changed', fleet.uri('c9', '', '')),                  # a different key recorded: mismatch
        ('nv', fleet.uri('nod', '', 'no_verify=1')),           # accepted, into a private copy only
        ('after_nv', fleet.uri('nod', '', '')),                # still unknown to the account
        ('to9', fleet.uri('noh', '', 'no_verify=1&proxy=native')),
    ], user=USER)
    before = known_hosts_hashes(fleet)
    result, dummy = fleet.info('c13', {'system': False, 'users': [USER], 'check_connections': True,
                                       'connection_timeout': 5})
    assert known_hosts_hashes(fleet) == before
    got = by_name(result, USER)
    assert (got['self']['ok'], got['self']['remote_hostname']) == (True, 'c13'), got['self']
    assert got['changed']['cause'] == 'host_key_mismatch', got['changed']
    assert 'REMOTE HOST IDENTIFICATION HAS CHANGED' in got['changed']['error']
    assert got['nv']['cause'] == 'no_daemon', got['nv']
    assert got['after_nv']['cause'] == 'host_key_unknown', got['after_nv']
    assert got['to9']['cause'] == 'no_helper', got['to9']
    # the default of a user without a session daemon: nothing is started
    assert got[None]['uri'] == 'qemu:///session' and got[None]['cause'] == 'no_daemon', got[None]


def test_half_dead_hosts_cost_one_timeout(fleet, silent_port):
    """20 aliases for root and for the user, half of them to a host that never answers: about one timeout.
    The user cannot read the fleet's key the aliases name; ssh then offers the user's own key."""
    key = os.path.join(fleet.path, 'id_ed25519')
    aliases = []
    for index in range(20):
        if index % 2:
            aliases.append(('dead%02d' % index, 'qemu+ssh://root@127.0.0.1:%d/system?keyfile=%s&no_verify=1'
                            % (silent_port, key)))
        else:
            aliases.append(('live%02d' % index, fleet.uri('c9', key, 'no_verify=1')))
    write_conf(fleet, 'c9', aliases)
    write_conf(fleet, 'c9', aliases, user=USER)
    result, seconds = fleet.info('c9', {'users': [USER], 'check_connections': True, 'connection_timeout': 15})
    for user in (None, USER):
        got = by_name(result, user)
        assert sorted(set(e['cause'] for n, e in got.items() if n and n.startswith('dead'))) == ['timeout']
        assert all(e['ok'] for n, e in got.items() if n and n.startswith('live'))
    # 42 connections, each bounded by 15 s: one timeout and the run's own cost, not 20 timeouts (300 s);
    # the timeout is generous so that the live ones connect in time on a busy machine
    assert seconds < 15 + 2 + 30, seconds
