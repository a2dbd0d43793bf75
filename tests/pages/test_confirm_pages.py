"""Nothing moves on one tap (#15 item 6), used as people use it (AppTest, the real app on a real
SQLite file): each action that moves or holds money, and blocking an account, first shows what will
move; after that first tap the database is exactly as before, "Back" leaves it so, and "Confirm" does
it once, a second confirm of the same request (a double click) included."""

import pytest

from services import booking, jobs, ledger, materials, users
from services.clock import utcnow
from services.transitions import Finish, Reason
from tests.pages.conftest import JOB_PAGE, button, form_field, job_fields, text, unescape_markdown
from tests.pages.test_pages import errors

ORGANIZER_CASH = "app_pages/organizer_cash.py"
ORGANIZER_USERS = "app_pages/organizer_users.py"
TABLES = ("jobs", "job_events", "transfers", "ledger_lines", "job_materials", "applications", "users")


def dump(db) -> dict:
    """Every row of the tables an action may change."""
    return {table: db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in TABLES}


def job_at(db, person, steps: tuple[str, ...], **overrides) -> int:
    """A job of the poster's (¥80 unless said), taken through `steps` by the verified worker."""
    job_id = jobs.post(db, person("poster"), **job_fields(utcnow(), **({"price_yuan": "80"} | overrides)))
    for action in steps:
        jobs.act(db, job_id, action, person("worker"), now=utcnow())
    return job_id


def summary(at, lang: str) -> list[str]:
    """The confirmation box's lines as read ("what: **¥x**"), then its notes."""
    box = _box(at.main, f"**{text(lang, 'confirm.title')}**")
    assert box is not None, "no confirmation box"
    return [unescape_markdown(node.value) for node in _leaves(box) if node.type in ("markdown", "caption")][1:]


def _box(block, title: str):
    """The innermost block whose first element is the confirmation's title."""
    children = list(getattr(block, "children", {}).values())
    if children and not hasattr(children[0], "children") and getattr(children[0], "value", None) == title:
        return block
    return next((found for child in children if (found := _box(child, title)) is not None), None)


def _leaves(block):
    for child in getattr(block, "children", {}).values():
        if hasattr(child, "children"):
            yield from _leaves(child)
        else:
            yield child


def line(lang: str, key: str, fen: int, **params) -> str:
    return f"{text(lang, key, **params)}{text(lang, 'confirm.colon')}**¥{fen / 100:,.2f}**"


def asks_then_does(at, db, lang: str, first, name: str, expected: list[str]) -> tuple[dict, dict]:
    """Tap `first`; check nothing changed and the box says `expected`; Back; tap again; Confirm
    twice (the second as a double click's second click, the same request once more). Returns the
    database before and after."""
    before = dump(db)
    first().click().run()
    assert not at.exception and not errors(at), [e.value for e in at.exception] + errors(at)
    assert dump(db) == before, "the first tap moved something"
    assert summary(at, lang) == expected
    at.button(key=f"{name}_back").click().run()
    assert dump(db) == before and not at.exception
    assert not [b for b in at.button if b.key == f"{name}_yes"]
    first().click().run()
    asked = at.session_state[f"_confirm_{name}"]
    at.button(key=f"{name}_yes").click().run()
    assert not at.exception and not errors(at), errors(at)
    after = dump(db)
    assert after != before
    at.session_state[f"_confirm_{name}"] = asked  # the second click of a double click, asking again
    at.run()
    if [b for b in at.button if b.key == f"{name}_yes"]:
        at.button(key=f"{name}_yes").click().run()
    assert dump(db)["transfers"] == after["transfers"] and dump(db)["job_events"] == after["job_events"]
    return before, after


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_claiming_a_paid_job_shows_what_the_helper_gets_first(open_page, person, db, lang):
    job_id = job_at(db, person, ())
    at = open_page(JOB_PAGE, lang=lang, user=person("worker"), id=job_id)

    expected = [
        line(lang, "confirm.held", 8000),
        line(lang, "confirm.worker_will_get", 7200),  # ¥80 less the 10 % commission
        line(lang, "confirm.commission_later", 800),
    ]
    asks_then_does(at, db, lang, lambda: button(at, text(lang, "action.claim")), f"job_claim_{job_id}", expected)
    assert jobs.get(db, job_id, None)["status"] == "assigned"


