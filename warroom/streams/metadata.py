"""warroom's Kafka clients never create a topic by asking about it.

aiokafka asks for topic metadata with ``allow_auto_topic_creation`` set (Metadata v4 and
later), and a broker that auto-creates topics (tansu always; Apache Kafka unless
``auto.create.topics.enable=false``) then creates the topic it was asked about, with the
broker's default partition count. After tansu lost its topics, a producer's first send
did that to live topics (4 partitions, warroom expects its own count) before the broker
watch recreated them (``broker.partition_mismatch``), and topics of one key were no
longer co-partitioned. warroom creates every topic it uses itself (``topics.ensure_all``
at start, and again by the broker watch), so its clients ask without that flag: a send to
a missing topic waits until the topic is created, with warroom's partitions (the API
answers 503 meanwhile).

aiokafka has no setting for it: the request class its client builds is replaced by one
whose default is not to create (``never_auto_create``, once per process, on importing
``warroom.streams``). kafka-python's admin client already asks without creating.
"""

from __future__ import annotations

import aiokafka.client
from aiokafka.protocol.metadata import MetadataRequest


class AskOnly(MetadataRequest):
    """A metadata request that does not create the topics it names."""

    def __init__(self, topics: list[str] | None = None, allow_auto_topic_creation: bool = False):
        super().__init__(topics, allow_auto_topic_creation)


def never_auto_create() -> None:
    """Make every aiokafka client of this process ask for metadata with ``AskOnly``."""
    aiokafka.client.MetadataRequest = AskOnly
