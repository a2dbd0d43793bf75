"""The wallet and a job's receipt on a real phone screen (390 px) and a desktop, in Chinese and English:
every wallet line a card that fits (no sideways scrolling, nothing cut off), its job a link; the
receipt on the job's page fits too. Screenshots kept as artifacts."""

from datetime import timedelta

import pytest
from streamlit_driver import DESKTOP, PHONE, Server, log_in, no_error, open_page, shot, visit

from demo import samples
from services import db as database
from services import jobs, ledger, materials, users, workers
from services.clock import utcnow
from services.transitions import Confirm, Finish, Reason, Split
from tests.support import sunny_garden
from ui.i18n import catalog

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
TEXTS = {"zh": catalog("zh_CN"), "en": catalog("en")}
LONG_TITLE = "帮忙把旧衣柜拆开搬下楼，顺便把床头柜也搬走 Take apart the old wardrobe"
# Whatever sticks out of the page's width: the document's own sideways scroll, and any element whose
# right edge passes the window's or whose content is wider than its box (text cut off).
OVERFLOW = """() => {
  const out = [];
  const root = document.scrollingElement;
  if (root.scrollWidth > root.clientWidth) out.push('document ' + root.scrollWidth + ' > ' + root.clientWidth);
  for (const e of document.querySelectorAll('[data-testid=stMain] [data-testid=stMarkdownContainer], '
      + '[data-testid=stMain] [data-testid=stPageLink], [data-testid=stMain] [data-testid=stCaptionContainer]')) {
    const box = e.getBoundingClientRect();
    if (box.right > window.innerWidth + 1 || e.scrollWidth > e.clientWidth + 1) out.push(e.innerText.slice(0, 40));
  }
  return out;
}"""


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    """A poster (Mei, zh) and a helper (Sam, en) with busy wallets: cash in, a job with a material,
    extra hours and a tip, a job disputed and split, a cancelled job, a payout. Returns the server and
    the completed job's id."""
    srv = Server(tmp_path_factory.mktemp("wallet"))
    try:
        db = database.connect(srv.db_path)
        now = utcnow()
        organizer = users.get(db, sunny_garden(db, now))
        people = {}
        for username, name, language in (("mei", "梅阿姨", "zh_CN"), ("sam", "Sam 师傅", "en")):
            user_id = users.register(
                db, username=username, display_name=name, password="wallet-pass", language=language, now=now
            )
            people[username] = users.get(db, user_id)
        workers.set_taking_jobs(db, people["sam"], taking_jobs=True, categories=["moving"], now=now)
        samples.verify(db, organizer, people["sam"], now)
        ledger.top_up(db, organizer, people["mei"]["id"], "500", note="微信转账 WeChat", key="in", now=now)
        fields = dict(
            description="两个人，大约一小时。",
            category="moving",
            window_start=now - timedelta(hours=1),
            window_end=now + timedelta(hours=6),
            lat=31.2310,
            lon=121.4740,
            now=now,
        )
        done = jobs.post(
            db, people["mei"], title=LONG_TITLE, price_yuan="60", price_type="hourly", est_hours="2", **fields
        )
        for action in ("claim", "start"):
            jobs.act(db, done, action, people["sam"], now=now)
        for what, amount, approve in (("打包胶带 Tape", "18.50", True), ("纸箱 Boxes", "30", False)):
            line = materials.add(
                db, people["sam"], done, what=what, amount_yuan=amount, receipt=None, key=what, now=now
            )
            materials.decide(db, people["mei"], line, approve=approve, now=now)
        jobs.act(db, done, "finish", people["sam"], Finish(hours="3"), now=now)
        jobs.answer_extra_hours(db, people["mei"], done, approve=True, now=now)
        jobs.act(db, done, "confirm", people["mei"], Confirm(tip_yuan="10"), now=now)
        split = jobs.post(db, people["mei"], title="Fix the kitchen tap 修水龙头", price_yuan="80", **fields)
        for action in ("claim", "start", "finish"):
            jobs.act(db, split, action, people["sam"], now=now)
        jobs.act(db, split, "dispute", people["mei"], Reason("还在漏水"), now=now)
        jobs.act(db, split, "resolve_split", organizer, Split(split_yuan="30"), now=now)
        cancelled = jobs.post(db, people["mei"], title="遛狗 Walk the dog", price_yuan="25", **fields)
        jobs.act(db, cancelled, "cancel", people["mei"], now=now)
        ledger.payout(db, organizer, people["sam"]["id"], "50", note="现金 cash", key="out", now=now)
        db.conn.close()
        yield srv, done
    finally:
        srv.stop()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("username, language", [("mei", "zh"), ("sam", "en")])
def test_the_wallet_and_the_receipt_fit_the_screen(board, browser, username, language, width):
    srv, done = board
    page = open_page(browser, viewport=WIDTHS[width])
    log_in(page, srv.url, username, "wallet-pass", again=True)

    visit(page, srv.url + "/wallet")
    no_error(page)
    texts = TEXTS[language]
    what = texts["statement.held_material" if username == "mei" else "statement.tip_received"]
    assert page.get_by_text(what).count() >= 1
    assert page.get_by_role("link", name=LONG_TITLE).count() >= 1  # the line names its job, as a link
    shot(page, f"wallet_{username}_{width}_{language}")
    assert page.evaluate(OVERFLOW) == [], f"the wallet does not fit at {width} width"

    visit(page, f"{srv.url}/job?id={done}")
    no_error(page)
    assert page.get_by_text(texts["receipt.help"]).count() == 1
    shot(page, f"receipt_{username}_{width}_{language}")
    assert page.evaluate(OVERFLOW) == [], f"the job page with its receipt does not fit at {width} width"
    page.context.close()
