"""Browser tests: Debian's Chromium driven by Playwright against a real `streamlit run`.

Skipped, with the reason shown, when no Chromium is installed, unless REQUIRE_BROWSER=1 (CI sets it
and installs chromium): then a missing browser is a failure, not a skip.
"""

import os

import pytest
from streamlit_driver import CHROMIUM, CHROMIUM_ARGS, Server


def _chromium_missing() -> bool:
    return not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK))


def pytest_collection_modifyitems(config, items):
    if not _chromium_missing():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}; install Debian's chromium or set CHROMIUM_PATH")
    for item in items:
        if "browser" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("server"))
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
