"""Text exactly as typed (issue #13): what the services stored is what a person reads, in headings,
link labels, captions, the sidebar, descriptions and the map's popups and tooltips: no link, icon,
typographic character or code block that nobody wrote, and no dialog or page error."""

import math
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from streamlit_driver import DESKTOP, TIMEOUT, Server, log_in, map_frame, no_error, open_page, visit

from demo import samples
from services import community, jobs, ledger, users, workers
from services import db as database
from services.clock import utcnow
from tests.support import AS_TYPED_LINES, HOSTILE
from ui.i18n import catalog

CENTRE = (31.2304, 121.4737)
COMMUNITY_NAME = ":material/home: www.x.cn -- a <- b :streamlit:"
TITLES = [  # at most 60 characters, a job title's limit
    "https://x.y/a www.x.cn me@x.cn <https://x.y>",
    ":material/home: :material_home: :streamlit: :smile:",
    "a -- b -> c <- d <-> e >= f <= g ~= h",
    "alert(coords); drawnItems_1 邻居帮忙：修水龙头。",
    HOSTILE,
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
WRITTEN_BY_NOBODY = "a, code, pre, img, svg, [role=img], h2, h3, ul, ol, blockquote, .katex"
ZH = catalog("zh_CN")
MARKDOWN_BLOCK = '[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"]'


def ring(i: int, n: int, km: float = 1.5) -> tuple[float, float]:
    """Points on a ring around the centre, far enough apart that the browse map draws each alone."""
    angle = 2 * math.pi * i / n
    return CENTRE[0] + km / 111.2 * math.sin(angle), CENTRE[1] + km / 95.0 * math.cos(angle)


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    """A server whose community name, jobs (titles, descriptions) and verified helpers (names, area
    labels, bios) hold the corpus. Yields (server, job ids, helper ids)."""
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
            jobs.post(
                db,
                organizer,
                title=title,
                description=AS_TYPED_LINES,
                category="errands",
                price_yuan="1",
                window_start=now + timedelta(hours=2),
                window_end=now + timedelta(hours=6),
                lat=ring(i, len(TITLES))[0],
                lon=ring(i, len(TITLES))[1],
                address_note=title,
                now=now,
            )
            for i, title in enumerate(TITLES)
        ]
        helper_ids = []
        for i, name in enumerate(NAMES):
            helper_id = users.register(
                db, username=f"helper{i}", display_name=name, password="helper-pass", language="zh_CN", now=now
            )
            helper = users.get(db, helper_id)
            workers.set_taking_jobs(db, helper, taking_jobs=True, categories=["errands"], now=now)
            workers.save_profile(
                db,
                helper,
                bio=AS_TYPED_LINES,
                service_radius_km=3,
                rate_yuan="30",
                area=ring(i, len(NAMES), 2.5),
                area_label=name,
                availability=["weekends_morning"],
                now=now,
            )
            samples.verify(db, organizer, helper, now)
            helper_ids.append(helper_id)
        db.conn.close()
        yield srv, job_ids, helper_ids
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def reader(board, browser):
    """helper2 signed in (their name, shortcodes, is the sidebar's "signed in as" line), with every
    dialog any page opened."""
    srv = board[0]
    page = open_page(browser, viewport=DESKTOP, locale="zh-CN")
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, srv.url, "helper2", "helper-pass")
    yield page
    page.context.close()


def as_read(text: str) -> str:
    """What a reader gets of text laid out as HTML: runs of blanks and line breaks are one space."""
    return " ".join(text.split())


def shown(locator) -> str:
    return as_read(locator.inner_text())


def assert_only_text(locator) -> None:
    """Nothing inside `locator` that its text did not write: no link, icon, image, code or structure."""
    assert locator.locator(WRITTEN_BY_NOBODY).count() == 0, locator.inner_html()


def user_text_blocks(page, text: str):
    """The Markdown blocks of the main area that show exactly `text` (as read)."""
    blocks = page.locator('[data-testid="stMain"]').locator(MARKDOWN_BLOCK)
    return [block for block in blocks.all() if shown(block) == as_read(text)]


