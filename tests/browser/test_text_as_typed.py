"""Text exactly as typed (issue #13): what the services stored is what a person reads, in headings,
link labels, captions, the sidebar, descriptions, the map's popups and tooltips, the wallet, disputes,
materials, reviews, bookings, My jobs and the organizer's lists: no link, icon, typographic character,
code block, heading or list that nobody wrote, and no dialog or page error.

One board holds the corpus in every field a person fills in; a helper (helper2), a poster and the
organizer, each signed in once, read it on every page that shows it."""

import math
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from streamlit_driver import DESKTOP, PHONE, TIMEOUT, Server, click, log_in, map_frame, no_error, open_page, shot, visit

from demo import samples
from services import booking, community, disputes, jobs, ledger, materials, reviews, users, verification, workers
from services import db as database
from services.clock import utcnow
from services.transitions import Reason, request
from tests.support import AS_TYPED, AS_TYPED_BLOCKS, AS_TYPED_LINES, HOSTILE, RIGHT_TO_LEFT
from ui.i18n import catalog

CENTRE = (31.2304, 121.4737)
COMMUNITY_NAME = ":material/home: www.x.cn -- a <- b :streamlit:"
TITLES = [  # at most 60 characters, a job title's limit
    "https://x.y/a www.x.cn me@x.cn <https://x.y>",
    ":material/home: :material_home: :streamlit: :smile:",
    "a -- b -> c <- d <-> e >= f <= g ~= h",
    "alert(coords); drawnItems_1 邻居帮忙：修水龙头。",
    HOSTILE,
    "# **b** _i_ ~~s~~ $x$ [a](b) &amp; :red[x] > q |t|",
]
NAMES = [  # at most 23 characters: a display name's limit is 40, the generated real name adds " (real)" to 30
    "https://x.y www.x.cn",
    "me@x.cn <https://x.y>",
    ":material/home: :smile:",
    ":material_x::streamlit:",
    "a -- b -> c <- d <-> e",
    "f >= g <= h ~= i 王阿姨",
    "alert(coords); 张师傅",
    "drawnItems_1 ${x} {{y}}",
    "<img src=x onerror=a>",
]
LONG_TEXT = AS_TYPED_LINES + "\n" + AS_TYPED_BLOCKS  # for fields that take 500 characters
POSTER = ("_poster_", f"**王** _阿_ {RIGHT_TO_LEFT}")  # username, display name (at most 23: the real name adds 7)
PENDING = {  # username -> display name: workers whose identity check waits (the first two gave one ID number)
    "www.x.cn": "# 李 > 张 - 王 1. x",
    "a_b_c_": "&amp; &#65; $x$ ~~s~~",
    "me-x.cn": "[x](y) <b>b</b> ::",
    "123": RIGHT_TO_LEFT,  # "(@123)" after it
}
SAME_ID = 999  # the made-up ID number's serial the first two pending workers both gave
DISPUTED_TITLE = "修 <b>x</b> www.x.cn -- :smile: `a` \\ ${b}"
COMPLETED_TITLE = "me@x.cn :material/home: a -> b {{c}}"
BOOKED_TITLE = "# 预约 **b** [a](https://x.y) 1. x"
RESOLVED_TITLE = "~~done~~ :white_check_mark: <- ok 1) x"
ADDRESS_NOTE = f"{TITLES[0]} {TITLES[2]} {HOSTILE}"
APPLICATIONS = (("12.5", AS_TYPED_LINES), ("0.5", AS_TYPED_BLOCKS), ("20", HOSTILE))  # helper0, 1, 2: quote, message
MATERIALS = [*TITLES, RIGHT_TO_LEFT]  # the last one turned down
MATERIAL_YUAN = "1.50"
WRITTEN_BY_NOBODY = (
    "a, code, pre, img, svg, [role=img], h1, h2, h3, h4, h5, h6, hr, ul, ol, blockquote, table, sup, del, .katex"
)
ZH = catalog("zh_CN")
MAIN = '[data-testid="stMain"]'
ISOLATION_MARKS = str.maketrans("", "", "\u2068\u2069")
LINKS = f'{MAIN} [data-testid="stPageLink"]'
MARKDOWN_BLOCK = '[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"]'


