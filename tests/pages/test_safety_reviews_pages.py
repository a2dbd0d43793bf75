"""Reviews round two and safety on the pages (#16 items 2, 3), used as people use them (AppTest, the
real app on a real SQLite file): the one public reply, the double-blind note, the safety notes in the
claim's question, the tell-someone card and its public page, the handover code."""

from datetime import timedelta

from services import jobs, reviews, safety
from services.clock import utcnow
from tests.pages.conftest import JOB_PAGE, PROFILE_PAGE, button, job_fields, shown_texts, text, unescape_markdown
from tests.pages.test_pages import errors

TELL_PAGE = "app_pages/tell.py"


def page_text(at) -> str:
    return " ".join(unescape_markdown(shown) for shown in shown_texts(at))


def test_the_worker_replies_once_to_the_rating_and_the_profile_shows_it_under_the_review(
    open_page, person, db, job_ids
):
    worker = person("worker")
    at = open_page(JOB_PAGE, lang="en", user=worker, id=job_ids["completed"])
    assert "Quick and careful." in page_text(at)  # both rated: the poster's rating of them shows
    at.text_area(key=f"reviews_reply_text_{job_ids['completed']}").input("Thank you, see you soon!")
    button(at, text("en", "rating.reply_send")).click().run()

    assert not at.exception, [e.value for e in at.exception]
    assert [r["reply"] for r in reviews.received(db, worker["id"], None, now=utcnow())] == ["Thank you, see you soon!"]
    assert text("en", "rating.reply_send") not in [b.label for b in at.button]  # once

    profile = open_page(PROFILE_PAGE, lang="en", id=worker["id"])
    assert "Thank you, see you soon!" in page_text(profile)


def test_a_rating_waits_hidden_and_the_rater_is_told_until_when(open_page, person, db):
    poster, worker = person("poster"), person("worker")
    job_id = jobs.post(db, poster, **job_fields(utcnow(), title="Carry boxes"))
    for action in ("claim", "start", "finish"):
        jobs.act(db, job_id, action, worker, now=utcnow())
    jobs.act(db, job_id, "confirm", poster, now=utcnow())
    reviews.rate(db, poster, job_id, stars=2, comment="Slow.", now=utcnow())

    at = open_page(JOB_PAGE, lang="en", user=poster, id=job_id)
    shown = page_text(at).replace("\u2068", "").replace("\u2069", "")  # without the names' isolation marks
    told = text("en", "rating.hidden_until", name=worker["display_name"], when="{when}").split("{when}")[0]
    assert told in shown  # "Your rating will show once <name> rates too, or on " and the date
    worker_view = open_page(PROFILE_PAGE, lang="en", id=worker["id"])
    assert "Slow." not in page_text(worker_view)  # hidden from everyone meanwhile


def test_claiming_a_hazardous_job_shows_its_safety_notes_in_the_question_and_confirm_takes_it(
    open_page, person, db, job_ids
):
    at = open_page(JOB_PAGE, lang="zh_CN", user=person("worker"), id=job_ids["open"])  # appliance repair
    button(at, text("zh_CN", "action.claim")).click().run()
    assert text("zh_CN", "safety.appliance") in page_text(at)
    assert jobs.get(db, job_ids["open"], None)["status"] == "open"  # the first tap only asks

    button(at, text("zh_CN", "confirm.yes")).click().run()

    assert not at.exception, [e.value for e in at.exception]
    assert jobs.get(db, job_ids["open"], None)["status"] == "assigned"


def evening_job(db, person) -> int:
    start = (utcnow() + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)  # 20:00 Shanghai
    job_id = jobs.post(
        db, person("poster"), **job_fields(utcnow(), window_start=start, window_end=start + timedelta(hours=2))
    )
    jobs.act(db, job_id, "claim", person("worker"), now=utcnow())
    return job_id


def test_the_worker_of_an_evening_job_gets_a_card_whose_page_shows_no_address(open_page, person, db):
    job_id = evening_job(db, person)
    at = open_page(JOB_PAGE, lang="en", user=person("worker"), id=job_id)
    assert text("en", "tell.help") in page_text(at)
    [link] = [c.value for c in at.code]
    token = link.split("?t=", 1)[1]

    card = open_page(TELL_PAGE, lang="en", t=token)
    shown = page_text(card)
    assert not card.exception
    assert text("en", "tell.page_title") in shown
    for secret in ("Building 7", "Carry a sofa", "Wang", str(db["jobs"].get(job_id)["lat"])[:8]):
        assert secret not in shown, secret
    assert safety.card(db, token, utcnow())["community"] in shown


def test_a_link_that_is_not_the_boards_opens_nothing(open_page):
    at = open_page(TELL_PAGE, lang="en", t="forged.token")
    assert text("en", "tell.unknown") in page_text(at)


def test_the_poster_sees_the_code_and_the_worker_finishes_only_with_it(open_page, person, db):
    poster, worker = person("poster"), person("worker")
    job_id = jobs.post(db, poster, **job_fields(utcnow()), handover_code=True)
    for action in ("claim", "start"):
        jobs.act(db, job_id, action, worker, now=utcnow())
    code = db["jobs"].get(job_id)["handover_code"]
    assert code in page_text(open_page(JOB_PAGE, lang="en", user=poster, id=job_id))

    at = open_page(JOB_PAGE, lang="en", user=worker, id=job_id)
    assert code not in page_text(at)
    at.text_input(key=f"job_code_{job_id}").input("0000" if code != "0000" else "1111")
    button(at, text("en", "action.finish")).click().run()
    assert errors(at) == [text("en", "error.handover_code")]
    assert jobs.get(db, job_id, None)["status"] == "in_progress"

    at.text_input(key=f"job_code_{job_id}").input(code)
    button(at, text("en", "action.finish")).click().run()
    assert jobs.get(db, job_id, None)["status"] == "done"


def test_the_poster_asks_for_a_code_on_an_open_job(open_page, person, db, job_ids):
    at = open_page(JOB_PAGE, lang="zh_CN", user=person("poster"), id=job_ids["free"])
    button(at, text("zh_CN", "handover.ask")).click().run()
    code = db["jobs"].get(job_ids["free"])["handover_code"]
    assert code and code in page_text(at)
