"""A request that finds the SQL store locked (SQLite with another writer holding it past
the busy timeout) gets 503 with Retry-After and changes nothing, never a 500."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.commerce import shop
from tests.auth import ADMIN, ADMIN_TOKEN
from warroom.api.main import create_api
from warroom.settings import get_settings

pytestmark = pytest.mark.integration


def test_a_locked_store_answers_503_and_the_retry_succeeds(broker: str, tmp_path: Path) -> None:
    settings = get_settings().model_copy(
        update={"kafka_bootstrap": broker, "data_dir": tmp_path, "admin_key": ADMIN_TOKEN}
    )
    body = shop()
    with TestClient(create_api(settings, broker), headers=ADMIN) as client:
        holder = sqlite3.connect(tmp_path / "warroom.db", timeout=10)
        holder.execute("BEGIN EXCLUSIVE")  # another writer, for longer than the busy timeout
        try:
            resp = client.post("/v1/shops", json=body)
        finally:
            holder.rollback()
            holder.close()
        assert (resp.status_code, resp.headers.get("retry-after")) == (503, "1"), resp.text
        assert client.get(f"/v1/shops/{body['id']}").status_code == 404  # nothing changed
        assert client.post("/v1/shops", json=body).status_code == 201
