# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every exception class of plugins/module_utils and plugins/plugin_utils derives from LibvirtClientError.

(Here, not under tests/unit/plugins/module_utils: plugin_utils is controller code, which ansible-test units does
not let a module_utils test import.)
"""

import importlib
import inspect
import os

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_errors as errors

PLUGINS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'plugins')
PACKAGE = 'ansible_collections.virtkit.libvirt_client.plugins'


def shared_modules():
    for kind in ('module_utils', 'plugin_utils'):
        for name in sorted(os.listdir(os.path.join(PLUGINS, kind))):
            if name.endswith('.py') and name != '__init__.py':
                yield '%s.%s.%s' % (PACKAGE, kind, name[:-3])


@pytest.mark.parametrize('name', list(shared_modules()))
def test_every_exception_class_derives_from_the_base(name):
    module = importlib.import_module(name)
    classes = [cls for dummy, cls in inspect.getmembers(module, inspect.isclass)
               if cls.__module__ == module.__name__ and issubclass(cls, BaseException)]
    assert [cls.__name__ for cls in classes if not issubclass(cls, errors.LibvirtClientError)] == []
    for cls in classes:
        assert isinstance(cls.rule, str) and cls.rule, cls
