"""The journeys a person takes, in a real browser against a real `streamlit run`."""

import pytest
from playwright.sync_api import expect
from streamlit_driver import (
    DESKTOP,
    PHONE,
    choose,
    click,
    click_map_centre,
    expect_text,
    fill,
    goto,
    map_frame,
    no_error,
    register,
    shot,
    text_of,
    wait_idle,
)

HOSTILE = "<img src=x onerror=alert(1)> ${alert(2)} ` \\"


@pytest.fixture(scope="module")
def dialogs():
    """Every JavaScript dialog any page opened; hostile text must never open one."""
    return []


def new_page(browser, dialogs, viewport=DESKTOP):
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return page


@pytest.fixture(scope="module")
def organizer(server, browser, dialogs):
    page = new_page(browser, dialogs)
    goto(page, server.url)
    expect_text(page, "先做一次设置")
    shot(page, "setup_desktop_zh")
    click_map_centre(page)
    fill(page, "社区名称", "阳光花园 Sunny Garden")
    fill(page, "用户名", "organizer")
    fill(page, "称呼（公开显示）", "王主任")
    fill(page, "密码", "organizer-pass")
    fill(page, "再输一次密码", "organizer-pass")
    click(page, "完成设置")
    expect_text(page, "附近的活")
    return page


def test_whole_journey_from_posting_to_mutual_ratings(server, browser, organizer, dialogs):
    poster = new_page(browser, dialogs, PHONE)
    register(poster, server.url, username="alice", name="Alice 李", password="alice-pass-1")
    expect_text(poster, "附近的活")

    goto(poster, server.url + "/post_job")
    click_map_centre(poster)
    fill(poster, "标题", HOSTILE)
    fill(poster, "具体要做什么", "Carry a sofa <script>alert(3)</script> **bold** $x$")
    choose(poster, "类别", "📦 搬家")
    fill(poster, "金额（元；按小时时填每小时）", "50")
    fill(poster, "具体地址（不公开）", "5栋2单元601")
    click(poster, "发布")
    expect_text(poster, "5栋2单元601")
    expect(poster.get_by_role("heading", name=HOSTILE, exact=True)).to_be_visible()
    expect_text(poster, "Carry a sofa <script>alert(3)</script> **bold** $x$")
    shot(poster, "job_poster_phone_zh")
    job_url = poster.url

    worker = new_page(browser, dialogs)
    register(worker, server.url, username="bob", name="Bob 师傅", password="bob-pass-12", wants_work=True)
    expect_text(worker, "我要接活")
    worker.get_by_text("我接活", exact=True).click()
    choose(worker, "我能做的类别", "📦 搬家")
    worker.keyboard.press("Escape")
    click(worker, "保存")
    expect_text(worker, "等待管理员审核")

    goto(organizer, server.url + "/organizer_workers")
    click(organizer, "通过审核")
    expect_text(organizer, "已认证")

    goto(worker, server.url)
    frame = map_frame(worker)
    job_shape = frame.locator("path.linbang-place")
    expect(job_shape).to_have_count(1, timeout=30_000)
    job_shape.hover()
    expect(frame.locator(".leaflet-tooltip")).to_have_text(HOSTILE)
    # Open the popup from script: a click would also open the job page (tested elsewhere).
    frame.locator(".leaflet-container").evaluate(
        "() => Object.values(window.map._layers)"
        ".filter(l => l instanceof L.Circle && l.getPopup()).forEach(l => l.openPopup())"
    )
    popup = frame.locator(".leaflet-popup-content")
    expect(popup.locator("b")).to_have_text(HOSTILE)
    expect(popup.locator("img")).to_have_count(0)
    shot(worker, "browse_desktop_zh")
    worker.get_by_role("link", name=HOSTILE).first.click()
    wait_idle(worker)
    assert "5栋2单元601" not in text_of(worker), "the exact address shows before assignment"
    expect_text(worker, "圆圈是大致位置")

    click(worker, "抢单")
    expect_text(worker, "5栋2单元601")
    click(worker, "开始干活")
    click(worker, "活干完了")
    expect_text(worker, "待确认")

    goto(poster, server.url + "/my_jobs")
    shot(poster, "my_jobs_phone_zh")
    click(poster, "确认完成")
    goto(poster, job_url)
    rate(poster, stars=5, comment="准时又细心 <b>thanks</b>")

    goto(worker, job_url)
    rate(worker, stars=4, comment="邻居很客气")

    goto(worker, server.url + "/profile?id=3")  # Bob: organizer 1, Alice 2, Bob 3
    expect_text(worker, "★★★★★ 5 分（1 条评价）")
    expect_text(worker, "准时又细心 <b>thanks</b>")
    no_error(worker)
    assert dialogs == []


def rate(page, *, stars: int, comment: str) -> None:
    expect_text(page, "评价")
    page.locator('[data-testid="stFeedback"] button, [data-testid="stFeedback"] [role="radio"]').nth(stars - 1).click()
    fill(page, "说几句（选填）", comment)
    click(page, "提交评价")
    expect_text(page, "你已评价：" + "★" * stars)
