"""The rulebook in the SQL store: drafts, immutable published versions, rollback.

Publishing writes the new version, moves the rule's live version, appends to the
audit log and enqueues the control message, all in one transaction: if it commits,
every worker will hear of it (through the outbox relay), even if Kafka is down now.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warroom.errors import Conflict, NotFound, StaleVersion
from warroom.rules.budget import playbook
from warroom.rules.registry import BUILTIN, rule_kind
from warroom.rules.risk.shadow import SHADOW_KINDS
from warroom.schemas.control import RuleCandidate, RulePublished
from warroom.store.audit import record
from warroom.store.models import Rule, RuleVersion
from warroom.store.models.types import utcnow
from warroom.store.outbox import enqueue


def canonical(kind: str, draft: dict[str, Any]) -> dict[str, Any]:
    """The draft validated against its kind, or InvalidEntity naming the field path."""
    return rule_kind(kind).validate(draft)


def view(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "kind": rule.kind,
        "family": rule.family,
        "scope": rule.scope,
        "title": rule.title,
        "shop_id": rule.shop_id,
        "draft": rule.draft,
        "live_version": rule.live_version,
        "candidate_version": rule.candidate_version,
        "revision": rule.revision,
    }


def get_rule(session: Session, rule_id: str) -> Rule:
    rule = session.get(Rule, rule_id)
    if rule is None:
        raise NotFound(f"no rule {rule_id!r}")
    return rule


def _check_revision(rule: Rule, revision: int | None) -> None:
    if revision is not None and revision != rule.revision:
        raise StaleVersion(
            f"rule {rule.id!r} changed since revision {revision}: it is now at revision "
            f"{rule.revision}; reload and retry",
            rule.revision,
        )


def create_rule(
    session: Session,
    actor: str,
    rule_id: str,
    kind: str,
    title: str,
    shop_id: str | None,
    draft: dict[str, Any],
    scope: str | None = None,
) -> Rule:
    spec = rule_kind(kind)
    if session.get(Rule, rule_id) is not None:
        raise Conflict(f"rule {rule_id!r} exists already")
    rule = Rule(
        id=rule_id,
        family=spec.family,
        kind=kind,
        scope=scope or spec.scope,
        title=title or spec.title,
        shop_id=shop_id,
        draft=canonical(kind, draft),
    )
    session.add(rule)
    session.flush()
    record(session, actor, "create", "rule", rule_id, shop_id, None, view(rule))
    return rule


def update_draft(
    session: Session,
    actor: str,
    rule_id: str,
    revision: int | None,
    draft: dict[str, Any] | None,
    title: str | None,
) -> Rule:
    rule = get_rule(session, rule_id)
    _check_revision(rule, revision)
    before = view(rule)
    if draft is not None:
        rule.draft = canonical(rule.kind, draft)
    if title is not None:
        rule.title = title
    session.flush()
    record(session, actor, "update", "rule", rule_id, rule.shop_id, before, view(rule))
    return rule


def _new_version(
    session: Session, actor: str, rule: Rule, body: dict[str, Any], note: str
) -> RuleVersion:
    last = session.scalar(
        select(func.max(RuleVersion.version)).where(RuleVersion.rule_id == rule.id)
    )
    version = RuleVersion(
        rule_id=rule.id, version=(last or 0) + 1, body=body, published_by=actor, note=note
    )
    session.add(version)
    return version


def _announce_candidate(
    session: Session, actor: str, rule: Rule, version: int, body: dict[str, Any] | None, topic: str
) -> None:
    message = RuleCandidate(
        rule_id=rule.id, version=version, kind=rule.kind, body=body, at=utcnow(), by=actor
    )
    enqueue(session, topic, f"candidate:{rule.id}", message)


def _end_candidate(session: Session, actor: str, rule: Rule, control_topic: str) -> int | None:
    """End the rule's candidate, if any: clear it, tell the workers; the version it was."""
    ended = rule.candidate_version
    if ended is not None:
        rule.candidate_version = None
        _announce_candidate(session, actor, rule, ended, None, control_topic)
    return ended


def _go_live(
    session: Session, actor: str, rule: Rule, body: dict[str, Any], note: str, control_topic: str
) -> RuleVersion:
    _end_candidate(session, actor, rule, control_topic)  # promoted, or superseded
    version = _new_version(session, actor, rule, body, note)
    rule.live_version = version.version
    session.flush()
    enqueue(
        session,
        control_topic,
        rule.id,
        RulePublished(
            rule_id=rule.id,
            version=version.version,
            kind=rule.kind,
            family=rule.family,
            scope=rule.scope,
            shop_id=rule.shop_id,
            body=body,
            published_at=version.published_at,
            published_by=actor,
        ),
    )
    return version


def publish(
    session: Session, actor: str, rule_id: str, revision: int | None, note: str, control_topic: str
) -> RuleVersion:
    """Publish the draft as the next version and make it live."""
    rule = get_rule(session, rule_id)
    _check_revision(rule, revision)
    before = rule.live_version
    version = _go_live(session, actor, rule, canonical(rule.kind, rule.draft), note, control_topic)
    record(
        session,
        actor,
        "publish",
        "rule",
        rule_id,
        rule.shop_id,
        {"live_version": before},
        {"live_version": version.version, "body": version.body},
    )
    return version


