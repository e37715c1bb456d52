"""Records of the online models: what the learner reads (clicks, creator tallies), what it
publishes on the ``models`` topic (scores, quality reports, the champion's weights,
creator counters, champion switches), the commands it follows, and the API's bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from warroom.models.linear import LinearWeights
from warroom.schemas.events import Click
from warroom.schemas.types import Id


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class CreatorTally(Frozen):
    """A creator's impressions, plays and clicks in one ingested batch (interaction rate)."""

    creator_id: str
    impressions: int = 0
    plays: int = 0
    clicks: int = 0


class MatchItem(Frozen):
    """One item on ``match-clicks``: a click (keyed by viewer) or a tally (keyed by creator)."""

    click: Click | None = None
    tally: CreatorTally | None = None


class MatchScore(Frozen):
    """A campaign's or creative's 人货匹配度: the mean score of its latest clicks."""

    type: Literal["score"] = "score"
    kind: Literal["campaign", "creative"]
    id: str
    campaign_id: str
    shop_id: str
    score: float
    clicks: int
    model: str
    source: str
    updated_at: float


class FanBase(Frozen):
    """Who clicked a creator's content lately: a share per value of each viewer field."""

    clickers: float
    gender: dict[str, float] = {}
    age_band: dict[str, float] = {}
    spending_power: dict[str, float] = {}
    city_tier: dict[str, float] = {}
    preferred: dict[str, float] = {}


class MatchSnapshot(Frozen):
    """The champion's weights and what scoring a creator × product pair needs."""

    type: Literal["snapshot"] = "snapshot"
    model: str
    weights: LinearWeights
    base_rate: float
    fans: dict[str, FanBase]
    prices: dict[str, float] = {}
    source: str
    updated_at: float


class QualityFigures(Frozen):
    examples: int = 0
    window: int = 0
    positives: int = 0
    auc: float | None = None
    logloss: float | None = None
    baseline_auc: float | None = None
    baseline_logloss: float | None = None


class ModelReport(QualityFigures):
    """A model version's rolling quality (also a live-feed item, kind ``model``)."""

    type: Literal["report"] = "report"
    kind: Literal["model"] = "model"
    key: str
    model: str
    version: str
    role: Literal["champion", "challenger"]
    title: str = ""
    pending: int = 0
    learned: int = 0
    flagged: int = 0
    reviewed: int = 0
    confirmed: int = 0
    restored_from: str | None = None
    checkpoint_error: str | None = None
    source: str
    updated_at: float
    entities: list[str] = []


class ModelSwitch(Frozen):
    """A champion changed (also a live-feed item, kind ``model_switch``)."""

    type: Literal["switch"] = "switch"
    kind: Literal["model_switch"] = "model_switch"
    key: str
    model: str
    action: Literal["promote", "rollback"]
    champion: str
    previous: str
    reason: str
    by: str
    champion_quality: QualityFigures
    previous_quality: QualityFigures
    source: str
    at: float
    entities: list[str] = []


class CreatorCounters(Frozen):
    """What the learner counted of a creator (summed over workers by the readers)."""

    type: Literal["creator"] = "creator"
    creator_id: str
    impressions: int = 0
    plays: int = 0
    clicks: int = 0
    clickers: int = 0
    repeat_clickers: int = 0
    orders: int = 0
    repeat_orders_48h: int = 0
    refunds: int = 0
    refund_events: int = 0  # every refund the worker saw (0: the platform sends none)
    cities: dict[str, int] = {}  # orders by the buyer's city
    source: str
    updated_at: float


ModelNews = Annotated[
    MatchScore | MatchSnapshot | ModelReport | ModelSwitch | CreatorCounters,
    Field(discriminator="type"),
]


class ModelCommand(Frozen):
    """An operator's command to the learners (topic ``model-commands``)."""

    model: str
    action: Literal["promote", "rollback"]
    by: str
    reason: str = ""
    at: datetime


# -- API bodies --------------------------------------------------------------------------


class MatchPair(BaseModel):
    model_config = ConfigDict(extra="forbid")

    creator: Id
    product: Id


class MatchBatch(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"pairs": [{"creator": "cr-77", "product": "SKU-101"}]}]},
    )

    pairs: list[MatchPair] = Field(min_length=1, max_length=1000)


class MatchPublic(BaseModel):
    """A creator × product 人货匹配度: 0-100 (50: an average click's fit)."""

    creator: str
    product: str
    score: float | None
    probability: float | None
    base_rate: float | None
    model: str | None
    fans: Literal["observed", "declared", "none"]
    clickers: float = 0.0
    reason: str | None = None


class CommandRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=500)