def ring(i: int, n: int, km: float = 1.5) -> tuple[float, float]:
    """Points on a ring around the centre, far enough apart that the browse map draws each alone."""
    angle = 2 * math.pi * i / n
    return CENTRE[0] + km / 111.2 * math.sin(angle), CENTRE[1] + km / 95.0 * math.cos(angle)


@dataclass(frozen=True)
class Board:
    server: Server
    job_ids: list[int]  # open jobs, one per title, on the ring (posted by the organizer)
    helper_ids: list[int]  # verified helpers, one per name; helper2 is `reader`
    poster_id: int  # a resident whose own identity check the organizer turned down, with a reason
    disputed: int  # the poster's job done by helper2 with materials bought, in dispute
    completed: int  # the poster's job done by helper2 and rated both ways
    booked: int  # the poster's open booking-mode job, with an application from helper0, 1 and 2
    resolved: int  # the poster's job done by helper2, disputed, paid to helper2 by the organizer with a note
    pending_ids: list[int]  # one per PENDING worker, in its order


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    """A server whose database holds the corpus in every field a person fills in (see Board)."""
    srv = Server(tmp_path_factory.mktemp("as_typed"))
    try:
        db = database.connect(srv.db_path)
        now = utcnow()
        organizer_id = community.set_up(
            db,
            name=COMMUNITY_NAME,
            lat=CENTRE[0],
            lon=CENTRE[1],
            radius_km=5,
            language="zh_CN",
            organizer={"username": "org_zh", "display_name": "王主任", "password": "organizer-pass"},
            now=now,
        )
        organizer = users.get(db, organizer_id)
        ledger.top_up(db, organizer, organizer_id, "100", note="seed", key="seed", now=now)
        job_ids = [
            post(db, organizer, title, ring(i, len(TITLES)), now, address_note=title) for i, title in enumerate(TITLES)
        ]
        helpers = [helper(db, organizer, i, name, now) for i, name in enumerate(NAMES)]
        poster = turned_down_worker(db, organizer, now)
        story = poster_story(db, organizer, poster, helpers, now)
        pending_ids = [waiting_check(db, username, name, now) for username, name in PENDING.items()]
        db.conn.close()
        yield Board(srv, job_ids, [h["id"] for h in helpers], poster["id"], *story, pending_ids)
    finally:
        srv.stop()


def post(db, poster: dict, title: str, at: tuple[float, float], now, **fields) -> int:
    """A ¥1 errand (or `fields`' price and mode) at `at` whose description is the corpus."""
    return jobs.post(
        db,
        poster,
        title=title,
        description=LONG_TEXT,
        category="errands",
        price_yuan=fields.pop("price_yuan", "1"),
        window_start=now - timedelta(hours=1),
        window_end=now + timedelta(hours=6),
        lat=at[0],
        lon=at[1],
        now=now,
        **fields,
    )


def helper(db, organizer: dict, i: int, name: str, now) -> dict:
    """helper{i}, verified, named `name`, with `name` as their area label and the corpus as their bio."""
    helper_id = users.register(
        db, username=f"helper{i}", display_name=name, password="helper-pass", language="zh_CN", now=now
    )
    person = users.get(db, helper_id)
    workers.set_taking_jobs(db, person, taking_jobs=True, categories=["errands"], now=now)
    workers.save_profile(
        db,
        person,
        bio=AS_TYPED_LINES,
        service_radius_km=3,
        rate_yuan="30",
        area=ring(i, len(NAMES), 2.5),
        area_label=name,
        availability=["weekends_morning"],
        now=now,
    )
    samples.verify(db, organizer, person, now)
    return person


