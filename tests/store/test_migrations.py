"""The schema only moves through migrations: from empty to head, again (no-op), down to
nothing and up again, on SQLite and PostgreSQL; and the models match what they build."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

import warroom.store.models  # noqa: F401  (registers every table)
from warroom.store.db import Base, alembic_config, make_engine, migrate

COMMERCE = {"shops", "products", "creators", "campaigns", "creatives"}
RULEBOOK = {"rules", "rule_versions", "outbox", "audit", "api_keys"}
REVIEWS = {"reviews", "review_rules"}


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def test_migrating_an_empty_database_builds_every_table(empty_url: str) -> None:
    migrate(empty_url)

    assert tables(empty_url) >= COMMERCE | RULEBOOK
    assert revision(empty_url) == head(empty_url)


def test_migrating_twice_changes_nothing(empty_url: str) -> None:
    migrate(empty_url)
    before = revision(empty_url)
    engine = make_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO shops (id, name, platform, time_zone, currency, version, "
                "created_at, updated_at) VALUES ('s1', 'n', 'douyin', 'Asia/Shanghai', 'CNY', "
                "1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()

    migrate(empty_url)

    assert revision(empty_url) == before == head(empty_url)
    engine = make_engine(empty_url)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT name FROM shops WHERE id = 's1'")) == "n"
    engine.dispose()


def test_downgrade_to_base_and_upgrade_again(empty_url: str) -> None:
    migrate(empty_url)

    command.downgrade(alembic_config(empty_url), "base")
    assert tables(empty_url) == set()
    assert revision(empty_url) is None

    migrate(empty_url)
    assert tables(empty_url) >= COMMERCE | RULEBOOK


def test_downgrading_the_commerce_revision_keeps_the_rulebook(empty_url: str) -> None:
    migrate(empty_url)

    command.downgrade(alembic_config(empty_url), "0001")

    assert tables(empty_url) >= RULEBOOK
    assert not tables(empty_url) & COMMERCE
    migrate(empty_url, "0002")
    assert tables(empty_url) >= COMMERCE


def test_downgrading_the_review_queue_keeps_the_rest(empty_url: str) -> None:
    migrate(empty_url)
    assert tables(empty_url) >= REVIEWS

    command.downgrade(alembic_config(empty_url), "0003")

    assert tables(empty_url) >= COMMERCE | RULEBOOK
    assert not tables(empty_url) & REVIEWS


def test_the_models_match_the_migrated_schema(empty_url: str) -> None:
    migrate(empty_url)
    engine = make_engine(empty_url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()

    assert diff == []
