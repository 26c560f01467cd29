# -*- coding: utf-8 -*-
# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This file is PRIVATE to the virtkit.libvirt_client collection: other collections,
# roles and playbooks must not import it.  Its names and behaviour change without
# notice or deprecation, in any release.

"""Which libvirt.conf an account's login makes libvirt read: ``$XDG_CONFIG_HOME/libvirt/`` as the login
sets it, else ``~/.config/libvirt/``.

The answer comes from the login walk of ``_libvirt_env`` (pam_env, the shell's startup files, the
files they source), run with the account's identity.  A walk costs a process per account, so
``Scan`` first looks at the bytes of the files a login can read for the name ``XDG_CONFIG_HOME``:
pam_env's files (``/etc/security/pam_env.conf``, ``/etc/environment``, the ``conffile=`` and
``envfile=`` of every ``/etc/pam.d`` file, ``~/.pam_environment``), the shells' system files
(``/etc/profile``, ``/etc/bash.bashrc``, everything in ``/etc/profile.d``, ``/etc/zsh/*``), the
account's dotfiles (``.profile``, ``.bash_profile``, ``.bash_login``, ``.bashrc``, zsh's), and every
file one of those sources by a name that needs no computing (``. ~/.bash_aliases``,
``source /etc/x.sh``).  The system files are scanned once per ``Scan``, the account's on each call.
When none of them names it, the login cannot move ``XDG_CONFIG_HOME`` (short of a file sourced by a
computed name or an ``eval`` of computed text, which the walk could not settle either), and the
account reads ``~/.config``.  A file that cannot be scanned safely (a symbolic link or a special
file in the home, a file deeper in it, an unreadable one) sends the account to the walk.
"""

import errno
import fnmatch
import os
import re
import stat

# The login walk (_libvirt_env and the readers below it) and _libvirt_as_user are imported in the functions
# that need them: a run that writes no account's file, or whose accounts' logins never name XDG_CONFIG_HOME,
# never compiles them on the host.
from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_files as libvirt_files

NEEDLE = b'XDG_CONFIG_HOME'
#: pam_env's conffile and envfile when the PAM line names none (``_libvirt_login_pam``), and the shells' files.
SYSTEM_FILES = ('/etc/security/pam_env.conf', '/etc/environment', '/etc/profile', '/etc/bash.bashrc',
                '/etc/zsh/zshenv', '/etc/zsh/zprofile', '/etc/zsh/zshrc', '/etc/zsh/zlogin')
SYSTEM_GLOBS = ('/etc/profile.d/*',)
PAM_DIR = '/etc/pam.d'
DOTFILES = ('.pam_environment', '.profile', '.bash_profile', '.bash_login', '.bashrc', '.zshenv', '.zprofile',
            '.zshrc', '.zlogin')
#: The largest file scanned, and how many files one account's scan may reach; past either, the walk decides.
MAX_SCAN = 1024 * 1024
MAX_FILES = 256

_SOURCE_RE = re.compile(br'(?:^|[\s;&|({])(?:\.|source)[ \t]+([^\s;&|()<>]+)', re.M)
_PAM_FILE_RE = re.compile(br'\b(?:conffile|envfile)=(\S+)')

#: What one file's scan found: the name is in it; it cannot be scanned (the walk decides); its sources.
_ABSENT = (False, False, ())
_UNSURE = (False, True, ())


def _world_readable(path, st):
    """Whether every account can read ``path`` (so that scanning it as root tells nobody anything)."""
    if not st.st_mode & stat.S_IROTH:
        return False
    directory = os.path.dirname(path)
    while True:
        try:
            if not os.stat(directory).st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
        parent = os.path.dirname(directory)
        if parent == directory:
            return True
        directory = parent


