"""Sign-in limits from several clients at once, in real browsers (issue #11): the owner gets in while
an attacker elsewhere keeps failing; a new User-Agent or a made-up X-Forwarded-For gains the attacker
nothing. The clients differ by the X-Forwarded-For header their browser sends, as behind a proxy."""

import re

import pytest
from playwright.sync_api import expect
from streamlit_driver import Server, click, fill, goto, open_page

from services import db as database
from services.clock import utcnow
from tests.support import sunny_garden
from ui.i18n import catalog

OWNER, PASSWORD = "org_zh", "organizer-pass"
FAILED = catalog("zh_CN")["error.login_failed"]
WAIT = re.compile(re.escape(catalog("zh_CN")["error.login_wait"]).replace(re.escape("{seconds}"), r"\d+"))


def community_server(tmp_path_factory, name: str, env: dict | None = None):
    server = Server(tmp_path_factory.mktemp(name), env=env)
    db = database.connect(server.db_path)
    sunny_garden(db, utcnow(), radius_km=3)
    db.conn.close()
    return server


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """The board behind a proxy on this machine that the organizer named (LINBANG_TRUSTED_PROXY)."""
    server = community_server(tmp_path_factory, "proxied", {"LINBANG_TRUSTED_PROXY": "127.0.0.1"})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def direct(tmp_path_factory):
    """The board with no proxy named: X-Forwarded-For must count for nothing."""
    server = community_server(tmp_path_factory, "direct")
    yield server
    server.stop()


def client(browser, forwarded_for: str, user_agent: str):
    return open_page(browser, extra_http_headers={"X-Forwarded-For": forwarded_for}, user_agent=user_agent)


def sign_in(page, base_url: str, password: str) -> str:
    """Send the login form once: "in", "failed" (the one generic message) or "wait"."""
    if not page.url.endswith("/login"):  # after a failure the form is still there
        goto(page, base_url + "/login")
    fill(page, "用户名", OWNER)
    fill(page, "密码", password)
    click(page, "登录")
    shown = page.locator('[data-testid="stMain"]').inner_text()
    if WAIT.search(shown):
        return "wait"
    if FAILED in shown:
        return "failed"
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("附近的活")
    return "in"


def fail_until_told_to_wait(new_page, base_url: str) -> list[str]:
    """Wrong passwords, each from `new_page()`, until the board says to wait. The waits double from 2 s
    up to a minute, so however slow the machine, one soon outlasts the time between two tries."""
    outcomes = []
    while "wait" not in outcomes and len(outcomes) < 12:
        page = new_page()
        outcomes.append(sign_in(page, base_url, "not the password"))
    return outcomes


def clients_recorded(server: Server) -> set[tuple[str, int]]:
    db = database.connect(server.db_path)
    try:
        return {(row["client"], row["ok"]) for row in db["login_attempts"].rows}
    finally:
        db.conn.close()


def test_the_owner_signs_in_while_an_attacker_keeps_failing_and_a_new_user_agent_gains_it_nothing(proxied, browser):
    attacker = client(browser, "198.51.100.7", "Attacker/1")
    outcomes = fail_until_told_to_wait(lambda: attacker, proxied.url)
    assert outcomes[:3] == ["failed"] * 3 and outcomes[-1] == "wait", outcomes

    owner = client(browser, "203.0.113.5", "Owner's phone")
    assert sign_in(owner, proxied.url, PASSWORD) == "in"

    disguised = client(browser, "198.51.100.7", "Attacker/2, another browser")
    assert fail_until_told_to_wait(lambda: disguised, proxied.url)[-1] == "wait"
    # every try counted under the address the proxy saw; the User-Agent made no second client
    assert clients_recorded(proxied) == {("198.51.100.7", 0), ("203.0.113.5", 1)}
    for page in (attacker, owner, disguised):
        page.context.close()


def test_without_a_named_proxy_a_made_up_forwarded_address_gains_an_attacker_nothing(direct, browser):
    pages = []

    def fresh_client():  # a new browser, User-Agent and made-up address for every try
        pages.append(client(browser, f"198.51.100.{len(pages)}", f"Attacker/{len(pages)}"))
        return pages[-1]

    outcomes = fail_until_told_to_wait(fresh_client, direct.url)
    for page in pages:
        page.context.close()

    assert outcomes[:3] == ["failed"] * 3 and outcomes[-1] == "wait", outcomes
    assert clients_recorded(direct) == {("127.0.0.1", 0)}  # all of them: this machine, where they came from
