"""The money of a job beyond its price: the actual hours of an hourly job (extra hours wait for the
poster's answer and are held when approved), materials with receipts (held at approval, paid without
commission), tips at confirmation, and disputes (statements, the organizer's pay / refund / split).
Every amount is worked out by hand in fen; the commission is 10 %, rounded down to the fen."""

import io
from datetime import timedelta

import pytest
from PIL import Image

from services import booking, disputes, jobs, ledger, materials, reviews, uploads
from services.errors import InsufficientFunds, InvalidTransition, NotAllowed, NotFound, ValidationError
from services.transitions import Confirm, Finish, Reason, Split, request
from tests.services.conftest import STARTING_CREDIT

START = int(STARTING_CREDIT) * 100
HOURLY = {"price_type": "hourly", "price_yuan": "40", "est_hours": "2"}  # ¥40 × 2 h: 8000 held
AFTER_AUTO_CONFIRM = jobs.AUTO_CONFIRM_AFTER + timedelta(hours=1)


SPLIT = {"resolve_split": {"split_yuan": "30"}}  # what an organizer types for each resolution


def wallet(db, person) -> int:
    return ledger.balance_of(db, "wallet", user_id=person["id"])


def escrow(db, job_id) -> int:
    return ledger.balance_of(db, "escrow", job_id=job_id)


def commission(db) -> int:
    return ledger.balance_of(db, "commission")


def status(db, job_id) -> str:
    return jobs.get(db, job_id, None)["status"]


def row(db, job_id) -> dict:
    return db["jobs"].get(job_id)


def transfers(db, job_id, kind) -> list[dict]:
    return list(db.query("SELECT * FROM transfers WHERE job_id = ? AND kind = ? ORDER BY id", [job_id, kind]))


def lines_of(db, transfer_id) -> list[tuple[str, int | None, int]]:
    """(account kind, its user, amount) of each line of a transfer."""
    return [
        (r["kind"], r["user_id"], r["amount_fen"])
        for r in db.query(
            """SELECT a.kind, a.user_id, l.amount_fen FROM ledger_lines l JOIN accounts a ON a.id = l.account_id
               WHERE l.transfer_id = ? ORDER BY l.id""",
            [transfer_id],
        )
    ]


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, "PNG")
    return out.getvalue()


def add_material(db, worker, job_id, now, *, amount="25.50", key="m1", receipt=None) -> int:
    return materials.add(
        db, worker, job_id, what="Washers and tape", amount_yuan=amount, receipt=receipt, key=key, now=now
    )


def give_credit(db, organizer, person, yuan, now, key="credit") -> None:
    ledger.top_up(db, organizer, person["id"], yuan, key=key, now=now)


def drive(db, job_id, now, *steps) -> None:
    """Act on a job step by step: (action, who) or (action, who, {terms})."""
    for action, actor, *terms in steps:
        jobs.act(db, job_id, action, actor, request(action, **(terms[0] if terms else {})), now=now)


def work(worker, hours=None) -> tuple:
    """The worker's steps from open to done (finishing with the actual `hours` of an hourly job)."""
    return ("claim", worker), ("start", worker), ("finish", worker, {"hours": hours})


# --- hourly jobs: the actual hours -----------------------------------------------------------------


@pytest.fixture
def hourly_job(job_in):
    """An hourly job (¥40 an hour, 2 hours estimated: 8000 fen held) the verified worker is doing."""
    return job_in("in_progress", **HOURLY)


def finish(db, job_id, worker, now, hours):
    return jobs.act(db, job_id, "finish", worker, Finish(hours=hours), now=now)


def test_fewer_hours_than_estimated_pay_the_hours_worked_and_give_the_rest_back(
    db, hourly_job, poster, verified_worker, now
):
    finish(db, hourly_job, verified_worker, now, "1.5")
    jobs.act(db, hourly_job, "confirm", poster, now=now)

    # 1.5 h × ¥40 = 6000: 600 commission, 5400 to the worker; 8000 - 6000 = 2000 back to the poster
    assert row(db, hourly_job)["actual_minutes"] == 90
    assert (wallet(db, verified_worker), commission(db)) == (5400, 600)
    assert (wallet(db, poster), escrow(db, hourly_job)) == (START - 6000, 0)
    assert ledger.check_books(db) == []


def test_more_hours_than_estimated_must_be_answered_before_confirmation(db, hourly_job, poster, verified_worker, now):
    finish(db, hourly_job, verified_worker, now, "3")

    with pytest.raises(InvalidTransition) as refused:
        jobs.act(db, hourly_job, "confirm", poster, now=now)

    # 3 h × ¥40 = 12000, 4000 above the 8000 held
    assert refused.value.key == "error.answer_money_first"
    assert (status(db, hourly_job), row(db, hourly_job)["extra_decision"]) == ("done", None)
    assert (escrow(db, hourly_job), wallet(db, poster), wallet(db, verified_worker)) == (8000, START - 8000, 0)


def test_approved_extra_hours_are_held_then_paid_in_full(db, hourly_job, poster, verified_worker, now):
    finish(db, hourly_job, verified_worker, now, "3")

    jobs.answer_extra_hours(db, poster, hourly_job, approve=True, now=now)

    assert (escrow(db, hourly_job), wallet(db, poster)) == (12000, START - 12000)  # 8000 + the extra 4000
    jobs.act(db, hourly_job, "confirm", poster, now=now)
    # 12000: 1200 commission, 10800 to the worker
    assert (wallet(db, verified_worker), commission(db)) == (10800, 1200)
    assert (wallet(db, poster), escrow(db, hourly_job)) == (START - 12000, 0)
    assert ledger.check_books(db) == []