def turned_down_worker(db, organizer: dict, now) -> dict:
    """The poster: a resident who also asked to take jobs, and whose ID the organizer turned down
    with the corpus as the reason."""
    username, name = POSTER
    person = users.get(
        db, users.register(db, username=username, display_name=name, password="poster-pass", language="zh_CN", now=now)
    )
    workers.set_taking_jobs(db, person, taking_jobs=True, categories=["errands"], now=now)
    check = samples.submit_id(db, person, now)
    verification.decide(db, organizer, check, approve=False, reason=AS_TYPED_LINES, now=now)
    ledger.top_up(db, organizer, person["id"], "500", note="seed", key="poster-seed", now=now)
    return person


def poster_story(db, organizer: dict, poster: dict, helpers: list[dict], now) -> tuple[int, int, int, int]:
    """The poster's jobs, at the centre (the browse map draws only the open one), worked by helper2,
    and helper2's wallet. Returns (disputed, completed, booked, resolved)."""
    worker = helpers[2]
    story = (
        disputed_job(db, poster, worker, now),
        completed_job(db, poster, worker, now),
        booked_job(db, poster, helpers, now),
        resolved_job(db, organizer, poster, worker, now),
    )
    for i, note in enumerate(TITLES[:-1]):
        # amounts differ: the same amount for the same person moments later is asked about first
        ledger.top_up(db, organizer, worker["id"], str(10 + i), note=note, key=f"top-up {i}", now=now)
    ledger.payout(db, organizer, worker["id"], "5", note=TITLES[-1], key="payout", now=now)
    return story


def disputed_job(db, poster: dict, worker: dict, now) -> int:
    """Done with materials bought (the last one turned down), then disputed: the reason and the
    helper's statement are the corpus."""
    job = post(db, poster, DISPUTED_TITLE, CENTRE, now, price_yuan="10", address_note=ADDRESS_NOTE)
    for action in ("claim", "start"):
        jobs.act(db, job, action, worker, now=now)
    for i, what in enumerate(MATERIALS):
        line = materials.add(db, worker, job, what=what, amount_yuan=MATERIAL_YUAN, receipt=None, key=f"m{i}", now=now)
        materials.decide(db, poster, line, approve=i < len(MATERIALS) - 1, now=now)
    jobs.act(db, job, "finish", worker, now=now)
    jobs.act(db, job, "dispute", poster, Reason(LONG_TEXT), now=now)
    disputes.add_statement(db, worker, job, LONG_TEXT, key="s", now=now)
    return job


def completed_job(db, poster: dict, worker: dict, now) -> int:
    """Confirmed and rated both ways with the corpus; the helper's photos of past work are captioned with the titles."""
    job = post(db, poster, COMPLETED_TITLE, CENTRE, now, price_yuan="10")
    for action, who in (("claim", worker), ("start", worker), ("finish", worker), ("confirm", poster)):
        jobs.act(db, job, action, who, now=now)
    reviews.rate(db, poster, job, stars=5, comment=LONG_TEXT, now=now)
    reviews.rate(db, worker, job, stars=4, comment=AS_TYPED_LINES, now=now)
    for i, caption in enumerate(TITLES):
        workers.add_photo(db, worker, samples.picture(f"photo {i}"), caption, now)
    return job


def booked_job(db, poster: dict, helpers: list[dict], now) -> int:
    """Open in booking mode, with APPLICATIONS from the first helpers."""
    job = post(db, poster, BOOKED_TITLE, CENTRE, now, price_yuan="20", mode="booking")
    for applicant, (quote, message) in zip(helpers, APPLICATIONS, strict=False):
        booking.apply(db, applicant, job, quote_yuan=quote, message=message, now=now)
    return job


def resolved_job(db, organizer: dict, poster: dict, worker: dict, now) -> int:
    """Disputed, then paid to the helper by the organizer with the corpus as the note."""
    job = post(db, poster, RESOLVED_TITLE, CENTRE, now, price_yuan="10")
    for action in ("claim", "start", "finish"):
        jobs.act(db, job, action, worker, now=now)
    jobs.act(db, job, "dispute", poster, Reason(AS_TYPED_LINES), now=now)
    jobs.act(db, job, "resolve_pay", organizer, request("resolve_pay", detail=AS_TYPED), now=now)
    return job


