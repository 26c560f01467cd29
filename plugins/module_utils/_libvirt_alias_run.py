# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""One run of libvirt_uri_alias: its options turned into the engine's spec (``spec_of``), the file they
name (``resolve_target``: system, a user's XDG file or a path; libvirt.conf or libvirt-admin.conf), the
owner, group and mode for a file in a user's directory (``owner_group_mode``), and the engine's run
(``run``).
"""

import grp
import os
import pwd

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_update as engine
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_files as libvirt_files
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import Refusal

USER_SCOPE_REFUSED = ('attributes', 'seuser', 'serole', 'setype', 'selevel')


def spec_of(params):
    """The engine's spec for the module's options."""
    aliases = params['aliases']
    absent = []
    if aliases is None and params['name'] is not None:
        if params['state'] == 'present':
            aliases = {params['name']: params['uri']}
        else:
            absent.append(params['name'])
    if aliases is not None:
        for name, uri in aliases.items():
            if not isinstance(uri, str):
                raise Refusal('the URI of alias %r must be a string, got %r' % (name, uri))
    return engine.new_spec(aliases=aliases, exclusive=params['exclusive'], absent=absent,
                           uri_default=params['uri_default'], create=params['create'], backup=params['backup'],
                           single=params['name'] is not None, remote_mode=params['remote_mode'],
                           remote_proxy=params['remote_proxy'], config=params['config'])


def user_config_home(pw, params, name):
    """(XDG_CONFIG_HOME to use or None, what the result says of it) of a user-scope run.

    O(xdg_config_home) wins; else the one the account's login sets (``_libvirt_login_xdg``).  A login that
    moves it outside the home, or in a way that cannot be told, is refused with the reason.
    """
    # Imported here: a run on the system file or a path never compiles it on the host.
    from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_login_xdg as login_xdg
    if params['xdg_config_home']:
        return params['xdg_config_home'], login_xdg.public({'xdg_config_home': params['xdg_config_home']}, 'option')
    answer = login_xdg.login_config(pw, login_xdg.Scan(), name=name)
    if answer['kind'] == 'default':
        return None, login_xdg.public(answer, 'default')
    if answer['kind'] == 'login':
        return answer['xdg_config_home'], login_xdg.public(answer, 'login')
    raise libvirt_files.FileError("user '%s': %s; the file was left untouched (set xdg_config_home to choose it)"
                                  % (pw.pw_name, answer['reason']))


def resolve_target(params):
    """(scope, user name or None, path, opener, config_home or None) of the file the options name.

    In user scope, root's file is the system file: libvirt reads
    /etc/libvirt/libvirt.conf when the effective uid is 0, and never root's
    XDG file.  Any other account's file is in the XDG_CONFIG_HOME its login
    sets (``user_config_home``).  With config=admin, the files are
    libvirt-admin.conf in the same places (virt-admin's rule).
    """
    name = libvirt_files.ADMIN_CONF_NAME if params['config'] == 'admin' else libvirt_files.CONFIG_NAME
    system_path = libvirt_files.config_path(0, '/', name=name)
    if params['path'] or params['scope'] == 'system':
        path = os.path.abspath(params['path'] or system_path)
        if params['follow'] and os.path.islink(path):
            path = os.path.realpath(path)
        return ('path' if params['path'] else 'system', None, path,
                lambda create: libvirt_files.open_system_target(path, create, params['follow']), None)
    user = params['user']
    if user is None and os.geteuid() == 0:
        user = os.environ.get('SUDO_USER') or os.environ.get('DOAS_USER')
    pw = libvirt_files.lookup_user(user if user is not None else os.geteuid())
    if pw.pw_uid == 0:
        path = system_path
        return ('system', pw.pw_name, path,
                lambda create: libvirt_files.open_system_target(path, create, params['follow']), None)
    libvirt_files.check_xdg_config_home(params['xdg_config_home'], pw.pw_name)
    xdg, config_home = user_config_home(pw, params, name)
    home, rel = libvirt_files.user_config_path(pw, xdg, name=name)
    return ('user', pw.pw_name, os.path.join(home, rel),
            lambda create: libvirt_files.open_user_target(pw, rel, create), config_home)


def owner_group_mode(params):
    """(uid, gid, mode) of the owner, group and mode options; -1, -1 and None when not given.

    ``mode`` is the permission bits or a callable computing them from the
    file's stat result (symbolic modes such as u+rw).
    """
    ids = []
    for key, db in (('owner', pwd.getpwnam), ('group', grp.getgrnam)):
        value = params[key]
        if value is None:
            ids.append(-1)
        elif value.isdigit():
            ids.append(int(value))
        else:
            try:
                ids.append(db(value)[2])
            except KeyError:
                raise Refusal('%s %r does not exist on this host' % (key, value))
    mode = params['mode']
    bits = engine.octal_mode(mode)
    if mode is not None and bits is None:
        from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_symbolic_mode import (
            symbolic_mode_to_octal,
        )

        def bits(st):
            try:
                return symbolic_mode_to_octal(st, mode)
            except ValueError as exc:
                raise Refusal('mode %r is not valid: %s' % (mode, to_native(exc)))
    return ids[0], ids[1], bits


def run(module):
    params = module.params
    spec = spec_of(params)
    scope, user, path, opener, config_home = resolve_target(params)
    user_attrs = file_args = None
    if scope == 'user':
        given = [key for key in USER_SCOPE_REFUSED if params.get(key) is not None]
        if given:
            raise Refusal('%s cannot be used with scope=user: only owner, group and mode are applied to a file in '
                          "a user's directory" % ', '.join(given))
        user_attrs = owner_group_mode(params)
    else:
        file_args = module.load_file_common_arguments(params, path=path)
    result = engine.apply(module, opener, path, spec, user_attrs=user_attrs, file_args=file_args,
                          root=scope == 'system')
    result['scope'] = scope
    if user is not None:
        result['user'] = user
    if config_home is not None:
        result['config_home'] = config_home
    return result