def test_declined_extra_hours_pay_the_estimate_only(db, hourly_job, poster, verified_worker, now):
    finish(db, hourly_job, verified_worker, now, "3")

    jobs.answer_extra_hours(db, poster, hourly_job, approve=False, now=now)
    jobs.act(db, hourly_job, "confirm", poster, now=now)

    # the estimate, 8000: 800 commission, 7200 to the worker; the poster never paid the extra 4000
    assert row(db, hourly_job)["extra_decision"] == "declined"
    assert (wallet(db, verified_worker), commission(db)) == (7200, 800)
    assert wallet(db, poster) == START - 8000
    assert ledger.check_books(db) == []


@pytest.mark.parametrize("approve", [True, False])
def test_giving_the_same_answer_to_extra_hours_twice_acts_once(db, hourly_job, poster, verified_worker, now, approve):
    finish(db, hourly_job, verified_worker, now, "3")

    jobs.answer_extra_hours(db, poster, hourly_job, approve=approve, now=now)
    jobs.answer_extra_hours(db, poster, hourly_job, approve=approve, now=now)

    holds = transfers(db, hourly_job, "hold")
    assert len(holds) == (2 if approve else 1)  # the posting's hold, and the extra's when approved
    assert escrow(db, hourly_job) == (12000 if approve else 8000)
    assert [e["action"] for e in jobs.events(db, hourly_job)].count(
        f"extra_{'approved' if approve else 'declined'}"
    ) == 1


@pytest.mark.parametrize("first", [True, False])
def test_extra_hours_once_answered_cannot_be_answered_the_other_way(
    db, hourly_job, poster, verified_worker, now, first
):
    finish(db, hourly_job, verified_worker, now, "3")
    jobs.answer_extra_hours(db, poster, hourly_job, approve=first, now=now)

    with pytest.raises(InvalidTransition) as refused:
        jobs.answer_extra_hours(db, poster, hourly_job, approve=not first, now=now)

    assert refused.value.key == "error.extra_not_waiting"
    assert row(db, hourly_job)["extra_decision"] == ("approved" if first else "declined")
    assert escrow(db, hourly_job) == (12000 if first else 8000)


def test_there_is_nothing_to_answer_when_the_hours_stay_within_the_estimate(
    db, hourly_job, poster, verified_worker, now
):
    finish(db, hourly_job, verified_worker, now, "2")

    with pytest.raises(InvalidTransition) as refused:
        jobs.answer_extra_hours(db, poster, hourly_job, approve=True, now=now)

    assert refused.value.key == "error.extra_not_waiting"
    assert escrow(db, hourly_job) == 8000


def test_approving_extra_hours_without_the_credit_changes_nothing(db, people, job_fields, now):
    stranger, worker, organizer = people["stranger"], people["verified_worker"], people["organizer"]
    give_credit(db, organizer, stranger, "80", now)
    job_id = jobs.post(db, stranger, **job_fields(**HOURLY))  # the whole ¥80 is held: 0 left
    drive(db, job_id, now, *work(worker, "3"))

    with pytest.raises(InsufficientFunds) as refused:
        jobs.answer_extra_hours(db, stranger, job_id, approve=True, now=now)

    assert refused.value.params == {"missing_fen": 4000}  # the extra 4000, from an empty wallet
    assert row(db, job_id)["extra_decision"] is None
    assert (escrow(db, job_id), wallet(db, stranger)) == (8000, 0)
    assert "extra_approved" not in [e["action"] for e in jobs.events(db, job_id)]
    give_credit(db, organizer, stranger, "40", now, key="more")
    jobs.answer_extra_hours(db, stranger, job_id, approve=True, now=now)
    assert (escrow(db, job_id), wallet(db, stranger)) == (12000, 0)
    assert ledger.check_books(db) == []


@pytest.mark.parametrize("who", ["verified_worker", "stranger", "organizer"])
def test_only_the_poster_answers_extra_hours(db, hourly_job, people, now, who):
    finish(db, hourly_job, people["verified_worker"], now, "3")

    with pytest.raises(NotAllowed):
        jobs.answer_extra_hours(db, people[who], hourly_job, approve=True, now=now)

    assert (row(db, hourly_job)["extra_decision"], escrow(db, hourly_job)) == (None, 8000)


@pytest.mark.parametrize("hours", ["0", "abc", "25", "-1", "0.2", "nan", "inf", ""])
def test_finishing_with_impossible_hours_is_refused(db, hourly_job, verified_worker, now, hours):
    with pytest.raises(ValidationError) as refused:
        finish(db, hourly_job, verified_worker, now, hours)

    assert (refused.value.field, refused.value.key) == ("hours", "error.actual_hours")
    assert (status(db, hourly_job), row(db, hourly_job)["actual_minutes"]) == ("in_progress", None)


def test_hours_worked_are_paid_to_the_fen_rounded_half_up(db, job_in, poster, verified_worker, now):
    job_id = job_in("in_progress", price_type="hourly", price_yuan="35.50", est_hours="1.5")  # 5325 held
    finish(db, job_id, verified_worker, now, "1.75")

    jobs.answer_extra_hours(db, poster, job_id, approve=True, now=now)
    jobs.act(db, job_id, "confirm", poster, now=now)

    # 3550 × 105 min / 60 = 6212.5 -> 6213: 888 extra held; 621 commission, 5592 to the worker
    assert (wallet(db, verified_worker), commission(db), wallet(db, poster)) == (5592, 621, START - 6213)
    assert ledger.check_books(db) == []


