"""The money of one job on its page, for the poster, the worker and organizers: what the escrow holds
and what the helper will get, the hours an hourly job took (and the poster's answer to any extra),
and the materials the helper bought, with their receipts."""

from collections.abc import Callable
from typing import cast

import streamlit as st

from services import escrow, fees, jobs, materials, pricing, settings, uploads
from services.access import Capability
from services.clock import utcnow
from services.db import Database
from services.errors import NotFound
from services.rows import Job, MaterialLine, User

from . import private
from .confirm import Line, Question
from .feedback import FieldErrors, action_error, callback_button
from .forms import Filling
from .i18n import money, number, t
from .safe import isolated, md


def money_section(db: Database, job: Job, user: User, allowed: frozenset[Capability]) -> None:
    """For those who may see the job's money (see_private); `allowed`: the job's capabilities for `user`."""
    escrow_notes(db, job, allowed)
    if job["price_type"] == "hourly" and job["actual_minutes"]:
        hours_notes(db, job, user, allowed)
    materials_section(db, job, user, allowed)


def escrow_notes(db: Database, job: Job, allowed: frozenset[Capability]) -> None:
    held = escrow.job_held_fen(db, job["id"])
    if not held:
        return
    worker_gets, _ = escrow.paid_in_full(db, job)
    pct = settings.whole(db, "commission_pct")
    st.caption(t("job.escrow", held=money(held), worker_gets=money(worker_gets), pct=pct))
    if "cancel" in allowed and escrow.late_cancellation(db, job, utcnow()):
        fee, hours = money(fees.late_cancel_fee_of(db, held)), settings.whole(db, "cancel_window_hours")
        st.warning(t("job.late_cancel", fee=fee, hours=hours), icon="⏰")


def hours_notes(db: Database, job: Job, user: User, allowed: frozenset[Capability]) -> None:
    """The hours the helper recorded; above the estimate, the poster approves or declines the extra."""
    st.caption(
        t(
            "hours.recorded",
            actual=number(cast(int, job["actual_minutes"]) / 60, 2),  # money_section: only once recorded
            estimated=number(pricing.estimated_minutes(job) / 60, 2),
            total=money(pricing.worked_total_fen(job)),
        )
    )
    extra = pricing.extra_fen(job)
    if not extra:
        return
    if job["extra_decision"]:
        st.caption(t(f"hours.extra_{job['extra_decision']}", extra=money(extra)))
    elif "answer_extra_hours" in allowed:
        st.warning(t("hours.extra_ask", extra=money(extra)), icon="⏱️")
        yes_or_no(
            ("extra", job["id"]),
            (t("hours.approve"), t("hours.decline")),
            lambda approve: jobs.answer_extra_hours(db, user, job["id"], approve=approve, now=utcnow()),
            done=t("hours.answered"),
            holds=lambda: [(t("confirm.extra_hold"), jobs.extra_hours_preview(db, user, job["id"]))],
            note=t("confirm.extra_note"),
        )
    else:
        st.info(t("hours.extra_waiting", extra=money(extra)), icon="⏱️")


def materials_section(db: Database, job: Job, user: User, allowed: frozenset[Capability]) -> None:
    adding = "add_material" in allowed
    if not adding and not materials.for_job(db, job, user):
        return
    st.markdown(f"**{t('materials.title')}**")
    st.caption(t("materials.help"))
    for line in materials.for_job(db, job, user):
        with st.container(border=True):
            material_line(db, line, user, allowed)
    if adding:
        add_material_form(db, job, user)


def material_line(db: Database, line: MaterialLine, user: User, allowed: frozenset[Capability]) -> None:
    what = md(isolated(line["what"]))
    st.markdown(f"{what} · **{md(money(line['amount_fen']))}** · {t('materials.' + line['status'])}")
    if line["receipt"]:
        with st.expander(t("materials.receipt"), icon="🧾", key=f"job_money_receipt_{line['id']}"):
            try:
                alt = t("materials.receipt_alt", what=line["what"])
                private.picture(materials.receipt_bytes(db, line, user), alt=alt, width=320)
            except NotFound:
                st.caption(t("photo.missing"))
    if line["status"] != "pending" or "answer_material" not in allowed:
        return
    yes_or_no(
        ("material", line["id"]),
        (t("materials.approve"), t("materials.reject")),
        lambda approve: materials.decide(db, user, line["id"], approve=approve, now=utcnow()),
        done=t("materials.answered"),
        holds=lambda: [
            (t("confirm.material_hold", what=line["what"]), materials.preview(db, user, line["id"])["amount_fen"])
        ],
        note=t("confirm.material_note"),
    )


def yes_or_no(
    key: tuple,
    labels: tuple[str, str],
    answer,
    *,
    done: str,
    holds: Callable[[], list[Line]] | None = None,
    note: str = "",
) -> None:
    """The poster's two buttons side by side: approve (`answer(True)`) or not (`answer(False)`).
    An approval that holds money (`holds`: the amounts, from the service's preview) is asked once
    first, with them and `note` (ui.confirm)."""
    errors = action_error(key)
    question = Question(f"job_money_{key[0]}_{key[1]}")
    if holds is not None and question.asked:
        lines = question.again(holds, errors)
        if lines is not None:
            question.summary(lines, [note], send=(lambda: answer(True), done, key))
        return
    for column, approve, label in zip(st.columns(2), (True, False), labels, strict=True):
        with column:
            if approve and holds is not None:
                question.first_tap(label, holds, key, primary=True)
                continue
            callback_button(
                label,
                f"job_money_{key[0]}_{key[1]}_{approve}",
                lambda a=approve: answer(a),
                done=done,
                error_key=key,
                primary=approve,
            )


def add_material_form(db: Database, job: Job, user: User) -> None:
    """The helper adds what they bought: one line per filling-in, however often it is sent (ui.forms)."""
    filling = Filling(f"job_money_material_{job['id']}")
    filling.confirmation()
    errors = FieldErrors()
    with st.form(filling.form):
        what = errors.at(
            "what",
            st.text_input(
                t("materials.what"), max_chars=60, placeholder=t("materials.what_example"), key=filling.field("what")
            ),
        )
        amount = errors.at("amount", st.text_input(t("materials.amount"), key=filling.field("amount")))
        receipt = errors.at(
            "receipt",
            st.file_uploader(t("materials.receipt_upload"), type=uploads.EXTENSIONS, key=filling.field("receipt")),
        )
        submitted = st.form_submit_button(t("materials.add"), use_container_width=True, key=filling.field("send"))
    if not submitted:
        return
    filling.submitted()
    picture = receipt.getvalue() if receipt else None
    if filling.send(
        lambda: materials.add(
            db,
            user,
            job["id"],
            what=what,
            amount_yuan=amount,
            receipt=picture,
            key=filling.key(what, amount, picture),
            now=utcnow(),
        ),
        errors,
    ):
        filling.recorded(t("materials.added"))
