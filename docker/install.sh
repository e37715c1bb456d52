#!/bin/sh
# Install warroom into a virtual environment: what the image's Dockerfile runs, and what
# tests/docker/test_install.py runs on the CI machine (into a temporary prefix).
#
#   docker/install.sh PREFIX [SOURCE]
#
# PREFIX  where the virtual environment goes (the image: /opt/warroom)
# SOURCE  the warroom source tree (default: the directory above this script)
#
# WARROOM_PIP_ARGS is added to the pip install of warroom (the tests pass --no-deps
# with the dependencies already importable, to stay within CI's time budget).
set -eu

PREFIX=${1:?usage: install.sh PREFIX [SOURCE]}
SOURCE=${2:-$(dirname "$0")/..}
PYTHON=${PYTHON:-python3}

# 1. the interpreter: warroom supports CPython 3.11 and 3.12
"$PYTHON" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 13)))' || {
    echo "install.sh: warroom needs Python 3.11 or 3.12, not $("$PYTHON" -V 2>&1)" >&2
    exit 2
}

# 2. a virtual environment of its own
"$PYTHON" -m venv "$PREFIX"
PIP="$PREFIX/bin/pip --disable-pip-version-check --no-input --no-cache-dir -q"

# 3. warroom and its dependencies (setup.cfg's install_requires), no test extra
# shellcheck disable=SC2086
$PIP install ${WARROOM_PIP_ARGS:-} "$SOURCE"

# 4. smoke check: the command runs, the package, the Kafka transport and the metrics import
"$PREFIX/bin/warroom" --help >/dev/null
"$PREFIX/bin/python" - <<'PY'
from importlib.metadata import entry_points

import warroom.cli, warroom.observability.metrics  # noqa: F401

schemes = {e.name for e in entry_points(group="faust.transports")}
if "warroom" not in schemes:
    raise SystemExit("install.sh: the warroom:// Faust transport is not registered")
PY
echo "warroom installed in $PREFIX"
