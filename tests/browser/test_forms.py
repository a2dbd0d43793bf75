"""Forms that record something, used as a busy organizer and helper use them in one tab: several in a
row, and double clicks. Every filling-in is recorded exactly once and says so (#11)."""

import pytest
from playwright.sync_api import expect
from streamlit_driver import (
    DESKTOP,
    PHONE,
    TIMEOUT,
    choose,
    click,
    click_map_centre,
    expect_text,
    fill,
    log_in,
    open_page,
    record_top_up,
    shot,
    upload,
    visit,
    wait_idle,
)

from demo import samples
from services import categories, jobs, ledger, users
from services import db as database
from services.clock import utcnow
from tests.services.conftest import valid_job_fields
from ui.i18n import catalog


@pytest.fixture
def db(seeded):
    connection = database.connect(seeded.db_path)
    yield connection
    connection.conn.close()


def double_click(button, gap_ms: int) -> None:
    """Two clicks on the spot where `button` is, `gap_ms` apart (0: Playwright's double click, both
    within milliseconds). Like a hand: the second lands on whatever the page shows there by then, on a
    busy machine less of the run the first caused; the record must be made once either way."""
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    if not gap_ms:
        button.page.mouse.dblclick(x, y)
        return
    button.page.mouse.click(x, y)
    button.page.wait_for_timeout(gap_ms)
    button.page.mouse.click(x, y)


def organizer_page(browser, seeded, viewport=DESKTOP):
    page = open_page(browser, viewport=viewport, locale="zh-CN")
    log_in(page, seeded.url, "org_zh", again=True)
    visit(page, seeded.url + "/organizer_cash")
    return page


def wallet(db, username: str) -> int:
    return ledger.balance_of(db, "wallet", user_id=users.by_username(db, username)["id"])


def test_four_different_top_ups_in_a_row_in_one_tab_are_all_recorded(seeded, browser, db):
    page = organizer_page(browser, seeded)
    transfers = db["transfers"].count
    fills = [("Dan 新人 (@pending_c)", "3", "pending_c"), ("Bob 师傅 (@worker_a)", "4", "worker_a")]
    fills += [("Carol 阿姨 (@worker_b)", "5", "worker_b"), ("Dan 新人 (@pending_c)", "6", "pending_c")]
    for person, amount, username in fills:
        before = wallet(db, username)
        record_top_up(page, person, amount)
        expect_text(page, "充值已记录")
        assert wallet(db, username) == before + int(amount) * 100, f"¥{amount} for {person} was not recorded"
        expect(page.get_by_label("金额（元）", exact=True).first).to_have_value("")  # a fresh form for the next
    assert db["transfers"].count == transfers + 4
    assert ledger.check_books(db) == []


def test_a_double_click_on_a_top_up_records_it_once_and_says_so(seeded, browser, db):
    page = organizer_page(browser, seeded, PHONE)
    # the issue saw half of such double clicks record nothing
    for trial, gap_ms in enumerate((0, 0, 0, 0, 150, 150, 400, 400)):
        amount = f"1.{trial:02d}"  # each a different amount: these are separate top-ups, nothing to ask
        before, transfers = wallet(db, "worker_b"), db["transfers"].count
        record_top_up(page, "Carol 阿姨 (@worker_b)", amount, send=lambda button, gap=gap_ms: double_click(button, gap))
        expect_text(page, "充值已记录")
        assert db["transfers"].count == transfers + 1, f"trial {trial}: {db['transfers'].count - transfers} recorded"
        assert wallet(db, "worker_b") == before + 100 + trial
    shot(page, "cash_topup_after_double_click_phone_zh")
    assert ledger.check_books(db) == []


def test_the_same_top_up_from_a_second_tab_is_asked_about_once(seeded, browser, db):
    first, second = organizer_page(browser, seeded), organizer_page(browser, seeded)
    before = wallet(db, "worker_a")
    record_top_up(first, "Bob 师傅 (@worker_a)", "77")
    record_top_up(second, "Bob 师傅 (@worker_a)", "77")
    expect_text(second, "分钟前刚给这个人记过一笔 ¥77.00 的充值")
    assert wallet(db, "worker_a") == before + 7700
    shot(second, "cash_topup_repeat_question_desktop_zh")

    second.get_by_text("是的，这是另一笔充值", exact=True).click()
    click(second, "记一笔充值")
    click(second, "确认")  # the amounts once more, then recorded (ui.confirm)
    expect_text(second, "充值已记录")
    assert wallet(db, "worker_a") == before + 2 * 7700
    assert ledger.check_books(db) == []


