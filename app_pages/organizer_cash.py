"""Organizer as cashier: record money a resident paid in (top-up) and money paid out to someone, see
the cash box day by day, and set the rates and the line that tells everyone how to reach the organizer."""

import streamlit as st

from services import community, fees, ledger, settings, users
from services.clock import utcnow
from services.errors import NeedsConfirmation
from ui.cards import account_name
from ui.confirm import Question
from ui.db import get_db
from ui.feedback import FieldErrors, attempt
from ui.forms import Filling
from ui.i18n import calendar_day, money, t, timezone, yuan_field
from ui.safe import md

db = get_db()
user = st.session_state["user"]
people = {p["id"]: p for p in users.list_users(db, user)}

st.title(t("cash.title"))
st.caption(t("cash.help"))


def money_form(form: str, record, success: str) -> None:
    """One form recording cash in or out for a person: the person's balance shown once they are
    picked; the amounts and the balance after asked once before anything is recorded (ui.confirm);
    once per filling-in, however often it is sent (ui.forms); an identical amount for the same person
    moments ago is asked about first. What was typed stays after an error."""
    filling = Filling(f"organizer_cash_{form}")
    filling.confirmation()
    errors = FieldErrors()
    question = Question(f"organizer_cash_{form}_confirm")
    sent = question.confirmed()
    person = errors.at(
        "person",
        st.selectbox(
            t(f"cash.{form}_person"),
            list(people),
            index=None,
            format_func=lambda i: account_name(people[i]["display_name"], people[i]["username"]),
            placeholder=t("cash.pick_person"),
            key=filling.field("person"),
        ),
    )
    if person is not None:
        st.caption(t("cash.balance", balance=money(ledger.wallet_fen(db, person, user))))
    with st.form(filling.form):
        amount = errors.at("amount", st.text_input(t("cash.amount"), key=filling.field("amount")))
        note = errors.at(
            "note",
            st.text_input(t("cash.note"), max_chars=200, placeholder=t("cash.note_example"), key=filling.field("note")),
        )
        repeat = filling.question()
        if repeat:
            st.warning(repeat, icon="❓")
        again = bool(repeat) and st.checkbox(t(f"cash.{form}_again"), key=filling.field("again"))
        submitted = st.form_submit_button(
            t(f"cash.{form}_submit"), type="primary", use_container_width=True, key=filling.field("send")
        )
    if question.asked and question.typed["person"] != person:  # another person picked: ask anew
        question.drop()
    if question.asked and not submitted:
        confirm_cash(form, question, errors)
    elif sent:
        send_cash(record, success, filling, errors, question, **sent)
    elif submitted:
        question.drop()  # sent again: asked anew with what it says now
        filling.submitted()
        if person is None:
            errors.show("person", t("cash.pick_person"))
        elif attempt(lambda: ledger.cash_preview(db, user, person, amount, form, note=note), errors=errors):
            question.ask(person=person, amount=amount, note=note, again=again)
            st.rerun()


def send_cash(
    record, success: str, filling: Filling, errors: FieldErrors, question: Question, *, person, amount, note, again
) -> None:
    """Record what the organizer confirmed; a refusal is shown under its field of the open form.

    What was confirmed is let go only once the record is stored or refused: a double click's second
    click can interrupt this run anywhere before that, and the next run then sends it again, recorded
    once by its filling-in's key (letting go first lost such top-ups, the defect #12 fixed)."""

    def record_it():
        try:
            return record(
                db, user, person, amount, note=note, key=filling.key(person, amount, note), again=again, now=utcnow()
            )
        except NeedsConfirmation:
            question.sending()  # the form asks about the repeat instead: not sent again
            raise

    stored = filling.send(record_it, errors)
    question.sending()
    if stored:
        balance = money(ledger.wallet_fen(db, person, user))
        filling.recorded(md(t("cash.recorded", what=success, name=people[person]["display_name"], balance=balance)))


def confirm_cash(form: str, question: Question, errors: FieldErrors) -> None:
    """The amount and the person's wallet before and after, then Confirm or Back."""
    typed = question.typed
    name = people[typed["person"]]["display_name"]
    move = question.again(lambda: ledger.cash_preview(db, user, typed["person"], typed["amount"], form), errors)
    if move is not None:
        lines = [
            (t("confirm.cash_amount"), move["amount_fen"]),
            (t("confirm.balance_now", name=name), move["balance_fen"]),
            (t("confirm.balance_after", name=name), move["after_fen"]),
        ]
        question.summary(lines, [t(f"confirm.{form}_note")])


