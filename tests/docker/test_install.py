"""docker/install.sh, the image's install step, run here into a temporary prefix.

What runs: the interpreter check, the virtual environment, pip building and installing
warroom from this source tree (entry points and package data), and the script's smoke
check; then the installed command migrates a fresh store. What does not: downloading the
dependencies (a full run took 3 min 40 s here, network-bound), so the script runs with
``WARROOM_PIP_ARGS=--no-deps`` and the prefix reads them from this project's .venv
through a ``.pth`` file placed before the script runs (``venv`` keeps it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docker" / "install.sh"


def run_install(prefix: Path, **env: str) -> subprocess.CompletedProcess[str]:
    python = Path(sys.base_prefix) / "bin" / "python3"
    subprocess.run([python, "-m", "venv", prefix], check=True, timeout=60)
    site = prefix / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    (site / "zz-project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return subprocess.run(
        ["sh", SCRIPT, prefix, ROOT],
        env={**os.environ, "PYTHON": str(python), "WARROOM_PIP_ARGS": "--no-deps", **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_the_install_script_installs_a_working_warroom(tmp_path: Path) -> None:
    prefix = tmp_path / "opt-warroom"
    done = run_install(prefix)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"warroom installed in {prefix}" in done.stdout
    installed = subprocess.run(
        [prefix / "bin" / "python", "-c", "import warroom; print(warroom.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert installed.startswith(str(prefix)), "warroom was not installed into the prefix"
    package = Path(installed).parent
    assert list((package / "store" / "migrations" / "versions").glob("0001_*.py"))
    assert (package / "web" / "index.html").exists()
    # the installed command migrates a fresh store (packaged migrations) and lists its keys
    keys = subprocess.run(
        [prefix / "bin" / "warroom", "keys", "list"],
        cwd=tmp_path,
        env={**os.environ, "WARROOM_DATA_DIR": str(tmp_path / "data")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert keys.returncode == 0, keys.stderr[-2000:]
    assert (tmp_path / "data" / "warroom.db").exists()


def test_the_install_script_refuses_an_unsupported_python(tmp_path: Path) -> None:
    fake = tmp_path / "python3.9"
    fake.write_text('#!/bin/sh\nexec python3 -c "import sys; sys.exit(1)"\n')
    fake.chmod(0o755)
    done = subprocess.run(
        ["sh", SCRIPT, tmp_path / "prefix", ROOT],
        env={**os.environ, "PYTHON": str(fake)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "needs Python 3.11 or 3.12" in done.stderr
    assert not (tmp_path / "prefix").exists()