def test_a_booked_hourly_job_pays_the_hours_at_the_quoted_rate(db, post_job, poster, verified_worker, now):
    job_id = post_job(mode="booking", **HOURLY)  # ¥40 an hour asked; booking holds nothing yet
    application = booking.apply(db, verified_worker, job_id, quote_yuan="50", now=now)
    booking.accept(db, poster, application, now=now)  # ¥50 × 2 h = 10000 held
    drive(db, job_id, now, ("start", verified_worker), ("finish", verified_worker, {"hours": "3"}))

    jobs.answer_extra_hours(db, poster, job_id, approve=True, now=now)
    jobs.act(db, job_id, "confirm", poster, now=now)

    # ¥50 × 3 h = 15000 (the extra 5000 held at approval): 1500 commission, 13500 to the worker
    assert (wallet(db, verified_worker), commission(db), wallet(db, poster)) == (13500, 1500, START - 15000)
    assert ledger.check_books(db) == []


def test_finishing_without_hours_records_the_estimate(db, hourly_job, poster, verified_worker, now):
    finish(db, hourly_job, verified_worker, now, None)
    jobs.act(db, hourly_job, "confirm", poster, now=now)

    assert row(db, hourly_job)["actual_minutes"] == 120
    assert (wallet(db, verified_worker), commission(db), wallet(db, poster)) == (7200, 800, START - 8000)


def test_automatic_confirmation_with_extra_hours_unanswered_pays_the_estimate(
    db, hourly_job, poster, verified_worker, now
):
    finish(db, hourly_job, verified_worker, now, "3")

    assert jobs.run_clock(db, now + AFTER_AUTO_CONFIRM) == 1

    # the 8000 held: 800 commission, 7200 to the worker; the extra 4000 was never taken
    assert status(db, hourly_job) == "completed"
    assert (wallet(db, verified_worker), commission(db), wallet(db, poster)) == (7200, 800, START - 8000)
    assert ledger.check_books(db) == []


def test_automatic_confirmation_pays_approved_materials_with_the_estimate(db, hourly_job, poster, verified_worker, now):
    finish(db, hourly_job, verified_worker, now, "3")
    materials.decide(db, poster, add_material(db, verified_worker, hourly_job, now), approve=True, now=now)

    jobs.run_clock(db, now + AFTER_AUTO_CONFIRM)

    # the estimate 8000 (800 commission, 7200) + the approved ¥25.50 whole; the extra 4000 never taken
    assert (wallet(db, verified_worker), commission(db), wallet(db, poster)) == (7200 + 2550, 800, START - 10550)
    assert ledger.check_books(db) == []


# --- materials -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["in_progress", "done"])
def test_the_worker_adds_materials_once_the_work_has_started(db, job_in, verified_worker, now, path):
    job_id = job_in(path)

    line = db["job_materials"].get(add_material(db, verified_worker, job_id, now, amount="25.50"))

    assert (line["amount_fen"], line["status"], line["worker_id"], line["receipt"]) == (
        2550,
        "pending",
        verified_worker["id"],
        None,
    )


@pytest.mark.parametrize("who", ["poster", "stranger", "second_worker", "organizer"])
def test_only_the_jobs_worker_adds_materials(db, job_in, people, now, who):
    job_id = job_in("in_progress")

    with pytest.raises(NotAllowed):
        add_material(db, people[who], job_id, now)

    assert db["job_materials"].count == 0


@pytest.mark.parametrize("path", ["assigned", "completed", "disputed", "resolved"])
def test_materials_are_closed_before_the_start_and_after_the_work(db, job_in, verified_worker, now, path):
    job_id = job_in(path)

    with pytest.raises(InvalidTransition) as refused:
        add_material(db, verified_worker, job_id, now)

    assert refused.value.key == "error.materials_closed"
    assert db["job_materials"].count == 0


@pytest.mark.parametrize(
    "amount, key",
    [
        ("0", "error.material_amount"),
        ("10000.01", "error.material_amount"),
        ("20000", "error.material_amount"),
        ("-1", "error.price_number"),  # refused by the amount parser, before the range check
        ("abc", "error.price_number"),
        ("1.005", "error.price_cents"),
    ],
)
def test_material_amounts_outside_the_range_are_refused(db, job_in, verified_worker, now, amount, key):
    job_id = job_in("in_progress")

    with pytest.raises(ValidationError) as refused:
        add_material(db, verified_worker, job_id, now, amount=amount)

    assert (refused.value.field, refused.value.key) == ("amount", key)
    assert db["job_materials"].count == 0


def test_a_material_of_exactly_ten_thousand_yuan_is_taken(db, job_in, verified_worker, now):
    job_id = job_in("in_progress")

    material_id = add_material(db, verified_worker, job_id, now, amount="10000")

    assert db["job_materials"].get(material_id)["amount_fen"] == 1_000_000


def test_sending_the_same_material_form_twice_adds_one_line(db, job_in, verified_worker, now):
    job_id = job_in("in_progress")

    first = add_material(db, verified_worker, job_id, now, key="form-1")
    again = add_material(db, verified_worker, job_id, now, key="form-1")

    assert first == again
    assert db["job_materials"].count == 1


