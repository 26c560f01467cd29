# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_libvirt_findings: one test per rule (silence on Debian's shipped configurations: tests/differential)."""

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_findings as findings

HOME = '/home/alice'


def fake_stat(files):
    """stat() answering from {path: (mode, is_dir)}."""
    return files.get


def rules(uri, files=None, home=HOME):
    return [(f['severity'], f['rule']) for f in findings.uri_findings(uri, 'a', fake_stat(files or {}), home)]


def message(uri, files=None):
    [found] = findings.uri_findings(uri, 'a', fake_stat(files or {}), HOME)
    assert found['alias'] == 'a'
    return found['message']


@pytest.mark.parametrize('uri, expected, words', [
    ('qemu+ssh://root@hv1.example.com/system?no_verify=1', [('high', 'ssh-no-verify')], 'no_verify=1'),
    ('qemu+ssh://hv1/system?No_Verify=2', [('high', 'ssh-no-verify')], 'StrictHostKeyChecking=no'),
    ('qemu+libssh2://hv1/system?known_hosts_verify=ignore', [('high', 'known-hosts-ignore')],
     'known_hosts_verify=ignore'),
    ('qemu+libssh://hv1/system?known_hosts_verify=auto', [('medium', 'known-hosts-auto')], 'first use'),
    ('qemu://hv1/system?no_verify=1', [('high', 'tls-no-verify')], 'server certificate'),
    ('qemu+tls://hv1/system?no_verify=1', [('high', 'tls-no-verify')], 'man in the middle'),
    ('esx://vc1.example.com/?no_verify=1', [('high', 'https-no-verify')], 'esx server certificate'),
    ('esx://vc1.example.com/?transport=http', [('high', 'http-transport')], 'unencrypted'),
    ('qemu+tcp://hv1.example.com/system', [('high', 'plaintext-tcp')], 'clear text'),
    ('qemu+tcp://127.0.0.1/system', [('low', 'plaintext-tcp')], 'stays on this host'),
    ('qemu+ssh://alice:secret@hv1/system', [('high', 'password-in-uri')], 'password in clear text'),
    ('qemu+ext:///system?command=/usr/bin/my-tunnel', [('medium', 'ext-command')], '/usr/bin/my-tunnel'),
    ('qemu+ssh://hv1/system?keyfile=id_hv1', [('low', 'keyfile-relative')], 'relative path'),
    ('qemu+ssh://hv1/system?keyfile=/missing/id', [('medium', 'keyfile-missing')], 'does not exist'),
    ('qemu+libssh2://hv1/system?sshauth=agent,kerberos', [('low', 'sshauth-unknown')], "'kerberos'"),
    ('qemu+libssh2://hv1/system?known_hosts=/missing/known_hosts', [('medium', 'known-hosts-missing')],
     'no host key is known'),
    ('qemu://hv1/system?pkipath=/missing/pki', [('medium', 'pkipath-missing')], 'every connection fails'),
    ('qemu://hv1/system?tls_priority=NORMAL:+VERS-TLS1.0', [('medium', 'tls-priority-weak')], '+VERS-TLS1.0'),
])
def test_each_rule(uri, expected, words):
    assert rules(uri) == expected
    assert words in message(uri)


def test_keyfile_readable_by_others_and_home_expansion():
    files = {HOME + '/.ssh/id_hv1': (0o644, False), '/keys/ok': (0o600, False)}
    assert rules('qemu+ssh://hv1/system?keyfile=~/.ssh/id_hv1', files) == [('high', 'keyfile-exposed')]
    assert 'mode 0644' in message('qemu+ssh://hv1/system?keyfile=~/.ssh/id_hv1', files)
    assert rules('qemu+ssh://hv1/system?keyfile=/keys/ok', files) == []


def test_pki_client_key_readable_by_others():
    files = {'/pki': (0o755, True), '/pki/clientkey.pem': (0o640, False)}
    assert rules('qemu://hv1/system?pkipath=/pki', files) == [('high', 'pki-key-exposed')]
    files['/pki/clientkey.pem'] = (0o600, False)
    assert rules('qemu://hv1/system?pkipath=/pki', files) == []


@pytest.mark.parametrize('uri', [
    'qemu:///system', 'qemu:///session', 'test:///default', 'qemu+ssh://root@hv1.example.com/system',
    'qemu+ssh://hv1/system?no_verify=0', 'qemu+libssh2://hv1/system?known_hosts_verify=normal',
    'qemu://hv1/system', 'qemu+unix:///system?socket=/run/libvirt/libvirt-sock', 'lxc:///system',
    'qemu+ssh://hv1/system?no_tty=1&mode=direct', 'not a uri', 'qemu://hv1/system?tls_priority=NORMAL',
])
def test_no_finding_on_ordinary_uris(uri):
    assert rules(uri) == []


def test_file_findings_check_the_default_only_when_no_alias_covers_it():
    aliases = [{'name': 'hv1', 'uri': 'qemu+ssh://hv1/system?no_verify=1'}]
    found = findings.config_findings(aliases, 'qemu+ssh://hv1/system?no_verify=1', 'hv1', stat=fake_stat({}))
    assert [(f['alias'], f['rule']) for f in found] == [('hv1', 'ssh-no-verify')]
    found = findings.config_findings([], 'qemu+tcp://hv2/system', None, stat=fake_stat({}))
    assert [(f['alias'], f['rule']) for f in found] == [(None, 'plaintext-tcp')]


def test_uri_paths_names_what_stat_is_asked():
    assert findings.uri_paths('qemu+ssh://hv1/system?keyfile=~/.ssh/k&known_hosts=/kh', HOME) == [
        HOME + '/.ssh/k', '/kh']
    assert findings.uri_paths('qemu://hv1/system?pkipath=/pki', HOME) == ['/pki', '/pki/clientkey.pem']
