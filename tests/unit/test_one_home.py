# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each rule lives in one file of plugins/module_utils, and nothing else in plugins/ or roles/ restates it."""

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The alias-name character class, in any of the spellings a copy would use.
ALIAS_CLASS = re.compile(r'A-Za-z0-9_-|a-zA-Z0-9_-|A-Za-z0-9_\\-|0-9A-Za-z_-|\[\\w-\]|\[-\\w\]')
# The per-user file path rule: ~/.config (XDG_CONFIG_HOME's default) joined in code.
CONFIG_DIR = re.compile(r"""['"]\.config['"]""")
# Quoting rules: which quote a libvirt.conf string takes.
QUOTE_CHOICE = re.compile(r"""['"]"['"] if ['"]"['"] not in""")


def files_matching(pattern):
    found = []
    for top in ('plugins', 'roles'):
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, top)):
            dirnames[:] = [d for d in dirnames if d != '__pycache__']
            for name in filenames:
                path = os.path.join(dirpath, name)
                with open(path, encoding='utf-8', errors='replace') as f:
                    if pattern.search(f.read()):
                        found.append(os.path.relpath(path, ROOT))
    return sorted(found)


def test_alias_name_class_has_one_home():
    assert files_matching(ALIAS_CLASS) == ['plugins/module_utils/_libvirt_conf.py']


def test_user_config_path_has_one_home():
    assert files_matching(CONFIG_DIR) == ['plugins/module_utils/_libvirt_files.py']


def test_quote_choice_has_one_home():
    assert files_matching(QUOTE_CHOICE) == []
