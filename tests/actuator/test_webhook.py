"""The webhook adapter POSTs each decision, signed, with its idempotency key; it retries
what may pass on a second try and gives up with the error; the actuator records it."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import orjson
import pytest
from aiohttp import web

from tests.actuator.decisions import pause
from tests.store.entities import World
from warroom.actuator.actuator import Actuator
from warroom.actuator.adapters import ActionFailed
from warroom.actuator.webhook import WebhookAdapter
from warroom.store.db import Store
from warroom.store.models import Campaign

SECRET = "a-long-shared-webhook-secret"


@dataclass
class Receiver:
    """An ad platform's endpoint: answers with ``statuses`` in turn (then 200) and keeps
    what it was sent."""

    statuses: list[int] = field(default_factory=list)
    calls: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.calls.append((dict(request.headers), await request.read()))
        status = self.statuses.pop(0) if self.statuses else 200
        return web.Response(status=status, text="nope" if status >= 400 else "ok")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/actions", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rec.url = f"http://127.0.0.1:{port}/actions"
    yield rec
    await runner.cleanup()


def adapter(url: str) -> WebhookAdapter:
    return WebhookAdapter(url, SECRET, attempts=3, backoff_s=0.01, timeout_s=2)


def verified(headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does: recompute the signature over timestamp and body."""
    mac = hmac.new(
        SECRET.encode(), headers["X-Warroom-Timestamp"].encode() + b"." + body, hashlib.sha256
    )
    return hmac.compare_digest(headers["X-Warroom-Signature"], "sha256=" + mac.hexdigest())


async def test_a_decision_is_posted_signed_with_its_idempotency_key(
    receiver: Receiver, world: World
) -> None:
    decision = pause("campaign", world.campaign, world.shop)
    hook = adapter(receiver.url)

    await hook.apply(decision)
    await hook.close()

    [(headers, body)] = receiver.calls
    assert headers["Idempotency-Key"] == decision.key
    assert verified(headers, body)
    assert orjson.loads(body)["changes"]["status"] == {"before": "active", "after": "paused"}


async def test_server_errors_are_retried_until_the_platform_accepts(
    receiver: Receiver, world: World
) -> None:
    receiver.statuses = [503, 500]
    hook = adapter(receiver.url)

    await hook.apply(pause("campaign", world.campaign, world.shop))
    await hook.close()

    assert len(receiver.calls) == 3
    assert len({h["Idempotency-Key"] for h, _ in receiver.calls}) == 1


async def test_a_refusal_fails_at_once_and_the_actuator_records_the_error(
    receiver: Receiver, store: Store, world: World
) -> None:
    receiver.statuses = [422]
    act = Actuator(store, adapter(receiver.url))

    result = await act.handle(pause("campaign", world.campaign, world.shop))

    assert result is not None and result.result == "failed"
    assert result.reason is not None and "HTTP 422" in result.reason
    assert len(receiver.calls) == 1
    with store.session() as session:
        row = session.get(Campaign, world.campaign)
        assert row is not None and row.status == "active"  # nothing applied in the store


async def test_an_unreachable_platform_fails_after_every_attempt(world: World) -> None:
    hook = adapter("http://127.0.0.1:9/actions")  # discard port: connection refused

    with pytest.raises(ActionFailed, match="after 3 attempts"):
        await hook.apply(pause("campaign", world.campaign, world.shop))
    await hook.close()
