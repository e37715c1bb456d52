"""Screenshots of the war-room page's main views, taken from a running ``warroom demo``
with Debian's Chromium at a laptop's 1366×768:

    .venv/bin/python -m tests.e2e.web.screenshots [--out docs/screenshots] [--seconds 45]

It starts the demo in a temporary directory, lets the simulator run for ``--seconds``,
signs in with the admin key the demo prints (the risk key for the review queue), takes
one PNG per view (and the feed in Chinese; the playbook's whole page once its flash sale
was stopped, a product was tagged hot and a follower bought again), and stops the demo
with Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.web.conftest import CHROMIUM, VIEWPORT

UP = re.compile(r"warroom is up: (http://127\.0\.0\.1:\d+)")
KEY = re.compile(r"^ +(\w+) +key: (wk_\S+)$")


@contextmanager
def demo() -> Iterator[tuple[str, dict[str, str]]]:
    """``warroom demo`` running: its URL and its key per role."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    with tempfile.TemporaryDirectory() as cwd:
        proc = subprocess.Popen(
            [sys.executable, "-m", "warroom", "demo"],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            url, keys = "", {}
            assert proc.stdout is not None
            for line in proc.stdout:
                if m := UP.search(line):
                    url = m.group(1)
                elif m := KEY.match(line.rstrip("\n")):
                    keys[m.group(1)] = m.group(2)
                if url and len(keys) == 5:
                    break
            else:
                raise RuntimeError(f"warroom demo exited with {proc.wait()}")
            yield url, keys
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


def signed_in(page: Page, url: str, key: str, tab: str) -> None:
    page.goto(f"{url}/#key={key}")
    page.wait_for_selector(f"#who:has-text('{key.split('.')[0]}')")
    page.wait_for_selector("#live-status.live")
    page.click(f"#tab-{tab}")


def feed(page: Page, out: Path, name: str) -> None:
    page.locator("#feed li.decision .line").first.click()
    page.locator("#feed li.verdict .line").first.click()
    page.wait_for_timeout(300)
    page.screenshot(path=out / name)


#: What the playbook shot waits for: a flash sale's campaign paused by the stock guard, a
#: hot product's tag, the demo's A/B test, and a follower's repurchase within 48 hours.
PLAYBOOK_READY = (
    "#pb-flash code.stopped",
    "#pb-radar .tag.hot",
    "#pb-ab article",
    "#pb-loop td.r48 >> text=/^[1-9]/",
)


def playbook(page: Page, out: Path, name: str, wait_ms: float = 120_000) -> None:
    """The playbook's whole page, once each card has what the demo makes (a card that
    has not within ``wait_ms`` is photographed as it is, and named)."""
    page.click("#tab-playbook")
    deadline = time.monotonic() + wait_ms / 1000
    for selector in PLAYBOOK_READY:
        left = max(1000.0, (deadline - time.monotonic()) * 1000)
        try:
            page.wait_for_selector(selector, timeout=left)
        except PlaywrightTimeout:
            print(f"playbook: still no {selector!r}", file=sys.stderr)
    page.wait_for_timeout(3500)  # every panel polled once more
    page.screenshot(path=out / name, full_page=True)


def take(url: str, keys: dict[str, str], out: Path) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        page = browser.new_page(viewport=VIEWPORT, locale="en-US")  # type: ignore[arg-type]
        signed_in(page, url, keys["admin"], "feed")
        page.wait_for_selector("#feed li.decision")
        page.click("#feed-pause")  # hold the list still while it is photographed
        feed(page, out, "feed.png")
        page.click("#tab-board")
        page.wait_for_timeout(3500)  # live numbers are polled every 3 s
        page.screenshot(path=out / "board.png")
        playbook(page, out, "playbook.png")
        page.click("#tab-rules")
        page.locator("#rules tr", has_text="budget.fast_stop_low_roi").click()
        page.fill('[name="draft.guardrails.match_score_guard"]', "120")  # out of bounds
        page.click("#rule-detail button.save")
        page.wait_for_selector(".field.invalid")
        page.locator("#rule-detail").evaluate("pane => pane.scrollTo(0, 0)")
        page.screenshot(path=out / "rules.png")
        page.fill('[name="draft.guardrails.match_score_guard"]', "60")
        page.fill('[name="draft.condition"]', "roi_60m < 3 and spend_60m >= target_cpa")
        page.click("#rule-detail button.backtest")
        result = "#rule-detail .backtest-result :is(table, .error, .na)"
        page.wait_for_selector(result, timeout=60_000)
        page.locator("#rule-detail section.backtest").evaluate("el => el.scrollIntoView()")
        page.screenshot(path=out / "backtest.png")
        page.click("#tab-reports")
        page.click("#report-form button.primary")
        page.wait_for_selector("#report-table table")
        page.screenshot(path=out / "reports.png")
        signed_in(page, url, keys["risk"], "reviews")
        page.wait_for_selector("#reviews tbody tr")
        page.screenshot(path=out / "reviews.png")
        page.click("#lang")
        page.click("#tab-feed")
        page.click("#feed-pause")
        feed(page, out, "feed-zh.png")
        page.click("#lang")  # leave the browser profile in English
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--seconds", type=float, default=45.0, help="simulated traffic first")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with demo() as (url, keys):
        time.sleep(args.seconds)
        take(url, keys, args.out)
    print(f"screenshots in {args.out}: {', '.join(sorted(p.name for p in args.out.glob('*.png')))}")


if __name__ == "__main__":
    main()