def test_a_receipt_is_kept_privately_as_a_clean_jpeg(db, job_in, poster, verified_worker, now):
    job_id = job_in("in_progress")

    material_id = add_material(db, verified_worker, job_id, now, receipt=png())

    line = db["job_materials"].get(material_id)
    assert (uploads.folder(db, "private") / line["receipt"]).is_file()
    stored = materials.receipt_bytes(db, line, poster)
    assert stored[:3] == b"\xff\xd8\xff"  # a JPEG, drawn afresh from the PNG's pixels
    assert Image.open(io.BytesIO(stored)).size == (64, 48)


@pytest.mark.parametrize("who, shown", [("verified_worker", True), ("organizer", True), ("stranger", False)])
def test_a_receipt_is_shown_to_the_two_sides_and_organizers_only(db, people, job_in, now, who, shown):
    job_id = job_in("in_progress")
    line = db["job_materials"].get(add_material(db, people["verified_worker"], job_id, now, receipt=png()))

    if shown:
        assert materials.receipt_bytes(db, line, people[who])[:3] == b"\xff\xd8\xff"
    else:
        with pytest.raises(NotFound):
            materials.receipt_bytes(db, line, people[who])


def test_a_line_without_a_receipt_has_no_receipt_to_show(db, job_in, verified_worker, now):
    job_id = job_in("in_progress")
    line = db["job_materials"].get(add_material(db, verified_worker, job_id, now))

    with pytest.raises(NotFound):
        materials.receipt_bytes(db, line, verified_worker)


def test_a_bad_receipt_stores_neither_line_nor_file(db, job_in, verified_worker, now):
    job_id = job_in("in_progress")
    files = set(uploads.folder(db, "private").iterdir())

    with pytest.raises(ValidationError) as refused:
        add_material(db, verified_worker, job_id, now, receipt=b"not an image")

    assert (refused.value.field, refused.value.key) == ("receipt", "error.upload_not_image")
    assert db["job_materials"].count == 0
    assert set(uploads.folder(db, "private").iterdir()) == files


@pytest.fixture
def material(db, job_in, verified_worker, now):
    """A ¥25.50 line waiting for the poster's answer on a fixed ¥80 job that is done: (job, line)."""
    job_id = job_in("done", price_yuan="80")
    return job_id, add_material(db, verified_worker, job_id, now, amount="25.50")


def test_approving_a_material_holds_its_amount(db, material, poster, now):
    job_id, material_id = material

    materials.decide(db, poster, material_id, approve=True, now=now)

    assert db["job_materials"].get(material_id)["status"] == "approved"
    assert (escrow(db, job_id), wallet(db, poster)) == (10550, START - 10550)  # 8000 + 2550
    assert ledger.check_books(db) == []


def test_approving_a_material_twice_holds_it_once(db, material, poster, now):
    job_id, material_id = material

    materials.decide(db, poster, material_id, approve=True, now=now)
    materials.decide(db, poster, material_id, approve=True, now=now)

    assert len(transfers(db, job_id, "hold")) == 2  # the posting's and the material's
    assert escrow(db, job_id) == 10550


@pytest.mark.parametrize("first", [True, False])
def test_a_decided_material_cannot_be_decided_the_other_way(db, material, poster, now, first):
    job_id, material_id = material
    materials.decide(db, poster, material_id, approve=first, now=now)

    with pytest.raises(InvalidTransition) as refused:
        materials.decide(db, poster, material_id, approve=not first, now=now)

    assert refused.value.key == "error.material_decided"
    assert db["job_materials"].get(material_id)["status"] == ("approved" if first else "rejected")
    assert escrow(db, job_id) == (10550 if first else 8000)


@pytest.mark.parametrize("who", ["verified_worker", "stranger", "organizer"])
def test_only_the_poster_decides_materials(db, material, people, now, who):
    job_id, material_id = material

    with pytest.raises(NotAllowed):
        materials.decide(db, people[who], material_id, approve=True, now=now)

    assert db["job_materials"].get(material_id)["status"] == "pending"
    assert escrow(db, job_id) == 8000


def test_approving_a_material_without_the_credit_changes_nothing(db, people, job_fields, now):
    stranger, worker = people["stranger"], people["verified_worker"]
    give_credit(db, people["organizer"], stranger, "90", now)
    job_id = jobs.post(db, stranger, **job_fields(price_yuan="80"))  # 1000 left
    drive(db, job_id, now, *work(worker))
    material_id = add_material(db, worker, job_id, now, amount="25.50")

    with pytest.raises(InsufficientFunds) as refused:
        materials.decide(db, stranger, material_id, approve=True, now=now)

    assert refused.value.params == {"missing_fen": 1550}  # 2550 - 1000
    assert db["job_materials"].get(material_id)["status"] == "pending"
    assert (escrow(db, job_id), wallet(db, stranger)) == (8000, 1000)


def test_approved_materials_are_paid_at_confirmation_without_commission(db, material, poster, verified_worker, now):
    job_id, material_id = material
    materials.decide(db, poster, material_id, approve=True, now=now)

    jobs.act(db, job_id, "confirm", poster, now=now)

    # the work, 8000: 800 commission, 7200; the material, 2550, whole
    assert (wallet(db, verified_worker), commission(db)) == (7200 + 2550, 800)
    assert (wallet(db, poster), escrow(db, job_id)) == (START - 10550, 0)
    assert ledger.check_books(db) == []


def test_a_rejected_material_is_not_paid(db, material, poster, verified_worker, now):
    job_id, material_id = material
    materials.decide(db, poster, material_id, approve=False, now=now)

    jobs.act(db, job_id, "confirm", poster, now=now)

    assert (wallet(db, verified_worker), commission(db), wallet(db, poster)) == (7200, 800, START - 8000)


