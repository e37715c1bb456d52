"""The production compose file (docker/compose.yml), checked offline with Debian's
docker-compose 1.29 (``make test`` installs it): it is valid, it refuses to start without
its secrets, and every service, volume and WARROOM_* setting in it is what warroom and
the operations guide expect. Docker itself does not run here (docs/operations.md)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from warroom.settings import Settings

DOCKER = Path(__file__).resolve().parents[2] / "docker"
SECRETS = {
    "POSTGRES_PASSWORD": "pg-secret",
    "CLICKHOUSE_PASSWORD": "ch-secret",
    "WARROOM_ADMIN_KEY": "wk_0123456789ab.0123456789abcdefghijklmnopqrstuvwxyzABCD",
}


def compose(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("docker-compose")
    assert exe, "docker-compose is missing: `make test` installs Debian's package"
    environ = {k: v for k, v in os.environ.items() if k not in SECRETS}
    return subprocess.run(
        [exe, "-f", str(DOCKER / "compose.yml"), *args],
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    """The compose file as docker-compose resolves it (variables filled in)."""
    done = compose("config", **SECRETS, WARROOM_WORKERS="4")
    assert done.returncode == 0, done.stderr
    resolved: dict[str, Any] = yaml.safe_load(done.stdout)
    return resolved


def test_the_compose_file_is_valid() -> None:
    done = compose("config", "-q", **SECRETS)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_it_refuses_to_start_without_a_secret(missing: str) -> None:
    done = compose("config", "-q", **{k: v for k, v in SECRETS.items() if k != missing})
    assert done.returncode != 0
    assert missing in done.stderr


def test_every_service_is_there_with_a_healthcheck(config: dict[str, Any]) -> None:
    services = config["services"]
    assert set(services) == {"kafka", "clickhouse", "postgres", "worker", "api"}
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    for name in ("worker", "api"):
        needs = services[name]["depends_on"]
        assert {s: d["condition"] for s, d in needs.items()} == {
            "kafka": "service_healthy",
            "clickhouse": "service_healthy",
            "postgres": "service_healthy",
        }


def test_kafka_runs_kraft_with_several_partitions(config: dict[str, Any]) -> None:
    kafka = config["services"]["kafka"]["environment"]
    assert set(kafka["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "ZOOKEEPER" not in " ".join(kafka).upper()
    assert int(kafka["KAFKA_NUM_PARTITIONS"]) > 1
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"  # warroom creates its topics
    worker = config["services"]["worker"]
    assert int(worker["environment"]["WARROOM_PARTITIONS"]) >= worker["deploy"]["replicas"] == 4


def test_state_lives_in_named_volumes(config: dict[str, Any]) -> None:
    services = config["services"]
    for name, path in [
        ("kafka", "/var/lib/kafka/data"),
        ("clickhouse", "/var/lib/clickhouse"),
        ("postgres", "/var/lib/postgresql/data"),
    ]:
        # docker-compose 1.29 prints the short syntax: source:target:mode
        mounts = {v.split(":")[1]: v.split(":")[0] for v in services[name]["volumes"]}
        assert mounts[path] in config["volumes"], f"{name}'s data is not in a named volume"


@pytest.mark.parametrize("service", ["worker", "api"])
def test_warroom_settings_in_it_are_settings_warroom_accepts(
    config: dict[str, Any], service: str
) -> None:
    """Every WARROOM_* variable names a setting, and its value validates (a typo in a
    name would otherwise be ignored silently)."""
    env = config["services"][service]["environment"]
    values = {
        k.removeprefix("WARROOM_").lower(): v for k, v in env.items() if k.startswith("WARROOM_")
    }
    unknown = set(values) - set(Settings.model_fields)
    assert not unknown, f"not warroom settings: {sorted(unknown)}"
    settings = Settings.model_validate(values)
    assert settings.kafka_bootstrap == "kafka:9092"
    assert settings.sql_url and settings.sql_url.startswith(
        "postgresql+psycopg://warroom:pg-secret@"
    )
    assert settings.clickhouse_dsn == "clickhouse://warroom:ch-secret@clickhouse:9000/warroom"
    assert settings.log_format == "json"


def test_the_worker_serves_metrics_and_the_api_its_port(config: dict[str, Any]) -> None:
    worker = Settings.model_validate(
        {
            k.removeprefix("WARROOM_").lower(): v
            for k, v in config["services"]["worker"]["environment"].items()
        }
    )
    health = " ".join(config["services"]["worker"]["healthcheck"]["test"])
    assert worker.metrics_port and f":{worker.metrics_port}/metrics" in health
    assert worker.warehouse_sink is True
    api = config["services"]["api"]
    assert api["command"] == ["api"] and config["services"]["worker"]["command"] == ["worker"]
    host_ip, _, target = api["ports"][0].removesuffix("/tcp").split(":")  # short syntax
    assert target == api["environment"]["WARROOM_WEB_PORT"]
    assert host_ip == "127.0.0.1"  # published on the host's loopback only: put a proxy in front


def test_the_image_is_built_by_the_install_script() -> None:
    """The Dockerfile's install step is docker/install.sh (which tests/docker/test_install.py
    runs), and the image starts `warroom`."""
    lines = (DOCKER / "Dockerfile").read_text().splitlines()
    runs = [line for line in lines if line.startswith("RUN ")]
    assert any("docker/install.sh /opt/warroom" in line for line in runs)
    assert any(line.startswith("ENTRYPOINT") and '"warroom"' in line for line in lines)
    copied = {line.split()[1] for line in lines if line.startswith("COPY ")}
    assert {"warroom", "docker/install.sh"} <= copied
