"""Messages on the control topic: what every worker must know, keyed by what they change."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from warroom.rules.risk.suppression import AllowEntry

NAMESPACE = "warroom.v1"


class RulePublished(BaseModel):
    """A rule version went live (published, or rolled back to)."""

    model_config = ConfigDict(frozen=True)

    type: Literal["rule"] = "rule"
    rule_id: str
    version: int
    kind: str
    family: str
    scope: str
    shop_id: str | None
    body: dict[str, Any]
    published_at: datetime
    published_by: str


class RuleCandidate(BaseModel):
    """A rule's candidate version started (``body`` set) or ended (``body`` None).

    Workers judge each event with it beside the live version; its hits never change an
    outcome. Sent under the key ``candidate:<rule_id>`` so that compaction keeps it
    beside the rule's live version.
    """

    model_config = ConfigDict(frozen=True)

    type: Literal["candidate"] = "candidate"
    rule_id: str
    version: int
    kind: str
    body: dict[str, Any] | None
    at: datetime
    by: str


class EntityChanged(BaseModel):
    """A shop, campaign or creative the workers need changed (``data`` None: deleted)."""

    model_config = ConfigDict(frozen=True)

    type: Literal["entity"] = "entity"
    kind: str
    id: str
    data: dict[str, Any] | None


class KillSwitch(BaseModel):
    """Stop (``on``) or allow again every budget action, on every worker at once."""

    model_config = ConfigDict(frozen=True)

    type: Literal["kill_switch"] = "kill_switch"
    on: bool
    reason: str = ""
    by: str = ""


class AllowListChanged(BaseModel):
    """An allow-list entry or snooze was added (``entry``) or removed (``entry`` None)."""

    model_config = ConfigDict(frozen=True)

    type: Literal["allow"] = "allow"
    id: str
    entry: AllowEntry | None
