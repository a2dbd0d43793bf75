"""Private data on the pages (issue #11), through the real app: ID photos, receipts and the wallet's
CSV travel inside the page sent to the one session (data: URIs, a component's data), never as a
Streamlit media file; a job's history is shown to those involved and organizers only."""

import base64
import csv
import io
import json

from demo import samples
from services import ledger, materials, uploads
from services.clock import utcnow
from tests.pages.conftest import JOB_PAGE, shown_texts, text
from tests.pages.test_job_money_pages import job_at
from tests.pages.test_pages import ORGANIZER_WORKERS, errors

DATA_URI = "data:image/jpeg;base64,"


def inline_pictures(at) -> list[bytes]:
    """The bytes of every picture on the page, each of which must be inline (a data: URI)."""
    urls = [picture.url for element in at.get("image") for picture in element.proto.imgs]
    assert all(url.startswith(DATA_URI) for url in urls), [url[:40] for url in urls]
    return [base64.b64decode(url.removeprefix(DATA_URI)) for url in urls]


def test_the_organizer_sees_id_photos_inside_the_page_each_named_with_whose_it_is(open_page, person, db):
    at = open_page(ORGANIZER_WORKERS, lang="en", user=person("organizer"))
    check = db.execute("SELECT front_file, back_file, selfie_file FROM id_checks WHERE status = 'pending'").fetchone()
    (name,) = db.execute(
        "SELECT display_name FROM users JOIN id_checks ON id_checks.user_id = users.id"
        " WHERE id_checks.status = 'pending'"
    ).fetchone()

    assert not at.exception and not errors(at)
    assert inline_pictures(at) == [uploads.read(db, "private", name) for name in check]
    assert [picture.alt for element in at.get("image") for picture in element.proto.imgs] == [
        text("en", "organizer.id_photo_alt", name=name, photo=text("en", f"worker.id_{which}"))
        for which in ("front", "back", "selfie")
    ]


def test_the_poster_sees_a_receipt_inside_the_page_named_by_what_it_is_for(open_page, person, db):
    job_id = job_at(db, person, "in_progress")
    receipt = samples.picture("Receipt ¥12")
    line = materials.add(
        db, person("worker"), job_id, what="Washer", amount_yuan="12", receipt=receipt, key="r", now=utcnow()
    )
    stored = materials.receipt_bytes(db, db["job_materials"].get(line), person("poster"))

    at = open_page(JOB_PAGE, lang="en", user=person("poster"), id=job_id)

    assert not at.exception and not errors(at)
    assert inline_pictures(at) == [stored]
    assert [picture.alt for element in at.get("image") for picture in element.proto.imgs] == [
        text("en", "materials.receipt_alt", what="Washer")
    ]


def test_the_wallet_csv_travels_inside_the_page_for_the_browser_to_save(open_page, person, db):
    owner = person("pending_worker")
    ledger.top_up(db, person("organizer"), owner["id"], "35", note="=cash, <b>in</b> 现金", key="w", now=utcnow())

    at = open_page("app_pages/wallet.py", lang="en", user=owner)

    assert not at.exception and not errors(at)
    assert not at.get("download_button"), "a download button would put the CSV behind a /media URL"
    [link] = [element for element in at.get("bidi_component") if element.proto.component_name.endswith("download")]
    data = json.loads(link.proto.json)
    assert (data["label"], data["file_name"], data["mime"]) == (
        text("en", "wallet.csv"),
        "linbang-wallet-pending_worker.csv",
        "text/csv",
    )
    content = base64.b64decode(data["payload"])
    assert content.startswith("\ufeff".encode())  # a BOM: spreadsheet programs then read the Chinese
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [row[1:] for row in rows] == [
        [text("en", f"wallet.{column}") for column in ("what", "csv_job", "csv_amount", "csv_after", "note")],
        [text("en", "statement.topup"), "", "35.00", "35.00", "'=cash, <b>in</b> 现金"],  # a formula no more,
    ]


def history_shown(at, lang: str = "en") -> bool:
    return text(lang, "job.history") in shown_texts(at)


def test_a_signed_out_visitor_sees_when_a_disputed_job_was_posted_and_nothing_of_its_history(open_page, job_ids):
    at = open_page(JOB_PAGE, lang="en", id=job_ids["disputed"])

    assert not at.exception and not errors(at)
    assert not history_shown(at)
    assert not [line for line in shown_texts(at) if text("en", "event.dispute") in line]
    posted = text("en", "job.posted_on", when="")
    assert [c.value for c in at.caption if c.value.startswith(posted)], "the neutral line: when it was posted"


def test_a_resident_with_no_part_in_a_job_does_not_see_its_history(open_page, person, job_ids):
    at = open_page(JOB_PAGE, lang="zh_CN", user=person("pending_worker"), id=job_ids["disputed"])
    assert not at.exception and not history_shown(at, "zh_CN")


def test_the_worker_of_a_disputed_job_reads_its_whole_history(open_page, person, job_ids):
    at = open_page(JOB_PAGE, lang="en", user=person("worker"), id=job_ids["disputed"])

    assert not at.exception and history_shown(at)
    steps = [line for line in shown_texts(at) if " · " in line]
    assert [s for s in steps if text("en", "event.dispute") in s and "Poster Wang" in s], steps
