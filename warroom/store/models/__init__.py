"""Every table of the SQL store; importing this package registers them on ``Base.metadata``."""

from warroom.store.models.allow_list import AllowListEntry
from warroom.store.models.audit import AuditEntry
from warroom.store.models.checkpoints import StreamCheckpoint
from warroom.store.models.commerce import Campaign, Creative, Creator, Product, Shop
from warroom.store.models.decisions import DecisionRecord
from warroom.store.models.keys import ApiKey
from warroom.store.models.outbox import OutboxMessage
from warroom.store.models.reviews import Review, ReviewRule
from warroom.store.models.rules import Rule, RuleVersion

__all__ = [
    "AllowListEntry",
    "ApiKey",
    "AuditEntry",
    "Campaign",
    "Creative",
    "Creator",
    "DecisionRecord",
    "OutboxMessage",
    "Product",
    "Review",
    "ReviewRule",
    "Rule",
    "RuleVersion",
    "Shop",
    "StreamCheckpoint",
]