def test_confirming_with_a_tip_shows_the_split_and_the_tip_then_pays_once(open_page, person, db):
    poster, worker = person("poster"), person("worker")
    job_id = job_at(db, person, ("claim", "start", "finish"))
    worker_before = ledger.balance_of(db, "wallet", user_id=worker["id"])
    at = open_page(JOB_PAGE, lang="en", user=poster, id=job_id)
    at.text_input(key=f"job_tip_{job_id}").set_value("5")

    expected = [
        line("en", "confirm.held", 8000),
        line("en", "confirm.to_worker", 7200),
        line("en", "confirm.commission", 800),
        line("en", "confirm.tip", 500),
    ]
    asks_then_does(at, db, "en", lambda: button(at, text("en", "action.confirm")), f"job_confirm_{job_id}", expected)
    assert jobs.get(db, job_id, None)["status"] == "completed"
    assert ledger.balance_of(db, "wallet", user_id=worker["id"]) - worker_before == 7200 + 500


def test_a_late_cancellation_shows_its_fee_before_it_is_charged(open_page, person, db):
    job_id = job_at(db, person, ("claim",))  # the window has begun: a cancellation now is late
    at = open_page(JOB_PAGE, lang="zh_CN", user=person("poster"), id=job_id)

    expected = [
        line("zh_CN", "confirm.held", 8000),
        line("zh_CN", "confirm.fee", 1600),  # 20 % of ¥80, under the ¥50 cap
        line("zh_CN", "confirm.to_poster", 6400),
        text("zh_CN", "action.cancel_confirm"),
    ]
    asks_then_does(
        at, db, "zh_CN", lambda: button(at, text("zh_CN", "action.cancel")), f"job_cancel_{job_id}", expected
    )
    assert jobs.get(db, job_id, None)["status"] == "cancelled"


def test_approving_a_material_shows_what_is_held_first(open_page, person, db):
    job_id = job_at(db, person, ("claim", "start"))
    line_id = materials.add(
        db, person("worker"), job_id, what="Screws", amount_yuan="20", receipt=None, key="s", now=utcnow()
    )
    at = open_page(JOB_PAGE, lang="en", user=person("poster"), id=job_id)

    expected = [line("en", "confirm.material_hold", 2000, what="Screws"), text("en", "confirm.material_note")]
    asks_then_does(
        at, db, "en", lambda: button(at, text("en", "materials.approve")), f"job_money_material_{line_id}", expected
    )
    assert materials.approved_fen(db, job_id) == 2000


def test_approving_extra_hours_shows_what_is_held_first(open_page, person, db):
    job_id = job_at(db, person, ("claim", "start"), price_type="hourly", price_yuan="40", est_hours=2)
    jobs.act(db, job_id, "finish", person("worker"), Finish(hours="2.5"), now=utcnow())
    at = open_page(JOB_PAGE, lang="en", user=person("poster"), id=job_id)

    expected = [line("en", "confirm.extra_hold", 2000), text("en", "confirm.extra_note")]
    asks_then_does(at, db, "en", lambda: button(at, text("en", "hours.approve")), f"job_money_extra_{job_id}", expected)
    assert ledger.balance_of(db, "escrow", job_id=job_id) == 10000


def test_accepting_an_application_shows_the_quote_held_first(open_page, person, db):
    job_id = jobs.post(db, person("poster"), **job_fields(utcnow(), price_yuan="80", mode="booking"))
    application = booking.apply(db, person("worker"), job_id, quote_yuan="60", now=utcnow())
    at = open_page(JOB_PAGE, lang="en", user=person("poster"), id=job_id)

    expected = [
        line("en", "confirm.hold", 6000),
        line("en", "confirm.worker_will_get", 5400),
        line("en", "confirm.commission_later", 600),
    ]
    asks_then_does(
        at, db, "en", lambda: button(at, text("en", "booking.accept")), f"booking_accept_{application}", expected
    )
    assert ledger.balance_of(db, "escrow", job_id=job_id) == 6000


