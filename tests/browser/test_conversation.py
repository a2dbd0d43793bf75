"""A job's conversation in two browsers at phone width (issue #14): the poster and the worker write to
each other, a photo and a fraud warning reach the other side without a reload, and the page looks
right at 390 px and at desktop width in both languages (screenshots kept as artifacts)."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from streamlit_driver import DESKTOP, PHONE, Server, goto, log_in, no_error, open_page, shot, upload, wait_idle

from demo import samples
from services import db as database
from services import jobs, ledger, users, workers
from services.clock import utcnow
from tests.support import sunny_garden

REFRESHED_WITHIN = 15_000  # ms: the thread's watcher asks every 5 s


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    """A server with a poster (Chinese) and a verified worker (English) on one claimed job."""
    srv = Server(tmp_path_factory.mktemp("conversation"))
    try:
        db = database.connect(srv.db_path)
        now = utcnow()
        organizer = users.get(db, sunny_garden(db, now))
        people = {}
        for username, name, language in (("poster_w", "王阿姨", "zh_CN"), ("worker_l", "Li Ming", "en")):
            user_id = users.register(
                db, username=username, display_name=name, password="person-pass", language=language, now=now
            )
            people[username] = users.get(db, user_id)
        workers.set_taking_jobs(db, people["worker_l"], taking_jobs=True, categories=["moving"], now=now)
        samples.verify(db, organizer, people["worker_l"], now)
        ledger.top_up(db, organizer, people["poster_w"]["id"], "200", key="seed", now=now)
        job_id = jobs.post(
            db,
            people["poster_w"],
            title="搬两个箱子到五楼",
            description="没有电梯，箱子不重。",
            category="moving",
            price_yuan="50",
            window_start=now + timedelta(hours=1),
            window_end=now + timedelta(hours=5),
            lat=31.2320,
            lon=121.4740,
            address_note="3号楼2单元",
            now=now,
        )
        jobs.act(db, job_id, "claim", people["worker_l"], now=now)
        db.conn.close()
        yield srv, job_id
    finally:
        srv.stop()


def signed_in(browser, base_url: str, username: str, viewport: dict):
    page = open_page(browser, viewport=viewport)
    log_in(page, base_url, username, "person-pass")
    return page


def send(page, label: str, body: str, button: str, photo: bytes | None = None) -> None:
    form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_label(label, exact=True))
    form.get_by_label(label, exact=True).fill(body)
    if photo:
        upload(page, "加一张照片（可不加）" if button == "发送" else "Add a photo (optional)", "photo.jpg", photo)
    form.get_by_role("button", name=re.compile(button)).click()
    wait_idle(page)


def test_poster_and_worker_talk_with_a_photo_and_see_the_warning_without_reloading(browser, board):
    server, job_id = board
    url = f"{server.url}/job?id={job_id}"
    poster = signed_in(browser, server.url, "poster_w", PHONE)
    worker = signed_in(browser, server.url, "worker_l", PHONE)
    goto(poster, url)
    goto(worker, url)
    expect(worker.get_by_text("No messages yet", exact=False)).to_be_visible()

    send(poster, "给Li Ming的消息", "你好，到了按门铃。加微信详谈吧", "发送")
    expect(poster.locator('[data-testid="stChatMessage"]')).to_have_count(1)

    # the worker's open page shows the line and the warning by itself
    line = worker.locator('[data-testid="stChatMessage"]').filter(has_text="到了按门铃")
    expect(line).to_be_visible(timeout=REFRESHED_WITHIN)
    expect(line.get_by_text("A reminder: please don't pay a deposit", exact=False)).to_be_visible()
    expect(poster.get_by_text("提醒：请不要预付押金", exact=False)).to_be_visible()

    send(worker, "Your message to 王阿姨", "Here is the door", "Send", photo=samples.picture("Door"))
    photo_line = poster.locator('[data-testid="stChatMessage"]').filter(has_text="Here is the door")
    expect(photo_line).to_be_visible(timeout=REFRESHED_WITHIN)
    expect(photo_line.locator("img")).to_have_attribute("src", re.compile("^data:image/jpeg;base64,"))
    # the poster has seen the worker's line: the worker's page says so by itself
    expect(worker.locator('[data-testid="stChatMessage"]').last).to_contain_text("· Read", timeout=REFRESHED_WITHIN)

    # a line arriving while the worker types redraws the page and keeps what they typed
    box = worker.get_by_label("Your message to 王阿姨", exact=True)
    box.fill("Half-typed")
    send(poster, "给Li Ming的消息", "还有一件事", "发送")
    expect(worker.locator('[data-testid="stChatMessage"]').filter(has_text="还有一件事")).to_be_visible(
        timeout=REFRESHED_WITHIN
    )
    expect(box).to_have_value("Half-typed")
    no_error(poster)
    no_error(worker)
    shot(poster, "conversation-poster-zh-390")
    shot(worker, "conversation-worker-en-390")
    for page, name in ((poster, "conversation-poster-zh-1280"), (worker, "conversation-worker-en-1280")):
        page.set_viewport_size(DESKTOP)
        wait_idle(page)
        shot(page, name)
