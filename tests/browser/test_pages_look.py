"""Every page a signed-in person uses, at phone and desktop width, in Chinese and in English:
no error, no raw catalog key, no sideways scrolling; screenshots kept as artifacts."""

import re

import pytest
from playwright.sync_api import expect
from streamlit_driver import (
    DESKTOP,
    MAP_FRAME,
    PHONE,
    choose,
    expect_text,
    goto,
    log_in,
    map_frame,
    no_error,
    open_page,
    shot,
    text_of,
    visit,
    wait_idle,
)

from services import catalogs

# Each look at every page takes most of a minute and changes nothing: they may run on different workers.
SPREAD = True
PAGES = [
    "",
    "post_job",
    "helpers",
    "my_jobs",
    "inbox",
    "wallet",
    "worker",
    "account",
    "organizer_workers",
    "organizer_users",
    "organizer_cash",
    "organizer_disputes",
    "job?id=1",
    "job?id=2",  # money: escrow, a material with its receipt, a dispute
    "profile?id=2",
    "profile?id=3",  # worker_a: a helper's profile with a photo
]
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
KEYS = set(catalogs.catalog("en"))


def reads_well(page, base_url: str, paths: list[str], width: str, language: str, who: str = "") -> None:
    """Each page: no error, no raw catalog key, no sideways scroll at `width`; a screenshot of it."""
    for path in paths:
        visit(page, f"{base_url}/{path}")
        if path == "":
            expect(map_frame(page).locator("path.linbang-place")).to_have_count(1, timeout=30_000)
        no_error(page)
        text = text_of(page)
        raw = [key for key in KEYS if key in text]
        assert not raw, f"untranslated keys on /{path}: {raw}"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"/{path} scrolls sideways by {overflow}px at {width} width"
        shot(page, f"{(path.split('?')[0] or 'browse')}{path.partition('=')[2]}{who}_{width}_{language}")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("username, language", [("org_zh", "zh"), ("org_en", "en")])
def test_every_page_reads_well(seeded, browser, username, language, width):
    page = open_page(browser, viewport=WIDTHS[width])
    log_in(page, seeded.url, username, again=True)
    reads_well(page, seeded.url, PAGES, width, language)
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("username, language", [("worker_a", "zh"), ("worker_b", "en")])
def test_a_verified_workers_own_pages_read_well(seeded, browser, username, language, width):
    page = open_page(browser, viewport=WIDTHS[width])
    log_in(page, seeded.url, username, "worker-pass", again=True)
    reads_well(page, seeded.url, ["worker", "my_jobs"], width, language, who="_verified")
    page.context.close()


def test_map_sits_above_the_list_on_a_phone(seeded, browser):
    page = open_page(browser, viewport=PHONE)
    goto(page, seeded.url)
    expect_text(page, "帮忙把沙发搬到6楼")
    map_frame(page)  # drawn: until its map has loaded, the frame may still be hidden
    map_box = page.locator(MAP_FRAME).bounding_box()
    job_box = page.locator('[data-testid="stMain"]').get_by_text("帮忙把沙发搬到6楼").first.bounding_box()
    assert map_box["y"] + map_box["height"] <= job_box["y"]
    assert map_box["width"] <= PHONE["width"]


def test_clicking_a_job_on_the_map_opens_its_page_each_time(seeded, browser):
    page = open_page(browser, viewport=DESKTOP)
    sent = []  # what the browser tells the app: each script run it asks for is one message
    page.on("websocket", lambda socket: socket.on("framesent", lambda payload: sent.append(payload)))
    goto(page, seeded.url)
    frame = map_frame(page)
    expect(frame.locator("path.linbang-place")).to_have_count(1, timeout=30_000)
    wait_idle(page)
    assert len(sent) == 1, "drawing the map made the page run again"

    for _ in range(2):  # the map is drawn afresh on the way back, so the same job opens again
        frame.locator("path.linbang-place").click()
        page.wait_for_url("**/job?id=1")
        expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("帮忙把沙发搬到6楼 Carry a sofa")
        expect_text(page, "圆圈是大致位置")
        page.go_back()
        frame = map_frame(page)


def test_a_helper_on_the_map_opens_their_profile_from_the_closest_zoom(seeded, browser):
    """The helpers map stops at zoom 16 (approximate places); its popups are bound on the cluster and
    made for the clicked circle, and that popup's text is what tells the page whose profile to open."""
    page = open_page(browser, viewport=DESKTOP)
    log_in(page, seeded.url, "org_en", again=True)
    visit(page, seeded.url + "/helpers")
    frame = map_frame(page)
    helpers = frame.locator("path.linbang-place")
    expect(frame.locator(".marker-cluster").first).to_be_visible(timeout=30_000)
    for _ in range(6):  # the two helpers' areas share a cluster until zoomed in
        if helpers.count():
            break
        frame.locator(".marker-cluster").first.click()
        page.wait_for_timeout(500)
    expect(helpers).to_have_count(2)
    assert frame.locator(".leaflet-container").evaluate("() => window.map.getZoom()") <= 16

    helpers.first.click(force=True)  # the areas overlap: the one on top takes the click
    page.wait_for_url("**/profile?id=*")
    expect(page.locator('[data-testid="stMain"] h1').first).to_contain_text(re.compile("Bob|Carol"))


def test_browse_filters_open_on_request_and_narrow_the_list(seeded, browser):
    page = open_page(browser, viewport=PHONE)
    goto(page, seeded.url)
    expect_text(page, "共 1 个待接的活")
    expect(page.get_by_label("类别", exact=True)).to_have_count(0)  # drawn only once the panel opens

    page.get_by_text("筛选", exact=True).click()
    wait_idle(page)
    choose(page, "类别", "🐾 宠物照看")
    expect_text(page, "共 0 个待接的活")
    shot(page, "browse_filters_phone_zh")

    page.get_by_text("筛选", exact=True).click()  # closed again: the filter stays on and says so
    wait_idle(page)
    expect_text(page, "共 0 个待接的活")
    expect_text(page, "已按 1 个条件筛选")
