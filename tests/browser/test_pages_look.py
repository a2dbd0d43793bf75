"""Every page a signed-in person uses, at phone and desktop width, in Chinese and in English:
no error, no raw catalog key, no sideways scrolling; screenshots kept as artifacts."""

from datetime import timedelta

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect
from streamlit_driver import (
    DESKTOP,
    PHONE,
    ROOT,
    Server,
    click,
    expect_text,
    fill,
    goto,
    map_frame,
    no_error,
    shot,
    text_of,
)

from services import community, jobs, users, workers
from services import db as database
from services.clock import utcnow

PAGES = ["", "post_job", "my_jobs", "worker", "account", "organizer_workers", "job?id=1", "profile?id=2"]
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
with open(ROOT / "locales" / "en.po", "rb") as catalog:
    KEYS = {message.id for message in read_po(catalog) if message.id}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A server whose database holds a community, an organizer per language and one open job."""
    srv = Server(tmp_path_factory.mktemp("look"))
    db = database.connect(srv.db_path)
    now = utcnow()
    organizer_id = community.set_up(
        db,
        name="阳光花园 Sunny Garden",
        lat=31.2304,
        lon=121.4737,
        radius_km=5,
        language="zh_CN",
        organizer={"username": "org_zh", "display_name": "王主任", "password": "organizer-pass"},
        now=now,
    )
    users.register(
        db,
        username="org_en",
        display_name="Olivia",
        password="organizer-pass",
        language="en",
        role="organizer",
        now=now,
    )
    organizer = users.get(db, organizer_id)
    worker_id = users.register(
        db, username="worker", display_name="Bob 师傅", password="worker-pass", language="zh_CN", now=now
    )
    workers.set_taking_jobs(db, users.get(db, worker_id), taking_jobs=True, categories=["moving"], now=now)
    jobs.post(
        db,
        organizer,
        title="帮忙把沙发搬到6楼 Carry a sofa",
        description="两个人，大约一小时。",
        category="moving",
        price_yuan="80",
        window_start=now + timedelta(hours=2),
        window_end=now + timedelta(hours=6),
        lat=31.2310,
        lon=121.4740,
        address_note="5栋2单元601",
        now=now,
    )
    db.conn.close()
    yield srv
    srv.stop()


def log_in(page, base_url, username):
    goto(page, base_url + "/login")  # anonymous pages speak the community's language, Chinese here
    fill(page, "用户名", username)
    fill(page, "密码", "organizer-pass")
    click(page, "登录")
    home = "附近的活" if username.endswith("zh") else "Jobs nearby"
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(home)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("username, language", [("org_zh", "zh"), ("org_en", "en")])
def test_every_page_reads_well(seeded, browser, username, language, width):
    page = browser.new_context(viewport=WIDTHS[width]).new_page()
    log_in(page, seeded.url, username)
    for path in PAGES:
        goto(page, f"{seeded.url}/{path}")
        if path == "":
            expect(map_frame(page).locator("path.linbang-job")).to_have_count(1, timeout=30_000)
        no_error(page)
        text = text_of(page)
        raw = [key for key in KEYS if key in text]
        assert not raw, f"untranslated keys on /{path}: {raw}"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"/{path} scrolls sideways by {overflow}px at {width} width"
        shot(page, f"{(path.split('?')[0] or 'browse')}_{width}_{language}")
    page.context.close()


def test_map_sits_above_the_list_on_a_phone(seeded, browser):
    page = browser.new_context(viewport=PHONE).new_page()
    goto(page, seeded.url)
    expect_text(page, "帮忙把沙发搬到6楼")
    map_box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    job_box = page.locator('[data-testid="stMain"]').get_by_text("帮忙把沙发搬到6楼").first.bounding_box()
    assert map_box["y"] + map_box["height"] <= job_box["y"]
    assert map_box["width"] <= PHONE["width"]