def rollback(
    session: Session, actor: str, rule_id: str, to_version: int, note: str, control_topic: str
) -> RuleVersion:
    """Re-publish an older version's body as the next version (and make it the draft)."""
    rule = get_rule(session, rule_id)
    old = session.get(RuleVersion, (rule_id, to_version))
    if old is None:
        raise NotFound(f"rule {rule_id!r} has no version {to_version}")
    before = rule.live_version
    body = canonical(rule.kind, old.body)
    rule.draft = body
    version = _go_live(
        session, actor, rule, body, note or f"rollback to v{to_version}", control_topic
    )
    record(
        session,
        actor,
        "rollback",
        "rule",
        rule_id,
        rule.shop_id,
        {"live_version": before},
        {"live_version": version.version, "from_version": to_version, "body": body},
    )
    return version


def start_candidate(
    session: Session, actor: str, rule_id: str, revision: int | None, note: str, control_topic: str
) -> RuleVersion:
    """Version the draft as the rule's candidate: judged beside the live version on the
    same events, its hits never change an outcome. Replaces a candidate running already."""
    rule = get_rule(session, rule_id)
    _check_revision(rule, revision)
    if rule.kind not in SHADOW_KINDS:
        raise Conflict(
            f"rule {rule_id!r} is a {rule.kind} rule; candidates run for {sorted(SHADOW_KINDS)}"
        )
    if rule.live_version is None:
        raise Conflict(f"rule {rule_id!r} has no live version to compare a candidate with")
    body = canonical(rule.kind, rule.draft)
    before = _end_candidate(session, actor, rule, control_topic)
    version = _new_version(session, actor, rule, body, note or "candidate")
    rule.candidate_version = version.version
    session.flush()
    _announce_candidate(session, actor, rule, version.version, body, control_topic)
    after = {"candidate_version": version.version, "body": body}
    record(
        session,
        actor,
        "candidate",
        "rule",
        rule_id,
        rule.shop_id,
        {"candidate_version": before},
        after,
    )
    return version


def end_candidate(session: Session, actor: str, rule_id: str, control_topic: str) -> None:
    """Stop judging with the rule's candidate (NotFound when it has none)."""
    rule = get_rule(session, rule_id)
    ended = _end_candidate(session, actor, rule, control_topic)
    if ended is None:
        raise NotFound(f"rule {rule_id!r} has no candidate")
    session.flush()
    record(
        session,
        actor,
        "end_candidate",
        "rule",
        rule_id,
        rule.shop_id,
        {"candidate_version": ended},
        {"candidate_version": None},
    )


def delete_rule(session: Session, actor: str, rule_id: str, revision: int | None) -> None:
    """Delete a rule that was never published; a published one is history: switch it off."""
    rule = get_rule(session, rule_id)
    _check_revision(rule, revision)
    if rule.live_version is not None:
        raise Conflict(
            f"rule {rule_id!r} has published versions; publish it with mode 'off' "
            "instead of deleting it"
        )
    before = view(rule)
    session.delete(rule)
    record(session, actor, "delete", "rule", rule_id, rule.shop_id, before, None)


def versions(session: Session, rule_id: str) -> list[RuleVersion]:
    get_rule(session, rule_id)
    return list(
        session.scalars(
            select(RuleVersion).where(RuleVersion.rule_id == rule_id).order_by(RuleVersion.version)
        )
    )


def ensure_builtin(session: Session, control_topic: str) -> list[str]:
    """Create and publish the built-in risk rules that the store does not have yet."""
    created = []
    for rule_id, kind, mode in BUILTIN:
        if session.get(Rule, rule_id) is None:
            create_rule(session, "system", rule_id, kind, "", None, {"mode": mode})
            publish(session, "system", rule_id, None, "built-in default", control_topic)
            created.append(rule_id)
    return created


def ensure_playbook(session: Session, control_topic: str) -> list[str]:
    """Seed the playbook's 三快 budget rules the store does not have yet, published in
    shadow mode: they decide and record, and a person switches them to enforce."""
    created = []
    for body in playbook.drafts():
        if session.get(Rule, body["id"]) is None:
            draft = {**body["draft"], "mode": "shadow"}
            create_rule(
                session,
                "system",
                body["id"],
                body["kind"],
                body["title"],
                None,
                draft,
                body["scope"],
            )
            publish(
                session, "system", body["id"], None, "playbook default, in shadow", control_topic
            )
            created.append(body["id"])
    return created


def enforce_playbook(session: Session, actor: str, control_topic: str) -> list[str]:
    """Publish the playbook's rules that are still in shadow in enforce mode (the demo's
    setup: its ad platform is simulated, so the loop closes); the rules switched."""
    switched = []
    for rule_id in playbook.PLAYBOOK:
        rule = session.get(Rule, rule_id)
        if rule is None or rule.draft.get("mode") != "shadow":
            continue
        update_draft(session, actor, rule_id, None, {**rule.draft, "mode": "enforce"}, None)
        publish(
            session,
            actor,
            rule_id,
            None,
            "enforce: the demo's platform is simulated",
            control_topic,
        )
        switched.append(rule_id)
    return switched