def material_job(db) -> int:
    """A paid job worker_a has started: the page where they add materials."""
    now, poster = utcnow(), users.by_username(db, "org_zh")
    fields = valid_job_fields(now, title="修柜门 Fix a cupboard door", category="furniture", price_yuan="20")
    job_id = jobs.post(db, poster, **fields)
    worker = users.by_username(db, "worker_a")
    for action in ("claim", "start"):
        jobs.act(db, job_id, action, worker, now=now)
    return job_id


def test_three_materials_in_a_row_and_a_double_clicked_fourth_are_each_added_once(seeded, browser, db):
    job_id = material_job(db)
    page = open_page(browser, viewport=PHONE, locale="zh-CN")
    log_in(page, seeded.url, "worker_a", "worker-pass", again=True)
    visit(page, f"{seeded.url}/job?id={job_id}")
    for what, amount in (("合页 A", "3"), ("螺丝 B", "4"), ("胶水 C", "5"), ("砂纸 D", "6")):
        fill(page, "买了什么", what)
        fill(page, "金额（元）", amount)
        add = page.get_by_role("button", name="记一笔材料费", exact=True)
        add.dblclick() if what == "砂纸 D" else add.click()
        wait_idle(page)
        expect_text(page, "已记上，等发布人同意")
        expect_text(page, f"{what} · ¥{amount}.00")
    added = [(r["what"], r["amount_fen"]) for r in db.query("SELECT * FROM job_materials WHERE job_id = ?", [job_id])]
    assert added == [("合页 A", 300), ("螺丝 B", 400), ("胶水 C", 500), ("砂纸 D", 600)]
    shot(page, "job_materials_in_a_row_phone_zh")


def test_two_statements_and_a_double_clicked_third_are_each_kept_once(seeded, browser, db):
    page = open_page(browser, viewport=DESKTOP, locale="en-GB")
    log_in(page, seeded.url, "worker_b", "worker-pass", again=True)  # the helper of job 2, in dispute; reads English
    visit(page, seeded.url + "/job?id=2")
    before = db["dispute_statements"].count_where("job_id = 2")
    for statement in ("First: the tap was old", "Second: I have photos", "Third: ask the neighbour"):
        fill(page, "Add your side", statement)
        send = page.get_by_role("button", name="Add statement", exact=True)
        send.dblclick() if statement.startswith("Third") else send.click()
        wait_idle(page)
        expect_text(page, "Your statement was added")
        expect_text(page, statement)
    bodies = [r["body"] for r in db.query("SELECT body FROM dispute_statements WHERE job_id = 2 ORDER BY id")]
    assert bodies[before:] == ["First: the tap was old", "Second: I have photos", "Third: ask the neighbour"]
    shot(page, "job_statements_in_a_row_desktop_en")


# A second click can arrive after the job page's run has begun and rerun the post form: it follows the
# first to the job (ui.forms.Filling.follow_on; it used to leave the person on an empty form under load).
@pytest.mark.parametrize("gap_ms", [0, 150, 400])  # Playwright's double click, a quick and a slow hand
def test_a_double_click_on_post_posts_one_job(seeded, browser, db, gap_ms):
    page = open_page(browser, viewport=PHONE, locale="zh-CN")
    log_in(page, seeded.url, "worker_a", "worker-pass", again=True)
    visit(page, seeded.url + "/post_job")
    click_map_centre(page)
    page.get_by_text("邻里帮忙（免费）", exact=True).click()  # free: chosen, not a price left at 0
    wait_idle(page)
    title = f"帮忙取个快递 {gap_ms}"
    fill(page, "标题", title)
    fill(page, "具体要做什么", "菜鸟驿站，一个小包裹")
    choose(page, "类别", "📦 搬家")
    double_click(page.get_by_role("button", name="发布", exact=True), gap_ms)
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(title, timeout=TIMEOUT)
    wait_idle(page)
    assert db["jobs"].count_where("title = ?", [title]) == 1


