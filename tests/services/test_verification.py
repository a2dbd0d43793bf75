"""Identity checks: the ID number's shape, what a submission stores (never the full number), who sees the
queue and the photos, decisions and revocations, how long the ID photos live, and that they are never
reachable through Streamlit's static file serving.
"""

import contextlib
import hashlib
import io
import pathlib
import sqlite3
from datetime import timedelta

import pytest
from PIL import Image
from streamlit import file_util

from demo import samples
from services import db as database
from services import uploads, users, verification, workers
from services.clock import to_db
from services.errors import InvalidTransition, NotAllowed, NotFound, ValidationError

REPO = pathlib.Path(__file__).resolve().parents[2]
NUMBER = samples.id_number(42)  # '110101198001150042' style: ends in a digit
NUMBER_X = samples.id_number(2)  # ends in the check character X
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
JPEG = samples.picture("ID")


@pytest.fixture
def applicant(db, stranger, now):
    """A resident who has just switched "I take jobs" on: free to submit an identity check."""
    workers.set_taking_jobs(db, stranger, taking_jobs=True, categories=["errands"], now=now)
    return users.get(db, stranger["id"])


@pytest.fixture
def pending_check(db, organizer, unverified_worker, now):
    """A pending check of unverified_worker whose three photos are on disk; returns its id.

    (The template's own pending check points at photos saved beside the template, not this copy: it is
    rejected first so the worker can send a fresh one.)
    """
    old = verification.latest(db, unverified_worker["id"], organizer)
    verification.decide(db, organizer, old["id"], approve=False, reason="Photos unreadable", now=now)
    return samples.submit_id(db, unverified_worker, now)


def submit(db, person, now, **overrides) -> int:
    fields = {
        "real_name": "Zhang Wei",
        "id_number": NUMBER,
        "front": samples.picture("front", samples.COLOURS[1]),
        "back": samples.picture("back", samples.COLOURS[2]),
        "selfie": samples.picture("selfie", samples.COLOURS[3]),
        "now": now,
    }
    fields.update(overrides)
    return verification.submit(db, person, **fields)


def files_on_disk(db) -> list[str]:
    """Every file (a .part too) in both upload folders of this test's database, as 'kind/name'."""
    root = uploads.folder(db, "public").parent
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def photo_files(db, check_id: int) -> list[str | None]:
    row = db["id_checks"].get(check_id)
    return [row[f"{which}_file"] for which in verification.PHOTOS]


def every_row(db) -> list[tuple[str, dict]]:
    return [(table, row) for table in db.table_names() for row in db[table].rows]


def profile_state(db, user_id: int) -> tuple:
    profile = workers.get_profile(db, user_id)
    return profile["verification"], profile["verification_reason"]


def check_state(db, check_id: int) -> tuple:
    row = db["id_checks"].get(check_id)
    return row["status"], row["decided_by"], row["decided_at"], row["reason"]


# --- the ID number ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, expected",
    [
        pytest.param(NUMBER, NUMBER, id="plain"),
        pytest.param(NUMBER_X, NUMBER_X, id="ending-in-X"),
        pytest.param(NUMBER_X.lower(), NUMBER_X, id="lowercase-x"),
        pytest.param(f"{NUMBER[:6]} {NUMBER[6:14]} {NUMBER[14:]}", NUMBER, id="spaces"),
        pytest.param(f"  {NUMBER}\t\n", NUMBER, id="surrounding-whitespace"),
        pytest.param(NUMBER.translate(FULL_WIDTH), NUMBER, id="full-width-digits"),
        pytest.param(NUMBER_X.translate(FULL_WIDTH), NUMBER_X, id="full-width-digits-and-X"),
        pytest.param(NUMBER[:9] + "\u3000" + NUMBER[9:], NUMBER, id="ideographic-space"),
    ],
)
def test_valid_id_numbers_are_accepted_and_normalised(typed, expected):
    assert verification.normalise_id_number(typed) == expected


