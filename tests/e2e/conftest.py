"""What the portal's browser tests share: the system `duixian up` starts, once per module (its sign-in,
services and workflows are slow to boot), and Debian's chromium with a fresh context per test."""
from __future__ import annotations

import pytest

from tests.support.browser import chromium
from tests.support.processes import SystemUnderTest


@pytest.fixture(scope="module")
def system(tmp_path_factory, amqp_url):  # type: ignore[no-untyped-def]
    system = SystemUnderTest(tmp_path_factory.mktemp("portal") / "data", amqp_url)
    try:
        system.start()
    except Exception:
        print(system.log())
        system.stop()
        raise
    yield system
    system.stop()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with chromium() as browser:
        yield browser


@pytest.fixture
def context(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    yield context
    context.close()
