"""What a person with bad intent or bad luck can do in a real browser: replay a copied login
cookie after logout, press "claim" at the same moment as someone else, or go looking for ID photos."""

import urllib.error
import urllib.request

from playwright.sync_api import expect
from streamlit_driver import auth_cookie, click, expect_text, fill, goto, log_in, open_page, visit, wait_idle

from services import uploads
from ui.i18n import catalog


def text(language: str, key: str) -> str:
    return catalog(language)[key]


def signed_in_as(page, name: str) -> bool:
    return page.locator('[data-testid="stSidebar"]').get_by_text(f"已登录：{name}").count() > 0


def open_with_cookie(browser, url, cookie):
    page = open_page(browser)
    page.context.add_cookies([cookie])
    goto(page, url)
    return page


def test_copied_cookie_works_until_logout_then_never_again(seeded, browser):
    page = open_page(browser)
    log_in(page, seeded.url, "worker_a", "worker-pass")
    copied = auth_cookie(page.context)

    thief = open_with_cookie(browser, seeded.url, copied)
    assert signed_in_as(thief, "Bob 师傅"), "control: the copied cookie signs in before logout"
    thief.context.close()

    visit(page, seeded.url + "/account")
    page.locator('[data-testid="stMain"]').get_by_role("button", name="退出登录").click()  # the sidebar has one too
    wait_idle(page)
    expect_text(page, "附近的活")
    assert not signed_in_as(page, "Bob 师傅")

    replay = open_with_cookie(browser, seeded.url, copied)
    assert not signed_in_as(replay, "Bob 师傅"), "a cookie issued before logout still signs in"
    expect(replay.locator('[data-testid="stSidebar"]').get_by_text("登录", exact=True)).to_be_visible()


def test_two_workers_claiming_at_once_one_wins_one_is_told(seeded, browser):
    pages = []
    for username in ("worker_a", "worker_b"):
        page = open_page(browser)
        log_in(page, seeded.url, username, "worker-pass")
        visit(page, seeded.url + "/job?id=1")
        pages.append(page)
    # worker_a reads Chinese, worker_b English
    claim = [text("zh_CN", "action.claim"), text("en", "action.claim")]
    too_late = [text("zh_CN", "error.already_taken"), text("en", "error.already_taken")]
    buttons = [page.get_by_role("button", name=label, exact=True) for page, label in zip(pages, claim, strict=True)]
    for button in buttons:
        expect(button).to_be_visible()
    for button in buttons:  # a paid job: each is first shown what they will get (ui.confirm)
        button.click()
    for page in pages:
        wait_idle(page)
    confirms = [
        page.get_by_role("button", name=text(lang, "confirm.yes"), exact=True)
        for page, lang in zip(pages, ("zh_CN", "en"), strict=True)
    ]
    for button in confirms:
        expect(button).to_be_visible()
    for button in confirms:  # both confirmations go out before either answer comes back
        button.click(no_wait_after=True)
    for page in pages:
        wait_idle(page)

    won = [page for page in pages if page.get_by_text("5栋2单元601").count()]
    told = [page for page, message in zip(pages, too_late, strict=True) if page.get_by_text(message).count()]
    assert len(won) == 1 and len(told) == 1 and won[0] is not told[0]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_no_url_serves_an_id_photo_or_a_receipt(seeded):
    """Every URL a visitor could try for a stored private picture (its real random name included) gets
    anything but the picture: the private folder sits beside the database, outside static/."""
    private = uploads.root_for(seeded.db_path) / "private"
    stored = {path.name: path.read_bytes() for path in private.iterdir()}
    assert len(stored) == 4, "control: pending_c's front, back and selfie, and job 2's receipt are on disk"
    folder = f"{uploads.root_for(seeded.db_path).name}/private"
    for name, content in stored.items():
        for path in (
            f"/app/static/{name}",
            f"/app/static/private/{name}",
            f"/app/static/../{folder}/{name}",
            f"/app/static/%2e%2e/{folder}/{name}",
            f"/app/static/..%2f{folder}%2f{name}",
            f"/{folder}/{name}",
            f"/media/{name}",
            f"/media/{name.removesuffix('.jpg')}",
            f"/{name}",
        ):
            status, body = fetch(seeded.url + path)
            assert content not in body and body[:3] != b"\xff\xd8\xff", f"{path} answered {status} with a picture"


def test_a_page_that_needs_signing_in_asks_for_it_and_then_opens(seeded, browser):
    """A signed-out neighbour follows a link to their wallet: they are asked to sign in, then land on
    the wallet, not on the home page (#15)."""
    page = open_page(browser)
    goto(page, seeded.url + "/wallet")
    expect(page.get_by_role("heading", name=text("zh_CN", "login.title"))).to_be_visible()
    fill(page, text("zh_CN", "account.username"), "worker_a")
    fill(page, text("zh_CN", "account.password"), "worker-pass")
    click(page, text("zh_CN", "login.submit"))
    expect(page.get_by_role("heading", name=text("zh_CN", "wallet.title"))).to_be_visible()
    assert page.url.rstrip("/").endswith("/wallet")