def test_sidebar_shows_the_community_name_and_the_signed_in_name_as_typed(reader):
    sidebar = reader.locator('[data-testid="stSidebar"] [data-testid="stCaptionContainer"]')
    expect(sidebar.first).to_be_visible(timeout=TIMEOUT)
    captions = [shown(caption) for caption in sidebar.all()]
    assert COMMUNITY_NAME in captions
    assert as_read(ZH["nav.signed_in_as"].format(name=NAMES[2])) in captions
    for caption in sidebar.all():
        assert_only_text(caption)


@pytest.mark.parametrize("n", range(len(TITLES)))
def test_job_page_shows_title_and_description_as_typed(board, reader, n):
    srv, job_ids, _ = board
    visit(reader, f"{srv.url}/job?id={job_ids[n]}")
    heading = reader.locator('[data-testid="stMain"] h1 [data-heading-text]').first
    assert heading.inner_text() == TITLES[n]
    assert_only_text(heading)
    descriptions = user_text_blocks(reader, AS_TYPED_LINES)
    assert descriptions, "the description is not shown as typed:\n" + reader.inner_text('[data-testid="stMain"]')
    for block in descriptions:
        assert_only_text(block)
    no_error(reader)
    assert reader.dialogs == []


def test_browse_cards_link_each_title_as_typed(board, reader):
    visit(reader, board[0].url)
    labels = reader.locator('[data-testid="stMain"] [data-testid="stPageLink"] [data-testid="stMarkdownContainer"]')
    expect(labels.first).to_be_visible(timeout=TIMEOUT)
    by_text = {shown(label): label for label in labels.all()}  # the link's icon (📌) sits outside the label
    assert [title for title in TITLES if title not in by_text] == [], list(by_text)
    for title in TITLES:
        assert_only_text(by_text[title])
    no_error(reader)
    assert reader.dialogs == []


def test_browse_map_popups_and_tooltips_show_each_title_as_typed(board, reader):
    visit(reader, board[0].url)
    places_read_as_typed(reader, {title: None for title in TITLES})


def test_helpers_directory_and_map_show_names_and_areas_as_typed(board, reader):
    visit(reader, board[0].url + "/helpers")
    labels = reader.locator('[data-testid="stMain"] [data-testid="stPageLink"] [data-testid="stMarkdownContainer"]')
    expect(labels.first).to_be_visible(timeout=TIMEOUT)
    by_text = {shown(label): label for label in labels.all()}
    listed = [f"{name} {ZH['badge.verified']}" for name in NAMES]
    assert [name for name in listed if name not in by_text] == [], list(by_text)
    for name in listed:
        assert_only_text(by_text[name])
    captions = [
        shown(caption) for caption in reader.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').all()
    ]
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
    no_error(page)
    assert page.dialogs == []


def point_at(page, frame, container, title: str) -> None:
    """Move the mouse onto the circle titled `title` until its tooltip shows (a rerun caused by the
    hover or the move may draw the map afresh under the mouse), and check that it shows the title."""
    tooltip = frame.locator(".leaflet-tooltip", has_text=title)
    for _ in range(10):
        point, box = drawn_at(page, container, title), container.bounding_box()
        page.mouse.move(0, 0)
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        page.wait_for_timeout(500)
        if tooltip.count():
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
    srv, _, helper_ids = board
    visit(reader, f"{srv.url}/profile?id={helper_ids[n]}")
    heading = reader.locator('[data-testid="stMain"] h1 [data-heading-text]').first
    assert heading.inner_text() == f"{NAMES[n]} {ZH['badge.verified']}"
    assert_only_text(heading)
    for text in (AS_TYPED_LINES, ZH["profile.area"].format(label=NAMES[n])):
        blocks = user_text_blocks(reader, text)
        assert blocks, f"{text!r} is not shown as typed:\n" + reader.inner_text('[data-testid="stMain"]')
        for block in blocks:
            assert_only_text(block)
    no_error(reader)
    assert reader.dialogs == []
