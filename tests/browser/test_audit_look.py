"""The organizer's notices and record (#16 items 6, 7) in a real browser, at phone and desktop width, in
Chinese and in English: every organizer action taken in this test is listed in the record in the
reader's language, a notice posted through the form shows at the top of the pages, and nothing
scrolls sideways. Screenshots kept as artifacts."""

import pytest
from playwright.sync_api import expect
from streamlit_driver import DESKTOP, PHONE, click, fill, log_in, open_page, visit, wait_idle
from test_pages_look import reads_well

from services import community, jobs, ledger, organizers, users, verification
from services import db as database
from services.catalogs import text_in
from services.clock import utcnow
from ui.cards import account_name

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
LANGUAGES = {"zh": "zh_CN", "en": "en"}
NOTICE = "周日上午停水 Water off on Sunday morning"


@pytest.fixture(scope="module")
def acted(seeded, browser):
    """The seeded board (whose set-up verified two helpers, topped up two wallets and paid one out),
    with every other organizer action taken once by org_zh: a dispute decided, a verification
    withdrawn, an account blocked and unblocked, a setting changed, an organizer made and unmade, a
    top-up; and a notice posted through the page's form."""
    db = database.connect(seeded.db_path)
    now = utcnow()
    organizer = users.by_username(db, "org_zh")
    worker_a, worker_b = (users.by_username(db, name) for name in ("worker_a", "worker_b"))
    disputed = db.execute("SELECT id FROM jobs WHERE status = 'disputed'").fetchone()[0]
    jobs.act(db, disputed, "resolve_pay", organizer, now=now)
    verification.revoke(db, organizer, worker_a["id"], reason="换了别人来 Sent someone else", now=now)
    users.set_blocked(db, organizer, worker_b["id"], True, now)
    users.set_blocked(db, organizer, worker_b["id"], False, now)
    community.set_organizer_contact(db, organizer, "居委会 3 号楼 Office, building 3", now)
    organizers.set_organizer(db, organizer, worker_b["id"], True, now)
    organizers.set_organizer(db, organizer, worker_b["id"], False, now)
    ledger.top_up(db, organizer, worker_a["id"], "10", key="look", now=now)
    db.conn.close()
    page = open_page(browser, viewport=DESKTOP)
    log_in(page, seeded.url, "org_zh")
    visit(page, f"{seeded.url}/organizer_audit")
    fill(page, text_in("zh_CN", "announcement.body"), NOTICE)
    click(page, text_in("zh_CN", "announcement.post"))
    wait_idle(page)
    return seeded


def sentences(language: str) -> list[str]:
    """The record's sentence of each action taken (ui.cards.account_name: display name and username)."""
    org = account_name("王主任", "org_zh")
    a, b = account_name("Bob 师傅", "worker_a"), account_name("Carol 阿姨", "worker_b")
    said = lambda key, **names: text_in(language, key, organizer=org, **names)  # noqa: E731
    return [
        said("audit.person.verify", person=a),
        said("audit.person.revoke", person=a),
        said("audit.person.block", person=b),
        said("audit.person.unblock", person=b),
        said("audit.person.top_up", person=a),
        said("audit.person.payout", person=account_name("Olivia", "org_en")),
        said("audit.job.dispute_decision", job="Fix the kitchen tap 修水龙头"),
        said("audit.board.setting_changed"),
        said("audit.person.organizer_granted", person=b),
        said("audit.person.organizer_revoked", person=b),
        said("audit.board.announcement"),
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("username, language", [("org_zh", "zh"), ("org_en", "en")])
def test_the_record_shows_every_action_taken(acted, browser, username, language, width):
    page = open_page(browser, viewport=WIDTHS[width])
    log_in(page, acted.url, username, again=True)
    reads_well(page, acted.url, ["organizer_audit"], width, language)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(NOTICE).first).to_be_visible()
    shown = main.inner_text()
    for sentence in sentences(LANGUAGES[language]):
        assert sentence in shown, sentence
