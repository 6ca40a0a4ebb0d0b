"""A real browser for the portal's tests: Debian's chromium driven by Playwright (nothing is
downloaded at run time), screenshots kept as test artefacts, axe-core for accessibility, and a
record of every request a page makes (no page may reach another host)."""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.backing import unavailable
from tests.support.waiting import eventually

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# This machine has no network but the package registries: nothing in the background, no QUIC.
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WIDTHS = {"desktop": 1280, "mobile": 375}


@contextmanager
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        unavailable("chromium", "apt-get install -y chromium fonts-noto-cjk (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class RequestLog:
    """Every URL the context asked for (documents, styles, scripts, images, XHR)."""

    def __init__(self, context) -> None:  # type: ignore[no-untyped-def]
        self.urls: list[str] = []
        context.on("request", lambda request: self.urls.append(request.url))

    def hosts(self) -> set[str]:
        return {re.sub(r"^[a-z]+://([^/]+).*$", r"\1", url) for url in self.urls if "://" in url}


def screenshots(page, name: str) -> list[Path]:  # type: ignore[no-untyped-def]
    """The page at desktop and phone width, full length, under test-artifacts/ (printed for CI logs)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    saved = []
    original = page.viewport_size
    for width in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": 900})
        path = ARTIFACTS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        saved.append(path)
    page.set_viewport_size(original)
    print("screenshots:", *saved)
    return saved


def serious_accessibility_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """axe-core's violations of impact serious or critical on the page as it is now. The page's context
    must be opened with bypass_csp=True: the portal's CSP (rightly) refuses the injected script."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def require_browser_support() -> None:
    try:
        import playwright  # noqa: F401
    except ImportError:  # pragma: no cover - dev dependency
        pytest.fail("playwright is a dev dependency: pip install -e '.[dev]'", pytrace=False)


def navigate(page, item: str) -> None:  # type: ignore[no-untyped-def]
    """Follow an item of the portal's main navigation, as a person does."""
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=item).click()


def reloaded_until(page, probe, what: str, timeout: float = 120):  # type: ignore[no-untyped-def]
    """The page reloaded until `probe` sees what the processes did meanwhile (events cross the broker and Temporal)."""
    def again():  # type: ignore[no-untyped-def]
        page.reload()
        return probe()
    return eventually(again, timeout=timeout, interval=1, what=what)