def waiting_check(db, username: str, name: str, now) -> int:
    """A worker whose identity check waits in the organizer's queue; the first two gave the same ID number."""
    person = users.get(
        db, users.register(db, username=username, display_name=name, password="worker-pass", language="zh_CN", now=now)
    )
    workers.set_taking_jobs(db, person, taking_jobs=True, categories=["errands"], now=now)
    same = list(PENDING).index(username) < 2
    samples.submit_id(db, person, now, serial=SAME_ID if same else None)
    return person["id"]


def signed_in(browser, board: Board, username: str, password: str):
    """A page of `username` signed in, at desktop size, in Chinese, that keeps every dialog any page opened."""
    page = open_page(browser, viewport=DESKTOP, locale="zh-CN")
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, board.server.url, username, password)
    return page


@pytest.fixture(scope="module")
def reader(board, browser):
    """helper2 signed in (their name, shortcodes, is the sidebar's "signed in as" line): the worker of
    the poster's jobs."""
    page = signed_in(browser, board, "helper2", "helper-pass")
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def poster(board, browser):
    """The poster signed in: their name ends in right-to-left letters; their own ID check was turned down."""
    page = signed_in(browser, board, POSTER[0], "poster-pass")
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def organizer(board, browser):
    """The organizer (王主任) signed in: the people list, ID checks, disputes and anyone's wallet."""
    page = signed_in(browser, board, "org_zh", "organizer-pass")
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def readers(reader, poster, organizer):
    """Each signed-in page by who it is, for tests parametrized by reader: a module fixture first
    asked for inside a test would have its page closed with that test (conftest)."""
    return {"reader": reader, "poster": poster, "organizer": organizer}


def as_read(text: str) -> str:
    """What a reader gets of text laid out as HTML: runs of blanks and line breaks are one space, and
    the marks that isolate right-to-left text from its neighbours (U+2068, U+2069) draw nothing."""
    return " ".join(text.translate(ISOLATION_MARKS).split())


def shown(locator) -> str:
    return as_read(locator.inner_text())


def assert_only_text(locator) -> None:
    """Nothing inside `locator` that its text did not write: no link, icon, image, code or structure."""
    assert locator.locator(WRITTEN_BY_NOBODY).count() == 0, locator.inner_html()


def assert_shown_as_typed(page, texts, *, within: str = MAIN) -> dict[str, list]:
    """Each of `texts` is the whole visible text of a Markdown block (a paragraph, a caption, a link's
    or an expander's label) of `within`, and nothing in those blocks was written by nobody. Returns
    the blocks by what they show, for a closer look."""
    by_text: dict[str, list] = {}
    for block in page.locator(within).locator(MARKDOWN_BLOCK).all():
        by_text.setdefault(shown(block), []).append(block)
    missing = [text for text in texts if as_read(text) not in by_text]
    assert missing == [], f"not shown as typed: {missing}\nshown: {list(by_text)}"
    for text in texts:
        for block in by_text[as_read(text)]:
            assert_only_text(block)
    return by_text


def assert_in_place(block, value: str) -> None:
    """`value` (user text) inside `block` is drawn where it is written: the board's words before it end
    left of it and those after it start right of it, on its line, however `value` itself is laid out."""
    chars, start = block.evaluate(CHARACTER_BOXES, value)
    assert start >= 0, (value, block.inner_text())
    drawn = [c for c in chars if c["char"].strip() and c["right"] > c["left"]]
    mine = [c for c in drawn if start <= c["at"] < start + len(value)]
    line = [c for c in drawn if abs(c["top"] - mine[0]["top"]) < 2]
    before = [c["right"] for c in line if c["at"] < start]
    after = [c["left"] for c in line if c["at"] >= start + len(value)]
    left, right = min(c["left"] for c in mine), max(c["right"] for c in mine)
    assert max(before, default=left) <= left + 1 and min(after, default=right) >= right - 1, (
        block.inner_text(),
        "".join(c["char"] for c in sorted(line, key=lambda c: c["left"])),  # as drawn, left to right
    )


