"""What issue #14 is checked by, as one journey in three browsers at phone width against a real
`streamlit run` and a real SMTP server: a job posted on the post page, a worker alerted to it in her
radius, the claim, a talk in the job's thread with a photo and a fraud warning, phones shared and gone
after confirmation, each side told at each step without reloading, an outsider who finds nothing
private on the page or behind any URL, and the e-mails delivered. Screenshots kept as artifacts."""

import re
import time

import pytest
from playwright.sync_api import expect
from streamlit_driver import (
    DESKTOP,
    PHONE,
    Server,
    choose,
    click,
    click_map_centre,
    expect_text,
    fill,
    no_error,
    shot,
    text_of,
    visit,
    wait_idle,
)
from test_conversation import send, signed_in
from test_private_urls import fetch_without_cookies

from demo import samples
from services import db as database
from services import ledger, mail, notifications, uploads, users, workers
from services.clock import utcnow
from tests.mail_server import MailServer
from tests.support import sunny_garden
from ui.i18n import catalog

ZH, EN = catalog("zh_CN"), catalog("en")
TOLD_WITHIN = 30_000  # ms: the badge asks every 15 s, the thread every 5 s; a loaded machine is slower
MAILED_WITHIN_S = 90  # the sender looks at the outbox every 30 s
BADGE = '[data-testid="stMain"] a[href$="inbox"]'  # the live badge at the top of the page
CARD = '[data-testid="stVerticalBlock"]'  # a bordered container; .last of those holding a text is the innermost
LINES = '[data-testid="stChatMessage"]'
TITLE, PLACE = "搬两个箱子到五楼", "5栋2单元601"
PHONES = {"poster_w": "13800001111", "worker_l": "13900002222", "outsider": "13700003333"}
PEOPLE = (  # username, name, language, the e-mail groups they chose
    ("poster_w", "王阿姨", "zh_CN", ["job", "message"]),
    ("worker_l", "Li Ming", "en", ["job", "message", "nearby"]),
    ("outsider", "赵师傅", "zh_CN", ["job", "message", "nearby"]),
)


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    """A server with an SMTP server on this machine set up as the board's mail server; a poster
    (Chinese, ¥200 paid in) and two verified movers (the English worker_l and the outsider) whose
    area covers the community centre, each with a phone and an e-mail address, nothing unread."""
    letters = MailServer().start()
    srv = Server(tmp_path_factory.mktemp("talk"))
    try:
        db = database.connect(srv.db_path)
        now = utcnow()
        organizer = users.get(db, sunny_garden(db, now))
        mail.configure(
            db,
            organizer,
            host="127.0.0.1",
            port=str(letters.port),
            security="none",
            user="",
            password="",
            from_address="board@example.org",
            public_url=srv.url,
        )
        for username, name, language, groups in PEOPLE:
            person = users.get(
                db,
                users.register(
                    db,
                    username=username,
                    display_name=name,
                    password="person-pass",
                    email=f"{username}@example.org",
                    phone=PHONES[username],
                    language=language,
                    now=now,
                ),
            )
            mail.set_email_kinds(db, person, groups)
            if username == "poster_w":
                ledger.top_up(db, organizer, person["id"], "200", key="seed", now=now)
            else:
                workers.set_taking_jobs(db, person, taking_jobs=True, categories=["moving"], now=now)
                workers.save_profile(
                    db,
                    person,
                    bio=f"{name}：搬家搬大件",
                    service_radius_km=3,
                    rate_yuan="",
                    area=(31.2304, 121.4737),
                    area_label="阳光花园",
                    availability=[],
                    now=now,
                )
                samples.verify(db, organizer, person, now)
            notifications.mark_all_read(db, person, now)  # the top-up and the ID check: the badges start empty
        db.conn.close()
        yield srv, letters
    finally:
        srv.stop()
        letters.stop()


