# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Refuse module arguments holding a NUL character on the controller.

No option of the collection's modules can hold a NUL: libvirt.conf strings, alias names, URIs,
paths and user names cannot carry one.  The modules refuse such values with a message naming
them, but since ansible-core 2.21 a module never gets that far: AnsibleModule logs its arguments
to the target's syslog first, which fails on a NUL ("embedded null character"), and the task
fails with a message that names neither the option nor the value.  The action plugins of the
modules therefore check the arguments before anything is sent to the host.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.plugins.action import ActionBase


def _where(path):
    """Render an option path such as ('aliases', 'hail') as aliases['hail']."""
    text = path[0]
    for part in path[1:]:
        text += '[%r]' % (part,)
    return text


def find_nul(args, path=()):
    """Return (option path, value, position) of the first string holding a NUL, else None.

    Mapping keys count as values (alias names are keys of the ``aliases`` option); the path of a
    key is that of its mapping with " key" appended.
    """
    if isinstance(args, str):
        pos = args.find('\x00')
        return (path, args, pos) if pos >= 0 else None
    if isinstance(args, Mapping):
        for key, value in args.items():
            here = path + (key,) if path else (str(key),)
            if isinstance(key, str) and '\x00' in key:
                return (path + ('key',) if path else ('option name',), key, key.find('\x00'))
            found = find_nul(value, here)
            if found:
                return found
        return None
    if isinstance(args, (list, tuple)):
        for index, value in enumerate(args):
            found = find_nul(value, path + (index,))
            if found:
                return found
    return None


def nul_refusal(module, args):
    """The message refusing ``args`` of ``module`` when one of them holds a NUL, else None."""
    found = find_nul(args)
    if not found:
        return None
    path, value, pos = found
    if path[-1:] == ('key',):
        where = 'a key of %s' % _where(path[:-1])
    elif path == ('option name',):
        where = 'an option name'
    else:
        where = _where(path)
    return ('%s: %s is %r, which holds a NUL character at position %d; no libvirt.conf name, URI, path '
            'or user name can hold one (refused on the controller, nothing was sent to the host)'
            % (module, where, value, pos))


class NulRefusingAction(ActionBase):
    """Runs the task's module, as ansible-core's generic module action does, after refusing NUL characters.

    Built on the public ``ActionBase`` only: its ``run`` (async and check-mode gates, tmp path), then
    ``_execute_module``, which passes check mode, diff mode and the rest of the task's settings to the
    module.  An async task's module runs in the background, so its tmp path is left to the async wrapper;
    otherwise the path is removed here, as soon as the module has returned.
    """

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        msg = nul_refusal(self._task.action, self._task.args)
        if msg:
            return {'failed': True, 'changed': False, 'msg': msg}
        result = super().run(tmp, task_vars)
        del tmp  # ActionBase.run ignores it (and warns when one is given)
        wrap_async = self._task.async_val
        result.update(self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
