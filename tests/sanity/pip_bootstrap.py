# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stand-in for the pip bootstrap script that ansible-test fetches for its sanity environments.

``ansible-test sanity`` creates each per-test virtual environment without pip and then runs
``<venv>/bin/python ~/.ansible/test/cache/get_pip_<version>.py [pip options] pip==<version>
[setuptools==X wheel==Y] [--no-setuptools] [--no-wheel]``.  It downloads that script from a
host outside the package index, which is unreachable here, so ``tests/sanity/run.sh`` places
this file at that cache path instead.

This script installs the requested ``name==version`` packages from wheels kept in a wheelhouse
directory.  A wheel missing there is fetched once from the package index with the pip of the
project's .venv; after that, bootstrapping needs no network at all.  pip itself is run straight
from its wheel, as the real bootstrap does.  ansible-test passes only PATH and HOME to the
script, so both locations are read from ``virtkit_pip_bootstrap.json`` beside this file, which
``tests/sanity/run.sh`` writes.
"""

import glob
import json
import os
import subprocess
import sys

GET_PIP_ONLY_FLAGS = ('--no-setuptools', '--no-wheel')
CONFIG_NAME = 'virtkit_pip_bootstrap.json'


def wheel_for(wheelhouse, name, version):
    """Return the path of the stored wheel for name==version, or None."""
    pattern = os.path.join(wheelhouse, '%s-%s-*.whl' % (name.replace('-', '_'), version))
    found = sorted(glob.glob(pattern))
    return found[0] if found else None


def ensure_wheel(wheelhouse, outer_python, name, version):
    """Return the wheel for name==version, downloading it into the wheelhouse when missing."""
    path = wheel_for(wheelhouse, name, version)
    if path:
        return path
    subprocess.check_call([outer_python, '-m', 'pip', 'download', '--quiet', '--no-deps',
                           '--only-binary', ':all:', '--dest', wheelhouse,
                           '%s==%s' % (name, version)])
    path = wheel_for(wheelhouse, name, version)
    if not path:
        sys.exit('pip bootstrap: downloading %s==%s gave no wheel in %s' % (name, version, wheelhouse))
    return path


def main():
    """Install the requested bootstrap packages into the running interpreter's environment."""
    config_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), CONFIG_NAME)
    try:
        with open(config_path, encoding='utf-8') as config_file:
            config = json.load(config_file)
        wheelhouse = config['wheelhouse']
        outer_python = config['python']
    except (OSError, ValueError, KeyError) as ex:
        sys.exit('pip bootstrap: cannot read %s (written by tests/sanity/run.sh): %s' % (config_path, ex))
    os.makedirs(wheelhouse, exist_ok=True)

    options = []
    wheels = {}
    for arg in sys.argv[1:]:
        if arg in GET_PIP_ONLY_FLAGS:
            continue
        if '==' in arg and not arg.startswith('-'):
            name, version = arg.split('==', 1)
            wheels[name.lower()] = ensure_wheel(wheelhouse, outer_python, name, version)
        else:
            options.append(arg)

    if 'pip' not in wheels:
        sys.exit('pip bootstrap: no pip==<version> among the arguments %r' % (sys.argv[1:],))

    sys.path.insert(0, wheels['pip'])
    from pip._internal.cli.main import main as pip_main  # pylint: disable=import-outside-toplevel

    return pip_main(['install', '--no-index', '--find-links', wheelhouse, '--upgrade', '--force-reinstall']
                    + options + sorted(wheels.values()))


if __name__ == '__main__':
    sys.exit(main())
