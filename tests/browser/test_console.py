"""The organizer's console (#16 item 4) in a real browser at a phone's 390 px and a desktop's 1280 px,
in Chinese and English: its four charts drawn by Vega (bars present), nothing sticking out sideways on
the phone, and the menu naming it first with what waits. Screenshots kept as artifacts."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from streamlit_driver import DESKTOP, PHONE, Server, log_in, no_error, open_page, shot, visit

from demo import samples
from services import db as database
from services import jobs, ledger, users, workers
from services.catalogs import text_in
from services.clock import utcnow
from services.transitions import Reason
from tests.support import sunny_garden

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
CHART = "[data-testid=stMain] [data-testid=stVegaLiteChart]"
# Whatever makes the page scroll sideways, or sticks out of the window's width.
SIDEWAYS = """() => {
  const out = [];
  const root = document.scrollingElement;
  if (root.scrollWidth > root.clientWidth) out.push('document ' + root.scrollWidth + ' > ' + root.clientWidth);
  const main = document.querySelector('[data-testid=stMain]');
  if (main.scrollWidth > main.clientWidth + 1) out.push('main ' + main.scrollWidth + ' > ' + main.clientWidth);
  const parts = '[data-testid=stVegaLiteChart], [data-testid=stMetric], [data-testid=stPageLink]';
  for (const e of main.querySelectorAll(parts)) {
    const right = e.getBoundingClientRect().right;
    if (right > window.innerWidth + 1) out.push(e.dataset.testid + ' ' + e.innerText.slice(0, 30));
  }
  return out;
}"""


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    """Six weeks of a community: jobs in three kinds posted each week by 美 (zh), taken by Sam after an
    hour or so, most completed, some cancelled, one disputed; an ID check waiting. Returns the server
    and the organizer's id."""
    srv = Server(tmp_path_factory.mktemp("console"))
    try:
        db = database.connect(srv.db_path)
        now = utcnow()
        organizer = users.get(db, sunny_garden(db, now - timedelta(weeks=8)))
        start = now - timedelta(weeks=6)
        people = {}
        for username, name, language in (
            ("mei", "梅阿姨", "zh_CN"),
            ("sam", "Sam 师傅", "en"),
            ("zoe", "小周", "zh_CN"),
        ):
            user_id = users.register(
                db, username=username, display_name=name, password="console-pass", language=language, now=start
            )
            people[username] = users.get(db, user_id)
        for username in ("sam", "zoe"):
            workers.set_taking_jobs(db, people[username], taking_jobs=True, categories=["moving"], now=start)
        samples.verify(db, organizer, people["sam"], start)
        samples.submit_id(db, people["zoe"], now)  # waits for the organizer
        ledger.top_up(db, organizer, people["mei"]["id"], "5000", key="in", now=start)
        for day in range(0, 42, 2):
            posted = start + timedelta(days=day, hours=1)
            category = ("moving", "parcel", "cleaning")[day % 3]
            job = jobs.post(
                db,
                people["mei"],
                title=f"第 {day} 天的活 Day {day}",
                description="两个人，大约一小时。",
                category=category,
                price_yuan=str(30 + day * 5),
                window_start=posted,
                window_end=posted + timedelta(days=3),
                lat=31.2310,
                lon=121.4740,
                now=posted,
            )
            if day % 7 == 3:
                jobs.act(db, job, "cancel", people["mei"], now=posted + timedelta(minutes=20))
                continue
            taken = posted + timedelta(minutes=20 + 15 * (day % 5))
            if taken > now:
                continue
            jobs.act(db, job, "claim", people["sam"], now=taken)
            if day > 36:
                continue
            for action, later in (("start", 1), ("finish", 2)):
                jobs.act(db, job, action, people["sam"], now=taken + timedelta(hours=later))
            if day == 20:
                jobs.act(db, job, "dispute", people["mei"], Reason("还没修好"), now=taken + timedelta(hours=3))
            else:
                jobs.act(db, job, "confirm", people["mei"], now=taken + timedelta(hours=3))
        organizer_id = organizer["id"]
        db.conn.close()
        yield srv, organizer_id
    finally:
        srv.stop()


def set_language(srv, user_id: int, language: str) -> None:
    db = database.connect(srv.db_path)
    users.set_language(db, user_id, language)
    db.conn.close()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_console_draws_its_charts_and_fits_the_screen(board, browser, width, language):
    srv, organizer_id = board
    set_language(srv, organizer_id, language)
    page = open_page(browser, viewport=WIDTHS[width])
    log_in(page, srv.url, "org_zh", again=True)

    visit(page, srv.url + "/organizer_console")
    no_error(page)
    charts = page.locator(CHART)
    expect(charts).to_have_count(4)  # Vega arrives as a script of its own, after the page
    for index in range(4):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        svg = chart.locator("svg.marks")
        svg.wait_for()
        assert chart.locator(".mark-rect path").count() > 0, f"chart {index} has bars"
        box = svg.bounding_box()
        assert box["width"] <= WIDTHS[width]["width"], f"chart {index} fits the window"
    # what waits, each a link to where it is handled; the menu names the console first, with the count
    for kind in ("disputes", "id_checks"):
        expect(
            page.locator("[data-testid=stMain] a", has_text=text_in(language, f"console.waiting_{kind}", count=1))
        ).to_be_visible()
    if width == "desktop":
        # the first of the organizer's pages, after browse and the seven of every member
        first = page.locator("[data-testid=stSidebar] [data-testid=stPageLink] a").nth(8)
        expect(first).to_contain_text(text_in(language, "console.badge", count=2))
    shot(page, f"console_{width}_{language}")
    assert page.evaluate(SIDEWAYS) == [], f"the console scrolls sideways at {width} width"
    page.context.close()
