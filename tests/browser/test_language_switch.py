"""Switching language part-way through a form keeps every value, each choice shown in the new
language's words (#15 item 10): the values are language-neutral keys (ui.i18n.neutral)."""

import pytest
from playwright.sync_api import expect
from streamlit_driver import (
    DESKTOP,
    MENU_BUTTON,
    PHONE,
    choose,
    click,
    click_map_centre,
    fill,
    goto,
    log_in,
    map_frame,
    open_menu,
    open_page,
    shot,
    visit,
    wait_idle,
)

from services import categories, users, workers
from services import db as database
from ui.i18n import catalog

ZH, EN = catalog("zh_CN"), catalog("en")


@pytest.fixture
def kinds(seeded):
    db = database.connect(seeded.db_path)
    yield categories.by_slug(db)
    db.conn.close()


def label(kind: dict, lang: str) -> str:
    return f"{kind['icon']} {kind['name_zh' if lang == 'zh_CN' else 'name_en']}"


def switch_to(page, name: str) -> None:
    """Tap the language in the menu: the sidebar's, or at a phone's width the phone menu's, which stays
    open for it and is closed after."""
    button = page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=True)
    if button.is_visible():
        button.click()
        wait_idle(page)
        return
    open_menu(page).get_by_text(name, exact=True).click()
    wait_idle(page)
    page.locator(MENU_BUTTON).click()
    wait_idle(page)


def chosen_radio(page, label: str):
    return page.locator('[data-testid="stRadio"]').filter(has_text=label).locator("label:has(input:checked)")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_post_form_keeps_every_value_when_the_language_changes(browser, seeded, kinds, viewport):
    page = open_page(browser, viewport=viewport, locale="zh-CN")
    log_in(page, seeded.url, "org_zh", again=True)
    visit(page, seeded.url + "/post_job")
    fill(page, ZH["post.job_title"], "帮忙取快递 Parcel")
    choose(page, ZH["post.category"], label(kinds["parcel"], "zh_CN"))
    page.get_by_text(ZH["post.mode_booking"], exact=True).click()
    fill(page, ZH["post.price_yuan"], "35")
    shot(page, f"language_switch_post_zh_{viewport['width']}")

    switch_to(page, "English")

    expect(page.get_by_label(EN["post.job_title"], exact=True)).to_have_value("帮忙取快递 Parcel")
    expect(page.get_by_label(EN["post.price_yuan"], exact=True)).to_have_value("35")
    expect(page.get_by_role("combobox", name=EN["post.category"])).to_have_value(label(kinds["parcel"], "en"))
    expect(chosen_radio(page, EN["post.mode"])).to_have_text(EN["post.mode_booking"])
    expect(chosen_radio(page, EN["post.price_kind"])).to_have_text(EN["post.price_fixed"])
    shot(page, f"language_switch_post_en_{viewport['width']}")

    switch_to(page, "中文")
    expect(page.get_by_role("combobox", name=ZH["post.category"])).to_have_value(label(kinds["parcel"], "zh_CN"))
    expect(chosen_radio(page, ZH["post.mode"])).to_have_text(ZH["post.mode_booking"])
    expect(page.get_by_label(ZH["post.job_title"], exact=True)).to_have_value("帮忙取快递 Parcel")


def test_the_helpers_categories_are_kept_and_saved_as_categories_after_a_language_switch(browser, seeded, kinds):
    page = open_page(browser, viewport=DESKTOP, locale="zh-CN")
    log_in(page, seeded.url, "worker_a", "worker-pass", again=True)
    visit(page, seeded.url + "/worker")
    choose(page, ZH["worker.categories"], label(kinds["errands"], "zh_CN"))
    page.keyboard.press("Escape")  # the list closed, as a person's next tap elsewhere closes it
    wait_idle(page)
    expect(page.locator('[data-testid="stMultiSelect"]')).to_contain_text(label(kinds["errands"], "zh_CN"))

    switch_to(page, "English")

    chips = page.locator('[data-testid="stMultiSelect"]').filter(has_text=EN["worker.categories"])
    for slug in ("moving", "furniture", "errands"):
        expect(chips).to_contain_text(label(kinds[slug], "en"))
    expect(chips).not_to_contain_text(kinds["errands"]["name_zh"])
    click(page, EN["worker.save"])
    db = database.connect(seeded.db_path)
    try:
        saved = workers.get_profile(db, users.by_username(db, "worker_a")["id"])["categories"]
    finally:
        db.conn.close()
    assert sorted(saved) == ["errands", "furniture", "moving"]


def landmarks(page):
    return map_frame(page).locator(".linbang-landmark")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("language", ["中文", "English"])
def test_a_helpers_area_map_names_the_community_centre_and_the_saved_area(browser, seeded, viewport, language):
    words = ZH if language == "中文" else EN
    page = open_page(browser, viewport=viewport, locale="zh-CN")
    log_in(page, seeded.url, "worker_b", "worker-pass", again=True)
    visit(page, seeded.url + "/worker")
    switch_to(page, language)

    expect(landmarks(page)).to_have_text([words["map.centre"], words["map.saved"]])
    expect(map_frame(page).locator(".leaflet-control-scale-line")).to_have_count(1)  # metres only
    shot(page, f"pick_map_worker_{language}_{viewport['width']}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("language", ["中文", "English"])
def test_the_setup_map_draws_the_community_around_the_picked_centre(browser, server, viewport, language):
    words = ZH if language == "中文" else EN
    page = open_page(browser, viewport=viewport, locale="zh-CN")
    goto(page, server.url)
    page.locator('[data-testid="stMain"]').get_by_text(language, exact=True).click()
    wait_idle(page)
    click_map_centre(page)

    expect(landmarks(page)).to_have_text([words["map.centre"]])
    shot(page, f"pick_map_setup_{language}_{viewport['width']}")
