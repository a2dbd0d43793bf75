"""The organizer's notices and record (#16 items 6, 7, 8) through the real app (AppTest): a notice shows
at the top of every page, to everyone, exactly as typed, until it ends or the reader puts it away; the
record lists each organizer action in the reader's language; organizers make organizers, asked once;
an open job has a share card."""

from datetime import timedelta

import pytest

from services import announcements, mail, users
from services.clock import utcnow
from tests.pages.conftest import JOB_PAGE, PAGE_TITLES, button, confirm, shown_texts, text
from ui.safe import md

AUDIT_PAGE = "app_pages/organizer_audit.py"
USERS_PAGE = "app_pages/organizer_users.py"
HOSTILE = "Water off **Sunday** <img src=x onerror=alert(1)> [win](javascript:alert(1)) `${x}`"


SIGNED_OUT_ONLY = {"app_pages/login.py", "app_pages/register.py"}


def notice_shown(at, body: str) -> bool:
    return any(m.value == "📢 " + md(body) for m in at.markdown)


@pytest.fixture
def notice(db, person):
    organizer = person("organizer")
    return announcements.post(db, organizer, HOSTILE, utcnow() + timedelta(hours=2), now=utcnow())


@pytest.mark.parametrize("page", sorted(set(PAGE_TITLES) - SIGNED_OUT_ONLY))
def test_a_notice_shows_on_every_page_for_organizers(open_page, person, notice, page):
    at = open_page(page, lang="en", user=person("organizer"))
    assert not at.exception, [e.value for e in at.exception]
    assert notice_shown(at, HOSTILE)


@pytest.mark.parametrize("page", ["app_pages/browse.py", "app_pages/login.py", "app_pages/register.py"])
def test_a_notice_shows_to_visitors_who_are_not_signed_in(open_page, notice, page):
    at = open_page(page, lang="zh_CN")
    assert notice_shown(at, HOSTILE)
    assert text("zh_CN", "announcement.dismiss") in [b.label for b in at.button]


def test_a_notice_shows_on_a_job_page_as_typed_never_as_markup(open_page, person, notice, job_ids):
    at = open_page(JOB_PAGE, lang="en", user=person("poster"), id=job_ids["open"])
    [shown] = [m.value for m in at.markdown if m.value.startswith("📢")]
    assert shown == "📢 " + md(HOSTILE)
    assert "<img" not in shown.replace("\\<img", "") and "](" not in shown.replace("\\]\\(", "")
    assert not any(m.allow_html for m in at.markdown if "onerror" in m.value)


def test_a_notice_is_gone_once_it_ends(open_page, db, person):
    organizer = person("organizer")
    ended = announcements.post(db, organizer, "Lift repairs", utcnow() + timedelta(minutes=30), now=utcnow())
    announcements.end(db, organizer, ended, utcnow())
    at = open_page("app_pages/browse.py", lang="en")
    assert not notice_shown(at, "Lift repairs")


def test_a_reader_puts_a_notice_away_for_the_visit(open_page, notice):
    at = open_page("app_pages/browse.py", lang="en")
    button(at, text("en", "announcement.dismiss")).click().run()
    assert not notice_shown(at, HOSTILE)
    at.switch_page("app_pages/login.py").run()
    assert not notice_shown(at, HOSTILE)


def test_the_organizer_posts_a_notice_and_ends_it_early(open_page, person):
    at = open_page(AUDIT_PAGE, lang="en", user=person("organizer"))
    [body] = [box for box in at.text_area if box.key.startswith("organizer_audit_notice_body")]
    body.set_value("Parcel room closed today")
    button(at, text("en", "announcement.post")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert notice_shown(at, "Parcel room closed today")
    assert any(m.value.endswith("posted or ended a notice") for m in at.markdown)  # in the record below
    button(at, text("en", "announcement.end")).click().run()
    assert not notice_shown(at, "Parcel room closed today")


def test_the_record_shows_a_block_in_the_readers_language(open_page, db, person):
    users.set_blocked(db, person("organizer"), person("poster")["id"], True, utcnow())
    at = open_page(AUDIT_PAGE, lang="zh_CN", user=person("organizer"))
    texts = " ".join(shown_texts(at))
    assert "封禁了" in texts and "Poster Wang" in texts
    assert md(text("zh_CN", "audit.field.blocked") + ": 否 → 是") in texts
    assert [b for b in at.get("download_button") if b.proto.label == text("zh_CN", "audit.csv")]


def test_an_organizer_makes_a_resident_an_organizer_after_one_question(open_page, db, person):
    poster = person("poster")
    at = open_page(USERS_PAGE, lang="en", user=person("organizer"))
    [make] = [b for b in at.button if b.key == f"organizer_users_role_{poster['id']}_ask"]
    make.click().run()
    assert users.get(db, poster["id"])["role"] == "resident"  # asked, nothing done yet
    confirm(at)
    assert users.get(db, poster["id"])["role"] == "organizer"


def test_the_last_organizer_is_told_they_cannot_step_down(open_page, db, person):
    organizer = person("organizer")
    at = open_page(USERS_PAGE, lang="en", user=organizer)
    [step_down] = [b for b in at.button if b.key == f"organizer_users_role_{organizer['id']}_ask"]
    step_down.click().run()
    confirm(at)
    assert text("en", "error.last_organizer") in [e.value for e in at.error]
    assert users.get(db, organizer["id"])["role"] == "organizer"


def test_an_open_job_has_a_share_card(open_page, db, person, job_ids):
    mail.configure(
        db,
        person("organizer"),
        host="",
        port="587",
        security="none",
        user="",
        password="",
        from_address="",
        public_url="https://linbang.example.org",
    )
    at = open_page(JOB_PAGE, lang="zh_CN", id=job_ids["open"])
    button(at, text("zh_CN", "share.button")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("image") and at.get("download_button")
    at = open_page(JOB_PAGE, lang="zh_CN", id=job_ids["assigned"])
    assert text("zh_CN", "share.button") not in [b.label for b in at.button]
