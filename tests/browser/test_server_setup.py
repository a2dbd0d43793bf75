"""How the board is served (issue #11): under a base path behind a proxy the maps still draw; nothing
reaches outside the machine, at start-up or while pages are served; an unexpected error shows no
traceback and no links to outside search engines."""

import os
import re
import shutil
import subprocess
import sys
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from streamlit_driver import ROOT, Server, free_port, goto, log_in, map_frame, no_error, open_page, stop_group

from services import db as database
from services import jobs, users
from services.clock import utcnow
from tests.support import sunny_garden

STRACE = shutil.which("strace")
# Every way a process starts talking to another machine: a TCP/UDP connect, or a datagram sent to an address.
TRACED_CALLS = "trace=connect,sendto,sendmsg"


def seed(server: Server) -> None:
    """A community with one open job near its centre: the browse map shows one place."""
    db = database.connect(server.db_path)
    now = utcnow()
    organizer_id = sunny_garden(db, now, radius_km=3)
    jobs.post(
        db,
        users.get(db, organizer_id),
        title="帮忙搬沙发",
        description="两个人。",
        category="moving",
        price_yuan="0",
        window_start=now + timedelta(hours=1),
        window_end=now + timedelta(hours=5),
        lat=31.2310,
        lon=121.4740,
        now=now,
    )
    db.conn.close()


def test_under_a_base_path_the_map_loads_its_scripts_and_shows_the_jobs(tmp_path, browser):
    server = Server(tmp_path, base_path="linbang")
    try:
        seed(server)
        page = open_page(browser)
        failed = []
        page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
        goto(page, server.url + "/")
        expect(map_frame(page).locator("path.linbang-place")).to_have_count(1, timeout=30_000)
        no_error(page)
        assert failed == []
    finally:
        server.stop()


# --- nothing leaves the machine --------------------------------------------------------------------


def tracer(trace) -> tuple[str, ...]:
    """The command that runs a program with every network call of its processes written to `trace`."""
    if not STRACE:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("strace is needed to watch the server's network calls: apt-get install strace")
        pytest.skip("no strace: install Debian's strace to watch the server's network calls")
    return (STRACE, "-f", "-qq", "--seccomp-bpf", "-e", TRACED_CALLS, "-o", str(trace))


ADDRESS = re.compile(  # as strace writes a socket address
    r'sin6?_port=htons\((?P<port>\d+)\).*?(?:inet_addr\("(?P<v4>[^"]+)"\)|inet_pton\(AF_INET6, "(?P<v6>[^"]+)")'
)
THIS_MACHINE = re.compile(r"127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+")


def outside_attempts(trace) -> list[str]:
    """The traced calls aimed at another machine, or at a name server (a DNS question leaves the
    machine even through a resolver on it)."""
    found = []
    for line in trace.read_text().splitlines():
        match = ADDRESS.search(line)
        if match and (not THIS_MACHINE.fullmatch(match["v4"] or match["v6"]) or match["port"] == "53"):
            found.append(line)
    return found


@pytest.mark.serial  # strace slows every process it follows: alone it stays inside the page timeouts
def test_the_server_reaches_nothing_outside_the_machine_at_start_up_or_serving_pages(tmp_path, browser):
    trace = tmp_path / "network-calls.txt"
    server = Server(tmp_path, address=None, wrapper=tracer(trace))  # as `make run`: the address from the config
    try:
        seed(server)
        page = open_page(browser)
        goto(page, server.url)
        expect(map_frame(page).locator("path.linbang-place")).to_have_count(1, timeout=30_000)
        log_in(page, server.url, "org_zh")
        for path in ("/job?id=1", "/profile?id=1", "/wallet", "/organizer_cash", "/post_job"):
            goto(page, server.url + path)
            no_error(page)
    finally:
        server.stop()

    assert trace.read_text(), "strace wrote nothing: the server did not run under it"
    assert outside_attempts(trace) == []


def test_the_trace_would_catch_streamlits_lookup_without_the_setting(tmp_path):
    """The control for the test above: the same config without browser.serverAddress, serving a page
    of one line, does try to reach outside at start-up. Proxies on this machine that refuse every
    connection (port 9) stand in for the internet, so nothing is actually sent."""
    trace = tmp_path / "network-calls.txt"
    command = tracer(trace)
    (tmp_path / ".streamlit").mkdir()
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    (tmp_path / ".streamlit" / "config.toml").write_text(re.sub(r"(?m)^serverAddress = .*$", "", config))
    (tmp_path / "page.py").write_text("import streamlit as st\nst.title('x')\n")
    refused = "http://127.0.0.1:9"
    process = subprocess.Popen(
        [*command, sys.executable, "-m", "streamlit", "run", "page.py", "--server.port", str(free_port())],
        cwd=tmp_path,
        env=dict(os.environ, HTTP_PROXY=refused, HTTPS_PROXY=refused, NO_PROXY=""),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        for line in process.stdout:  # the URLs are printed once the lookups are over
            if "Local URL" in line:
                break
    finally:
        stop_group(process)

    assert outside_attempts(trace), "without browser.serverAddress, Streamlit no longer reaches out: the setting may go"


# --- an unexpected error ------------------------------------------------------------------------


def test_an_unexpected_error_shows_no_traceback_no_details_and_no_outside_links(tmp_path, browser):
    """A page script that raises, served with the board's .streamlit/config.toml."""
    script = tmp_path / "failing_page.py"
    script.write_text(
        "import streamlit as st\nst.title('x')\n"
        "raise ZeroDivisionError('secret detail from /srv/linbang/services/ledger.py')\n"
    )
    server = Server(tmp_path, script=str(script))
    try:
        page = open_page(browser)
        goto(page, server.url)
        box = page.locator('[data-testid="stException"]')
        expect(box).to_be_visible()
        shown = box.inner_text()
        assert "Traceback" not in shown and "ZeroDivisionError" not in shown and "secret" not in shown
        assert page.locator('[data-testid="stExceptionTraceRow"]').count() == 0
        assert page.locator('a[href*="google."], a[href*="chatgpt."]').count() == 0
        assert page.get_by_text("Ask Google").count() == 0
    finally:
        server.stop()
