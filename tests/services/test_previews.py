"""What a page shows before the person confirms (#15 item 6) is what the action then does: each
preview (jobs.preview, booking.preview, materials.preview, ledger.cash_preview) writes nothing, and
the money the action moves right after equals its plan to the fen, over random prices, commissions,
cancellation fees, tips, shares and materials (hypothesis)."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services import booking, fees, jobs, ledger, materials
from services.errors import InsufficientFunds, ValidationError
from services.transitions import Reason, request
from tests.services.conftest import valid_job_fields

EXAMPLES = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ACTIONS = ("claim", "confirm", "cancel_late", "cancel_open", "resolve_pay", "resolve_refund", "resolve_split")


def balances(db, job_id: int, poster: dict, worker: dict) -> dict[str, int]:
    return {
        "poster": ledger.balance_of(db, "wallet", user_id=poster["id"]),
        "worker": ledger.balance_of(db, "wallet", user_id=worker["id"]),
        "commission": ledger.balance_of(db, "commission"),
        "escrow": ledger.balance_of(db, "escrow", job_id=job_id),
    }


def expected_moves(preview: jobs.Preview) -> dict[str, int]:
    """Each account's change as the plan says it: the hold, the escrow emptied, the tip."""
    plan = preview["money"]
    emptied = plan["held"] if plan["kind"] else 0
    return {
        "poster": -plan["hold"] - plan["tip"] + plan["to_poster"],
        "worker": plan["to_worker"] + plan["tip"],
        "commission": plan["commission"],
        "escrow": plan["hold"] - emptied,
    }


def tables(db) -> list:
    return [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone() for t in ("transfers", "job_events", "job_materials")]


@pytest.fixture
def settings_as(db, organizer):
    def set_(commission: int, fee_pct: int, cap_yuan: int) -> None:
        fees.set_money_settings(
            db,
            organizer,
            commission_pct=commission,
            cancel_fee_pct=fee_pct,
            cancel_fee_cap_yuan=str(cap_yuan),
            cancel_window_hours=24,
        )

    return set_


@EXAMPLES
@given(
    action=st.sampled_from(ACTIONS),
    price_fen=st.integers(1, 50_000),
    commission=st.integers(0, 20),
    fee_pct=st.integers(0, 100),
    cap_yuan=st.integers(0, 100),
    tip_fen=st.integers(0, 3_000),
    material_fen=st.integers(0, 5_000),
    share=st.floats(0.01, 0.99),
)
def test_an_actions_preview_is_exactly_what_it_then_moves(
    db,
    poster,
    verified_worker,
    organizer,
    settings_as,
    now,
    action,
    price_fen,
    commission,
    fee_pct,
    cap_yuan,
    tip_fen,
    material_fen,
    share,
):
    settings_as(commission, fee_pct, cap_yuan)
    starts = now - timedelta(hours=1) if action != "cancel_open" else now + timedelta(days=3)
    job_id = jobs.post(
        db,
        poster,
        **valid_job_fields(
            now, price_yuan=f"{price_fen / 100:.2f}", window_start=starts, window_end=starts + timedelta(hours=6)
        ),
    )
    steps = {"claim": (), "cancel_open": (), "cancel_late": ("claim",)}.get(action, ("claim", "start"))
    for step in steps:
        jobs.act(db, job_id, step, verified_worker, now=now)
    pending = None
    if action.startswith("resolve") or action == "confirm":
        if material_fen:
            pending = materials.add(
                db,
                verified_worker,
                job_id,
                what="Nails",
                amount_yuan=f"{material_fen / 100:.2f}",
                receipt=None,
                key=f"m{job_id}",
                now=now,
            )
            if action == "confirm":  # the poster answers every line before confirming
                materials.decide(db, poster, pending, approve=True, now=now)
        jobs.act(db, job_id, "finish", verified_worker, now=now)
    if action.startswith("resolve"):
        jobs.act(db, job_id, "dispute", poster, Reason("Not done"), now=now)
    who = {"claim": verified_worker, "confirm": poster}.get(
        action, organizer if action.startswith("resolve") else poster
    )
    name = "cancel" if action.startswith("cancel") else action
    held = ledger.balance_of(db, "escrow", job_id=job_id)
    typed = {
        "confirm": {"tip_yuan": f"{tip_fen / 100:.2f}"},
        "resolve_split": {"split_yuan": f"{max(1, int(held * share)) / 100:.2f}"},
    }.get(action, {})
    if action == "resolve_split" and not 0 < max(1, int(held * share)) < held:
        return  # nothing to split between two sides
    sent = request(name, **typed)
    before_tables, before = tables(db), balances(db, job_id, poster, verified_worker)

    preview = jobs.preview(db, job_id, name, who, sent, now=now)

    assert tables(db) == before_tables, "a preview writes nothing"
    jobs.act(db, job_id, name, who, sent, now=now)
    after = balances(db, job_id, poster, verified_worker)
    assert {k: after[k] - before[k] for k in after} == expected_moves(preview)
    if action.startswith("resolve") and pending:
        assert [line["id"] for line in preview["waiting"]] == [pending]
        assert materials.for_job(db, jobs.get(db, job_id, None), organizer)[0]["status"] == "rejected"
    else:
        assert preview["waiting"] == []
    if action == "claim":
        assert preview["worker_gets"] + preview["commission"] == price_fen


