"""What an ad-platform adapter does, and which one a process uses.

An adapter carries out one decision on the ad platform, or raises ``ActionFailed``
with the error. It must be safe to call twice with the same decision (at-least-once
delivery): the decision's ``key`` is its idempotency key.
"""

from __future__ import annotations

from typing import Protocol

from warroom.errors import WarroomError
from warroom.schemas.budget import BudgetDecision
from warroom.settings import Settings


class ActionFailed(WarroomError):
    """The ad platform did not carry out a decision."""


class Adapter(Protocol):
    name: str

    async def apply(self, decision: BudgetDecision) -> None: ...

    async def close(self) -> None: ...


def make_adapter(settings: Settings) -> Adapter:
    """The adapter ``settings.actuator`` names."""
    if settings.actuator == "webhook":
        from warroom.actuator.webhook import WebhookAdapter

        if not settings.webhook_url or not settings.webhook_secret:
            raise WarroomError("the webhook actuator needs WARROOM_WEBHOOK_URL and _SECRET")
        return WebhookAdapter(settings.webhook_url, settings.webhook_secret)
    from warroom.actuator.simulated import SimulatedAdapter
    from warroom.sim.platform import PLATFORM

    return SimulatedAdapter(PLATFORM)
