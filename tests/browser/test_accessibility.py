"""axe-core (node_modules/axe-core, `npm ci`) on every page, for every kind of person, in Chinese and
in English, at a phone's width: no "serious" or "critical" finding in Linbang's own markup.

What is Linbang's own: everything on the page but the Streamlit structures in STREAMLITS, each listed
with why it is Streamlit's (its widgets' insides, which our code cannot reach). Findings there are
printed, kept in artifacts/accessibility/ and given as a warning, so they are read, not hidden.
The map frames (folium's own documents) are not scanned: on the browse map, when this test was
written, axe found only "moderate" things there (meta-viewport, region, one main landmark, one h1).
"""

import os
import warnings
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from streamlit_driver import (
    MENU_BODY,
    MENU_BUTTON,
    PHONE,
    ROOT,
    SETTLED,
    goto,
    log_in,
    no_error,
    open_menu,
    open_page,
    visit,
    wait_idle,
)

from demo import samples
from services import db as database
from services import jobs, messages, questions, reviews, users
from services.clock import utcnow

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPORT = ROOT / "artifacts" / "accessibility"  # one file per kind of person: the Streamlit findings
pytestmark = pytest.mark.skipif(
    not AXE.exists() and os.environ.get("REQUIRE_BROWSER") != "1",  # CI installs it: there, missing fails
    reason=f"no {AXE.relative_to(ROOT)}; run `npm ci` in the repository",
)
SERIOUS = ["serious", "critical"]  # the impacts that fail; axe also reports "moderate" and "minor"

# Streamlit's own structures: (axe rule, CSS selector of the element the finding's node is in, why it
# is Streamlit's and not ours). A finding that matches none is Linbang's and fails the test. An entry
# names its rule, so our own text inside such a structure is still checked by every other rule.
STREAMLITS = [
    (
        "aria-dialog-name",
        '[data-testid="stToast"]',
        "st.toast's box: Streamlit gives it role=alertdialog labelled by an id that names no element; "
        "the words in it are ours, passed as text",
    ),
]

# job 1: open, with a question; 2: disputed, with money and messages; 3: done, a rating form for the
# helper; profile 4: a helper's, with a photo and a review
BASE = ["", "job?id=1", "job?id=2", "job?id=3", "profile?id=4"]
MEMBER = ["post_job", "helpers", "my_jobs", "inbox", "wallet", "worker", "account"]
ORGANIZER = [
    "organizer_console",
    "organizer_workers",
    "organizer_users",
    "organizer_cash",
    "organizer_disputes",
    "organizer_mail",
]
# person -> (username, password, the pages they have); None: a signed-out visitor
ROLES = {
    "visitor": (None, None, [*BASE, "login", "register"]),
    "resident": ("resident_r", "person-pass", BASE + MEMBER),
    "verified worker": ("worker_b", "worker-pass", BASE + MEMBER),  # job 2's helper: its conversation
    "organizer": ("org_zh", "organizer-pass", BASE + MEMBER + ORGANIZER),
}


@pytest.fixture(scope="module")
def board(seeded):
    """The look tests' board (tests/browser/conftest.py) with talk on its jobs and one job done: a
    plain resident; on the open job 1 a helper's question with the poster's answer; on the disputed
    job 2 the poster's and the helper's messages, one with a photo; job 3, org_zh's, done by worker_b
    and rated by org_zh only."""
    db = database.connect(seeded.db_path)
    now = utcnow()
    users.register(
        db, username="resident_r", display_name="Ruth 居民", password="person-pass", language="zh_CN", now=now
    )
    poster, worker_a, worker_b = (
        users.get(db, users.by_username(db, n)["id"]) for n in ("org_zh", "worker_a", "worker_b")
    )
    asked = questions.ask(db, worker_a, 1, "沙发有多重？How heavy is it?", key="q", now=now)
    questions.answer(db, poster, asked, "大约40公斤 About 40 kg", now=now)
    org_en = users.get(db, users.by_username(db, "org_en")["id"])
    messages.send(db, org_en, 2, worker_b["id"], "It still drips, see the photo", None, key="m1", now=now)
    photo = samples.picture("水龙头 tap", samples.COLOURS[1])
    messages.send(db, worker_b, 2, worker_b["id"], "换好的新水龙头", photo, key="m2", now=now + timedelta(minutes=1))
    done = jobs.post(
        db,
        poster,
        title="取快递 Pick up a parcel",
        description="菜鸟驿站，一个小箱子。",
        category="errands",
        price_yuan="30",
        window_start=now - timedelta(hours=2),
        window_end=now + timedelta(hours=2),
        lat=31.2320,
        lon=121.4750,
        address_note="7栋",
        now=now,
    )
    for action, who in (("claim", worker_b), ("start", worker_b), ("finish", worker_b), ("confirm", poster)):
        jobs.act(db, done, action, who, now=now)
    reviews.rate(db, poster, done, stars=5, comment="准时，很细心 On time and careful", now=now)
    db.conn.close()
    return seeded


