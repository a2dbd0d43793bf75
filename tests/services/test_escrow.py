"""Money through the job lifecycle: a paid grab job's price is held when posted, booking holds the
accepted quote, confirmation pays the worker less the commission, cancellation and expiry give it
back (a late cancellation pays the worker a capped fee), and nothing is ever created or lost."""

from datetime import timedelta

import pytest

from services import booking, fees, jobs, ledger, settings, users
from services.errors import InsufficientFunds, NotAllowed, ValidationError
from tests.services.conftest import STARTING_CREDIT

START = int(STARTING_CREDIT) * 100


def wallet(db, person) -> int:
    return ledger.balance_of(db, "wallet", user_id=person["id"])


def escrow(db, job_id) -> int:
    return ledger.balance_of(db, "escrow", job_id=job_id)


def test_posting_a_paid_job_holds_its_price(db, post_job, poster):
    job_id = post_job(price_yuan="80")

    assert (wallet(db, poster), escrow(db, job_id)) == (START - 8000, 8000)
    assert ledger.check_books(db) == []


def test_an_hourly_job_holds_the_rate_times_the_estimated_hours(db, post_job, poster):
    job_id = post_job(price_type="hourly", price_yuan="35.5", est_hours="1.5")

    assert escrow(db, job_id) == 5325


def test_a_free_favour_moves_no_money(db, post_job, job_in, poster, now):
    transfers = db["transfers"].count
    job_in("completed", price_yuan="0")

    assert db["transfers"].count == transfers


def test_posting_without_enough_credit_stores_nothing_and_says_what_is_missing(db, people, job_fields, now):
    stranger = people["stranger"]
    ledger.top_up(db, people["organizer"], stranger["id"], "30", key="a-little", now=now)

    with pytest.raises(InsufficientFunds) as refused:
        jobs.post(db, stranger, **job_fields(price_yuan="80"))

    assert refused.value.params == {"missing_fen": 5000}
    assert db["jobs"].count == 0 and wallet(db, stranger) == 3000


def test_confirmation_pays_the_worker_less_the_commission(db, job_in, poster, verified_worker):
    job_id = job_in("completed", price_yuan="80")

    assert escrow(db, job_id) == 0
    assert wallet(db, verified_worker) == 7200  # ¥80 less 10 %
    assert ledger.balance_of(db, "commission") == 800
    assert wallet(db, poster) == START - 8000
    assert ledger.check_books(db) == []


def test_automatic_confirmation_pays_the_same_way(db, job_in, verified_worker, now):
    job_id = job_in("done", price_yuan="80")

    jobs.run_clock(db, now + jobs.AUTO_CONFIRM_AFTER + timedelta(minutes=1))

    assert jobs.get(db, job_id, None)["status"] == "completed"
    assert (wallet(db, verified_worker), ledger.balance_of(db, "commission")) == (7200, 800)


@pytest.mark.parametrize(
    "price, commission",
    [("0.99", 9), ("0.09", 0), ("12.34", 123), ("999.99", 9999), ("100", 1000)],
)
def test_commission_is_rounded_down_to_the_fen_and_no_fen_is_lost(db, job_in, verified_worker, price, commission):
    job_in("completed", price_yuan=price)
    paid = round(float(price) * 100)

    assert ledger.balance_of(db, "commission") == commission
    assert wallet(db, verified_worker) == paid - commission


def test_the_commission_rate_is_a_setting(db, job_in, verified_worker):
    db["settings"].insert({"key": "commission_pct", "value": "0"})
    job_in("completed", price_yuan="80")

    assert (wallet(db, verified_worker), ledger.balance_of(db, "commission")) == (8000, 0)


@pytest.mark.parametrize("path", ["cancelled", "expired"])
def test_cancelling_or_expiring_an_open_job_gives_everything_back(db, job_in, poster, path):
    job_id = job_in(path, price_yuan="80")

    assert (escrow(db, job_id), wallet(db, poster)) == (0, START)


def test_cancelling_after_assignment_long_before_the_start_gives_everything_back(
    db, job_in, poster, verified_worker, now
):
    starts = now + timedelta(days=3)
    job_id = job_in("assigned", price_yuan="80", window_start=starts, window_end=starts + timedelta(hours=4))

    jobs.act(db, job_id, "cancel", poster, now=now)

    assert (wallet(db, poster), wallet(db, verified_worker)) == (START, 0)


@pytest.mark.parametrize("price, fee", [("80", 1600), ("400", 5000)])  # 20 %, at most ¥50
def test_a_late_cancellation_pays_the_worker_a_capped_fee(db, job_in, poster, verified_worker, now, price, fee):
    starts = now + timedelta(hours=5)  # less than 24 hours away
    job_id = job_in("assigned", price_yuan=price, window_start=starts, window_end=starts + timedelta(hours=4))

    jobs.act(db, job_id, "cancel", poster, now=now)

    assert wallet(db, verified_worker) == fee
    assert wallet(db, poster) == START - fee
    assert escrow(db, job_id) == 0
    assert ledger.check_books(db) == []