def test_materials_with_fewer_hours_pay_both_and_give_the_over_cover_back(db, hourly_job, poster, verified_worker, now):
    finish(db, hourly_job, verified_worker, now, "1.5")
    material_id = add_material(db, verified_worker, hourly_job, now, amount="25.50")
    materials.decide(db, poster, material_id, approve=True, now=now)

    jobs.act(db, hourly_job, "confirm", poster, now=now)

    # held 8000 + 2550; the work 6000 (600 commission, 5400) + the material 2550; 2000 back
    assert (wallet(db, verified_worker), commission(db)) == (5400 + 2550, 600)
    assert (wallet(db, poster), escrow(db, hourly_job)) == (START - 8550, 0)
    assert ledger.check_books(db) == []


def test_confirmation_waits_for_every_material_answer(db, material, poster, verified_worker, now):
    job_id, _ = material

    with pytest.raises(InvalidTransition) as refused:
        jobs.act(db, job_id, "confirm", poster, now=now)

    assert refused.value.key == "error.answer_money_first"
    assert (status(db, job_id), escrow(db, job_id), wallet(db, verified_worker)) == ("done", 8000, 0)


def test_automatic_confirmation_rejects_a_waiting_material(db, material, poster, verified_worker, now):
    job_id, material_id = material

    jobs.run_clock(db, now + AFTER_AUTO_CONFIRM)

    assert status(db, job_id) == "completed"
    assert db["job_materials"].get(material_id)["status"] == "rejected"
    assert (wallet(db, verified_worker), commission(db), wallet(db, poster)) == (7200, 800, START - 8000)
    assert ledger.check_books(db) == []


@pytest.mark.parametrize(
    "who, sees", [("poster", True), ("verified_worker", True), ("organizer", True), ("stranger", False)]
)
def test_materials_are_shown_to_the_two_sides_and_organizers_only(db, material, people, who, sees):
    job_id, material_id = material

    lines = materials.for_job(db, jobs.get(db, job_id, None), people[who])

    assert [line["id"] for line in lines] == ([material_id] if sees else [])


def test_materials_are_shown_to_nobody_signed_out(db, material):
    job_id, _ = material

    assert materials.for_job(db, jobs.get(db, job_id, None), None) == []


# --- tips ----------------------------------------------------------------------------------------


def test_a_tip_goes_to_the_worker_without_commission(db, job_in, poster, verified_worker, now):
    job_id = job_in("done", price_yuan="80")

    jobs.act(db, job_id, "confirm", poster, Confirm(tip_yuan="10"), now=now)

    # 7200 for the work + the whole 1000 tip; the poster paid 8000 + 1000
    (tip,) = transfers(db, job_id, "tip")
    assert lines_of(db, tip["id"]) == [("wallet", poster["id"], -1000), ("wallet", verified_worker["id"], 1000)]
    assert (wallet(db, verified_worker), commission(db), wallet(db, poster)) == (8200, 800, START - 9000)
    assert ledger.check_books(db) == []


@pytest.mark.parametrize("tip", ["0", "", None])
def test_no_tip_moves_nothing_beyond_the_pay(db, job_in, poster, verified_worker, now, tip):
    job_id = job_in("done", price_yuan="80")

    jobs.act(db, job_id, "confirm", poster, Confirm(tip_yuan=tip), now=now)

    assert transfers(db, job_id, "tip") == []
    assert (wallet(db, verified_worker), wallet(db, poster)) == (7200, START - 8000)


@pytest.mark.parametrize("tip", ["-1", "abc", "0.001", "1e999"])
def test_a_bad_tip_is_refused_and_nothing_changes(db, job_in, poster, verified_worker, now, tip):
    job_id = job_in("done", price_yuan="80")

    with pytest.raises(ValidationError) as refused:
        jobs.act(db, job_id, "confirm", poster, Confirm(tip_yuan=tip), now=now)

    assert refused.value.field == "tip"
    assert (status(db, job_id), escrow(db, job_id), wallet(db, verified_worker)) == ("done", 8000, 0)


def test_a_tip_beyond_the_posters_wallet_changes_nothing(db, people, job_fields, now):
    stranger, worker = people["stranger"], people["verified_worker"]
    give_credit(db, people["organizer"], stranger, "100", now)
    job_id = jobs.post(db, stranger, **job_fields(price_yuan="80"))  # 2000 left
    drive(db, job_id, now, *work(worker))

    with pytest.raises(InsufficientFunds) as refused:
        jobs.act(db, job_id, "confirm", stranger, Confirm(tip_yuan="30"), now=now)

    assert refused.value.params == {"missing_fen": 1000}  # a 3000 tip from 2000
    assert (status(db, job_id), escrow(db, job_id)) == ("done", 8000)
    assert (wallet(db, stranger), wallet(db, worker), commission(db)) == (2000, 0, 0)
    assert ledger.check_books(db) == []


def test_a_double_confirmation_pays_the_tip_once(db, job_in, poster, verified_worker, now):
    job_id = job_in("done", price_yuan="80")

    jobs.act(db, job_id, "confirm", poster, Confirm(tip_yuan="10"), now=now)
    jobs.act(db, job_id, "confirm", poster, Confirm(tip_yuan="10"), now=now)

    assert len(transfers(db, job_id, "tip")) == 1
    assert (wallet(db, verified_worker), wallet(db, poster)) == (8200, START - 9000)


