"""The wallet as a statement (each line named, with its job and the balance after it) and the receipt
of a settled job (held = paid + commission + what came back), through the real services. The
commission is 10 %; the fixed price ¥80 (valid_job_fields)."""

import pytest

from services import booking, jobs, ledger, materials, statements
from services.errors import InvalidTransition, NotAllowed
from services.transitions import Confirm, Finish, request
from tests.services.conftest import act_as_sent

HOURLY = {"price_type": "hourly", "price_yuan": "40", "est_hours": "2"}  # ¥40 × 2 h: 8000 held


def named(db, person) -> list[tuple[str, int, int | None]]:
    """(what, amount, job) of each line of a person's wallet, oldest first, as its owner reads it."""
    return [
        (line["what"], line["amount_fen"], line["job_id"]) for line in statements.wallet_lines(db, person["id"], person)
    ]


def drive(db, people, job_id, steps, now) -> None:
    for action, who, *sent in steps:
        jobs.act(db, job_id, action, people[who], *(sent or [request(action)]), now=now)


def worked_with_extras(db, people, post_job, now) -> int:
    """An hourly job worked 3 h of an estimated 2 (the extra approved), a material approved and one
    rejected, confirmed with a ¥5 tip."""
    job_id = post_job(**HOURLY)
    drive(db, people, job_id, [("claim", "verified_worker"), ("start", "verified_worker")], now)
    glue, paint = (
        materials.add(
            db, people["verified_worker"], job_id, what=what, amount_yuan=yuan, receipt=None, key=what, now=now
        )
        for what, yuan in (("Glue", "12"), ("Paint", "30"))
    )
    materials.decide(db, people["poster"], glue, approve=True, now=now)
    materials.decide(db, people["poster"], paint, approve=False, now=now)
    jobs.act(db, job_id, "finish", people["verified_worker"], Finish(hours="3"), now=now)
    jobs.answer_extra_hours(db, people["poster"], job_id, approve=True, now=now)
    jobs.act(db, job_id, "confirm", people["poster"], Confirm(tip_yuan="5"), now=now)
    return job_id


def test_a_completed_job_with_extras_reads_line_by_line_on_both_wallets(db, people, post_job, now):
    job_id = worked_with_extras(db, people, post_job, now)
    assert named(db, people["poster"]) == [
        ("topup", 10_000_000, None),  # the template's starting credit
        ("held", -8000, job_id),
        ("held_material", -1200, job_id),
        ("held_extra", -4000, job_id),
        ("tip_given", -500, job_id),
    ]
    assert named(db, people["verified_worker"]) == [
        ("paid", 12000, job_id),  # ¥120 of work less ¥12 commission, and the ¥12 material
        ("tip_received", 500, job_id),
    ]
    paid, _ = statements.wallet_lines(db, people["verified_worker"]["id"], people["verified_worker"])
    assert (paid["commission_fen"], paid["title"]) == (1200, jobs.get(db, job_id, None)["title"])
    held_material = statements.wallet_lines(db, people["poster"]["id"], people["poster"])[2]
    assert held_material["material"] == "Glue"


def test_the_receipt_of_a_job_with_extras_adds_up(db, people, post_job, now):
    job_id = worked_with_extras(db, people, post_job, now)
    receipt = statements.receipt(db, people["poster"], job_id)
    assert (receipt.held_fen, receipt.paid_fen, receipt.commission_fen, receipt.back_fen, receipt.tip_fen) == (
        13200,
        12000,
        1200,
        0,
        500,
    )
    assert receipt.held_fen == receipt.paid_fen + receipt.commission_fen + receipt.back_fen
    assert [(m["what"], m["status"]) for m in receipt.materials] == [("Glue", "approved"), ("Paint", "rejected")]
    assert (receipt.poster_paid_fen, receipt.helper_got_fen) == (13700, 12500)


def worked_less(db, people, post_job, now) -> int:
    """An hourly job worked 1 h of an estimated 2, confirmed."""
    job_id = post_job(**HOURLY)
    drive(db, people, job_id, [("claim", "verified_worker"), ("start", "verified_worker")], now)
    jobs.act(db, job_id, "finish", people["verified_worker"], Finish(hours="1"), now=now)
    jobs.act(db, job_id, "confirm", people["poster"], Confirm(), now=now)
    return job_id


def booked_again_for_less(db, people, post_job, now) -> int:
    """A booking job accepted at ¥95, given back, then accepted at ¥70."""
    job_id = post_job(mode="booking")
    first = booking.apply(db, people["second_worker"], job_id, quote_yuan="95", now=now)
    booking.accept(db, people["poster"], first, now=now)
    jobs.act(db, job_id, "release", people["second_worker"], now=now)
    second = booking.apply(db, people["verified_worker"], job_id, quote_yuan="70", now=now)
    booking.accept(db, people["poster"], second, now=now)
    return job_id


