"""Topics, envelopes, partitioning, dead-letter routing and the broker itself."""

from warroom.streams.metadata import never_auto_create

never_auto_create()  # before any client of this process asks about a topic
