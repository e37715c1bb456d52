"""Topics, envelopes, partitioning, dead-letter routing and the broker itself."""