def _scan_file(path, follow, public=False):
    """(names it, unsure, source words) of one file.

    ``follow`` False: a symbolic link is unsure; ``public``: so is a file not every account can read.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY
    if not follow:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return _ABSENT if exc.errno in (errno.ENOENT, errno.ENOTDIR) else _UNSURE
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_SCAN or (public and not _world_readable(path, st)):
            return _UNSURE
        data = os.read(fd, MAX_SCAN + 1)
    except OSError:
        return _UNSURE
    finally:
        os.close(fd)
    return NEEDLE in data, False, tuple(m.group(1).decode('utf-8', 'replace') for m in _SOURCE_RE.finditer(data))


def source_paths(word, home):
    """The paths a ``.``/``source`` word names, with ``~``/``$HOME`` as ``home``; [] when it needs computing."""
    word = word.strip('"\'')
    for prefix in ('~/', '$HOME/', '${HOME}/'):
        if word.startswith(prefix):
            word = os.path.join(home, word[len(prefix):])
    if '$' in word or '`' in word or '\\' in word or not os.path.isabs(word):
        return []
    if any(c in word for c in '*?['):
        directory, pattern = os.path.split(word)
        try:
            names = os.listdir(directory)
        except OSError:
            return []
        return [os.path.join(directory, n) for n in sorted(names) if fnmatch.fnmatchcase(n, pattern)]
    return [os.path.normpath(word)]


class Scan:
    """The pre-check of one run: whether an account's login files can set XDG_CONFIG_HOME.

    The files outside every home are scanned once and remembered; ``scanned`` counts the files read.
    """

    def __init__(self, system=None):
        self.shared = {}
        self.scanned = 0
        # ``system``: the system files' paths instead of those of this host (for tests).
        self._system = list(system) if system is not None else None

    def _shared(self, path, public):
        """The scan of a file outside the homes, remembered; ``public`` for a file a login sources."""
        key = (path, public)
        if key not in self.shared:
            self.scanned += 1
            self.shared[key] = _scan_file(path, True, public)
        return self.shared[key]

    def system_files(self):
        """The system files every login may read: the fixed ones, profile.d, pam_env's conffile/envfile."""
        if self._system is None:
            paths = list(SYSTEM_FILES)
            for pattern in SYSTEM_GLOBS:
                paths.extend(source_paths(pattern, '/'))
            try:
                services = sorted(os.listdir(PAM_DIR))
            except OSError:
                services = []
            for name in services:
                # The PAM files themselves only name the files pam_env reads.
                try:
                    with open(os.path.join(PAM_DIR, name), 'rb') as f:
                        text = f.read(MAX_SCAN)
                except (IOError, OSError):
                    continue
                for match in _PAM_FILE_RE.finditer(text):
                    found = match.group(1).decode('utf-8', 'replace')
                    if os.path.isabs(found) and found not in paths:
                        paths.append(found)
            self._system = paths
        return self._system

    def may_move(self, pw):
        """Whether the login of ``pw`` may set XDG_CONFIG_HOME (True also when a file cannot be scanned)."""
        home = os.path.normpath(pw.pw_dir or '/')
        system = self.system_files()
        queue = list(system) + [os.path.join(home, name) for name in DOTFILES]
        seen = set()
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            if len(seen) > MAX_FILES:
                return True
            if home != '/' and (path == home or path.startswith(home + os.sep)):
                if os.path.dirname(path) != home:
                    # Deeper in the home: reading it as root would follow the account's directories.
                    return True
                self.scanned += 1
                names, unsure, sources = _scan_file(path, False)
            else:
                # A file a login sources (not one of the system files pam_env and the shells read
                # themselves) is scanned as root only when every account may read it.
                names, unsure, sources = self._shared(path, path not in system)
            if names or unsure:
                return True
            for word in sources:
                queue.extend(p for p in source_paths(word, home) if p not in seen)
        return False


# -- the answer ----------------------------------------------------------------------------------

