#!/usr/bin/env bash
# Runs the augparse tests of the Libvirt_client lens (with lens type checking)
# and checks that the copy carried by the module is the lens under test.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v augparse >/dev/null || { echo "augparse is missing: run 'make deps' (package augeas-tools)" >&2; exit 1; }
for t in lenses/tests/test_*.aug; do
    echo "augparse $t"
    augparse --nostdinc -I lenses "$t"
done
python3 lenses/sync.py --check
echo "lens tests passed"
