"""Champion / challenger: the challenger scores every example in shadow beside the
champion and learns from the same outcomes; it is promoted when it beats the champion
on the rolling metrics by the rule's margin. A switch is reported (for the audit log), and
a rollback swaps back (the former champion kept learning in shadow meanwhile).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from warroom.models.features import Example
from warroom.models.metrics import Quality, RollingQuality


class PromotionRule(BaseModel):
    """When a challenger takes over: enough outcomes since the last switch, a higher
    rolling AUC by ``min_auc_gain``, and a log-loss no worse than ``max_logloss_ratio``
    times the champion's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_examples: int = Field(2000, ge=1, le=10_000_000)
    min_auc_gain: float = Field(0.01, ge=0, le=1)
    max_logloss_ratio: float = Field(1.0, gt=0, le=10)


@dataclass
class Entry:
    """One model version in the contest, with its rolling quality."""

    version: str
    model: Any
    quality: RollingQuality = field(default_factory=RollingQuality)


class Switch(BaseModel):
    """A promotion or rollback: who is champion now, and the figures that decided."""

    model_config = ConfigDict(frozen=True)

    model: str
    action: Literal["promote", "rollback"]
    champion: str
    previous: str
    reason: str
    champion_quality: Quality
    previous_quality: Quality


class Contest:
    """A champion and (optionally) a challenger of one model."""

    def __init__(
        self, name: str, champion: Entry, challenger: Entry | None, rule: PromotionRule
    ) -> None:
        self.name = name
        self.champion = champion
        self.challenger = challenger
        self.rule = rule
        self.since_switch = 0

    def entries(self) -> list[tuple[str, Entry]]:
        out = [("champion", self.champion)]
        return out + ([("challenger", self.challenger)] if self.challenger else [])

    def predict(self, x: Example) -> tuple[float, float | None]:
        """The champion's P(order) and, in shadow, the challenger's."""
        shadow = None if self.challenger is None else self.challenger.model.predict_proba_one(x)
        return self.champion.model.predict_proba_one(x), shadow

    def learn(self, x: Example, y: bool, p: float, p_shadow: float | None) -> None:
        """An outcome: score the predictions made before it, then learn it."""
        self.champion.quality.update(y, p)
        self.champion.model.learn_one(x, y)
        if self.challenger is not None:
            if p_shadow is not None:
                self.challenger.quality.update(y, p_shadow)
            self.challenger.model.learn_one(x, y)
        self.since_switch += 1

    def judge(self) -> Switch | None:
        """Promote the challenger when the rule says it beats the champion."""
        if self.challenger is None or self.since_switch < self.rule.min_examples:
            return None
        mine, theirs = self.champion.quality.report(), self.challenger.quality.report()
        auc, their_auc, loss, their_loss = mine.auc, theirs.auc, mine.logloss, theirs.logloss
        if auc is None or their_auc is None or loss is None or their_loss is None:
            return None
        if their_auc < auc + self.rule.min_auc_gain:
            return None
        if their_loss > loss * self.rule.max_logloss_ratio:
            return None
        reason = (
            f"rolling AUC {their_auc:.4f} vs {auc:.4f} (+{self.rule.min_auc_gain:g} needed), "
            f"log-loss {their_loss:.4f} vs {loss:.4f}"
        )
        return self._swap(self.challenger, "promote", reason)

    def rollback(self, reason: str) -> Switch | None:
        """Make the challenger (the former champion after a promotion) champion again."""
        return None if self.challenger is None else self._swap(self.challenger, "rollback", reason)

    def _swap(self, new: Entry, action: Literal["promote", "rollback"], reason: str) -> Switch:
        old = self.champion
        self.champion, self.challenger = new, old
        self.since_switch = 0
        return Switch(
            model=self.name,
            action=action,
            champion=new.version,
            previous=old.version,
            reason=reason,
            champion_quality=new.quality.report(),
            previous_quality=old.quality.report(),
        )