CHARACTER_BOXES = """(el, value) => {
    const chars = [], walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.data.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const box = range.getBoundingClientRect();
            chars.push({char: node.data[i], at: chars.length, left: box.left, right: box.right, top: box.top});
        }
    }
    return [chars, chars.map(c => c.char).join("").indexOf(value)];
}"""


def nothing_went_wrong(page) -> None:
    no_error(page)
    assert page.dialogs == []


def phone_shot(page, name: str) -> None:
    """A screenshot of the page at a phone's width, kept as a test artifact."""
    page.set_viewport_size(PHONE)
    shot(page, name)
    page.set_viewport_size(DESKTOP)


def test_sidebar_shows_the_community_name_and_the_signed_in_name_as_typed(reader):
    sidebar = reader.locator('[data-testid="stSidebar"] [data-testid="stCaptionContainer"]')
    expect(sidebar.first).to_be_visible(timeout=TIMEOUT)
    captions = [shown(caption) for caption in sidebar.all()]
    assert COMMUNITY_NAME in captions
    assert as_read(ZH["nav.signed_in_as"].format(name=NAMES[2])) in captions
    for caption in sidebar.all():
        assert_only_text(caption)


def drawn_heading(page):
    """The page's title, once its text is drawn (the browser may show the heading a moment before
    its text); compared exactly by the caller, with no whitespace folded."""
    heading = page.locator(f"{MAIN} h1 [data-heading-text]").first
    expect(heading).not_to_have_text("", timeout=TIMEOUT)
    return heading


@pytest.mark.parametrize("n", range(len(TITLES)))
def test_job_page_shows_title_and_description_as_typed(board, reader, n):
    visit(reader, f"{board.server.url}/job?id={board.job_ids[n]}")
    heading = drawn_heading(reader)
    assert heading.inner_text() == TITLES[n]
    assert_only_text(heading)
    assert_shown_as_typed(reader, [LONG_TEXT])
    nothing_went_wrong(reader)


def test_browse_cards_link_each_title_as_typed(board, reader):
    visit(reader, board.server.url)
    click(reader, ZH["browse.more"])  # five cards to a page
    # the link's label; its icon (📌) sits outside it
    assert_shown_as_typed(reader, [*TITLES, BOOKED_TITLE], within=LINKS)
    nothing_went_wrong(reader)


def test_browse_map_popups_and_tooltips_show_each_title_as_typed(board, reader):
    visit(reader, board.server.url)
    places_read_as_typed(reader, {title: None for title in TITLES})


def test_helpers_directory_and_map_show_names_and_areas_as_typed(board, reader):
    visit(reader, board.server.url + "/helpers")
    listed = [f"{name} {ZH['badge.verified']}" for name in NAMES]
    assert_shown_as_typed(reader, listed, within=LINKS)
    captions = [shown(caption) for caption in reader.locator(f'{MAIN} [data-testid="stCaptionContainer"]').all()]
    assert [name for name in NAMES if not any(caption.endswith(" · " + as_read(name)) for caption in captions)] == []
    places_read_as_typed(reader, {name: name for name in NAMES})  # a helper's popup: name, then area label


def places_read_as_typed(page, places: dict[str, str | None]) -> None:
    """Each place of the page's map, by its title, shows that title as its tooltip and at the top of
    its popup, and its details (when given) on the popup's next line, as typed."""
    frame = map_frame(page)
    expect(frame.locator("path.linbang-place").first).to_be_attached(timeout=TIMEOUT)
    container = frame.locator(".leaflet-container")
    for title, details in places.items():
        # Centre the map on that place's circle (drawn alone at that zoom), then point at it as a
        # person would: the tooltip. The popup is opened as Leaflet does on a click, without the click
        # (that also opens the job page, tested elsewhere); popups are bound on the cluster.
        point_at(page, frame, container, title)
        container.evaluate(PLACE_SCRIPT + "cluster._openPopup({layer: circle, latlng: at}); }", title)
        popup = frame.locator(".leaflet-popup-content")
        expect(popup.locator("b")).to_have_count(1, timeout=TIMEOUT)
        assert popup.locator("b").inner_text() == title
        if details is not None:
            assert popup.locator("b + div").inner_text() == details
        assert popup.locator("a, img, code").count() == 0
        page.mouse.move(0, 0)
        container.evaluate("() => window.map.closePopup()")
    nothing_went_wrong(page)