def test_two_neighbours_are_told_talk_share_phones_and_an_outsider_sees_nothing(browser, board):
    server, letters = board
    urls: set[str] = set()  # every URL any of the three browsers asked for
    poster, worker, outsider = (signed_in(browser, server.url, name, PHONE) for name, *_ in PEOPLE)
    for page in (poster, worker, outsider):
        page.on("request", lambda request: urls.add(request.url))

    # the worker has My jobs open; the poster posts a job next door: the worker's badge says so by itself
    visit(worker, server.url + "/my_jobs")
    expect(worker.locator(BADGE)).to_have_accessible_name(EN["nav.inbox"])
    job_url = post_job(poster, server.url)
    expect(worker.locator(BADGE)).to_have_accessible_name(EN["inbox.badge"].format(count=1), timeout=TOLD_WITHIN)
    visit(worker, server.url + "/inbox")
    alert = worker.locator(CARD, has_text=EN["notice.nearby.job"].format(title=TITLE)).last
    expect(alert).to_be_visible()
    shot(worker, "talk-inbox-worker-en-390")
    alert.get_by_role("button", name=EN["inbox.open"]).click()
    wait_idle(worker)
    expect(worker).to_have_url(job_url)

    # she claims it; the poster, on the job's page, is told without a reload
    expect(poster.locator(BADGE)).to_have_accessible_name(ZH["nav.inbox"])
    click(worker, EN["action.claim"])
    click(worker, EN["confirm.yes"])  # what the helper gets, then taken (ui.confirm)
    expect(poster.locator(BADGE)).to_have_accessible_name(ZH["inbox.badge"].format(count=1), timeout=TOLD_WITHIN)
    shot(poster, "talk-told-poster-zh-390")

    # they talk: a fraud phrase one way, a photo the other, each line reaching the other side by itself
    visit(poster, job_url)
    send(poster, ZH["chat.message"].format(name="Li Ming"), "先转200押金，加微信", ZH["chat.send"])
    line = worker.locator(LINES).filter(has_text="先转200押金")
    expect(line).to_be_visible(timeout=TOLD_WITHIN)
    expect(line).to_contain_text(EN["fraud.warning"])
    expect(poster.locator(LINES).filter(has_text="先转200押金")).to_contain_text(ZH["fraud.warning"])
    send(
        worker,
        EN["chat.message"].format(name="王阿姨"),
        "Here is the door, I ring at nine",
        EN["chat.send"],
        photo=samples.picture("Door"),
    )
    line = poster.locator(LINES).filter(has_text="Here is the door")
    expect(line.locator("img")).to_have_attribute("src", re.compile("^data:image/jpeg;base64,"), timeout=TOLD_WITHIN)
    expect(line.get_by_text(ZH["fraud.warning"])).to_have_count(0)  # the warning is beside the line that asks

    # both share their phones; each sees the other's number on the job page
    for page, language in ((worker, EN), (poster, ZH)):
        page.get_by_text(language["contact.share"], exact=True).click()
        wait_idle(page)
    visit(worker, job_url)
    expect_text(worker, EN["contact.call"].format(name="王阿姨", phone=PHONES["poster_w"]))
    visit(poster, job_url)
    expect_text(poster, ZH["contact.call"].format(name="Li Ming", phone=PHONES["worker_l"]))
    no_error(poster)
    shot(poster, "talk-job-poster-zh-390")
    shot(worker, "talk-job-worker-en-390")

    click(worker, EN["action.start"])
    click(worker, EN["action.finish"])
    expect_text(worker, EN["status.done"])

    # the outsider, a verified mover too, finds on the job's page no thread, photo, phone or place
    visit(outsider, job_url)
    expect_text(outsider, TITLE)
    expect(outsider.locator(LINES)).to_have_count(0)
    expect(outsider.locator('[data-testid="stMain"] [data-testid="stImage"]')).to_have_count(0)
    shown = text_of(outsider)
    assert [
        private for private in (*PHONES.values(), PLACE, "押金", "the door", ZH["chat.title"]) if private in shown
    ] == []
    shot(outsider, "talk-job-outsider-zh-390")
    visit(outsider, server.url + "/inbox")  # told of the job nearby, of none of its steps
    expect_text(outsider, ZH["notice.nearby.job"].format(title=TITLE))
    assert "Li Ming" not in text_of(outsider)

    # "what needs you" leads the poster to confirm; then neither side sees a phone any more
    visit(poster, server.url + "/my_jobs")
    waiting = ZH["needs.confirm"].format(count=1)
    expect_text(poster, waiting)
    shot(poster, "talk-needs-poster-zh-390")
    poster.get_by_role("link", name=waiting).click()
    wait_idle(poster)
    click(poster, ZH["action.confirm"])
    click(poster, ZH["confirm.yes"])
    expect_text(poster, ZH["status.completed"])
    for page in (poster, worker):
        visit(page, job_url)
        assert not re.search("|".join(PHONES.values()), text_of(page))
    visit(worker, server.url + "/inbox")
    shot(worker, "talk-inbox-worker-en-390-after")
    visit(poster, server.url + "/inbox")
    shot(poster, "talk-inbox-poster-zh-390")
    poster.set_viewport_size(DESKTOP)
    visit(poster, job_url)
    shot(poster, "talk-job-poster-zh-1280")
    for page in (poster, worker, outsider):
        no_error(page)

    # nothing private behind any URL the three browsers used, for a client with no cookies
    stored = [path.read_bytes() for path in (uploads.root_for(server.db_path) / "private").iterdir()]
    assert stored, "control: the thread's photo is on disk"
    for url in sorted(url for url in urls if url.startswith(server.url + "/")):
        _, body = fetch_without_cookies(url)
        assert not any(photo in body for photo in stored), url
        assert not re.search(rb"|".join(p.encode() for p in (*PHONES.values(), "押金", "Here is the door")), body), url

    # the alert and the claim reached the SMTP server, each to its reader, with a link to the job
    link = re.escape(job_url)
    expected = {
        "worker_l@example.org": EN["notice.nearby.job"].format(title=TITLE),
        "poster_w@example.org": ZH["notice.job.claim"].format(name="Li Ming", title=TITLE),
    }
    deadline = time.monotonic() + MAILED_WITHIN_S
    while not all(delivered(letters, to, subject, link) for to, subject in expected.items()):
        assert time.monotonic() < deadline, [
            (letter.recipients, letter.subject, letter.body) for letter in letters.letters
        ]
        poster.wait_for_timeout(500)


def delivered(letters: MailServer, to: str, subject: str, link: str) -> bool:
    return any(
        letter.recipients == [to] and subject in letter.subject and re.search(link + r"(?!\d)", letter.body)
        for letter in letters.letters
    )


def post_job(page, base_url: str) -> str:
    """Post a fixed-price moving job at the community centre on the post page; returns its URL."""
    visit(page, base_url + "/post_job")
    click_map_centre(page)
    fill(page, "标题", TITLE)
    fill(page, "具体要做什么", "没有电梯，箱子不重。")
    choose(page, "类别", "📦 搬家")
    fill(page, "金额（元；按小时时填每小时）", "50")
    fill(page, "具体地址（不公开）", PLACE)
    click(page, "发布")
    expect(page).to_have_url(re.compile(r"/job\?id=\d+$"))
    return page.url
