"""One warroom process for every page test (package scope), real Chromium (Debian's
package, driven by Playwright), keys of every role, and helpers that send events."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.auth import ADMIN
from tests.conftest import Server, start_warroom, stop_warroom
from tests.e2e.web.events import burst, fresh_ip

CHROMIUM = Path("/usr/bin/chromium")
ROLES = ("admin", "buyer", "risk", "ingest", "viewer")
VIEWPORT = {"width": 1366, "height": 768}  # a laptop screen


@pytest.fixture(scope="package")
def web(broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``warroom serve`` for the whole package: the page tests share it."""
    srv = start_warroom(broker, tmp_path_factory.mktemp("web"))
    yield srv
    stop_warroom(srv)


@pytest.fixture(scope="package")
def api(web: Server) -> Iterator[httpx.Client]:
    """An admin's HTTP client of ``web``, once its pipeline works end to end: a probe
    burst's held order has reached the review queue (a worker that has just started may
    still be joining its consumer groups)."""
    with httpx.Client(base_url=web.url, headers=ADMIN, timeout=10) as client:
        deadline = time.monotonic() + 60
        order = burst(client, fresh_ip(), shop="probe")[-1]
        while client.get(f"/v1/reviews/{order}").status_code != 200:
            assert time.monotonic() < deadline, "the probe burst was not queued in 60 s"
            time.sleep(0.5)
        yield client


def new_key(api: httpx.Client, role: str, shops: list[str] | None = None) -> str:
    made = api.post("/v1/keys", json={"name": f"web {role}", "role": role, "shops": shops})
    assert made.status_code == 201, made.text
    return str(made.json()["token"])


@pytest.fixture(scope="package")
def keys(api: httpx.Client) -> dict[str, str]:
    """A token per role (none scoped to shops)."""
    return {role: new_key(api, role) for role in ROLES}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for one test module. Playwright's sync API runs an event loop in the main
    thread while it is open: kept open past these modules, every async test after them
    fails ("Runner.run() cannot be called from a running event loop")."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make chromium` installs Debian's package")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


PageAs = Callable[..., Page]


@pytest.fixture
def page_as(web: Server, browser: Browser, keys: dict[str, str]) -> Iterator[PageAs]:
    """Open the page signed in with a role's key (or a given token), as the demo's link
    does (``/#key=...``); every page opened is closed after the test."""
    contexts = []

    def open_page(role: str = "admin", token: str | None = None, tab: str = "feed") -> Page:
        context = browser.new_context(viewport=VIEWPORT, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{web.url}/#key={token or keys[role]}")
        page.wait_for_selector("#app:not([hidden])")
        page.wait_for_selector("#live-status.live")
        if tab != "feed":
            page.click(f"#tab-{tab}")
        page.errors = errors  # type: ignore[attr-defined]
        return page

    yield open_page
    for context in contexts:
        for page in context.pages:
            assert not getattr(page, "errors", []), f"errors in the page: {page.errors}"  # type: ignore[attr-defined]
        context.close()
