"""A worker's call to an unreachable SQL store is tried again until the store answers
(an outage delays, it does not crash the worker); other errors are not retried."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from warroom.store import retry
from warroom.streams import stats
from warroom.streams.broker import free_port


async def test_a_store_outage_is_waited_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "RETRY_S", (0.01,))
    down = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/warroom")
    up = create_engine(f"sqlite:///{tmp_path / 'up.db'}")
    engines = [down, down, up]  # unreachable twice, then back

    def select_one() -> int:
        with engines.pop(0).connect() as conn:
            return int(conn.execute(text("SELECT 1")).scalar_one())

    before = stats.counters["store.retries.test"]
    assert await retry.until_answered(select_one, "test") == 1
    assert stats.counters["store.retries.test"] - before == 2


async def test_other_errors_are_raised() -> None:
    def broken() -> None:
        raise ValueError("a bug, not an outage")

    with pytest.raises(ValueError, match="a bug"):
        await retry.until_answered(broken, "test")