@EXAMPLES
@given(quote_fen=st.integers(1, 50_000), commission=st.integers(0, 20))
def test_accepting_a_quote_previews_the_hold_it_then_takes(
    db, poster, verified_worker, organizer, settings_as, now, quote_fen, commission
):
    settings_as(commission, 20, 50)
    job_id = jobs.post(db, poster, **valid_job_fields(now, mode="booking"))
    application = booking.apply(db, verified_worker, job_id, quote_yuan=f"{quote_fen / 100:.2f}", now=now)
    before = balances(db, job_id, poster, verified_worker)

    preview = booking.preview(db, poster, application, now=now)
    booking.accept(db, poster, application, now=now)

    after = balances(db, job_id, poster, verified_worker)
    assert {k: after[k] - before[k] for k in after} == expected_moves(preview)
    assert preview["money"]["hold"] == quote_fen
    assert preview["worker_gets"] == quote_fen - quote_fen * commission // 100


def test_a_preview_the_poster_cannot_pay_for_says_what_is_missing(db, poster, verified_worker, organizer, now):
    job_id = jobs.post(db, poster, **valid_job_fields(now))
    for step in ("claim", "start", "finish"):
        jobs.act(db, job_id, step, verified_worker, now=now)
    wallet = ledger.balance_of(db, "wallet", user_id=poster["id"])

    with pytest.raises(InsufficientFunds) as refused:
        jobs.preview(db, job_id, "confirm", poster, request("confirm", tip_yuan=f"{(wallet + 100) / 100:.2f}"), now=now)
    assert refused.value.params == {"missing_fen": 100}


def test_a_materials_preview_is_the_amount_approving_holds(db, poster, verified_worker, now):
    job_id = jobs.post(db, poster, **valid_job_fields(now))
    for step in ("claim", "start"):
        jobs.act(db, job_id, step, verified_worker, now=now)
    line = materials.add(db, verified_worker, job_id, what="Glue", amount_yuan="12.34", receipt=None, key="g", now=now)
    escrow_before = ledger.balance_of(db, "escrow", job_id=job_id)

    assert materials.preview(db, poster, line)["amount_fen"] == 1234
    materials.decide(db, poster, line, approve=True, now=now)
    assert ledger.balance_of(db, "escrow", job_id=job_id) - escrow_before == 1234


@pytest.mark.parametrize("kind", ["topup", "payout"])
def test_a_cash_preview_is_the_balance_the_recording_leaves(db, organizer, poster, now, kind):
    move = ledger.cash_preview(db, organizer, poster["id"], "12.50", kind)
    record = ledger.top_up if kind == "topup" else ledger.payout
    record(db, organizer, poster["id"], "12.50", key="k", now=now)

    assert move["amount_fen"] == 1250
    assert ledger.balance_of(db, "wallet", user_id=poster["id"]) == move["after_fen"]


def test_a_payout_above_the_balance_is_refused_under_the_amount_with_the_balance(db, organizer, verified_worker, now):
    ledger.top_up(db, organizer, verified_worker["id"], "10", key="t", now=now)
    for attempt in (
        lambda: ledger.cash_preview(db, organizer, verified_worker["id"], "10.01", "payout"),
        lambda: ledger.payout(db, organizer, verified_worker["id"], "10.01", key="p", now=now),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert (refused.value.field, refused.value.key) == ("amount", "error.payout_over_balance")
        assert refused.value.params == {"balance_fen": 1000}