def test_two_photos_in_a_row_and_a_double_clicked_third_are_each_added_once(seeded, browser, db):
    worker_b = users.by_username(db, "worker_b")
    before = db["worker_photos"].count_where("user_id = ?", [worker_b["id"]])
    page = open_page(browser, viewport=PHONE, locale="en-GB")
    log_in(page, seeded.url, "worker_b", "worker-pass", again=True)
    visit(page, seeded.url + "/worker")
    page.get_by_role("tab", name="Photos").click()
    for n, gap_ms in enumerate((None, None, 150)):
        upload(page, "Photo of past work", f"work{n}.jpg", samples.picture(f"work {n}", samples.COLOURS[n]))
        fill(page, "Caption", f"Shelf number {n}")
        send = page.get_by_role("button", name="Add photo", exact=True)
        send.click() if gap_ms is None else double_click(send, gap_ms)
        wait_idle(page)
        expect_text(page, "Photo added")
    captions = [r["caption"] for r in db.query("SELECT caption FROM worker_photos WHERE user_id = ?", [worker_b["id"]])]
    assert captions[before:] == ["Shelf number 0", "Shelf number 1", "Shelf number 2"]


FIELD = '[data-testid="stElementContainer"]'  # what Streamlit wraps each element (widget, alert) in


def expect_error_under(page, label: str, message: str) -> None:
    """`message` is the one error on the page, and the next element after the box labelled `label`
    in the box's own container (its column): below the box, within its width, above what follows."""
    box = page.locator(FIELD).filter(has=page.get_by_label(label, exact=True))
    shown = box.locator("xpath=following-sibling::*[1]")
    expect(shown.get_by_test_id("stAlertContentError").locator("p")).to_have_text(message)  # after its icon
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(1)
    above, error = box.bounding_box(), shown.bounding_box()
    assert error["y"] >= above["y"] + above["height"] - 1, (label, above, error)
    assert above["x"] - 1 <= error["x"] and error["x"] + error["width"] <= above["x"] + above["width"] + 1
    follows = shown.locator("xpath=following-sibling::*")
    for n in range(follows.count()):
        after = follows.nth(n).bounding_box()  # None for an empty place (display: none)
        if after:
            assert after["y"] >= error["y"] + error["height"] - 1, (label, error, after)
            break


@pytest.mark.parametrize(
    ("username", "viewport", "lang"),
    [("worker_a", PHONE, "zh_CN"), ("worker_b", DESKTOP, "en")],
    ids=["phone_zh", "desktop_en"],
)
def test_a_bad_title_and_a_bad_price_are_each_explained_under_their_own_box(
    seeded, browser, db, username, viewport, lang
):
    """Two sendings of the post form with one bad box each: each message sits under its own box (#13)."""
    words = catalog(lang)
    moving = categories.by_slug(db)["moving"]
    name = f"{moving['icon']} {moving['name_zh' if lang == 'zh_CN' else 'name_en']}"
    size = "phone" if viewport is PHONE else "desktop"
    page = open_page(browser, viewport=viewport, locale="zh-CN" if lang == "zh_CN" else "en-GB")
    log_in(page, seeded.url, username, "worker-pass", again=True)
    visit(page, seeded.url + "/post_job")
    click_map_centre(page)
    choose(page, words["post.category"], name)
    fill(page, words["post.description"], "Carry two boxes to the car")
    fill(page, words["post.price_yuan"], "12")

    fill(page, words["post.job_title"], "x")
    click(page, words["post.submit"])
    expect_error_under(page, words["post.job_title"], words["error.too_short"].format(min=2))
    shot(page, f"post_form_bad_title_{size}_{lang}")

    fill(page, words["post.job_title"], "Carry two boxes")
    fill(page, words["post.price_yuan"], "12.345")
    click(page, words["post.submit"])
    expect_error_under(page, words["post.price_yuan"], words["error.price_cents"])
    shot(page, f"post_form_bad_price_{size}_{lang}")
    assert db["jobs"].count_where("title = ?", ["Carry two boxes"]) == 0
