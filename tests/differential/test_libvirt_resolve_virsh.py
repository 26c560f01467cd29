# Copyright (c) 2026 virtkit.libvirt_client contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""libvirt_resolve against real virsh: a differential test.

It generates (libvirt.conf, request) cases from a fixed seed (``make_case`` of
tests/unit/plugins/module_utils/test_libvirt_resolve.py).  Every URI written anywhere is
``test:///default`` or ``test:///default?x=N`` (the test driver needs no daemon) or a bare
word (which names no driver), so virsh never contacts a daemon or a host.  Each case is
resolved by ``resolve()`` and by ``virsh [-c NAME] uri`` run as ``nobody``, with libvirt
9.0 and with 11.3 (virsh_oracle); both must give the same URI or the same error message.
"""

import os
import random
import shutil
import tempfile

import pytest

from ansible_collections.virtkit.libvirt_client.plugins.module_utils import _libvirt_conf as lc
from ansible_collections.virtkit.libvirt_client.plugins.module_utils._libvirt_resolve import resolve
from ansible_collections.virtkit.libvirt_client.tests.helpers.virsh_oracle import (
    ORACLES,
    oracle,
    uri_answer,
)
from ansible_collections.virtkit.libvirt_client.tests.unit.plugins.module_utils.test_libvirt_resolve import (
    CASES,
    SEED,
    make_case,
)


def _virsh_job(xdg, name, env):
    env = dict(env, PATH='/usr/bin:/bin', HOME='/nonexistent', XDG_CONFIG_HOME=xdg, LIBVIRT_AUTOSTART='0')
    args = ['-q'] + (['-c', name] if name is not None else []) + ['uri']
    return {'args': args, 'env': env, 'user': 'nobody'}


def _answer(answer):
    ok, text = uri_answer(answer)
    return ('uri' if ok else 'error', text)


def _run_resolve(path, name, env, version):
    try:
        return ('uri', resolve(name, path=path, env_default=env.get('LIBVIRT_DEFAULT_URI'), libvirt_version=version))
    except lc.ConfError as exc:
        return ('error', exc.message)


@pytest.mark.parametrize('oracle_name', ORACLES)
def test_differential_against_virsh(oracle_name):
    virsh = oracle(oracle_name)
    rng = random.Random(SEED)
    root = tempfile.mkdtemp(prefix='vk-resolve.')
    os.chmod(root, 0o755)
    try:
        jobs = []
        for index in range(CASES):
            text, name, env = make_case(rng)
            xdg = os.path.join(root, str(index))
            directory = os.path.join(xdg, 'libvirt')
            os.makedirs(directory)
            for d in (xdg, directory):
                os.chmod(d, 0o755)
            path = os.path.join(directory, 'libvirt.conf')
            with open(path, 'w', newline='') as f:
                f.write(text)
            os.chmod(path, 0o644)
            expected = _run_resolve(path, name, env, virsh.version_tuple)
            # Safety: only the test driver (or a failure) may ever come out,
            # so virsh never contacts a daemon or a host.
            assert expected[0] == 'error' or expected[1].startswith('test:///default'), (text, name, env, expected)
            jobs.append((xdg, path, text, name, env, expected))

        answers = [_answer(a) for a in virsh.run_many([_virsh_job(job[0], job[3], job[4]) for job in jobs])]

        features = {
            'crlf': sum('\r\n' in job[2] for job in jobs),
            'xen name': sum(job[3] is not None and job[3].lower() in ('xen', 'xen://') for job in jobs),
            'no name': sum(not job[3] for job in jobs),
            'env set': sum(bool(job[4].get('LIBVIRT_DEFAULT_URI')) for job in jobs),
            'env empty': sum(job[4].get('LIBVIRT_DEFAULT_URI') == '' for job in jobs),
            'uri_default': sum('uri_default' in job[2] for job in jobs),
            'duplicate key': sum(job[2].count('uri_aliases =') > 1 for job in jobs),
            'empty alias': sum("'=test" in job[2] or '"=test' in job[2] for job in jobs),
            'malformed': sum('Malformed' in job[5][1] for job in jobs),
            'no driver': sum('no connection driver' in job[5][1] for job in jobs),
            'syntax': sum(job[5][1].startswith('configuration file syntax error: /') for job in jobs),
        }
        print('generated features: %r' % features)
        assert all(count >= 5 for count in features.values()), features

        mismatches = []
        kinds = {'uri': 0, 'error': 0}
        for (xdg, path, text, name, env, expected), answer in zip(jobs, answers):
            kinds[answer[0]] += 1
            if answer != expected:
                mismatches.append((text, name, env, expected, answer))
        print('compared %d cases with virsh %s (%d URIs, %d errors)' % (
            len(jobs), virsh.version, kinds['uri'], kinds['error']))
        assert not mismatches, '%d mismatches, first ones:\n%s' % (
            len(mismatches), '\n'.join(repr(m) for m in mismatches[:5]))
        # The generator must reach both outcomes in quantity.
        assert kinds['uri'] >= 100 and kinds['error'] >= 100, kinds
    finally:
        shutil.rmtree(root, ignore_errors=True)