def settings_form() -> None:
    """Commission and the late-cancellation fee: they apply to money moved from now on."""
    errors = FieldErrors()
    with st.form("organizer_cash_settings"):
        commission = errors.at(
            "commission_pct",
            st.number_input(
                t("cash.commission_pct"),
                *fees.LIMITS["commission_pct"],
                value=settings.whole(db, "commission_pct"),
                key="organizer_cash_commission",
            ),
        )
        fee = errors.at(
            "cancel_fee_pct",
            st.number_input(
                t("cash.cancel_fee_pct"),
                *fees.LIMITS["cancel_fee_pct"],
                value=settings.whole(db, "cancel_fee_pct"),
                key="organizer_cash_fee",
            ),
        )
        cap = errors.at(
            "cancel_fee_cap",
            st.text_input(
                t("cash.cancel_fee_cap"),
                value=yuan_field(settings.whole(db, "cancel_fee_cap_fen")),
                key="organizer_cash_cap",
            ),
        )
        hours = errors.at(
            "cancel_window_hours",
            st.number_input(
                t("cash.cancel_window_hours"),
                *fees.LIMITS["cancel_window_hours"],
                value=settings.whole(db, "cancel_window_hours"),
                key="organizer_cash_hours",
            ),
        )
        st.caption(t("cash.settings_help"))
        if st.form_submit_button(
            t("worker.save"), type="primary", use_container_width=True, key="organizer_cash_settings_save"
        ) and attempt(
            lambda: fees.set_money_settings(
                db,
                user,
                commission_pct=commission,
                cancel_fee_pct=fee,
                cancel_fee_cap_yuan=cap,
                cancel_window_hours=hours,
            ),
            errors=errors,
        ):
            st.success(t("cash.settings_saved"), icon="✅")


def contact_form() -> None:
    """The organizers' contact line, shown on every job page and under errors that send people here."""
    errors = FieldErrors()
    with st.form("organizer_cash_contact"):
        line = errors.at(
            "contact",
            st.text_input(
                t("cash.contact"),
                value=community.organizer_contact(db),
                max_chars=community.MAX_CONTACT,
                placeholder=t("cash.contact_example"),
                help=t("cash.contact_help"),
                key="organizer_cash_contact_line",
            ),
        )
        if st.form_submit_button(
            t("cash.contact_save"), use_container_width=True, key="organizer_cash_contact_save"
        ) and attempt(lambda: community.set_organizer_contact(db, user, line), errors=errors):
            st.success(t("cash.contact_saved"), icon="✅")


top_up_tab, payout_tab, report_tab, settings_tab = st.tabs(
    [t("cash.topup"), t("cash.payout"), t("cash.report"), t("cash.settings")]
)
with settings_tab:
    settings_form()
    contact_form()
with top_up_tab:
    money_form("topup", ledger.top_up, t("cash.topup_done"))
with payout_tab:
    money_form("payout", ledger.payout, t("cash.payout_done"))
with report_tab:
    books = ledger.totals(db, user)
    in_hand, wallets, held, commission = st.columns(4)
    in_hand.metric(t("cash.in_hand"), money(-books["cash"]))
    wallets.metric(t("cash.in_wallets"), money(books["wallet"]))
    held.metric(t("cash.in_escrow"), money(books["escrow"]))
    commission.metric(t("cash.commission_earned"), money(books["commission"]))
    st.caption(t("cash.books_help"))
    report = ledger.cash_report(db, user, timezone())
    if not report:
        st.caption(t("cash.no_movements"))
    else:
        st.dataframe(
            [
                {
                    t("cash.day"): calendar_day(r["day"]),
                    t("cash.opening"): money(r["opening_fen"]),
                    t("cash.in"): money(r["in_fen"]),
                    t("cash.out"): money(r["out_fen"]),
                    t("cash.closing"): money(r["closing_fen"]),
                }
                for r in reversed(report)
            ],
            hide_index=True,
            use_container_width=True,
        )
