"""No secret in what the warehouse says: a ClickHouse that cannot be reached is named
without the password of its DSN (the message is logged on every retry)."""

from __future__ import annotations

import pytest

from warroom.store.warehouse import WarehouseUnavailable
from warroom.store.warehouse.server import ServerWarehouse
from warroom.streams.broker import free_port


def test_an_unreachable_server_is_named_without_its_password() -> None:
    dsn = f"clickhouse://warroom:s3cret-Pa55@127.0.0.1:{free_port()}/warroom"
    with pytest.raises(WarehouseUnavailable) as raised:
        ServerWarehouse(dsn, "warroom")
    assert "s3cret-Pa55" not in str(raised.value)
    assert "warroom:***@127.0.0.1" in str(raised.value)