def wrong_check_character(number: str) -> str:
    other = next(c for c in verification.ID_CHECK_CHARS if c != number[-1])
    return number[:-1] + other


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(wrong_check_character(NUMBER), id="wrong-check-character"),
        pytest.param(wrong_check_character(NUMBER_X), id="X-where-a-digit-belongs"),
        pytest.param(NUMBER[:17], id="17-digits"),
        pytest.param(NUMBER + "0", id="19-digits"),
        pytest.param("11010A198001150042", id="letter-inside"),
        pytest.param("ABCDEFGHIJKLMNOPQR", id="letters"),
        pytest.param("X" + NUMBER[1:], id="X-first"),
        pytest.param(NUMBER[:10] + "-" + NUMBER[10:], id="dash"),
        # digits of another script: int() reads them, so they would hash apart from the same number in ASCII
        pytest.param(NUMBER_X.translate(ARABIC_INDIC), id="arabic-indic-digits"),
        pytest.param("", id="empty"),
        pytest.param(None, id="none"),
    ],
)
def test_malformed_id_numbers_are_refused(typed):
    with pytest.raises(ValidationError) as refused:
        verification.normalise_id_number(typed)

    assert (refused.value.field, refused.value.key) == ("id_number", "error.id_number")


# --- submitting -------------------------------------------------------------------------------------


def test_submission_keeps_only_the_last_four_characters_and_a_salted_hash(db, applicant, now):
    check_id = submit(db, applicant, now, id_number=f"{NUMBER[:6]} {NUMBER[6:]}")

    row = db["id_checks"].get(check_id)
    assert (row["user_id"], row["real_name"], row["id_last4"]) == (applicant["id"], "Zhang Wei", NUMBER[-4:])
    assert len(row["id_hash"]) == 64
    assert row["id_hash"] not in {hashlib.sha256(NUMBER.encode()).hexdigest(), hashlib.md5(NUMBER.encode()).hexdigest()}
    for table, stored in every_row(db):  # nowhere in the database: not the number, not its first 14 characters
        assert NUMBER[:-4] not in str(stored), table


def test_submission_puts_the_profile_in_pending(db, applicant, now):
    check_id = submit(db, applicant, now)

    assert profile_state(db, applicant["id"]) == ("pending", "")
    assert check_state(db, check_id) == ("pending", None, None, "")
    assert db["id_checks"].get(check_id)["submitted_at"] == to_db(now)
    assert not workers.is_verified_worker(db, applicant["id"])


@pytest.mark.parametrize(
    "who, key",
    [("unverified_worker", "error.verification_pending"), ("verified_worker", "error.verification_verified")],
)
def test_second_submission_while_pending_or_verified_is_refused(db, people, now, who, key):
    person = people[who]
    rows, profile = list(db["id_checks"].rows), profile_state(db, person["id"])

    with pytest.raises(InvalidTransition) as refused:
        submit(db, person, now)

    assert refused.value.key == key
    assert list(db["id_checks"].rows) == rows
    assert profile_state(db, person["id"]) == profile
    assert files_on_disk(db) == []


def test_someone_without_a_worker_profile_cannot_submit(db, stranger, now):
    with pytest.raises(NotAllowed) as refused:
        submit(db, stranger, now)

    assert refused.value.key == "error.not_a_worker"
    assert db["id_checks"].count_where("user_id = ?", [stranger["id"]]) == 0
    assert workers.get_profile(db, stranger["id"]) is None
    assert files_on_disk(db) == []


def test_worker_who_switched_taking_jobs_off_cannot_submit(db, applicant, now):
    workers.set_taking_jobs(db, applicant, taking_jobs=False, categories=[], now=now)

    with pytest.raises(NotAllowed) as refused:
        submit(db, applicant, now)

    assert refused.value.key == "error.not_a_worker"
    assert db["id_checks"].count_where("user_id = ?", [applicant["id"]]) == 0
    assert profile_state(db, applicant["id"]) == ("unverified", "")
    assert files_on_disk(db) == []