# --- disputes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("detail", ["", "   "])
def test_a_dispute_needs_a_reason(db, job_in, poster, now, detail):
    job_id = job_in("done")

    with pytest.raises(ValidationError) as refused:
        jobs.act(db, job_id, "dispute", poster, Reason(detail), now=now)

    assert (refused.value.field, refused.value.key) == ("detail", "error.dispute_reason")
    assert status(db, job_id) == "done"
    assert db["dispute_statements"].count == 0


def test_the_reason_for_a_dispute_is_its_first_statement(db, job_in, poster, now):
    job_id = job_in("done")

    job = jobs.act(db, job_id, "dispute", poster, Reason("The tap still drips"), now=now)

    assert [(s["author_id"], s["body"]) for s in disputes.statements(db, job, poster)] == [
        (poster["id"], "The tap still drips")
    ]


def test_both_sides_state_their_case_in_order(db, job_in, poster, verified_worker, now):
    job_id = job_in("disputed")

    disputes.add_statement(db, verified_worker, job_id, "It stopped when I left", key="w1", now=now)
    disputes.add_statement(db, poster, job_id, "It started again an hour later", key="p1", now=now)

    said = disputes.statements(db, jobs.get(db, job_id, poster), poster)
    assert [(s["author_id"], s["body"]) for s in said] == [
        (poster["id"], "The tap still drips"),
        (verified_worker["id"], "It stopped when I left"),
        (poster["id"], "It started again an hour later"),
    ]


@pytest.mark.parametrize("who", ["stranger", "second_worker"])
def test_only_the_two_sides_state_their_case(db, job_in, people, now, who):
    job_id = job_in("disputed")

    with pytest.raises(NotAllowed):
        disputes.add_statement(db, people[who], job_id, "I saw it all", key="s1", now=now)

    assert db["dispute_statements"].count == 1  # the reason only


def test_sending_the_same_statement_form_twice_adds_one(db, job_in, verified_worker, now):
    job_id = job_in("disputed")

    first = disputes.add_statement(db, verified_worker, job_id, "It stopped when I left", key="w1", now=now)
    again = disputes.add_statement(db, verified_worker, job_id, "It stopped when I left", key="w1", now=now)

    assert first == again
    assert db["dispute_statements"].count == 2  # the reason and this one


@pytest.mark.parametrize("path", ["done", "completed", "resolved"])
def test_statements_are_only_for_a_disputed_job(db, job_in, poster, now, path):
    job_id = job_in(path)

    with pytest.raises(InvalidTransition) as refused:
        disputes.add_statement(db, poster, job_id, "One more thing", key="p1", now=now)

    assert refused.value.key == "error.not_disputed"


@pytest.mark.parametrize(
    "who, sees", [("poster", True), ("verified_worker", True), ("organizer", True), ("stranger", False)]
)
def test_statements_are_shown_to_the_two_sides_and_organizers_only(db, job_in, people, who, sees):
    job_id = job_in("disputed")

    said = disputes.statements(db, jobs.get(db, job_id, None), people[who])

    assert len(said) == (1 if sees else 0)


def test_the_clock_never_settles_a_disputed_job(db, job_in, poster, verified_worker, now):
    job_id = job_in("disputed", price_yuan="80")

    assert jobs.run_clock(db, now + timedelta(hours=100)) == 0

    assert (status(db, job_id), escrow(db, job_id)) == ("disputed", 8000)
    assert (wallet(db, verified_worker), wallet(db, poster)) == (0, START - 8000)


def test_organizers_see_the_disputes_waiting_for_them(db, job_in, organizer):
    disputed = job_in("disputed")
    job_in("done")

    assert [job["id"] for job in disputes.unresolved(db, organizer)] == [disputed]


@pytest.mark.parametrize("who", ["poster", "verified_worker", "stranger"])
def test_only_organizers_list_disputes(db, job_in, people, who):
    job_in("disputed")

    with pytest.raises(NotAllowed):
        disputes.unresolved(db, people[who])


@pytest.fixture
def everything_owed(db, hourly_job, poster, verified_worker, now):
    """An hourly job done in 3 hours (the extra 4000 approved) with a ¥25.50 material approved: 14550
    held for it. Returns the job."""
    finish(db, hourly_job, verified_worker, now, "3")
    jobs.answer_extra_hours(db, poster, hourly_job, approve=True, now=now)
    materials.decide(
        db, poster, add_material(db, verified_worker, hourly_job, now, amount="25.50"), approve=True, now=now
    )
    assert escrow(db, hourly_job) == 14550
    return hourly_job


@pytest.mark.parametrize("settled_by", ["confirm", "resolve_pay"])
def test_resolving_for_the_worker_pays_what_confirmation_pays(
    db, everything_owed, poster, verified_worker, organizer, now, settled_by
):
    if settled_by == "confirm":
        jobs.act(db, everything_owed, "confirm", poster, now=now)
    else:
        jobs.act(db, everything_owed, "dispute", poster, Reason("Too slow"), now=now)
        jobs.act(db, everything_owed, "resolve_pay", organizer, now=now)

    # the work 12000 (1200 commission, 10800) + the material 2550 whole
    assert (wallet(db, verified_worker), commission(db)) == (10800 + 2550, 1200)
    assert (wallet(db, poster), escrow(db, everything_owed)) == (START - 14550, 0)
    assert ledger.check_books(db) == []


