"""A job's conversation on its page, through the real app (AppTest): the poster and the worker read
and write, an outsider sees no conversation and no photo, a fraud warning sits beside a flagged
message or job, and the organizers' list of what needs a look."""

from demo import samples
from services import jobs, messages
from services.clock import utcnow
from tests.pages.conftest import JOB_PAGE, button, form_field, job_fields, shown_texts, text, unescape_markdown
from tests.pages.test_pages import ORGANIZER_DISPUTES, errors
from tests.pages.test_private_pages import inline_pictures


def send_form(job_id: int, worker: dict) -> str:
    return f"conversation_send_{job_id}_{worker['id']}"


def chat_lines(at) -> list[str]:
    """The text of each chat line on the page, in order."""
    return [" | ".join(unescape_markdown(t) for t in shown_texts_of(line)) for line in at.get("chat_message")]


def shown_texts_of(block) -> list[str]:
    return [child.value for child in block.children.values() if isinstance(getattr(child, "value", None), str)]


def test_the_worker_writes_and_the_poster_reads_and_answers(open_page, person, job_ids, db):
    job_id, worker, poster = job_ids["assigned"], person("worker"), person("poster")
    at = open_page(JOB_PAGE, lang="en", user=worker, id=job_id)
    assert text("en", "chat.title") in shown_texts(at)

    at.text_area(key=form_field(at, send_form(job_id, worker), "body")).input("I'm at the gate")
    at = button(at, text("en", "chat.send")).click().run()

    assert not at.exception and not errors(at)
    assert [
        line["body"]
        for line in messages.read(db, poster, messages.threads(db, jobs.get(db, job_id, None), poster)[0]["id"])
    ] == ["I'm at the gate"]

    at = open_page(JOB_PAGE, lang="en", user=poster, id=job_id)
    assert any("I'm at the gate" in line for line in chat_lines(at)), chat_lines(at)
    at.text_area(key=form_field(at, send_form(job_id, worker), "body")).input("Coming down")
    at = button(at, text("en", "chat.send")).click().run()

    assert not at.exception and not errors(at)
    lines = chat_lines(at)
    assert "Coming down" in lines[-1] and text("en", "chat.not_read") in lines[-1]  # newest at the bottom

    lines = chat_lines(open_page(JOB_PAGE, lang="en", user=worker, id=job_id))
    assert text("en", "chat.read") in lines[0]  # the poster has read the worker's line


def test_the_worker_sees_the_poster_s_photo_inside_the_page_named_as_the_poster_s(open_page, person, job_ids, db):
    job_id, worker = job_ids["assigned"], person("worker")
    message_id = messages.send(
        db, person("poster"), job_id, worker["id"], "This parcel", samples.picture("Parcel"), key="p", now=utcnow()
    )

    at = open_page(JOB_PAGE, lang="zh_CN", user=worker, id=job_id)

    assert not at.exception and not errors(at)
    assert inline_pictures(at) == [messages.photo_bytes(db, worker, message_id)]
    poster = person("poster")["display_name"]
    assert [picture.alt for element in at.get("image") for picture in element.proto.imgs] == [
        text("zh_CN", "chat.photo", name=poster)
    ]


def test_an_outsider_s_job_page_shows_no_conversation_and_no_photo(open_page, person, job_ids, db):
    job_id = job_ids["assigned"]
    messages.send(
        db,
        person("poster"),
        job_id,
        person("worker")["id"],
        "Gate code 4321",
        samples.picture("Gate"),
        key="g",
        now=utcnow(),
    )

    for user in (person("pending_worker"), None):
        at = open_page(JOB_PAGE, lang="en", user=user, id=job_id)

        assert not at.exception and not errors(at)
        assert text("en", "chat.title") not in shown_texts(at)
        assert not at.get("chat_message")
        assert not inline_pictures(at)
        assert not [line for line in shown_texts(at) if "4321" in line]


def test_both_sides_see_the_warning_beside_a_flagged_message(open_page, person, job_ids, db):
    job_id, worker = job_ids["assigned"], person("worker")
    messages.send(db, worker, job_id, worker["id"], "加微信，先付押金", None, key="f", now=utcnow())

    for user in (worker, person("poster")):
        at = open_page(JOB_PAGE, lang="zh_CN", user=user, id=job_id)

        assert not at.exception
        assert [w.value for w in at.warning if w.value == text("zh_CN", "fraud.warning")]
        assert any("加微信，先付押金" in line for line in chat_lines(at))


def test_a_flagged_job_shows_the_warning_under_its_description(open_page, person, db):
    job_id = jobs.post(db, person("poster"), **job_fields(utcnow(), description="Training fee ¥50 before you start"))

    at = open_page(JOB_PAGE, lang="en", id=job_id)

    assert not at.exception
    assert [w.value for w in at.warning if w.value == text("en", "fraud.warning")]


def test_an_ordinary_job_has_no_warning(open_page, job_ids):
    at = open_page(JOB_PAGE, lang="en", id=job_ids["open"])

    assert text("en", "fraud.warning") not in [w.value for w in at.warning]


def test_the_organizer_sees_flagged_jobs_and_messages_to_look_at(open_page, person, job_ids, db):
    job_id, worker = job_ids["assigned"], person("worker")
    messages.send(db, worker, job_id, worker["id"], "Pay me by bank transfer", None, key="b", now=utcnow())

    at = open_page(ORGANIZER_DISPUTES, lang="en", user=person("organizer"))

    assert not at.exception and not errors(at)
    texts = shown_texts(at)
    assert text("en", "attention.title") in texts
    assert [line for line in texts if "Pay me by bank transfer" in line]
    assert "Pick up a parcel" in [link.label for link in at.get("page_link")]