def test_resolving_a_dispute_says_what_happens_to_a_material_still_waiting(open_page, person, db):
    poster, worker = person("poster"), person("worker")
    job_id = job_at(db, person, ("claim", "start"))
    materials.add(db, worker, job_id, what="Sealant", amount_yuan="8", receipt=None, key="m", now=utcnow())
    jobs.act(db, job_id, "finish", worker, now=utcnow())
    jobs.act(db, job_id, "dispute", poster, Reason("Still drips"), now=utcnow())
    # zh_CN: AppTest matches a radio's value through the format function, which runs in the default language
    at = open_page(JOB_PAGE, lang="zh_CN", user=person("organizer"), id=job_id)

    def first():
        at.radio[0].set_value("resolve_pay")
        return button(at, text("zh_CN", "dispute.resolve"))

    expected = [
        line("zh_CN", "confirm.held", 8000),
        line("zh_CN", "confirm.to_worker", 7200),
        line("zh_CN", "confirm.commission", 800),
        text("zh_CN", "dispute.resolve_pay"),
        text("zh_CN", "confirm.material_waiting", what="Sealant", amount="¥8.00"),
    ]
    asks_then_does(at, db, "zh_CN", first, f"disputes_resolve_{job_id}", expected)
    assert jobs.get(db, job_id, None)["status"] == "resolved"
    assert [m["status"] for m in materials.for_job(db, jobs.get(db, job_id, None), poster)] == ["rejected"]


@pytest.mark.parametrize("form", ["topup", "payout"])
def test_the_cashier_sees_the_wallet_before_and_after_then_records_once(open_page, person, db, form):
    poster = person("poster")
    balance = ledger.balance_of(db, "wallet", user_id=poster["id"])
    at = open_page(ORGANIZER_CASH, lang="en", user=person("organizer"))
    at.selectbox(key=form_field(at, f"organizer_cash_{form}", "person")).set_value(poster["id"]).run()
    assert text("en", "cash.balance", balance=f"¥{balance / 100:,.2f}") in [c.value for c in at.caption]

    def first():
        at.text_input(key=form_field(at, f"organizer_cash_{form}", "amount")).set_value("30")
        return button(at, text("en", f"cash.{form}_submit"))

    after = balance + 3000 if form == "topup" else balance - 3000
    expected = [
        line("en", "confirm.cash_amount", 3000),
        line("en", "confirm.balance_now", balance, name="Poster Wang"),
        line("en", "confirm.balance_after", after, name="Poster Wang"),
        text("en", f"confirm.{form}_note"),
    ]
    asks_then_does(at, db, "en", first, f"organizer_cash_{form}_confirm", expected)
    assert ledger.balance_of(db, "wallet", user_id=poster["id"]) == after


def test_a_payout_above_the_balance_keeps_what_was_typed_and_says_the_balance(open_page, person, db):
    poster = person("poster")
    balance = ledger.balance_of(db, "wallet", user_id=poster["id"])
    at = open_page(ORGANIZER_CASH, lang="zh_CN", user=person("organizer"))
    at.selectbox(key=form_field(at, "organizer_cash_payout", "person")).set_value(poster["id"])
    at.text_input(key=form_field(at, "organizer_cash_payout", "amount")).set_value("99999")
    at.text_input(key=form_field(at, "organizer_cash_payout", "note")).set_value("银行转账")
    before = dump(db)
    button(at, text("zh_CN", "cash.payout_submit")).click().run()

    message = text("zh_CN", "error.payout_over_balance", balance_fen=f"¥{balance / 100:,.2f}")
    assert errors(at) == [message]
    assert "管理员" not in message  # the organizer is never told to ask the organizer
    assert at.text_input(key=form_field(at, "organizer_cash_payout", "amount")).value == "99999"
    assert at.text_input(key=form_field(at, "organizer_cash_payout", "note")).value == "银行转账"
    assert dump(db) == before


def test_blocking_an_account_asks_once(open_page, person, db):
    worker = person("worker")
    at = open_page(ORGANIZER_USERS, lang="en", user=person("organizer"))
    name = f"organizer_users_block_{worker['id']}"

    expected = [text("en", "organizer.block"), text("en", "confirm.block", name="Worker Li")]
    before = dump(db)
    at.button(key=f"{name}_ask").click().run()
    assert dump(db) == before and summary(at, "en") == expected
    at.button(key=f"{name}_back").click().run()
    assert dump(db) == before
    at.button(key=f"{name}_ask").click().run()
    at.button(key=f"{name}_yes").click().run()
    assert users.by_username(db, "worker")["blocked_at"]


def test_a_price_left_empty_is_no_free_job(open_page, person, db):
    at = open_page("app_pages/post_job.py", lang="zh_CN", user=person("poster"))
    at.selectbox(key="post_job_category").set_value("moving").run()
    at.text_input(key=form_field(at, "post_job", "title")).set_value("Carry a sofa")
    at.text_input(key=form_field(at, "post_job", "price")).set_value("0")
    before = db["jobs"].count
    button(at, text("zh_CN", "post.submit")).click().run()

    assert text("zh_CN", "error.price_zero") in errors(at)
    assert db["jobs"].count == before
