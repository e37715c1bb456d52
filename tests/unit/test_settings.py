"""Local state stays where the operator put it, whatever the process's working directory
does later (importing chdb moves it for as long as its engine loads, from any thread)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from warroom.settings import Settings


def test_a_relative_data_dir_and_its_store_stay_put_when_the_working_directory_moves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    here.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(here)
    settings = Settings(data_dir=Path(".warroom"))
    os.chdir(elsewhere)
    assert settings.data_dir == here / ".warroom"
    assert settings.sql_url_or_default() == f"sqlite:///{here}/.warroom/warroom.db"


def test_a_relative_sqlite_url_is_made_absolute_and_others_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert Settings(sql_url="sqlite:///store.db").sql_url == f"sqlite:///{tmp_path}/store.db"
    for kept in ("sqlite:////var/lib/w.db", "sqlite:///:memory:", "postgresql://u@h/db"):
        assert Settings(sql_url=kept).sql_url == kept
