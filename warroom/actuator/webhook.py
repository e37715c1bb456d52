"""The ``webhook`` adapter: each decision is POSTed as JSON to the ad buyer's endpoint,
signed, with its idempotency key, retried with exponential backoff.

Headers: ``Idempotency-Key`` (the decision key: the receiver de-duplicates on it),
``X-Warroom-Timestamp`` (epoch seconds) and ``X-Warroom-Signature``:
``sha256=`` + hex HMAC-SHA256 of ``{timestamp}.{body}`` with the shared secret
(``signature``), so the receiver can check who sent it and refuse replays.
A 2xx response is success; 408, 429 and 5xx responses and network errors are
retried; any other status fails at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time

import httpx

from warroom.actuator.adapters import ActionFailed
from warroom.schemas.budget import BudgetDecision

RETRIED = frozenset({408, 429})


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Warroom-Signature`` value of ``body`` sent at ``timestamp``.

    >>> signature("s3cret", "1700000000", b"{}")[:15]
    'sha256=97926816'
    """
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookAdapter:
    name = "webhook"

    def __init__(
        self,
        url: str,
        secret: str,
        attempts: int = 4,
        backoff_s: float = 0.2,
        timeout_s: float = 5.0,
    ) -> None:
        self.url, self.secret = url, secret
        self.attempts, self.backoff_s = attempts, backoff_s
        self._client = httpx.AsyncClient(timeout=timeout_s)

    def _headers(self, decision: BudgetDecision, body: bytes) -> dict[str, str]:
        stamp = str(int(time.time()))
        return {
            "Content-Type": "application/json",
            "Idempotency-Key": decision.key,
            "X-Warroom-Timestamp": stamp,
            "X-Warroom-Signature": signature(self.secret, stamp, body),
        }

    async def apply(self, decision: BudgetDecision) -> None:
        body = decision.model_dump_json().encode()
        error = "no attempt made"
        for attempt in range(self.attempts):
            if attempt:
                await asyncio.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                response = await self._client.post(
                    self.url, content=body, headers=self._headers(decision, body)
                )
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
                continue
            if response.is_success:
                return
            error = f"HTTP {response.status_code}: {response.text[:200]}"
            if response.status_code < 500 and response.status_code not in RETRIED:
                break
        raise ActionFailed(f"webhook {self.url}: {error} (after {attempt + 1} attempts)")

    async def close(self) -> None:
        await self._client.aclose()
