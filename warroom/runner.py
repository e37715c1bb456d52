"""One warroom process: the Faust worker, with the API on its loop and a console that
prints what happens (``warroom demo | serve``), or the worker alone (``warroom worker``)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Iterable
from typing import Any

import httpx
from mode import Service, ServiceT

from warroom.errors import WarroomError
from warroom.settings import Settings


def external(settings: Settings) -> str:
    if not settings.kafka_bootstrap:
        raise WarroomError(
            "set WARROOM_KAFKA_BOOTSTRAP=host:port (use `warroom serve` for one process)"
        )
    return settings.kafka_bootstrap


class Console(Service):
    """Prints the URL once the API answers, then one readable line per decision or verdict;
    in the demo it also drives the simulator through the HTTP ingest path."""

    def __init__(
        self, api: object, url: str, rate: float | None, seed: int, keys: dict[str, str]
    ) -> None:
        self.api, self.url, self.rate, self.seed, self.keys = api, url, rate, seed, keys
        self._sim: asyncio.Task[object] | None = None
        super().__init__()

    async def on_stop(self) -> None:
        if self._sim is not None:  # stop sending before the API goes away
            self._sim.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sim

    @Service.task
    async def _run(self) -> None:
        async with httpx.AsyncClient() as client:
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{self.url}/v1/health")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
        print(
            f"warroom is up: {self.url}   (live feed: {self.url}/v1/stream · Ctrl-C stops)",
            flush=True,
        )
        for role, token in self.keys.items():
            print(f"  {role:7} key: {token}", flush=True)
        if "viewer" in self.keys:
            print(f"war-room page: {self.url}/#key={self.keys['viewer']}", flush=True)
        if self.rate:
            from warroom.sim.platform import PLATFORM
            from warroom.sim.run import simulate
            from warroom.sim.sinks import HttpSink

            print(
                f"simulator: {self.rate:g} events/s, seed {self.seed}, IP-burst attacks every 10 s",
                flush=True,
            )
            sink = HttpSink(self.url, self.keys["ingest"])
            self._sim = asyncio.create_task(simulate(sink, self.rate, self.seed, platform=PLATFORM))
        await self._print_feed()

    async def _print_feed(self) -> None:
        from warroom.schemas.budget import BudgetDecision
        from warroom.schemas.decisions import Verdict
        from warroom.schemas.reviews import ReviewLabel
        from warroom.streams.feed import Filter

        kinds: dict[str, type[Verdict] | type[BudgetDecision] | type[ReviewLabel]] = {
            "verdict": Verdict,
            "decision": BudgetDecision,
            "review": ReviewLabel,
        }

        feed = self.api.state.runtime.feed  # type: ignore[attr-defined]
        with feed.subscribe(Filter()) as sub:
            while not self.should_stop:
                item = await sub.queue.get()
                if item.record.get("result") == "proposed":
                    continue  # its outcome (applied, skipped, failed) follows
                if item.record.get("reason") == "not_sustained":
                    continue  # a stop waiting for its condition to hold: every minute
                model = kinds.get(item.kind)
                if model is not None:  # model reports and the like: on the page only
                    print(model.model_validate(item.record).line(), flush=True)


def tune_gc(young: int) -> None:
    """Collect the young generation every ``young`` allocations instead of every 700.

    Every batch allocates thousands of short-lived models and envelopes; with Python's
    default the collector also walks the worker's large live state over and over (a
    measured third of its CPU). Older generations keep their ratios (10, 10), and a full
    collection still waits for a quarter of the heap to be new, so memory stays bounded.
    """
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(young, older, oldest)


def freeze_imports() -> int:
    """Collect once and move every object alive now to the collector's permanent
    generation; returns how many. Called once the worker's modules are imported: their
    ~270,000 objects (functions, classes, caches) live as long as the process, and a full
    collection walked them all every time (80-160 ms each, several an hour of them in the
    event loop, measured in session 11). Later garbage is collected as before.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def run_worker(
    settings: Settings,
    with_api: bool,
    rate: float | None = None,
    seed: int = 7,
    keys: dict[str, str] | None = None,
) -> None:
    """Run the Faust worker (with the API on its loop when ``with_api``) until a signal."""
    from faust.contrib.asgi import serve_asgi
    from faust.worker import Worker

    class AppFirstWorker(Worker):
        """Starts the app before the extra services, so they stop before it (and its API)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.spinner = None  # warroom prints its own lines; no cursor escapes in logs

        def on_init_dependencies(self) -> Iterable[ServiceT]:
            deps = list(super().on_init_dependencies())
            return [self.app, *(d for d in deps if d is not self.app)]

    import warroom.agents  # noqa: F401  (registers the agents)
    from warroom.api.main import create_api
    from warroom.app import app
    from warroom.observability.collectors import watch_consumer
    from warroom.observability.logs import log_config
    from warroom.observability.server import serve_metrics
    from warroom.store.shared import open_shared
    from warroom.streams import topic_logs, topics
    from warroom.streams.broker import free_port
    from warroom.streams.log_guard import follow_assignments
    from warroom.streams.recovery import forget_old_logs
    from warroom.streams.tail import restart_tails
    from warroom.streams.watchdog import BrokerWatch, WatchService, observe_now, rejoin_soon

    if settings.gc_threshold:
        tune_gc(settings.gc_threshold)
    freeze_imports()
    bootstrap = external(settings)
    if [f"{u.host}:{u.port}" for u in app.conf.broker] != [h.strip() for h in bootstrap.split(",")]:
        raise WarroomError(f"warroom.app was imported before the broker {bootstrap} was known")
    topics.ensure_all(bootstrap, settings.partitions)
    observe_now(bootstrap)  # the topics' ids, saved with every checkpoint
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    open_shared(settings.sql_url_or_default())
    watch_consumer(app.monitor)
    if settings.metrics_port:
        serve_metrics(settings.metrics_host, settings.metrics_port)

    async def rejoin(renewed: list[str]) -> None:
        await rejoin_soon(app, renewed)

    # recreates the topics a restarted broker lost; on their new logs the agents' states
    # restore (checkpoints stale), the consumer rejoins, the tails (control, API) restart
    watch = BrokerWatch(bootstrap, settings.partitions, [forget_old_logs, rejoin, restart_tails])
    # the app starts before the watch's service: its first restores look through the
    # watch already (a checkpoint is judged against the topic's id as it is now)
    topic_logs.watched_by(watch.refresh)
    follow_assignments(app)  # what is read from a lost log is left out (log_guard.py)
    services: list[Service] = [WatchService(watch)]
    if with_api:
        port = settings.web_port or free_port(settings.web_host)
        api = create_api(settings, bootstrap, watch)  # one broker watch for both
        serve_asgi(app, api, host=settings.web_host, port=port, timeout_graceful_shutdown=1)
        url = f"http://{settings.web_host}:{port}"
        services.append(Console(api, url, rate, seed, keys or {}))
    else:  # no Faust web server on its fixed port 6066: a second worker on a host would fail
        app.conf.web_enabled = False
    AppFirstWorker(
        app,
        *services,
        loglevel="WARNING",
        quiet=True,
        redirect_stdouts=False,
        logging_config=log_config(settings.log_format),
    ).execute_from_commandline()
