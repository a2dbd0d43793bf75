"""Browser tests: Debian's Chromium driven by Playwright against a real `streamlit run`.

Skipped, with the reason shown, when no Chromium is installed, unless REQUIRE_BROWSER=1 (CI sets it
and installs chromium): then a missing browser is a failure, not a skip.
"""

import os
from datetime import timedelta

import pytest
from streamlit_driver import CHROMIUM, CHROMIUM_ARGS, Server

from demo import samples
from services import db as database
from services import disputes, jobs, ledger, materials, users, workers
from services.clock import utcnow
from services.transitions import Claim, Reason
from tests.support import sunny_garden


def _chromium_missing() -> bool:
    return not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK))


def pytest_collection_modifyitems(config, items):
    if not _chromium_missing():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}; install Debian's chromium or set CHROMIUM_PATH")
    for item in items:
        if item.get_closest_marker("browser"):  # given by tests/conftest.py, whose hook runs first
            item.add_marker(skip)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("server"))
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _closing_new_contexts(browser):
    """Close the browser contexts opened meanwhile: a page left open keeps talking to its server and,
    once that server stops, keeps trying to reconnect, taking CPU from the tests still running."""
    before = set(browser.contexts)
    yield
    for context in set(browser.contexts) - before:
        context.close()


close_each_tests_pages = pytest.fixture(autouse=True, name="close_each_tests_pages")(_closing_new_contexts)
# Pages a module's fixtures opened (a signed-in organizer all journeys share) close with the module.
close_each_modules_pages = pytest.fixture(scope="module", autouse=True, name="close_each_modules_pages")(
    _closing_new_contexts
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A server whose database holds a community, an organizer per language (password
    organizer-pass; org_en also takes jobs, unverified), two verified workers worker_a (zh) and worker_b (en)
    (worker-pass) with profiles and a photo each (ids 3 and 4), pending_c whose identity check waits
    with its photos on disk, one open job, and job 2: org_en's, done by worker_b with a receipt for
    materials, in dispute (org_zh may resolve it)."""
    srv = Server(tmp_path_factory.mktemp("look"))
    try:
        db = database.connect(srv.db_path)
        now = utcnow()
        organizer_id = sunny_garden(db, now)
        org_en = users.register(
            db,
            username="org_en",
            display_name="Olivia",
            password="organizer-pass",
            language="en",
            role="organizer",
            now=now,
        )
        # org_en also takes jobs and has not sent an ID yet: their "I take jobs" page shows every form
        workers.set_taking_jobs(db, users.get(db, org_en), taking_jobs=True, categories=["computer"], now=now)
        organizer = users.get(db, organizer_id)
        for username, name, language in (("worker_a", "Bob 师傅", "zh_CN"), ("worker_b", "Carol 阿姨", "en")):
            worker_id = users.register(
                db, username=username, display_name=name, password="worker-pass", language=language, now=now
            )
            worker = users.get(db, worker_id)
            workers.set_taking_jobs(db, worker, taking_jobs=True, categories=["moving", "furniture"], now=now)
            workers.save_profile(
                db,
                worker,
                bio=f"{name}：擅长家具组装、墙面修补，工具齐全 <b>x</b>",
                service_radius_km=4,
                rate_yuan="55",
                area=(31.2330, 121.4760),
                area_label="阳光花园北门",
                availability=["weekdays_evening", "weekends_morning"],
                now=now,
            )
            workers.add_photo(db, worker, samples.picture("shelf"), "组装的书柜 Assembled shelf", now)
            samples.verify(db, organizer, worker, now)
        pending = users.register(
            db, username="pending_c", display_name="Dan 新人", password="worker-pass", language="zh_CN", now=now
        )
        workers.set_taking_jobs(db, users.get(db, pending), taking_jobs=True, categories=["errands"], now=now)
        samples.submit_id(db, users.get(db, pending), now)  # waits in the queue: its ID photos are on disk
        for payer in (organizer_id, org_en):  # so wallets and the cash report have something to show
            ledger.top_up(db, organizer, payer, "200", note="微信转账 WeChat", key=f"seed-{payer}", now=now)
        ledger.payout(db, organizer, org_en, "50.50", note="cash", key="seed-payout", now=now)
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
        disputed_job(db, users.get(db, org_en), users.get(db, users.by_username(db, "worker_b")["id"]), now)
        db.conn.close()
        yield srv
    finally:
        srv.stop()


def disputed_job(db, poster: dict, worker: dict, now) -> int:
    """A job whose page shows every money part: escrow, an approved material with its receipt, the
    poster's dispute, the helper's statement and (for an organizer) the resolution form."""
    job_id = jobs.post(
        db,
        poster,
        title="Fix the kitchen tap 修水龙头",
        description="Drips all night.",
        category="plumbing",
        price_yuan="60",
        window_start=now - timedelta(hours=3),
        window_end=now + timedelta(hours=3),
        lat=31.2300,
        lon=121.4730,
        address_note="3栋101",
        now=now,
    )
    jobs.act(db, job_id, "claim", worker, Claim(safety=True), now=now)  # a plumbing job: the notes were shown
    jobs.act(db, job_id, "start", worker, now=now)
    receipt = samples.picture("小票 receipt ¥18.50", samples.COLOURS[2])
    line = materials.add(db, worker, job_id, what="水龙头 Tap", amount_yuan="18.50", receipt=receipt, key="t", now=now)
    materials.decide(db, poster, line, approve=True, now=now)
    jobs.act(db, job_id, "finish", worker, now=now)
    jobs.act(db, job_id, "dispute", poster, Reason("Still drips <b>every</b> night"), now=now)
    disputes.add_statement(db, worker, job_id, "换好了，可能是总阀的问题", key="s", now=now)
    return job_id