# Runs axe in the page's own document (the frames are other documents) and sorts each serious node:
# `streamlit` is the reason from STREAMLITS it is Streamlit's, null when it is Linbang's.
RUN_AXE = """async ([streamlits, serious]) => {
    const results = await axe.run(document, {elementRef: true, iframes: false, resultTypes: ["violations"]});
    return results.violations.filter(v => serious.includes(v.impact)).flatMap(v => v.nodes.map(n => ({
        rule: v.id, impact: v.impact, help: v.help, target: n.target.join(" "), html: n.html.slice(0, 160),
        why: [...n.any, ...n.all, ...n.none].map(check => check.message).join("; "),
        streamlit: (streamlits.find(([rule, inside]) => rule === v.id && n.element.closest(inside)) || [])[2] || null,
    })));
}"""


def findings(page) -> list[dict]:
    """axe's serious and critical findings on the page shown (settled), its script added if the page
    lacks it."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, [STREAMLITS, SERIOUS])


LANGUAGES = {"zh_CN": "中文", "en": "English"}  # as the menu's language buttons read
SIDEBAR = '[data-testid="stSidebar"]'


def speak(page, language: str) -> None:
    """Tap `language` in the menu unless it is the one shown (at a phone's width the menu is folded
    away: the tap goes to the button itself); a member's account keeps it."""
    button = page.locator(SIDEBAR).get_by_role("radio", name=LANGUAGES[language], exact=True)
    if button.get_attribute("aria-checked") != "true":
        button.dispatch_event("click")
        wait_idle(page)
        assert button.get_attribute("aria-checked") == "true"


def menu_findings(page) -> list[dict]:
    """The findings with the phone menu open (closed, axe passes over it)."""
    open_menu(page)
    page.evaluate(SETTLED)  # its opening has ended: colours are read where it stops
    found = findings(page)
    page.locator(MENU_BUTTON).click()  # a second tap closes it
    expect(page.locator(MENU_BODY)).to_have_count(0)
    return found


@pytest.mark.slow  # 20-50 s each, 2:15 for the four on a loaded machine: handed out first in the parallel pass
@pytest.mark.parametrize("person", ROLES)
def test_no_serious_accessibility_finding_in_our_markup_on_any_page_in_either_language(board, browser, person):
    username, password, paths = ROLES[person]
    page = open_page(browser, viewport=PHONE)
    if username:
        log_in(page, board.url, username, password)
    else:
        goto(page, board.url)
    ours, streamlits = [], []

    def sort(where: str, found: list[dict]) -> None:
        for finding in found:
            (streamlits if finding["streamlit"] else ours).append({"page": where, **finding})

    for language in LANGUAGES:
        speak(page, language)
        sort(f"the menu ({language})", menu_findings(page))
        for path in paths:
            visit(page, f"{board.url}/{path}")
            no_error(page)
            sort(f"/{path} ({language})", findings(page))
    listed = "\n".join(
        f"{f['page']}: {f['rule']} ({f['impact']}) at {f['target']} — Streamlit's: {f['streamlit']}" for f in streamlits
    )
    REPORT.mkdir(parents=True, exist_ok=True)
    (REPORT / f"{person.replace(' ', '_')}.txt").write_text(listed + "\n", encoding="utf-8")
    if listed:
        print(f"axe findings in Streamlit's own structures, {person}:\n{listed}")
        warnings.warn(
            f"axe-core, {person}: {len(streamlits)} finding(s) in Streamlit's own widgets:\n{listed}", stacklevel=1
        )
    assert not ours, "\n".join(
        f"{f['page']}: {f['rule']} ({f['impact']}, {f['help']}) at {f['target']}: {f['html']} ({f['why']})"
        for f in ours
    )
