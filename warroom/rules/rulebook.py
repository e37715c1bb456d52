"""The rulebook: the live version of every rule's parameters and mode.

This first rulebook holds the defaults in memory; issue 3 backs it with the SQL
store and the control topic so that a published change reaches every worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from warroom.errors import VersionConflict
from warroom.rules.base import RuleParams
from warroom.rules.risk import same_ip_burst
from warroom.rules.risk.scoring import Thresholds

Mode = Literal["off", "shadow", "enforce"]


@dataclass(frozen=True, slots=True)
class RuleVersion:
    """One published version of a rule."""

    rule_id: str
    version: int
    mode: Mode
    params: RuleParams


DEFAULTS: tuple[RuleVersion, ...] = (
    RuleVersion(same_ip_burst.RULE_ID, 1, "enforce", same_ip_burst.Params()),
    RuleVersion("risk.thresholds", 1, "enforce", Thresholds()),
)


class Rulebook:
    """The current version of each rule, by id."""

    def __init__(self, versions: tuple[RuleVersion, ...] = DEFAULTS) -> None:
        self._current = {v.rule_id: v for v in versions}

    def current(self, rule_id: str) -> RuleVersion:
        return self._current[rule_id]

    def publish(self, version: RuleVersion) -> None:
        """Make ``version`` current; versions only move forward."""
        known = self._current.get(version.rule_id)
        if known is not None and version.version <= known.version:
            raise VersionConflict(
                f"{version.rule_id} is at v{known.version}; got v{version.version}"
            )
        self._current[version.rule_id] = version


#: This process's view of the rulebook.
rulebook = Rulebook()
