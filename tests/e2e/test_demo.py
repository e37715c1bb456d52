"""``warroom demo`` as a user runs it: nothing configured, verdicts within 15 seconds,
budget actions applied within a minute (the burner paused stops spending, a winner
scaled), Ctrl-C stops everything and leaves no process or port behind."""

from __future__ import annotations

import asyncio
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sse import reading

pytestmark = pytest.mark.e2e

UP = re.compile(r"warroom is up: (http://127\.0\.0\.1:(\d+))")


def lines_of(proc: subprocess.Popen[str], log: list[str]) -> queue.Queue[str]:
    """The process's lines as they come; every line is also appended to ``log``."""
    out: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            log.append(line.rstrip("\n"))
            out.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    return out


def next_match(out: queue.Queue[str], pattern: re.Pattern[str], timeout: float) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        try:
            line = out.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(line)
        if m := pattern.search(line):
            return m
    raise AssertionError(f"no line matching {pattern.pattern!r} in {timeout} s; saw: {seen[-20:]}")


def seen_or_next(
    log: list[str], out: queue.Queue[str], pattern: re.Pattern[str], timeout: float
) -> re.Match[str]:
    """The first line so far (``log``) or to come that matches ``pattern``."""
    for line in list(log):
        if m := pattern.search(line):
            return m
    return next_match(out, pattern, timeout)


def impressions_of(live: dict[str, Any]) -> int:
    """The campaign's impressions counted so far (every minute of its live snapshot)."""
    return sum(int(m["impressions"]) for m in live["minutes"])


async def settled(client: httpx.AsyncClient, campaign: str, timeout: float = 30) -> int:
    """The campaign's impressions once they have not moved for 2 s: what was sent before
    a pause drains in well under a second on a quiet machine, several under load."""
    last, since = -1, time.monotonic()
    deadline = since + timeout
    while time.monotonic() < deadline:
        now = impressions_of((await client.get(f"/v1/campaigns/{campaign}/live")).json())
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= 2:
            return now
        await asyncio.sleep(0.25)
    raise AssertionError(f"campaign {campaign}'s impressions still rising after {timeout} s")


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


async def test_demo_shows_verdicts_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "warroom", "demo"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        log: list[str] = []
        out = lines_of(proc, log)
        up = next_match(out, UP, timeout=60)
        url, port = up.group(1), int(up.group(2))
        viewer = next_match(out, re.compile(r"^ +viewer +key: (wk_\S+)$"), timeout=5).group(1)
        [broker] = children(proc.pid)
        broker_port = int(
            re.search(r"127\.0\.0\.1:(\d+)", Path(f"/proc/{broker}/cmdline").read_text()).group(1)
        )

        async with reading(f"{url}/v1/stream?kind=verdict&access_token={viewer}") as feed:
            terminal = next_match(
                out,
                re.compile(
                    r"^HOLD +order (\S+) .*risk\.same_ip_burst v1: "
                    r"(\d+) orders from IP (\S+)"
                ),
                timeout=15,
            )
            on_feed = await feed.wait_for(lambda k, d: True, timeout=15)
        assert int(terminal.group(2)) > 5
        assert on_feed["hits"][0]["rule_id"] == "risk.same_ip_burst"
        assert on_feed["outcome"] == "hold"

        # the playbook's budget rules act on the simulated ad platform: the money burner
        # (true ROI 0) is paused within a minute and stops spending; winners are scaled
        pause = seen_or_next(  # the burner may be paused before the first burst is held
            log,
            out,
            re.compile(r"^PAUSE campaign (88\d9) .*budget\.fast_stop_\w+ v2 \| applied$"),
            timeout=60,
        )
        burner = pause.group(1)
        assert burner in {"8809", "8819", "8829"}
        bearer = {"authorization": f"Bearer {viewer}"}
        async with httpx.AsyncClient(base_url=url, headers=bearer) as client:
            assert (await client.get(f"/v1/campaigns/{burner}")).json()["status"] == "paused"
            before = await settled(client, burner)  # events sent before the pause drained
            await asyncio.sleep(4)
            after = impressions_of((await client.get(f"/v1/campaigns/{burner}/live")).json())
        assert after == before > 0  # the loop is closed
        scale = seen_or_next(
            log,
            out,
            re.compile(
                r"^SCALE campaign (88\d\d) .*budget ¥3,000\.00 → ¥3,600\.00 "
                r"\| budget\.fast_scale_winners v2 \| applied$"
            ),
            timeout=60,
        )
        assert scale.group(1) not in {"8809", "8819", "8829"}  # never the burner
        # winning creatives are judged for a copy (applied once they have spent ¥100)
        copy = seen_or_next(
            log,
            out,
            re.compile(
                r"^COPY creative (cr-88\d\d-\d) .*ROI [\d.]+ in 60 min.* "
                r"copy into campaign cp-\w+ .*budget\.fast_copy_winners v2 \| (applied|skipped)"
            ),
            timeout=60,
        )
        assert not copy.group(1).startswith(("cr-8809", "cr-8819", "cr-8829"))  # no burner

        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0
        assert not Path(f"/proc/{broker}").exists(), "the broker outlived warroom"
        assert port_is_free(port) and port_is_free(broker_port)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
