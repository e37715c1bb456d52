"""What ingest sends the match learner: each click of kind ``click`` keyed by its viewer
(co-partitioned with orders-by-user), and per creator a tally of the batch's
impressions, plays and clicks keyed by the creator (the trust score's interaction rate)."""

from __future__ import annotations

from collections.abc import Sequence

from warroom.schemas.events import Click
from warroom.schemas.models import CreatorTally, MatchItem
from warroom.streams import model_topics
from warroom.streams.send import send_envelopes

FIELDS = {"impression": "impressions", "play": "plays", "click": "clicks"}


def creator_tallies(clicks: Sequence[Click]) -> list[CreatorTally]:
    """Per creator, the batch's interactions by kind (clicks without a creator: none)."""
    counts: dict[str, dict[str, int]] = {}
    for c in clicks:
        if c.creator_id is not None:
            mine = counts.setdefault(c.creator_id, {})
            field = FIELDS[c.kind]
            mine[field] = mine.get(field, 0) + 1
    return [CreatorTally(creator_id=creator, **n) for creator, n in counts.items()]


def item_key(item: MatchItem) -> str:
    """A click's viewer, a tally's creator."""
    if item.click is not None:
        return item.click.viewer.viewer_id
    return item.tally.creator_id if item.tally is not None else ""


async def route_match_clicks(clicks: Sequence[Click]) -> None:
    items = [MatchItem(click=c) for c in clicks if c.kind == "click"]
    items += [MatchItem(tally=t) for t in creator_tallies(clicks)]
    await send_envelopes(model_topics.match_clicks, items, key=item_key)
