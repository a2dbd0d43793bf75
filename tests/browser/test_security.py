"""What a person with bad intent or bad luck can do in a real browser: replay a copied login
cookie after logout, or press "claim" at the same moment as someone else."""

from playwright.sync_api import expect
from streamlit_driver import auth_cookie, click, expect_text, goto, log_in, wait_idle


def signed_in_as(page, name: str) -> bool:
    return page.locator('[data-testid="stSidebar"]').get_by_text(f"已登录：{name}").count() > 0


def open_with_cookie(browser, url, cookie):
    page = browser.new_context().new_page()
    page.context.add_cookies([cookie])
    goto(page, url)
    return page


def test_copied_cookie_works_until_logout_then_never_again(seeded, browser):
    page = browser.new_context().new_page()
    log_in(page, seeded.url, "worker_a", "worker-pass")
    copied = auth_cookie(page.context)

    thief = open_with_cookie(browser, seeded.url, copied)
    assert signed_in_as(thief, "Bob 师傅"), "control: the copied cookie signs in before logout"
    thief.context.close()

    goto(page, seeded.url + "/account")
    click(page, "退出登录")
    expect_text(page, "附近的活")
    assert not signed_in_as(page, "Bob 师傅")

    replay = open_with_cookie(browser, seeded.url, copied)
    assert not signed_in_as(replay, "Bob 师傅"), "a cookie issued before logout still signs in"
    expect(replay.locator('[data-testid="stSidebar"]').get_by_text("登录", exact=True)).to_be_visible()


def test_two_workers_claiming_at_once_one_wins_one_is_told(seeded, browser):
    pages = []
    for username in ("worker_a", "worker_b"):
        page = browser.new_context().new_page()
        log_in(page, seeded.url, username, "worker-pass")
        goto(page, seeded.url + "/job?id=1")
        pages.append(page)
    buttons = [page.get_by_role("button", name="抢单", exact=True) for page in pages]
    for button in buttons:
        expect(button).to_be_visible()
    for button in buttons:  # both presses go out before either answer comes back
        button.click(no_wait_after=True)
    for page in pages:
        wait_idle(page)

    won = [page for page in pages if page.get_by_text("5栋2单元601").count()]
    told = [page for page in pages if page.get_by_text("手慢了：这单刚被别人抢走了。").count()]
    assert len(won) == 1 and len(told) == 1 and won[0] is not told[0]