def test_resolving_for_the_poster_gives_everything_back(db, everything_owed, poster, verified_worker, organizer, now):
    jobs.act(db, everything_owed, "dispute", poster, Reason("Never came back"), now=now)

    jobs.act(db, everything_owed, "resolve_refund", organizer, now=now)

    assert (wallet(db, poster), wallet(db, verified_worker), commission(db)) == (START, 0, 0)
    assert escrow(db, everything_owed) == 0
    assert ledger.check_books(db) == []


def test_a_split_pays_the_worker_their_share_less_commission(db, job_in, poster, verified_worker, organizer, now):
    job_id = job_in("disputed", price_yuan="80")

    jobs.act(db, job_id, "resolve_split", organizer, Split(split_yuan="30"), now=now)

    # 3000 to the worker's side: 300 commission, 2700; 8000 - 3000 = 5000 back to the poster
    assert (wallet(db, verified_worker), commission(db)) == (2700, 300)
    assert (wallet(db, poster), escrow(db, job_id)) == (START - 3000, 0)
    assert ledger.check_books(db) == []


def test_a_split_pays_materials_first_and_takes_commission_on_the_rest(
    db, job_in, poster, verified_worker, organizer, now
):
    job_id = job_in("done", price_yuan="80")
    materials.decide(db, poster, add_material(db, verified_worker, job_id, now, amount="20"), approve=True, now=now)
    jobs.act(db, job_id, "dispute", poster, Reason("Half done"), now=now)

    jobs.act(db, job_id, "resolve_split", organizer, Split(split_yuan="50"), now=now)

    # held 10000; 5000 to the worker's side: the material 2000 whole, then 3000 of work (300 commission)
    assert (wallet(db, verified_worker), commission(db)) == (4700, 300)
    assert (wallet(db, poster), escrow(db, job_id)) == (START - 5000, 0)
    assert ledger.check_books(db) == []


def test_a_split_within_the_materials_takes_no_commission(db, job_in, poster, verified_worker, organizer, now):
    job_id = job_in("done", price_yuan="80")
    materials.decide(db, poster, add_material(db, verified_worker, job_id, now, amount="20"), approve=True, now=now)
    jobs.act(db, job_id, "dispute", poster, Reason("Nothing done"), now=now)

    jobs.act(db, job_id, "resolve_split", organizer, Split(split_yuan="15"), now=now)

    # 1500 to the worker's side, all of it towards the 2000 material: no commission; 8500 back
    assert (wallet(db, verified_worker), commission(db)) == (1500, 0)
    assert (wallet(db, poster), escrow(db, job_id)) == (START - 1500, 0)
    assert ledger.check_books(db) == []


@pytest.mark.parametrize("split", ["0", "80", "80.01", "200"])
def test_a_split_must_leave_something_to_each_side(db, job_in, poster, organizer, now, split):
    job_id = job_in("disputed", price_yuan="80")

    with pytest.raises(ValidationError) as refused:
        jobs.act(db, job_id, "resolve_split", organizer, Split(split_yuan=split), now=now)

    assert (refused.value.field, refused.value.key) == ("split", "error.split_range")
    assert (status(db, job_id), escrow(db, job_id), commission(db)) == ("disputed", 8000, 0)


def test_a_split_that_is_not_an_amount_is_refused(db, job_in, organizer, now):
    job_id = job_in("disputed", price_yuan="80")

    with pytest.raises(ValidationError) as refused:
        jobs.act(db, job_id, "resolve_split", organizer, Split(split_yuan="half"), now=now)

    assert refused.value.field == "split"
    assert (status(db, job_id), escrow(db, job_id)) == ("disputed", 8000)


@pytest.mark.parametrize("resolution", ["resolve_pay", "resolve_refund", "resolve_split"])
def test_a_resolution_rejects_a_material_left_waiting(db, job_in, poster, verified_worker, organizer, now, resolution):
    job_id = job_in("done", price_yuan="80")
    material_id = add_material(db, verified_worker, job_id, now, amount="20")
    jobs.act(db, job_id, "dispute", poster, Reason("Half done"), now=now)

    jobs.act(db, job_id, resolution, organizer, request(resolution, **SPLIT.get(resolution, {})), now=now)

    assert db["job_materials"].get(material_id)["status"] == "rejected"
    assert escrow(db, job_id) == 0
    assert ledger.check_books(db) == []


@pytest.mark.parametrize("resolution", ["resolve_pay", "resolve_refund", "resolve_split"])
def test_an_organizer_cannot_resolve_a_dispute_over_their_own_job(
    db, post_job, organizer, verified_worker, now, resolution
):
    give_credit(db, organizer, organizer, "100", now)
    job_id = post_job(actor=organizer, price_yuan="80")
    drive(db, job_id, now, *work(verified_worker), ("dispute", organizer, {"detail": "Not done"}))

    with pytest.raises(NotAllowed):
        jobs.act(db, job_id, resolution, organizer, request(resolution, **SPLIT.get(resolution, {})), now=now)

    assert (status(db, job_id), escrow(db, job_id)) == ("disputed", 8000)
    assert (wallet(db, organizer), wallet(db, verified_worker)) == (2000, 0)


@pytest.mark.parametrize("resolution", ["resolve_pay", "resolve_refund", "resolve_split"])
def test_both_sides_rate_each_other_after_a_resolution(db, job_in, poster, verified_worker, organizer, now, resolution):
    job_id = job_in("disputed")
    jobs.act(db, job_id, resolution, organizer, request(resolution, **SPLIT.get(resolution, {})), now=now)

    reviews.rate(db, poster, job_id, stars=2, comment="Slow", now=now)
    reviews.rate(db, verified_worker, job_id, stars=4, now=now)

    assert status(db, job_id) == "resolved"
    assert sorted((r["author_id"], r["stars"]) for r in db["reviews"].rows_where("job_id = ?", [job_id])) == sorted(
        [(poster["id"], 2), (verified_worker["id"], 4)]
    )


