# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Edit one libvirt.conf or libvirt-admin.conf file: the engine behind the modules that write.

``apply(module, target, spec)`` reads the file of an opened, locked
``_libvirt_files.Target``, works out whether the wanted aliases,
``uri_default``, ``remote_mode`` and ``remote_proxy`` differ from what
libvirt reads there (with the parser alone: Augeas is only loaded when
something changes), edits the text through the lens and checks the new
text with libvirt's grammar and that it says what was asked
(``_libvirt_lens_edit``, imported only then), and writes it atomically.
``spec`` is a dict with the keys of ``new_spec()``.  The URI checks use
the settings the file will hold after the run.
"""

import os
import re

from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as libvirt_conf
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_rules as rules
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_errors import CONFIGS, Refusal

# The write path (_libvirt_lens_edit, and through it _libvirt_augeas and the lens text) is imported by
# apply() only when something must change: a run that changes nothing never compiles it (ansible-core
# still ships it in the module's payload).

REMOTE_KEYS = rules.REMOTE_KEYS
AUGEAS_PACKAGES = ('python-augeas (package python3-augeas on Debian, Ubuntu, Fedora, EL and openSUSE; '
                   'python-augeas on Arch)')


def new_spec(aliases=None, exclusive=False, absent=(), uri_default=None, create=True, backup=False, single=False,
             remote_mode=None, remote_proxy=None, config='client'):
    """What to make of one file.

    ``aliases`` is a dict of alias name to URI to make present (None: the
    aliases are not managed), ``exclusive`` removes every other entry (only
    with ``aliases``), ``absent`` lists names (or malformed entries' text)
    to remove, ``uri_default``, ``remote_mode`` and ``remote_proxy`` are the
    settings to set ('' removes every occurrence, None leaves it alone).
    ``config`` says which file it is: ``client`` (libvirt.conf) or ``admin``
    (libvirt-admin.conf, whose URIs are virt-admin's and which has no remote
    settings).  ``single`` names the one alias's URI ``uri`` in messages (the
    module's name/uri options).
    """
    return dict(aliases=aliases, exclusive=exclusive, absent=list(absent), uri_default=uri_default,
                create=create, backup=backup, single=single, remote_mode=remote_mode, remote_proxy=remote_proxy,
                config=config)


def _remote_settings(entries):
    """The file's remote_mode and remote_proxy as libvirt reads them (the first occurrence), absent ones left out."""
    settings = {}
    for key in REMOTE_KEYS:
        value = libvirt_conf.get_value(entries, key)
        if value is not None:
            settings[key] = value.value
    return settings


def file_context(entries, root, spec=None):
    """What ``check_connect_uri`` needs to know of the client reading a file: root or not, its remote settings.

    With ``spec``, the settings are those the file will hold after the run
    (a value set by the spec replaces the file's, '' removes it).  For a
    libvirt-admin.conf (``spec['config'] == 'admin'``) the context says
    ``admin`` instead: admin URIs follow virt-admin's rules.
    """
    if spec is not None and spec.get('config') == 'admin':
        return dict(admin=True)
    context = dict(root=bool(root))
    context.update(_remote_settings(entries))
    for key in REMOTE_KEYS:
        wanted = spec.get(key) if spec is not None else None
        if wanted == '':
            context.pop(key, None)
        elif wanted is not None:
            context[key] = wanted
    return context


def check_spec(spec, context=None):
    """Check a spec's values with the collection's rules: (present pairs, absent names), or Refusal."""
    if spec.get('config', 'client') not in CONFIGS:
        raise Refusal('config %r is not one of %s' % (spec['config'], ', '.join(CONFIGS)))
    try:
        for key in REMOTE_KEYS:
            if spec.get(key) is None:
                continue
            if spec.get('config') == 'admin':
                raise rules.RuleError('%s %r cannot be used with config=admin: %s'
                                      % (key, spec[key], rules.ADMIN_HAS_NO_REMOTE))
            rules.check_remote_setting(key, spec[key])
        if spec['single'] and spec['aliases']:
            [(name, uri)] = spec['aliases'].items()
            rules.check_alias_name(name, 'name')
            rules.check_uri(uri, 'uri', context)
        present = rules.check_aliases(spec['aliases'], context) if spec['aliases'] is not None else []
        for name in spec['absent']:
            rules.check_entry_name(name)
    except rules.RuleError as exc:
        raise Refusal(exc.message)
    if spec['exclusive'] and spec['aliases'] is None:
        raise Refusal('exclusive needs aliases: the list of aliases to keep')
    return present, list(spec['absent'])


def load(path, data):
    """Text and entries of the file's bytes, as libvirt reads them."""
    if data is None:
        return '', []
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise Refusal("'%s' is not UTF-8 text (invalid byte at offset %d); it is left untouched"
                      % (path, exc.start))
    if '\0' in text:
        raise Refusal("'%s' holds a NUL character; it is left untouched" % path)
    try:
        entries = libvirt_conf.parse(text, path)
        libvirt_conf.get_string_list(entries, libvirt_conf.ALIASES_KEY, path)
    except libvirt_conf.ConfError as exc:
        raise Refusal('libvirt cannot use %s, so it is left untouched: %s' % (path, exc.message))
    return text, entries


def needs_change(entries, params, present, absent):
    """Whether the parsed file differs from what is asked (no Augeas needed to tell)."""
    value = libvirt_conf.get_value(entries, libvirt_conf.ALIASES_KEY)
    names = [libvirt_conf.alias_part(v.value) for v in value.value] if value is not None else []
    if params['exclusive'] and params['aliases'] is not None:
        wanted = set(name for name, uri in present)
        if len(set(names)) != len(names) or any(name not in wanted for name in names):
            return True
    if any(name in names for name in absent):
        return True
    for name, uri in present:
        if name not in names or value.value[names.index(name)].value != '%s=%s' % (name, uri):
            return True
    for key in rules.SCALAR_KEYS:
        wanted = params.get(key)
        if wanted is None:
            continue
        current = [e.value for e in entries if e.name == key]
        if wanted == '':
            if current:
                return True
        elif not current or current[0].type != 'string' or current[0].value != wanted:
            return True
    return False


def check_default(params, aliases, context=None):
    """uri_default must be an alias of the resulting file or a usable URI."""
    try:
        rules.check_default(params['uri_default'], set(alias['name'] for alias in aliases), context=context)
    except rules.RuleError as exc:
        raise Refusal(exc.message)


def check_remote_change(spec, entries, aliases, default, path, root):
    """Refuse new remote settings that would break a URI of the file as it stands after the run.

    A URI of the resulting file (each alias's first entry, and a
    ``uri_default`` that is a URI) that libvirt accepts with the file's
    current ``remote_mode``/``remote_proxy`` but refuses with the new ones
    (``remote_mode = "direct"`` and an SSH alias without ``socket=``, a
    native proxy and ``netcat=``...) is refused, naming the alias.
    """
    if spec.get('config') == 'admin' or all(spec.get(key) is None for key in REMOTE_KEYS):
        return
    before = file_context(entries, root)
    after = file_context(entries, root, spec)
    if before == after:
        return
    changed = ' and '.join('%s %r' % (key, spec[key]) if spec[key] else 'removing %s' % key
                           for key in REMOTE_KEYS if spec.get(key) is not None)
    uris = []
    seen = set()
    for alias in aliases:
        if alias['name'] not in seen:
            seen.add(alias['name'])
            uris.append(('the URI of alias %r' % (alias['name'],), alias['uri']))
    if default and not rules.is_alias_name(default):
        uris.append(('uri_default', default))
    for what, uri in uris:
        try:
            rules.check_uri(uri, what, after)
        except rules.RuleError as exc:
            try:
                rules.check_uri(uri, what, before)
            except rules.RuleError:
                continue  # already refused by libvirt with the file's current settings
            raise Refusal('%s would break %s of %s: %s; it is left untouched' % (changed, what, path, exc.message))


def octal_mode(mode):
    """The permission bits of a numeric ``mode`` option (int or '0644'), None for a symbolic one or none."""
    if isinstance(mode, int):
        return mode
    if mode and re.match(r'\A0?[0-7]{3,4}\Z', mode):
        return int(mode, 8)
    return None


def _warn_malformed(module, path, malformed):
    for entry, message in malformed:
        if entry is None:
            module.warn(message)
            continue
        module.warn("%s holds the malformed uri_aliases entry %r (%s): every libvirt connection that reads "
                    "this file and names a URI fails (unless the name matches an alias listed before the entry) "
                    "until it is removed, e.g. with name: %r and state: absent"
                    % (path, entry, message, libvirt_conf.alias_part(entry)))


def _selinux_setter(module, path, exists):
    """A function giving a temporary file the SELinux context ``path`` has (or gets by default), or None."""
    if not module.selinux_enabled():
        return None
    context = module.selinux_context(path) if exists else module.selinux_default_context(path)

    def setter(tmp_path):
        module.set_context_if_different(tmp_path, context, False)
    return setter


def apply(module, opener, path, spec, root, user_attrs=None, file_args=None):
    """Make one file say what ``spec`` asks; returns the result dict of that file.

    ``opener(create)`` opens the file's directory (``_libvirt_files``'s
    ``open_system_target`` or ``open_user_target`` bound to the file) and
    returns a Target (whose ``dir_exists`` is false when a directory is
    missing and ``create`` is false).  Nothing is created before it is known that the file must be
    written, and nothing at all in check mode.  ``user_attrs`` is
    (uid, gid, mode) applied through the opened directory (a user's tree);
    ``file_args`` the common file arguments applied by path (system scope),
    both only when given; a file outside a user's tree (no ``user_attrs``)
    keeps, or gets, its SELinux context.  ``root`` says the file is read by
    root (the system file), for the URI rules.  Raises Refusal,
    MissingAugeas or ``_libvirt_files.FileError``; the file is then
    unchanged.
    """
    target = opener(False)
    try:
        target.lock()
        if not module.check_mode:
            target.remove_stale_temps()
        path = target.path
        data = target.read()
        if data is None and not spec['create']:
            if not target.dir_exists:
                raise Refusal("the directory of '%s' does not exist and create is false" % path)
            raise Refusal("'%s' does not exist and create is false" % path)
        text, entries = load(path, data)
        context = file_context(entries, root, spec)
        present, absent = check_spec(spec, context)
        if needs_change(entries, spec, present, absent):
            from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_lens_edit as rewrite

            new_text = rewrite.edit_text(text, entries, path, spec, present, absent)
            aliases, malformed, default = rewrite.verify(new_text, path, spec, present, absent)
            settings = _remote_settings(libvirt_conf.parse(new_text, path))
            changed = new_text != text or data is None
        else:
            new_text = text
            aliases, malformed, default = libvirt_conf.summarize(entries, path)
            settings = _remote_settings(entries)
            changed = False
        check_default(spec, aliases, context)
        check_remote_change(spec, entries, aliases, default, path, root)

        result = dict(changed=changed, path=path, aliases=aliases, uri_default=default,
                      malformed=[m[0] for m in malformed if m[0] is not None], config=spec.get('config', 'client'))
        if result['config'] == 'client':
            for key in REMOTE_KEYS:
                result[key] = settings.get(key)
        if module._diff:
            result['diff'] = dict(before_header=path, after_header=path,
                                  before=text if data is not None else '', after=new_text)
        _warn_malformed(module, path, malformed)

        if changed and not module.check_mode:
            if not target.dir_exists:
                # Directories are made only now that something is written.
                target.close()
                target = opener(True)
                target.lock()
                target.remove_stale_temps()
                if target.read() is not None:
                    raise Refusal("'%s' was created by someone else while it was being edited; it is left "
                                  "untouched, run again" % path)
            if spec['backup'] and data is not None:
                if user_attrs is not None:
                    result['backup_file'] = target.backup(data)
                else:
                    result['backup_file'] = module.backup_local(path)
            context_setter = _selinux_setter(module, path, data is not None) if user_attrs is None else None
            mode = file_args.get('mode') if file_args else None
            target.write(to_bytes(new_text), mode=octal_mode(mode), selinux=context_setter)
        if user_attrs is not None:
            uid, gid, mode = user_attrs
            if target.set_attributes(uid, gid, mode, check=module.check_mode):
                result['changed'] = True
    finally:
        target.close()

    if file_args is not None and os.path.exists(path):
        # In check mode this reports what would change and changes nothing.  Its diff entries (dicts of
        # attributes) do not fit the text diff, so none is passed.
        result['changed'] = module.set_fs_attributes_if_different(dict(file_args, path=path), result['changed'])
    return result