def default_answer(pw, name=libvirt_files.CONFIG_NAME, walked=False):
    return {'kind': 'default', 'xdg_config_home': None, 'file': None, 'line': None, 'text': None, 'reason': None,
            'path': libvirt_files.user_config_file(os.path.normpath(pw.pw_dir), None, name), 'walked': walked}


def classify(pw, setting, name=libvirt_files.CONFIG_NAME):
    """The file the login makes libvirt read, from ``_libvirt_env.xdg_setting()``'s answer.

    {'kind', 'xdg_config_home', 'file', 'line', 'text', 'reason', 'path', 'walked'}; kind is ``default``
    (``~/.config``), ``login`` (moved inside the home: ``path`` is the file), ``outside`` (moved out of
    the home), ``relative`` (a relative value, which libvirt takes from the working directory) or
    ``dynamic`` (cannot be told); ``path`` is None for the last two, ``reason`` says why for the last three.
    """
    if setting['kind'] == 'unset':
        return dict(default_answer(pw, name, walked=True), file=setting['file'], line=setting['line'],
                    text=setting['text'])
    answer = {'kind': None, 'xdg_config_home': setting['value'], 'file': setting['file'], 'line': setting['line'],
              'text': setting['text'], 'reason': None, 'path': None, 'walked': True}
    where = '%s:%s' % (setting['file'], setting['line'])
    if setting['kind'] == 'dynamic':
        answer.update(kind='dynamic', reason='the login sets XDG_CONFIG_HOME dynamically in %s (%s), so which '
                      'libvirt.conf it reads cannot be told' % (where, setting['reason']))
        return answer
    value = setting['value']
    if not os.path.isabs(value):
        answer.update(kind='relative', reason="the login sets XDG_CONFIG_HOME to '%s' in %s, a relative path that "
                      'libvirt resolves against the working directory' % (value, where))
        return answer
    answer['path'] = libvirt_files.user_config_file(os.path.normpath(pw.pw_dir), os.path.normpath(value), name)
    try:
        libvirt_files.user_config_path(pw, value, name=name)
    except libvirt_files.FileError:
        answer.update(kind='outside', reason="the login sets XDG_CONFIG_HOME to '%s' in %s, outside the home "
                      "directory '%s' of user '%s'" % (value, where, pw.pw_dir, pw.pw_name))
        return answer
    answer['kind'] = 'login'
    return answer


def service_of(service=None):
    """The PAM service whose login is modelled: ``service``, else sshd's, else login's."""
    from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_login_pam import DEFAULT_SERVICE
    if service:
        return service
    if os.path.isfile(os.path.join(PAM_DIR, DEFAULT_SERVICE)):
        return DEFAULT_SERVICE
    return 'login'


def walk(pw, service):
    """``_libvirt_env.analyse()`` of the account's login, read with its identity; {'kind': 'identity'} on failure."""
    from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_env as libvirt_env
    from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_as_user import as_account
    account = libvirt_env.account_of(pw)

    def work():
        try:
            return libvirt_env.analyse(account, service=service)
        except Exception as exc:  # pylint: disable=broad-except
            return {'kind': 'identity', 'message': 'reading the login files of user %s failed: %s'
                    % (pw.pw_name, exc)}
    return as_account(pw, work, 'the login files')


def login_config(pw, scan, service=None, name=libvirt_files.CONFIG_NAME):
    """classify() of the account's login, with the walk only when ``scan`` finds that it may move the file."""
    if not scan.may_move(pw):
        return default_answer(pw, name)
    from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_env import xdg_setting
    analysis = walk(pw, service_of(service))
    if analysis.get('kind') == 'identity':
        answer = default_answer(pw, name, walked=True)
        answer.update(kind='dynamic', path=None, reason=analysis['message'])
        return answer
    return classify(pw, xdg_setting(analysis), name)


def public(answer, source):
    """What a writer's result says of the file's directory: ``source`` is option, login or default."""
    return {'source': source, 'value': answer.get('xdg_config_home'), 'file': answer.get('file'),
            'line': answer.get('line')}
