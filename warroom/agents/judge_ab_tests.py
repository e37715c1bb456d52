"""Judge every creative A/B test (rules of kind ``ab_test``) on the creatives' live
counters: accumulate each creative's minutes from its snapshots, compare the variants with
the always-valid mSPRT after every update, publish each test's state, and once a test is
decided send the winner's fast-copy and the losers' fast-stop through the actuator.

The creative-live topic is keyed by campaign: a test's creatives in one campaign (the
usual test) are judged together on one worker; across campaigns, only with one worker.
State survives restarts and rebalances (checkpoints + replay).
"""

from __future__ import annotations

import time
from typing import cast

from faust.types import StreamT

from warroom.app import app
from warroom.rules.abtest.actions import decisions_of
from warroom.rules.abtest.creative_test import Counts, Params, arm_of, judge
from warroom.rules.rulebook import RuleVersion, rulebook
from warroom.schemas.abtest import AbTestState, VariantState
from warroom.schemas.budget import BudgetDecision
from warroom.schemas.internal import CreativeLive
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.abtest_state import CampaignTests, TestState, totals
from warroom.streams.batches import batches
from warroom.streams.codecs import decode_trusted
from warroom.streams.keyed_state import KeyedState
from warroom.streams.recovery import Recovery, admitted, follow_partitions
from warroom.streams.send import send_envelopes

_s = get_settings()


def add(raw: bytes) -> None:
    for snap in decode_trusted(CreativeLive, raw):
        held = campaigns.items.setdefault(snap.campaign_id, CampaignTests())
        held.add(snap)
        where[snap.creative_id] = (snap.campaign_id, snap.shop_id)


campaigns: KeyedState[CampaignTests] = KeyedState(_s.partitions, add)
recovery = Recovery("judge_ab_tests", campaigns)
follow_partitions(app, topics.creative_live, recovery)
#: creative -> (campaign, shop), as the snapshots say
where: dict[str, tuple[str, str]] = {}


def variant(cid: str, counts: Counts, p: Params, control: bool, pval: float | None) -> VariantState:
    arm = arm_of(p.metric, counts)
    return VariantState(
        creative_id=cid,
        control=control,
        impressions=counts.impressions,
        clicks=counts.clicks,
        orders=counts.orders,
        spend=counts.spend,
        gmv=counts.gmv,
        value=None if arm is None else arm.mean,
        p_value=pval,
    )


def run(rule: RuleVersion, now: float) -> tuple[AbTestState, list[BudgetDecision]] | None:
    """One test's state and, the first time it is decided, its actions."""
    p = cast(Params, rule.params)
    home = where.get(p.creatives[0])
    if home is None or home[0] not in campaigns.items:
        return None  # its control is not on this worker
    tests = campaigns.items[home[0]].tests
    test = tests.setdefault((rule.rule_id, rule.version), TestState(started=now))
    counts = {}
    for cid in p.creatives:
        held = campaigns.items.get(where.get(cid, ("", ""))[0])
        counts[cid] = totals(held.minutes.get(cid, {}), test.started) if held else Counts()
    out = judge(p, counts, test.best)
    made: list[BudgetDecision] = []
    if out.winner is not None and not test.decided and rule.mode != "off":
        test.decided = True
        made = decisions_of((rule.rule_id, rule.version, rule.mode, p), out, where, now)
    state = AbTestState(
        rule_id=rule.rule_id,
        rule_version=rule.version,
        mode=rule.mode,
        shop_id=home[1],
        metric=p.metric,
        alpha=p.alpha,
        started_at=test.started,
        status="decided" if out.winner else "running",
        winner=out.winner,
        confidence=out.confidence,
        losers=out.losers,
        variants=[
            variant(c, counts[c], p, c == p.creatives[0], out.p_values.get(c)) for c in p.creatives
        ],
        updated_at=now,
    )
    return state, made


@app.agent(topics.creative_live)
async def judge_ab_tests(stream: StreamT[bytes]) -> None:
    events = batches(stream, _s.batch_max, _s.background_within_s)
    async for batch in events:
        for raw in await admitted(recovery, batch):
            add(raw)
        now = time.time()
        judged = [r for rule in rulebook.of_params(Params) if (r := run(rule, now))]
        states = [s for s, _ in judged]
        await send_envelopes(topics.ab_tests_live, states, key=lambda s: s.rule_id)
        made = [d for _, ds in judged for d in ds]
        await send_envelopes(topics.decisions, made, key=lambda d: d.shop_id)
        await recovery.checkpoint(now)
