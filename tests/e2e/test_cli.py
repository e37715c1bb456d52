"""The ``warroom`` command refuses to start, clearly and at once, when it cannot run safely."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def test_warroom_demo_says_clearly_when_the_broker_cannot_start(tmp_path: Path) -> None:
    env = {"WARROOM_TANSU_BIN": str(tmp_path / "no-such-tansu"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-m", "warroom", "demo"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "WARROOM_TANSU_BIN" in proc.stderr and "is not a file" in proc.stderr


@pytest.mark.parametrize("key", ["wk_abc.changeme", "wk_abc.short", "not-a-key"])
def test_warroom_refuses_to_start_with_a_weak_admin_key(tmp_path: Path, key: str) -> None:
    env = {"WARROOM_ADMIN_KEY": key, "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-m", "warroom", "serve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "WARROOM_ADMIN_KEY" in proc.stderr
    assert not list(tmp_path.iterdir()), "nothing may start before the secret is checked"