# One bad field of a submission: (override, field named, message key).
BAD_FIELDS = [
    pytest.param({"real_name": ""}, "real_name", "error.too_short", id="no-name"),
    pytest.param({"real_name": "Z"}, "real_name", "error.too_short", id="one-letter-name"),
    pytest.param({"real_name": "Z" * 31}, "real_name", "error.too_long", id="long-name"),
    pytest.param({"real_name": "Zhang\x00Wei"}, "real_name", "error.control_chars", id="control-character"),
    pytest.param({"id_number": wrong_check_character(NUMBER)}, "id_number", "error.id_number", id="bad-check-char"),
    pytest.param({"id_number": NUMBER[:17]}, "id_number", "error.id_number", id="17-digits"),
    pytest.param({"front": b"<html><script>alert(1)</script></html>"}, "front", "error.upload_not_image", id="html"),
    pytest.param({"back": b""}, "back", "error.upload_empty", id="empty-back"),
    pytest.param({"selfie": JPEG[: len(JPEG) // 2]}, "selfie", "error.upload_not_image", id="truncated-selfie"),
    pytest.param({"selfie": bytes(uploads.MAX_BYTES + 1)}, "selfie", "error.upload_too_big", id="huge-selfie"),
]


@pytest.mark.parametrize("override, field, key", BAD_FIELDS)
def test_bad_field_is_refused_and_nothing_is_stored(db, applicant, now, override, field, key):
    rows = every_row(db)

    with pytest.raises(ValidationError) as refused:
        submit(db, applicant, now, **override)

    assert (refused.value.field, refused.value.key) == (field, key)
    assert every_row(db) == rows
    assert profile_state(db, applicant["id"]) == ("unverified", "")
    assert files_on_disk(db) == []


# --- the organizer's queue --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["poster", "verified_worker", "unverified_worker", "stranger"])
def test_queue_is_for_organizers_only(db, people, who):
    with pytest.raises(NotAllowed):
        verification.queue(db, people[who])


def test_queue_lists_pending_checks_oldest_first_without_the_hash(db, organizer, unverified_worker, applicant, now):
    mine = submit(db, applicant, now)

    queue = verification.queue(db, organizer)

    assert [(c["user_id"], c["same_id_as"]) for c in queue] == [(unverified_worker["id"], []), (applicant["id"], [])]
    assert queue[1]["id"] == mine
    assert queue[1]["id_last4"] == NUMBER[-4:]
    assert not {"id_hash", "front_file", "back_file", "selfie_file"} & set(queue[1])


def test_queue_flags_one_id_number_used_on_two_accounts(db, organizer, poster, verified_worker, applicant, now):
    # verified_worker was approved with samples.id_number(their id); two more accounts now give the same
    # number, one of them typed in full-width digits with spaces.
    reused = samples.id_number(verified_worker["id"])
    workers.set_taking_jobs(db, poster, taking_jobs=True, categories=["moving"], now=now)
    submit(db, applicant, now, id_number=reused)
    submit(db, users.get(db, poster["id"]), now, id_number=" ".join(reused.translate(FULL_WIDTH)))

    flagged = {c["user_id"]: c["same_id_as"] for c in verification.queue(db, organizer)}

    assert flagged[applicant["id"]] == ["Poster", "Verified Worker"]
    assert flagged[poster["id"]] == ["Stranger", "Verified Worker"]


def test_resubmitting_ones_own_number_is_not_flagged(db, organizer, applicant, now):
    first = submit(db, applicant, now)
    verification.decide(db, organizer, first, approve=False, reason="Selfie too dark", now=now)
    submit(db, applicant, now)

    (entry,) = [c for c in verification.queue(db, organizer) if c["user_id"] == applicant["id"]]
    assert entry["same_id_as"] == []


# --- the ID photos ----------------------------------------------------------------------------------


def test_organizer_gets_each_id_photo(db, organizer, pending_check):
    for which, name in zip(verification.PHOTOS, photo_files(db, pending_check), strict=True):
        data = verification.photo(db, organizer, pending_check, which)

        assert data == (uploads.folder(db, "private") / name).read_bytes()
        assert Image.open(io.BytesIO(data)).format == "JPEG"


@pytest.mark.parametrize("who", ["unverified_worker", "poster", "verified_worker", "stranger"])
def test_only_organizers_get_id_photos_not_even_the_worker_themself(db, people, pending_check, who):
    for which in verification.PHOTOS:
        with pytest.raises(NotAllowed):
            verification.photo(db, people[who], pending_check, which)


@pytest.mark.parametrize("which", ["../front", "front_file", "FRONT", "", "selfie/../front", "id_hash", None])
def test_unknown_photo_name_is_not_found(db, organizer, pending_check, which):
    with pytest.raises(NotFound):
        verification.photo(db, organizer, pending_check, which)


def test_photo_of_a_missing_check_is_not_found(db, organizer):
    with pytest.raises(NotFound):
        verification.photo(db, organizer, 999_999, "front")


# --- decisions --------------------------------------------------------------------------------------


def test_approval_verifies_the_worker_and_records_who_and_when(db, organizer, unverified_worker, pending_check, now):
    later = now + timedelta(hours=3)

    verification.decide(db, organizer, pending_check, approve=True, now=later)

    assert check_state(db, pending_check) == ("approved", organizer["id"], to_db(later), "")
    assert profile_state(db, unverified_worker["id"]) == ("verified", "")
    assert workers.is_verified_worker(db, unverified_worker["id"])
    assert verification.latest(db, unverified_worker["id"], unverified_worker)["status"] == "approved"
    assert unverified_worker["id"] in {w["user_id"] for w in verification.verified_workers(db, organizer)}


@pytest.mark.parametrize("reason", ["", "   ", "x", None])
def test_rejection_needs_a_reason(db, organizer, unverified_worker, pending_check, now, reason):
    with pytest.raises(ValidationError) as refused:
        verification.decide(db, organizer, pending_check, approve=False, reason=reason, now=now)

    assert refused.value.field == "reason"
    assert check_state(db, pending_check) == ("pending", None, None, "")
    assert profile_state(db, unverified_worker["id"]) == ("pending", "")
    assert len(files_on_disk(db)) == 3


def test_rejected_worker_sees_the_reason_and_can_submit_again(db, organizer, applicant, now):
    first = submit(db, applicant, now)

    verification.decide(db, organizer, first, approve=False, reason="The selfie is too dark", now=now)

    seen = verification.latest(db, applicant["id"], applicant)
    assert (seen["id"], seen["status"], seen["reason"]) == (first, "rejected", "The selfie is too dark")
    assert profile_state(db, applicant["id"]) == ("rejected", "The selfie is too dark")
    assert not workers.is_verified_worker(db, applicant["id"])

    second = submit(db, applicant, now + timedelta(days=1))

    assert second != first
    assert verification.latest(db, applicant["id"], applicant)["status"] == "pending"
    assert profile_state(db, applicant["id"]) == ("pending", "")


@pytest.mark.parametrize("approve, reason", [(True, ""), (False, "Looks fine to me")])
def test_organizer_who_takes_jobs_cannot_decide_their_own_check(db, organizer, now, approve, reason):
    workers.set_taking_jobs(db, organizer, taking_jobs=True, categories=["moving"], now=now)
    check_id = samples.submit_id(db, organizer, now)

    with pytest.raises(NotAllowed) as refused:
        verification.decide(db, organizer, check_id, approve=approve, reason=reason, now=now)

    assert refused.value.key == "error.self_verify"
    assert check_state(db, check_id) == ("pending", None, None, "")
    assert profile_state(db, organizer["id"]) == ("pending", "")
    assert not workers.is_verified_worker(db, organizer["id"])


def test_organizer_cannot_revoke_themself(db, organizer, now):
    with pytest.raises(NotAllowed) as refused:
        verification.revoke(db, organizer, organizer["id"], reason="Testing", now=now)

    assert refused.value.key == "error.self_verify"


@pytest.mark.parametrize("first, second", [(True, True), (True, False), (False, True), (False, False)])
def test_deciding_twice_is_refused(db, organizer, unverified_worker, pending_check, now, first, second):
    verification.decide(db, organizer, pending_check, approve=first, reason="Blurry photo", now=now)
    decided = check_state(db, pending_check), profile_state(db, unverified_worker["id"])

    with pytest.raises(InvalidTransition) as refused:
        verification.decide(db, organizer, pending_check, approve=second, reason="Changed my mind", now=now)

    assert refused.value.key == "error.already_decided"
    assert (check_state(db, pending_check), profile_state(db, unverified_worker["id"])) == decided


@pytest.mark.parametrize("who", ["unverified_worker", "verified_worker", "poster", "stranger"])
@pytest.mark.parametrize("approve", [True, False])
def test_only_organizers_decide(db, people, pending_check, now, who, approve):
    with pytest.raises(NotAllowed):
        verification.decide(db, people[who], pending_check, approve=approve, reason="Looks right", now=now)

    assert check_state(db, pending_check) == ("pending", None, None, "")
    assert profile_state(db, people["unverified_worker"]["id"]) == ("pending", "")


def test_deciding_a_missing_check_is_not_found(db, organizer, now):
    with pytest.raises(NotFound):
        verification.decide(db, organizer, 999_999, approve=True, now=now)


# --- how long ID photos live ------------------------------------------------------------------------


@pytest.mark.parametrize("approve, reason", [(True, ""), (False, "Name does not match")])
def test_photos_are_deleted_at_the_decision_by_default(db, organizer, pending_check, now, approve, reason):
    assert verification.keep_days(db) == 0
    assert len(files_on_disk(db)) == 3

    verification.decide(db, organizer, pending_check, approve=approve, reason=reason, now=now)

    assert files_on_disk(db) == []
    assert photo_files(db, pending_check) == [None, None, None]
    row = db["id_checks"].get(pending_check)
    assert (row["status"], row["decided_by"], row["decided_at"]) == (
        "approved" if approve else "rejected",
        organizer["id"],
        to_db(now),
    )
    assert row["photos_deleted_at"] == to_db(now)
    for which in verification.PHOTOS:
        with pytest.raises(NotFound):
            verification.photo(db, organizer, pending_check, which)


def test_photos_are_kept_for_keep_days_after_the_decision(db, organizer, pending_check, now):
    verification.set_keep_days(db, organizer, 7, now)
    verification.decide(db, organizer, pending_check, approve=True, now=now)
    names = photo_files(db, pending_check)

    assert files_on_disk(db) == sorted(f"private/{name}" for name in names)
    assert verification.photo(db, organizer, pending_check, "selfie")

    assert verification.purge_photos(db, now + timedelta(days=6)) == 0
    assert files_on_disk(db) == sorted(f"private/{name}" for name in names)
    assert photo_files(db, pending_check) == names

    assert verification.purge_photos(db, now + timedelta(days=8)) == 1
    assert files_on_disk(db) == []
    assert photo_files(db, pending_check) == [None, None, None]
    assert check_state(db, pending_check) == ("approved", organizer["id"], to_db(now), "")
    with pytest.raises(NotFound):
        verification.photo(db, organizer, pending_check, "selfie")


def test_purge_never_touches_a_pending_check(db, organizer, pending_check, now):
    assert verification.purge_photos(db, now + timedelta(days=365)) == 0

    assert len(files_on_disk(db)) == 3
    assert verification.photo(db, organizer, pending_check, "front")


@pytest.mark.parametrize("days", [0, 1, 90, "30"])
def test_keep_days_accepts_zero_to_ninety(db, organizer, now, days):
    verification.set_keep_days(db, organizer, days, now)

    assert verification.keep_days(db) == int(days)


@pytest.mark.parametrize("days", [-1, 91, "x", "", None, "7 days"])
def test_keep_days_outside_zero_to_ninety_is_refused(db, organizer, now, days):
    with pytest.raises(ValidationError) as refused:
        verification.set_keep_days(db, organizer, days, now)

    assert (refused.value.field, refused.value.key, refused.value.params) == (
        "keep_days",
        "error.keep_days",
        {"max": 90},
    )
    assert verification.keep_days(db) == 0


@pytest.mark.parametrize("who", ["poster", "verified_worker", "unverified_worker", "stranger"])
def test_only_organizers_set_keep_days(db, people, now, who):
    with pytest.raises(NotAllowed):
        verification.set_keep_days(db, people[who], 30, now)

    assert verification.keep_days(db) == 0


# --- revoking ---------------------------------------------------------------------------------------


def test_revoked_worker_sees_the_reason_and_can_submit_again(db, organizer, verified_worker, now):
    later = now + timedelta(days=2)

    verification.revoke(db, organizer, verified_worker["id"], reason="Used someone else's ID", now=later)

    assert not workers.is_verified_worker(db, verified_worker["id"])
    assert profile_state(db, verified_worker["id"]) == ("rejected", "Used someone else's ID")
    seen = verification.latest(db, verified_worker["id"], verified_worker)
    assert (seen["status"], seen["revoke_reason"], seen["revoked_at"]) == (
        "revoked",
        "Used someone else's ID",
        to_db(later),
    )
    assert verified_worker["id"] not in {w["user_id"] for w in verification.verified_workers(db, organizer)}

    submit(db, verified_worker, later, id_number=samples.id_number(verified_worker["id"]))

    assert profile_state(db, verified_worker["id"]) == ("pending", "")
    assert verification.latest(db, verified_worker["id"], verified_worker)["status"] == "pending"


@pytest.mark.parametrize("reason", ["", " ", "x", None])
def test_revoking_needs_a_reason(db, organizer, verified_worker, now, reason):
    with pytest.raises(ValidationError) as refused:
        verification.revoke(db, organizer, verified_worker["id"], reason=reason, now=now)

    assert refused.value.field == "reason"
    assert workers.is_verified_worker(db, verified_worker["id"])


@pytest.mark.parametrize("who", ["second_worker", "poster", "stranger", "verified_worker"])
def test_only_organizers_revoke(db, people, verified_worker, now, who):
    with pytest.raises(NotAllowed):
        verification.revoke(db, people[who], verified_worker["id"], reason="Not trusted", now=now)

    assert workers.is_verified_worker(db, verified_worker["id"])
    assert verification.latest(db, verified_worker["id"], verified_worker)["status"] == "approved"


@pytest.mark.parametrize("who", ["unverified_worker", "stranger"])
def test_revoking_someone_not_verified_is_refused(db, organizer, people, now, who):
    with pytest.raises(InvalidTransition) as refused:
        verification.revoke(db, organizer, people[who]["id"], reason="Not trusted", now=now)

    assert refused.value.key == "error.helper_not_verified"


# --- what the worker sees ---------------------------------------------------------------------------


def test_worker_and_organizer_see_the_latest_check_without_photos_or_hash(db, organizer, unverified_worker):
    for viewer in (unverified_worker, organizer):
        seen = verification.latest(db, unverified_worker["id"], viewer)

        assert (seen["status"], seen["id_last4"]) == ("pending", samples.id_number(unverified_worker["id"])[-4:])
        assert not {"id_hash", "front_file", "back_file", "selfie_file", "user_id"} & set(seen)


@pytest.mark.parametrize("who", ["stranger", "poster", "verified_worker"])
def test_others_cannot_see_someones_check(db, people, unverified_worker, who):
    with pytest.raises(NotAllowed):
        verification.latest(db, unverified_worker["id"], people[who])


def test_latest_is_none_before_any_submission(db, stranger):
    assert verification.latest(db, stranger["id"], stranger) is None


# --- never reachable by URL -------------------------------------------------------------------------


def inside(path: pathlib.Path, folder: pathlib.Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def test_id_photos_are_never_under_the_statically_served_folder(db, applicant, now):
    # Streamlit serves <folder of the main script>/static at /app/static/ (server.enableStaticServing).
    served = pathlib.Path(file_util.get_app_static_dir(str(REPO / "app.py")))
    assert served == REPO / "static"
    check_id = submit(db, applicant, now)

    private = uploads.folder(db, "private")
    assert not inside(private, served)
    assert all((private / name).is_file() for name in photo_files(db, check_id))
    served_names = {path.name for path in served.rglob("*")} if served.exists() else set()
    assert not served_names & set(photo_files(db, check_id))


def test_default_database_keeps_its_uploads_in_data_outside_static():
    assert database.DEFAULT_PATH == REPO / "data" / "linbang.db"
    # An in-memory database that reports the default path as its file: data/linbang.db is not created.
    made_by_folder = [REPO / "data" / "linbang.uploads" / "private", REPO / "data" / "linbang.uploads"]
    existed = {path: path.exists() for path in [database.DEFAULT_PATH, *made_by_folder]}
    conn = sqlite3.connect(database.DEFAULT_PATH.as_uri() + "?vfs=memdb", uri=True)
    try:
        private = uploads.folder(database.Database(conn), "private")
    finally:
        conn.close()
        for path in made_by_folder:  # folder() makes the directories: remove the ones this test made
            if not existed[path]:
                with contextlib.suppress(OSError):
                    path.rmdir()

    assert private == REPO / "data" / "linbang.uploads" / "private"
    assert not inside(private, REPO / "static")
    assert database.DEFAULT_PATH.exists() == existed[database.DEFAULT_PATH]
