"""The rulebook as a worker sees it: the live version of every rule.

It starts from the built-in defaults and follows the control topic, where the API
publishes every new version (from the SQL store, through the outbox). A version
applies to the next event; decisions record the version they used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from warroom.errors import VersionConflict
from warroom.rules.base import RuleParams
from warroom.rules.budget.body import BudgetBody
from warroom.rules.registry import BUILTIN, KINDS, rule_kind
from warroom.schemas.control import RuleCandidate, RulePublished

Mode = Literal["off", "shadow", "enforce"]


@dataclass(frozen=True, slots=True)
class RuleVersion:
    """One published version of a rule."""

    rule_id: str
    version: int
    mode: Mode
    params: RuleParams | BudgetBody
    scope: str | None = None
    shop_id: str | None = None  # the one shop it judges; None: every shop


def _default(rule_id: str, kind: str, mode: Mode) -> RuleVersion:
    params = KINDS[kind].params
    if params is None:
        raise ValueError(f"built-in rule {rule_id} has no parameter model")
    return RuleVersion(rule_id, 1, mode, params(), KINDS[kind].scope)


#: What a worker uses until the control topic says otherwise: the built-ins' v1.
DEFAULTS: tuple[RuleVersion, ...] = tuple(_default(*builtin) for builtin in BUILTIN)


class Rulebook:
    """The current version of each rule, by id."""

    def __init__(self, versions: tuple[RuleVersion, ...] = DEFAULTS) -> None:
        self._current = {v.rule_id: v for v in versions}
        self._candidates: dict[str, RuleVersion] = {}

    def current(self, rule_id: str) -> RuleVersion:
        return self._current[rule_id]

    def candidate(self, rule_id: str) -> RuleVersion | None:
        """The version judged beside the live one (shadow comparison), if any."""
        return self._candidates.get(rule_id)

    def running(self, rule_id: str) -> list[RuleVersion]:
        """The live version and the candidate, if any (state must cover both)."""
        return [self._current[rule_id], *filter(None, [self._candidates.get(rule_id)])]

    def apply_candidate(self, message: RuleCandidate) -> bool:
        """Start or end a candidate; False when stale (not newer than the live version,
        or an end of a candidate that is no longer the one running)."""
        known = self._candidates.get(message.rule_id)
        if message.body is None:
            if known is None or known.version != message.version:
                return False
            del self._candidates[message.rule_id]
            return True
        live = self._current.get(message.rule_id)
        if live is not None and message.version <= live.version:
            return False
        if known is not None and message.version <= known.version:
            return False
        mode, params = rule_kind(message.kind).parse(message.body)
        scope, shop = (live.scope, live.shop_id) if live else (None, None)
        self._candidates[message.rule_id] = RuleVersion(
            message.rule_id, message.version, mode, params, scope, shop
        )
        return True

    def _supersede(self, rule_id: str, live_version: int) -> None:
        """A live version at or past the candidate ends it (it was promoted or replaced)."""
        known = self._candidates.get(rule_id)
        if known is not None and known.version <= live_version:
            del self._candidates[rule_id]

    def publish(self, version: RuleVersion) -> None:
        """Make ``version`` current; versions only move forward."""
        known = self._current.get(version.rule_id)
        if known is not None and version.version <= known.version:
            raise VersionConflict(
                f"{version.rule_id} is at v{known.version}; got v{version.version}"
            )
        self._current[version.rule_id] = version
        self._supersede(version.rule_id, version.version)

    def apply(self, message: RulePublished) -> bool:
        """Apply a control message; False when it is not newer than what is live (redelivery).

        The body was validated when it was published; it is validated again here so
        that a worker never runs a rule whose parameters its own code cannot read.
        """
        known = self._current.get(message.rule_id)
        if known is not None and message.version <= known.version:
            return False
        mode, params = rule_kind(message.kind).parse(message.body)
        self._current[message.rule_id] = RuleVersion(
            message.rule_id, message.version, mode, params, message.scope, message.shop_id
        )
        self._supersede(message.rule_id, message.version)
        return True

    def budget_rules(self, scope: str) -> list[RuleVersion]:
        """The live budget rules that judge entities of ``scope`` (campaign, creative)."""
        return [
            v
            for _, v in sorted(self._current.items())
            if isinstance(v.params, BudgetBody) and v.scope == scope
        ]

    def of_params(self, model: type[RuleParams]) -> list[RuleVersion]:
        """The live rules whose parameters are a ``model`` (e.g. every A/B test)."""
        return [v for _, v in sorted(self._current.items()) if isinstance(v.params, model)]

    def versions(self) -> dict[str, int]:
        return {rule_id: v.version for rule_id, v in sorted(self._current.items())}


#: This process's view of the rulebook.
rulebook = Rulebook()
