"""The online models' topics, declared once (values are JSON envelopes, as everywhere).

- ``match-clicks`` (internal): clicks of kind ``click`` keyed by viewer (co-partitioned
  with ``orders-by-user``, so a user's clicks and orders meet on one worker), and
  per-creator tallies of every ad interaction keyed by creator;
- ``models``: what the learners publish: match scores per campaign and creative, quality
  reports per model version, the champion's weights and fan bases, creator counters,
  champion switches; every worker (budget rules) and API process reads it in full;
- ``model-commands``: an operator's promote / rollback, read by every worker.
"""

from __future__ import annotations

from faust.types import TopicT

from warroom.app import app
from warroom.streams.names import topic_name


def _topic(name: str, internal: bool = False) -> TopicT:
    return app.topic(
        topic_name(name),
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        internal=internal,
    )


match_clicks = _topic("match-clicks", internal=True)
models = _topic("models")
model_commands = _topic("model-commands")

ALL = (match_clicks, models, model_commands)