def test_a_released_job_keeps_its_money_held_for_the_next_worker(db, job_in, poster, verified_worker):
    job_id = job_in("released", price_yuan="80")

    assert (escrow(db, job_id), wallet(db, verified_worker)) == (8000, 0)


def test_booking_holds_the_accepted_quote_only_when_the_poster_accepts(db, post_job, people, now):
    job_id = post_job(mode="booking", price_yuan="120")
    assert escrow(db, job_id) == 0
    application = booking.apply(db, people["verified_worker"], job_id, quote_yuan="95.50", now=now)

    booking.accept(db, people["poster"], application, now=now)

    assert escrow(db, job_id) == 9550
    assert wallet(db, people["poster"]) == START - 9550


def test_accepting_a_quote_without_the_credit_changes_nothing(db, people, job_fields, now):
    stranger, worker = people["stranger"], people["verified_worker"]
    job_id = jobs.post(db, stranger, **job_fields(mode="booking", price_yuan="50"))  # posting holds nothing
    application = booking.apply(db, worker, job_id, quote_yuan="50", now=now)

    with pytest.raises(InsufficientFunds) as refused:
        booking.accept(db, stranger, application, now=now)

    assert refused.value.params == {"missing_fen": 5000}
    assert jobs.get(db, job_id, None)["status"] == "open"
    assert db.execute("SELECT status FROM applications WHERE id = ?", [application]).fetchone()[0] == "pending"


def test_nothing_is_created_or_lost_over_a_mixed_day(db, job_in, people, now):
    for path in ("completed", "cancelled", "expired", "released", "assigned", "done"):
        job_in(path, price_yuan="33.33")
    everyone = sum(ledger.balance_of(db, "wallet", user_id=u["id"]) for u in users.list_users(db, people["organizer"]))
    held = db.execute(
        "SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_lines l JOIN accounts a ON a.id = l.account_id "
        "WHERE a.kind = 'escrow'"
    ).fetchone()[0]

    assert everyone + held + ledger.balance_of(db, "commission") == START
    assert ledger.check_books(db) == []


MONEY_SETTINGS = ("commission_pct", "cancel_fee_pct", "cancel_fee_cap_fen", "cancel_window_hours")
MONEY_DEFAULTS = {name: settings.DEFAULTS[name] for name in MONEY_SETTINGS}


def settings_of(db) -> dict:
    return {name: settings.whole(db, name) for name in MONEY_SETTINGS}


def test_the_organizer_sets_commission_and_fees_and_they_apply_from_then_on(db, organizer, job_in, verified_worker):
    fees.set_money_settings(
        db, organizer, commission_pct="5", cancel_fee_pct=30, cancel_fee_cap_yuan="20.5", cancel_window_hours="12"
    )

    assert settings_of(db) == {
        "commission_pct": 5,
        "cancel_fee_pct": 30,
        "cancel_fee_cap_fen": 2050,
        "cancel_window_hours": 12,
    }
    job_in("completed", price_yuan="80")
    assert (wallet(db, verified_worker), ledger.balance_of(db, "commission")) == (7600, 400)


@pytest.mark.parametrize(
    "field, value",
    [
        ("commission_pct", "21"),
        ("commission_pct", "-1"),
        ("commission_pct", "12.5"),
        ("commission_pct", "ten"),
        ("cancel_fee_pct", "101"),
        ("cancel_window_hours", "169"),
        ("cancel_fee_cap", "-3"),
    ],
)
def test_money_settings_out_of_range_are_refused_whole(db, organizer, field, value):
    fields = {"commission_pct": "10", "cancel_fee_pct": "20", "cancel_fee_cap_yuan": "50", "cancel_window_hours": "24"}
    fields["cancel_fee_cap_yuan" if field == "cancel_fee_cap" else field] = value

    with pytest.raises(ValidationError) as refused:
        fees.set_money_settings(db, organizer, **fields)

    assert refused.value.field == field
    assert settings_of(db) == MONEY_DEFAULTS


@pytest.mark.parametrize("who", ["poster", "verified_worker", "stranger"])
def test_only_organizers_change_money_settings(db, people, who):
    with pytest.raises(NotAllowed):
        fees.set_money_settings(
            db, people[who], commission_pct="0", cancel_fee_pct="0", cancel_fee_cap_yuan="0", cancel_window_hours="0"
        )

    assert settings_of(db) == MONEY_DEFAULTS


def test_cancelling_after_the_window_has_ended_pays_a_helper_who_never_began_nothing(
    db, job_in, poster, verified_worker, now
):
    job_id = job_in("assigned", price_yuan="80", window_end=now + timedelta(hours=1))

    jobs.act(db, job_id, "cancel", poster, now=now + timedelta(hours=2))  # the helper never came

    assert (wallet(db, verified_worker), wallet(db, poster), escrow(db, job_id)) == (0, START, 0)


def test_cancelling_while_the_window_is_under_way_still_pays_the_fee(db, job_in, poster, verified_worker, now):
    job_id = job_in("assigned", price_yuan="80")  # the window began an hour ago: the helper may be at the door

    jobs.act(db, job_id, "cancel", poster, now=now)

    assert wallet(db, verified_worker) == 1600