def test_fewer_hours_than_set_aside_come_back_to_the_poster(db, people, post_job, now):
    job_id = worked_less(db, people, post_job, now)
    assert named(db, people["poster"])[-1] == ("unused_back", 4000, job_id)
    receipt = statements.receipt(db, people["verified_worker"], job_id)
    assert (receipt.held_fen, receipt.paid_fen, receipt.commission_fen, receipt.back_fen) == (8000, 3600, 400, 4000)
    assert receipt.back_what == "unused_back"


@pytest.mark.parametrize(
    "resolution, poster_back, worker_line, commission",
    [
        ("resolve_refund", ("dispute_refund", 8000), None, 0),
        ("resolve_split", ("dispute_refund", 5000), ("dispute_share", 2700), 300),  # ¥30 to the helper
        ("resolve_pay", None, ("paid", 7200), 800),
    ],
)
def test_a_dispute_refund_reads_as_a_refund_and_never_as_pay(
    db, people, job_in, now, resolution, poster_back, worker_line, commission
):
    job_id = job_in("disputed")
    act_as_sent(db, job_id, resolution, people["organizer"], now)
    assert named(db, people["poster"])[-1] == ((*poster_back, job_id) if poster_back else ("held", -8000, job_id))
    assert named(db, people["verified_worker"]) == ([(*worker_line, job_id)] if worker_line else [])
    receipt = statements.receipt(db, people["organizer"], job_id)
    assert receipt.held_fen == 8000 == receipt.paid_fen + receipt.commission_fen + receipt.back_fen
    assert receipt.commission_fen == commission
    assert receipt.back_what == ("dispute_refund" if poster_back else "unused_back")


def test_a_late_cancellation_refunds_the_poster_and_pays_the_helper_a_fee(db, people, job_in):
    job_id = job_in("cancelled_after_assignment")
    what, fee, paid_for = named(db, people["verified_worker"])[-1]
    assert (what, paid_for, fee > 0) == ("cancel_fee", job_id, True)
    assert named(db, people["poster"])[-1] == ("cancel_refund", 8000 - fee, job_id)


def test_an_expired_job_says_nobody_took_it(db, people, job_in):
    job_id = job_in("expired")
    assert named(db, people["poster"])[-1] == ("expired_refund", 8000, job_id)


def test_a_lower_quote_after_a_release_gives_the_difference_back(db, people, post_job, now):
    job_id = booked_again_for_less(db, people, post_job, now)
    assert named(db, people["poster"])[-2:] == [("held", -9500, job_id), ("quote_lower", 2500, job_id)]


def test_cash_in_and_out_are_named_and_belong_to_no_job(db, people, organizer, now):
    ledger.top_up(db, organizer, people["stranger"]["id"], "50", key="in", now=now)
    ledger.payout(db, organizer, people["stranger"]["id"], "20", key="out", now=now)
    lines = statements.wallet_lines(db, people["stranger"]["id"], organizer)
    assert [(line["what"], line["title"], line["running_fen"]) for line in lines] == [
        ("topup", None, 5000),
        ("payout", None, 3000),
    ]


def test_every_line_the_ledger_writes_has_a_name_and_the_last_balance_is_the_wallet(db, people, post_job, job_in, now):
    """Every way money reaches a wallet, once each: together they give every name in WHAT."""
    worked_with_extras(db, people, post_job, now)
    worked_less(db, people, post_job, now)
    for resolution in ("resolve_refund", "resolve_split"):
        act_as_sent(db, job_in("disputed"), resolution, people["organizer"], now)
    job_in("cancelled_after_assignment")
    job_in("expired")
    booked_again_for_less(db, people, post_job, now)
    ledger.payout(db, people["organizer"], people["verified_worker"]["id"], "1", key="out", now=now)
    seen = set()
    for person in (people["poster"], people["verified_worker"]):
        lines = statements.wallet_lines(db, person["id"], person)
        seen |= {line["what"] for line in lines}
        assert lines[-1]["running_fen"] == ledger.wallet_fen(db, person["id"], person)
    assert seen == set(statements.WHAT)


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("poster", True),
        ("verified_worker", True),
        ("organizer", True),
        ("second_worker", False),
        ("stranger", False),
        (None, False),
    ],
)
def test_only_the_two_sides_and_organizers_see_a_receipt(db, people, job_in, who, allowed):
    job_id = job_in("completed")
    viewer = people[who] if who else None
    if allowed:
        assert statements.receipt(db, viewer, job_id).held_fen == 8000
    else:
        with pytest.raises(NotAllowed):
            statements.receipt(db, viewer, job_id)


@pytest.mark.parametrize("path", ["done", "disputed", "cancelled", "expired"])
def test_a_job_not_settled_has_no_receipt_yet(db, people, job_in, path):
    with pytest.raises(InvalidTransition):
        statements.receipt(db, people["poster"], job_in(path))


def test_a_wallet_statement_is_for_its_owner_and_organizers_only(db, people):
    with pytest.raises(NotAllowed):
        statements.wallet_lines(db, people["poster"]["id"], people["stranger"])
