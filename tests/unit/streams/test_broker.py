"""The embedded broker fails with a clear error, and starts and stops for real."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from warroom.errors import BrokerError
from warroom.streams.broker import embedded_broker, find_tansu


def test_a_configured_binary_that_does_not_exist_is_named_in_the_error(tmp_path: Path) -> None:
    missing = tmp_path / "tansu"
    with pytest.raises(BrokerError, match=str(missing)):
        find_tansu(missing)


def test_a_broker_that_exits_at_once_is_reported_with_its_output(tmp_path: Path) -> None:
    fake = tmp_path / "tansu"
    fake.write_text("#!/bin/sh\necho 'address already in use' >&2\nexit 3\n")
    fake.chmod(0o755)
    with (
        pytest.raises(BrokerError, match=r"exited with code 3.*address already in use"),
        embedded_broker(fake, timeout=5),
    ):
        pass


def test_the_real_broker_listens_while_the_block_runs_and_is_gone_after() -> None:
    with embedded_broker() as bootstrap:
        host, port = bootstrap.split(":")
        with socket.create_connection((host, int(port)), timeout=2):
            pass
    with socket.socket() as sock:
        assert sock.connect_ex((host, int(port))) != 0
