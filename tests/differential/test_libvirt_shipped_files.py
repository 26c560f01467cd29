# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The configuration files Debian's libvirt packages ship, and this machine's /etc/libvirt.

Debian's libvirt packages are fetched once with ``apt-get download`` into .cache/debian-libvirt;
their /etc/libvirt/*.conf and this machine's (libvirt-clients) libvirt.conf and
libvirt-admin.conf, as shipped and with their commented examples enabled, must round-trip
through the lens byte for byte and raise no finding.
"""

import glob
import os
import re
import subprocess

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_findings as findings
from ansible_collections.virtkit.libvirt_client.tests.unit.plugins.module_utils.test_libvirt_augeas import roundtrip

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
DEBS = os.path.join(REPO, '.cache', 'debian-libvirt')
PACKAGES = ['libvirt-clients', 'libvirt-daemon', 'libvirt-daemon-system', 'libvirt-daemon-driver-qemu',
            'libvirt-daemon-driver-lxc']


def debian_files():
    """The libvirt configuration files shipped by Debian's libvirt packages."""
    if not glob.glob(os.path.join(DEBS, 'etc', 'libvirt', '*.conf')):
        os.makedirs(DEBS, exist_ok=True)
        download = os.path.join(DEBS, 'download')
        os.makedirs(download, exist_ok=True)
        subprocess.run(['apt-get', 'download'] + PACKAGES, cwd=download, check=True, capture_output=True)
        for deb in glob.glob(os.path.join(download, '*.deb')):
            subprocess.run(['dpkg-deb', '-x', deb, DEBS], check=True)
    files = sorted(glob.glob(os.path.join(DEBS, 'etc', 'libvirt', '*.conf')))
    assert len(files) >= 10, files
    return files


def uncomment(text):
    """Turn the commented-out example settings of a shipped file into real ones."""
    out = []
    in_list = False
    for line in text.splitlines(True):
        if re.match(r'#[A-Za-z][A-Za-z0-9_]* *= *\[', line) and not line.rstrip().endswith(']'):
            in_list = True
            out.append(line[1:])
        elif in_list:
            out.append(line[1:] if line.startswith('#') else line)
            if line.lstrip('#').strip().startswith(']'):
                in_list = False
        elif re.match(r'#[A-Za-z][A-Za-z0-9_]* *= *\S', line):
            out.append(line[1:])
        else:
            out.append(line)
    return ''.join(out)


def test_debian_files_round_trip_byte_for_byte():
    count = 0
    for path in debian_files() + ['/etc/libvirt/libvirt.conf', '/etc/libvirt/libvirt-admin.conf']:
        with open(path, newline='') as f:
            text = f.read()
        assert roundtrip(text) == text, path
        active = uncomment(text)
        entries = libvirt_conf.parse(active, path)
        if active != text:
            assert any(e.name for e in entries), path
            count += 1
        assert roundtrip(active) == active, path
    assert count >= 8


def test_no_finding_fires_on_debian_shipped_configurations():
    """Debian's libvirt packages' /etc/libvirt/*.conf, as shipped and with their examples enabled."""
    checked = 0
    for path in debian_files() + ['/etc/libvirt/libvirt.conf']:
        with open(path) as f:
            text = f.read()
        for variant in (text, uncomment(text)):
            entries = libvirt_conf.parse(variant, path)
            try:
                items = libvirt_conf.get_string_list(entries, 'uri_aliases', path) or []
            except libvirt_conf.ConfError:
                items = []
            aliases = []
            for item in items:
                name, uri = libvirt_conf.split_alias_entry(item)
                aliases.append({'name': name, 'uri': uri})
            default = libvirt_conf.get_value(entries, 'uri_default')
            default_uri = default.value if default is not None and default.type == 'string' else None
            found = findings.config_findings(aliases, default_uri, None, stat=findings.os_stat, home='/root')
            assert found == [], (path, found)
            checked += len(aliases) + (1 if default_uri else 0)
    # The examples hold aliases (libvirt.conf's hail and sleet) and defaults (libvirt.conf, libvirt-admin.conf).
    assert checked >= 4, checked
    assert os.path.exists('/etc/libvirt/libvirt.conf')
