"""The SQL store (entities, rule versions, outbox, keys, audit) and, from issue 7, the warehouse."""
