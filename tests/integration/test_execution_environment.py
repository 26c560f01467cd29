# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What an execution environment built with ansible-builder installs for the collection.

``ansible-builder introspect`` reads meta/execution-environment.yml (requirements.txt and
bindep.txt) exactly as ``ansible-builder build`` does.  An execution environment is a
controller: it must get the controller-side Python requirements as ranges (an exact pin fights
every other collection in the image) and nothing that needs a compiler, in particular not
python-augeas, which only targets need.  bindep.txt lists the targets' Augeas bindings under the
``target`` profile only; the profiles ansible-builder selects (default, ``compile``, ``epel``)
must select nothing, which bindep's own evaluator decides here.
"""

import os
import re
import subprocess
import sys
import tempfile

import pytest
import yaml

# The module-scoped fixture runs once, on one pytest-xdist worker (the pytest step uses
# --dist loadgroup).
pytestmark = pytest.mark.xdist_group('execution_environment')

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
ORIGIN = '  # from collection virtkit.libvirt_client'
PLATFORMS = (['platform:dpkg', 'platform:debian'], ['platform:rpm', 'platform:redhat'],
             ['platform:rpm', 'platform:suse'], ['platform:pacman', 'platform:arch'])
# A requirement that allows exactly one version: ==X (without a wildcard) or ===X.
EXACT_PIN = re.compile(r'(===|==(?![^,;]*\*))')


@pytest.fixture(scope='module')
def introspected():
    """ansible-builder introspect's data for a collections path holding only this collection."""
    builder = os.path.join(BIN, 'ansible-builder')
    assert os.path.exists(builder), 'ansible-builder is missing from %s: run make venv (requirements-dev.txt)' % BIN
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, 'ansible_collections', 'virtkit'))
        os.symlink(REPO_ROOT, os.path.join(root, 'ansible_collections', 'virtkit', 'libvirt_client'))
        proc = subprocess.run([builder, 'introspect', root], capture_output=True, text=True, timeout=120,
                              check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = yaml.safe_load(proc.stdout)
    assert isinstance(data, dict), proc.stdout
    return data


def _strip(entries):
    out = []
    for entry in entries or []:
        assert entry.endswith(ORIGIN), entry
        out.append(entry[:-len(ORIGIN)].strip())
    return out


def test_python_requirements_are_ruamel_yaml_as_a_range(introspected):
    python = _strip(introspected.get('python'))
    assert [re.split(r'[<>=!~ ;\[]', p, maxsplit=1)[0].lower() for p in python] == ['ruamel.yaml'], python
    for requirement in python:
        assert not EXACT_PIN.search(requirement), requirement
        assert 'augeas' not in requirement.lower(), requirement
    assert re.search(r'>=\s*\d', python[0]) and re.search(r'<\s*\d', python[0]), python


def test_no_system_package_for_the_execution_environment(introspected):
    from bindep.depends import Depends
    system = _strip(introspected.get('system'))
    assert system, 'bindep.txt lists the targets\' Augeas bindings; introspect found none'
    depends = Depends('\n'.join(system) + '\n')
    for platform in PLATFORMS:
        for profile in ('default', 'compile', 'epel'):
            assert depends.active_rules([profile] + platform) == [], (profile, platform, system)


@pytest.mark.parametrize('platform, package', [
    (PLATFORMS[0], 'python3-augeas'), (PLATFORMS[1], 'python3-augeas'),
    (PLATFORMS[2], 'python3-augeas'), (PLATFORMS[3], 'python-augeas')])
def test_target_profile_names_the_augeas_bindings(introspected, platform, package):
    from bindep.depends import Depends
    depends = Depends('\n'.join(_strip(introspected.get('system'))) + '\n')
    assert [rule[0] for rule in depends.active_rules(['target'] + platform)] == [package]


def test_exact_pin_pattern():
    """The pin check itself: exact pins are caught, ranges and wildcards are not."""
    assert EXACT_PIN.search('ruamel.yaml==0.19.1')
    assert EXACT_PIN.search('ruamel.yaml===0.19.1')
    assert EXACT_PIN.search('ruamel.yaml>=0.18,==0.18.6')
    assert not EXACT_PIN.search('ruamel.yaml>=0.18.6,<0.20')
    assert not EXACT_PIN.search('ruamel.yaml==0.18.*')
    assert not EXACT_PIN.search('ruamel.yaml~=0.18.6')