# --- a mixed day ---------------------------------------------------------------------------------


def test_every_fen_of_a_mixed_day_ends_where_it_belongs(db, people, post_job, job_fields, now):
    poster, stranger, organizer = people["poster"], people["stranger"], people["organizer"]
    one, two = people["verified_worker"], people["second_worker"]
    give_credit(db, organizer, stranger, "100", now)

    # A: ¥80, worker one, a ¥10 tip. One +7200 +1000; commission 800; poster -9000
    a = post_job(price_yuan="80")
    drive(db, a, now, *work(one), ("confirm", poster, {"tip_yuan": "10"}))
    # B: ¥40 × 2 h, worker two works 3 h, extra approved. Two +10800; commission 1200; poster -12000
    b = post_job(**HOURLY)
    drive(db, b, now, *work(two, "3"))
    jobs.answer_extra_hours(db, poster, b, approve=True, now=now)
    drive(db, b, now, ("confirm", poster))
    # C: ¥40 × 2 h, worker one works 1.5 h, ¥25.50 material approved. Work 6000 (600 commission,
    # 5400) + 2550: one +7950; commission 600; poster -8000 -2550 +2000 = -8550
    c = post_job(**HOURLY)
    drive(db, c, now, *work(one, "1.5"))
    materials.decide(db, poster, add_material(db, one, c, now, amount="25.50", key="c"), approve=True, now=now)
    drive(db, c, now, ("confirm", poster))
    # D: ¥80, worker two, ¥20 material approved, disputed, split ¥50: 2000 material + 3000 work (300
    # commission): two +4700; commission 300; poster -10000 +5000 = -5000
    d = post_job(price_yuan="80")
    drive(db, d, now, ("claim", two), ("start", two))
    material_d = add_material(db, two, d, now, amount="20", key="d")
    drive(db, d, now, ("finish", two))
    materials.decide(db, poster, material_d, approve=True, now=now)
    drive(db, d, now, ("dispute", poster, {"detail": "Half done"}))
    disputes.add_statement(db, two, d, "The other half needs a part", key="d", now=now)
    drive(db, d, now, ("resolve_split", organizer, {"split_yuan": "50"}))
    # E: ¥60 cancelled while open: nothing moves for good
    e = post_job(price_yuan="60")
    drive(db, e, now, ("cancel", poster))
    # F: ¥33.33, claimed by one, cancelled late (2 hours before the start): fee 20 % of 3333 = 666
    f = post_job(price_yuan="33.33", window_start=now + timedelta(hours=2), window_end=now + timedelta(hours=5))
    drive(db, f, now, ("claim", one), ("cancel", poster))
    # G: ¥50, worker two, disputed, refunded: nothing moves for good
    g = post_job(price_yuan="50")
    drive(db, g, now, *work(two), ("dispute", poster, {"detail": "Broke a vase"}), ("resolve_refund", organizer))
    # H: ¥45, worker one still at it: 4500 held
    h = post_job(price_yuan="45")
    drive(db, h, now, ("claim", one), ("start", one))
    # J: the stranger's ¥70, worker one, a ¥5 tip. One +6300 +500; commission 700; stranger -7500
    j = jobs.post(db, stranger, **job_fields(price_yuan="70"))
    drive(db, j, now, *work(one), ("confirm", stranger, {"tip_yuan": "5"}))
    # I: ¥30 × 1 h, worker two records 2 h, nobody answers; confirmed by the clock: the estimate 3000
    # (300 commission, 2700); poster -3000
    i = post_job(price_type="hourly", price_yuan="30", est_hours="1")
    drive(db, i, now, *work(two, "2"))
    assert jobs.run_clock(db, now + AFTER_AUTO_CONFIRM) == 1

    assert [status(db, job) for job in (a, b, c, d, e, f, g, h, i, j)] == [
        "completed",
        "completed",
        "completed",
        "resolved",
        "cancelled",
        "cancelled",
        "resolved",
        "in_progress",
        "completed",
        "completed",
    ]
    assert wallet(db, one) == 8200 + 7950 + 666 + 6800  # 23616
    assert wallet(db, two) == 10800 + 4700 + 2700  # 18200
    assert wallet(db, poster) == START - (9000 + 12000 + 8550 + 5000 + 666 + 4500 + 3000)  # START - 42716
    assert wallet(db, stranger) == 10000 - 7500
    assert wallet(db, organizer) == 0
    assert commission(db) == 800 + 1200 + 600 + 300 + 300 + 700  # 3900
    assert [escrow(db, job) for job in (a, b, c, d, e, f, g, h, i, j)] == [0, 0, 0, 0, 0, 0, 0, 4500, 0, 0]
    all_wallets = db.execute(
        "SELECT SUM(l.amount_fen) FROM ledger_lines l JOIN accounts a ON a.id = l.account_id WHERE a.kind = 'wallet'"
    ).fetchone()[0]
    all_escrows = sum(escrow(db, job) for job in (a, b, c, d, e, f, g, h, i, j))
    topped_up = START + 10000
    assert -ledger.balance_of(db, "cash") == topped_up
    assert all_wallets + commission(db) + all_escrows == topped_up
    assert ledger.check_books(db) == []
