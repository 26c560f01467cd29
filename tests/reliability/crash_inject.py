# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the module and SIGKILL it at an exact point of its write (a crash at a known place).

Usage: python crash_inject.py POINT ARGSFILE, POINT one of
  half-written   after half the new text reached the temporary file
  before-fsync   the temporary file is written, not yet flushed
  before-rename  the temporary file is complete, the rename not yet done
  after-rename   the new file is in place, the directory not yet flushed
"""

import os
import re
import runpy
import signal
import sys

TEMP = re.compile(r'/\.libvirt\.conf\.[0-9]+\.[0-9]+\.tmp$')
point = sys.argv.pop(1)
real_write, real_fsync, real_rename = os.write, os.fsync, os.rename


def is_temp(fd):
    return bool(TEMP.search(os.readlink('/proc/self/fd/%d' % fd)))


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def write(fd, data):
    if point == 'half-written' and is_temp(fd) and len(data) > 1:
        real_write(fd, bytes(data[:len(data) // 2]))
        die()
    return real_write(fd, data)


def fsync(fd):
    if point == 'before-fsync' and is_temp(fd):
        die()
    return real_fsync(fd)


def rename(src, dst, **kwargs):
    if point == 'before-rename':
        die()
    real_rename(src, dst, **kwargs)
    if point == 'after-rename':
        die()


os.write, os.fsync, os.rename = write, fsync, rename
runpy.run_module('ansible_collections.virtkit.libvirt_client.plugins.modules.libvirt_uri_alias', run_name='__main__')
