"""The ``simulated`` adapter: decisions go to the demo's ad platform, which the simulator
reads (a paused campaign stops spending, a scaled one spends more)."""

from __future__ import annotations

from warroom.schemas.budget import BudgetDecision
from warroom.sim.platform import SimulatedPlatform


class SimulatedAdapter:
    name = "simulated"

    def __init__(self, platform: SimulatedPlatform) -> None:
        self.platform = platform

    async def apply(self, decision: BudgetDecision) -> None:
        self.platform.apply(decision)  # a repeated key changes nothing

    async def close(self) -> None:
        return None
