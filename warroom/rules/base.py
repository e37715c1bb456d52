"""What every rule shares: typed, bounded parameters and the hit it reports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict


class RuleParams(BaseModel):
    """Parameters of a rule: frozen, validated when published, never on the hot path."""

    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule fired: on which entity, with what weight, and the evidence."""

    rule_id: str
    entity: str
    score: float
    observed: Mapping[str, Any]
    thresholds: Mapping[str, Any]
    explanation: str
    evidence: tuple[str, ...] = field(default=())