def point_at(page, frame, container, title: str) -> None:
    """Move the mouse onto the circle titled `title` until its tooltip shows (a rerun caused by the
    hover or the move may draw the map afresh under the mouse), and check that it shows the title."""
    tooltip = frame.locator(".leaflet-tooltip", has_text=title)
    for _ in range(10):
        point, box = drawn_at(page, container, title), container.bounding_box()
        page.mouse.move(0, 0)
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        try:
            tooltip.wait_for(state="attached", timeout=500)
        except PlaywrightTimeoutError:
            continue
        expect(frame.locator(".leaflet-tooltip")).to_have_text(title)  # the whole text, as typed
        return
    raise AssertionError(f"no tooltip showed for {title!r}")


def drawn_at(page, container, title: str) -> dict:
    """Centre the map on the circle titled `title` at a zoom where the cluster draws it alone, and
    return where it is drawn. Asked again until drawn: a hover or a move can rerun the page, which
    may draw the map afresh at its first view."""
    for _ in range(TIMEOUT // 200):
        point = container.evaluate(PLACE_SCRIPT + CENTRE_ON_CIRCLE, title)
        if point:
            return point
        page.wait_for_timeout(200)
    raise AssertionError(f"the map never drew {title!r}")


CENTRE_ON_CIRCLE = """
    const centred = window.map.getZoom() === 16 && window.map.getCenter().distanceTo(at) < 50;
    if (circle._map && centred) return window.map.latLngToContainerPoint(at);
    window.map.closePopup();
    cluster.closeTooltip();
    window.map.setView(at, 16, {animate: false});
    return null;
}"""
PLACE_SCRIPT = """(el, title) => {
    const cluster = Object.values(window.map._layers).find(l => l instanceof L.MarkerClusterGroup);
    const circle = cluster.getLayers().find(c => c.row[3] === title), at = circle.getLatLng();
    """


@pytest.mark.parametrize("n", range(len(NAMES)))
def test_profile_shows_name_area_and_bio_as_typed(board, reader, n):
    visit(reader, f"{board.server.url}/profile?id={board.helper_ids[n]}")
    heading = drawn_heading(reader)
    assert heading.inner_text() == f"{NAMES[n]} {ZH['badge.verified']}"
    assert_only_text(heading)
    assert_shown_as_typed(reader, [AS_TYPED_LINES, ZH["profile.area"].format(label=NAMES[n])])
    nothing_went_wrong(reader)


@pytest.mark.parametrize("who", ["reader", "organizer"])
def test_wallet_shows_each_note_as_typed_to_its_owner_and_the_organizer(board, readers, who):
    page = readers[who]
    owner = "" if who == "reader" else f"?id={board.helper_ids[2]}"
    visit(page, f"{board.server.url}/wallet{owner}")
    assert_shown_as_typed(page, TITLES)  # the cashier's notes, each a line of its wallet line's card
    if owner:  # whose wallet the organizer opened
        assert_shown_as_typed(page, [ZH["wallet.of"].format(name=NAMES[2])])
    nothing_went_wrong(page)
    phone_shot(page, f"as_typed_wallet_{who}_phone_zh")


def helper2_verified() -> str:
    return f"{NAMES[2]} {ZH['badge.verified']}"


def material_lines() -> list[str]:
    last = len(MATERIALS) - 1
    return [
        f"{what} · ¥{MATERIAL_YUAN} · {ZH['materials.' + ('rejected' if i == last else 'approved')]}"
        for i, what in enumerate(MATERIALS)
    ]


@pytest.mark.parametrize("who", ["reader", "poster", "organizer"])
def test_disputed_job_shows_reason_statement_materials_and_address_as_typed(board, readers, who):
    """The helper (who bought the materials and answered), the poster (who disputed) and the organizer."""
    page = readers[who]
    visit(page, f"{board.server.url}/job?id={board.disputed}")
    assert drawn_heading(page).inner_text() == DISPUTED_TITLE
    people = [ZH["job.posted_by"].format(name=POSTER[1]), ZH["job.worker"].format(name=helper2_verified())]
    address = f"{ZH['job.address_note']} {ADDRESS_NOTE}"
    shown_blocks = assert_shown_as_typed(page, [LONG_TEXT, address, *people, *material_lines()])
    assert len(shown_blocks[as_read(LONG_TEXT)]) == 3  # the description, the poster's reason, the helper's statement
    for author in (POSTER[1], NAMES[2]):  # each statement's caption: who, then when
        said = [text for text in shown_blocks if text.startswith(as_read(f"{author} · "))]
        assert len(said) == 1, list(shown_blocks)
        assert_shown_as_typed(page, said)
        assert_in_place(shown_blocks[said[0]][0], author)
    assert_in_place(shown_blocks[as_read(material_lines()[-1])][0], RIGHT_TO_LEFT)
    nothing_went_wrong(page)
    if who == "organizer":
        phone_shot(page, "as_typed_dispute_organizer_phone_zh")


def test_disputes_page_shows_the_title_and_the_posters_reason_as_typed(board, organizer):
    visit(organizer, f"{board.server.url}/organizer_disputes")
    reason = ZH["disputes.reason"].format(name=POSTER[1], reason=LONG_TEXT)
    shown_blocks = assert_shown_as_typed(organizer, [DISPUTED_TITLE, reason])
    assert_in_place(shown_blocks[as_read(reason)][0], POSTER[1])
    nothing_went_wrong(organizer)
    phone_shot(organizer, "as_typed_disputes_phone_zh")


def test_resolved_dispute_shows_the_organizers_note_and_the_history_as_typed(board, poster):
    visit(poster, f"{board.server.url}/job?id={board.resolved}")
    decision = ZH["dispute.decision"].format(who="王主任", outcome=ZH["event.resolve_pay"])
    assert_shown_as_typed(poster, [AS_TYPED_LINES, decision + ZH["dispute.decision_note"].format(note=AS_TYPED)])
    poster.locator(f"{MAIN} summary", has_text=ZH["job.history"]).click()
    history = poster.locator(f'{MAIN} [data-testid="stExpanderDetails"]').locator(MARKDOWN_BLOCK)
    expect(history.first).to_be_visible(timeout=TIMEOUT)
    by_poster = [line for line in history.all() if as_read(POSTER[1]) in shown(line)]  # posted, disputed
    assert len(by_poster) == 2, [shown(line) for line in history.all()]
    for line in by_poster:
        assert_only_text(line)
        assert_in_place(line, POSTER[1])
    nothing_went_wrong(poster)


def test_helpers_profile_shows_the_review_and_photo_captions_as_typed(board, reader):
    visit(reader, f"{board.server.url}/profile?id={board.helper_ids[2]}")
    review = [
        f"★★★★★ · {POSTER[1]}",
        ZH["profile.review_as_poster"].format(title=COMPLETED_TITLE),
        LONG_TEXT,
    ]
    assert_shown_as_typed(reader, review + TITLES)  # the photos' captions
    nothing_went_wrong(reader)


def test_posters_profile_shows_the_review_as_typed(board, reader):
    visit(reader, f"{board.server.url}/profile?id={board.poster_id}")
    review = [
        f"★★★★☆ · {helper2_verified()}",
        ZH["profile.review_as_worker"].format(title=COMPLETED_TITLE),
        AS_TYPED_LINES,
    ]
    assert_shown_as_typed(reader, review)
    nothing_went_wrong(reader)


def test_poster_reads_each_applicants_message_and_quote_as_typed(board, poster):
    visit(poster, f"{board.server.url}/job?id={board.booked}")
    shown_blocks = []
    for name, (quote, message) in zip(NAMES, APPLICATIONS, strict=False):
        money = f"¥{float(quote):,.2f}"
        shown_blocks += [
            f"{name} {ZH['badge.verified']}",
            f"{ZH['application.kind_apply']} · {money} · {ZH['application.pending']}",
            f"“{message}”",
        ]
    assert_shown_as_typed(poster, shown_blocks)
    nothing_went_wrong(poster)


def open_tab(page, label: str) -> str:
    """Show the tab whose label starts with `label`; returns a selector of its panel."""
    page.get_by_role("tab", name=re.compile("^" + re.escape(label))).click()
    return f'{MAIN} [role="tabpanel"]:visible'


@pytest.mark.parametrize(
    "who, tab, titles",
    [
        ("poster", "posted", [RESOLVED_TITLE, BOOKED_TITLE, COMPLETED_TITLE, DISPUTED_TITLE]),
        ("reader", "working", [RESOLVED_TITLE, COMPLETED_TITLE, DISPUTED_TITLE]),
        ("reader", "applications", [BOOKED_TITLE, f"“{HOSTILE}”"]),  # with helper2's own message
    ],
)
def test_my_jobs_shows_each_title_as_typed(board, readers, who, tab, titles):
    page = readers[who]
    visit(page, f"{board.server.url}/my_jobs")
    assert_shown_as_typed(page, titles, within=open_tab(page, ZH[f"my_jobs.{tab}"]))
    nothing_went_wrong(page)


def test_people_list_shows_each_name_and_username_as_typed(board, organizer):
    visit(organizer, f"{board.server.url}/organizer_users")
    people = [("org_zh", "王主任"), *((f"helper{i}", name) for i, name in enumerate(NAMES)), POSTER, *PENDING.items()]
    shown_blocks = assert_shown_as_typed(organizer, [f"{name} (@{username})" for username, name in people])
    assert_in_place(shown_blocks[as_read(f"{RIGHT_TO_LEFT} (@123)")][0], RIGHT_TO_LEFT)
    nothing_went_wrong(organizer)
    phone_shot(organizer, "as_typed_people_phone_zh")


def test_identity_checks_show_names_as_typed(board, organizer):
    visit(organizer, f"{board.server.url}/organizer_workers")
    waiting = list(zip(PENDING.items(), board.pending_ids, strict=True))
    names = [name for (_, name), _ in waiting]
    lines = []
    for i, ((username, name), user_id) in enumerate(waiting):
        last4 = samples.id_number(SAME_ID if i < 2 else user_id)[-4:]
        lines += [f"{name} (@{username})", ZH["organizer.check_line"].format(name=f"{name} (real)", last4=last4)]
    same = [ZH["organizer.same_id"].format(names=names[1 - i]) for i in range(2)]  # each is told of the other
    shown_blocks = assert_shown_as_typed(organizer, lines + same, within=open_tab(organizer, ZH["organizer.queue"]))
    for line, value in zip(lines[-2:], (RIGHT_TO_LEFT, f"{RIGHT_TO_LEFT} (real)"), strict=True):  # the last one's
        assert_in_place(shown_blocks[as_read(line)][0], value)
    verified = [f"🛡️ {name} (@helper{i})" for i, name in enumerate(NAMES)]
    assert_shown_as_typed(organizer, verified, within=open_tab(organizer, ZH["organizer.verified_list"]))
    nothing_went_wrong(organizer)


def test_a_turned_down_worker_reads_the_organizers_reason_as_typed(board, poster):
    visit(poster, f"{board.server.url}/worker")
    assert_shown_as_typed(poster, [ZH["worker.reason"].format(reason=AS_TYPED_LINES)])
    nothing_went_wrong(poster)
