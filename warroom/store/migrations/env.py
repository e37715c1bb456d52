"""Alembic environment: runs migrations against the URL in the config."""

from __future__ import annotations

from alembic import context

import warroom.store.models  # noqa: F401  (registers every table on Base.metadata)
from warroom.store.db import Base, make_engine

config = context.config


def run() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic config has no sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
