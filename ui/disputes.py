"""Disputes on the job page: the poster opens one instead of confirming, both sides add statements,
an organizer who is neither side resolves it (pay the helper, refund the poster, or split)."""

import streamlit as st

from services import escrow, jobs
from services.clock import from_db, utcnow

from .components import attempt
from .forms import Filling
from .i18n import money, t, when
from .safe import md

RESOLUTIONS = ("resolve_pay", "resolve_refund", "resolve_split")


def dispute_section(db, job: dict, user: dict | None) -> None:
    if not user:
        return
    allowed = jobs.allowed_actions(db, job, user)
    if "dispute" in allowed:
        open_dispute_form(db, job, user)
    said = jobs.statements(db, job, user)
    if not said:
        return
    st.subheader(t("dispute.title"))
    for statement in said:
        with st.container(border=True):
            st.caption(md(f"{statement['author_name']} · {when(from_db(statement['created_at']))}"))
            st.markdown(md(statement["body"]))
    if job["status"] == "disputed" and user["id"] in (job["poster_id"], job["worker_id"]):
        statement_form(db, job, user)
    if set(RESOLUTIONS) & set(allowed):
        resolution_form(db, job, user)
    if job["status"] == "resolved":
        decision = next(e for e in jobs.events(db, job["id"]) if e["action"] in RESOLUTIONS)
        outcome = t("dispute.decision", who=decision["actor_name"], outcome=t(f"event.{decision['action']}"))
        note = t("dispute.decision_note", note=decision["detail"]) if decision["detail"] else ""
        st.success(md(outcome + note), icon="⚖️")


def open_dispute_form(db, job: dict, user: dict) -> None:
    with st.expander(t("dispute.open_title"), icon="⚖️"):
        st.caption(t("dispute.open_help"))
        with st.form(f"dispute_{job['id']}"):
            reason = st.text_area(t("dispute.reason"), max_chars=500)
            submitted = st.form_submit_button(t("dispute.open"), use_container_width=True)
        if submitted and attempt(
            lambda: jobs.act(db, job["id"], "dispute", user, now=utcnow(), detail=reason),
            success=t("dispute.opened"),
        ):
            st.rerun()  # a second submit finds the job disputed by the same person: done once


def statement_form(db, job: dict, user: dict) -> None:
    """One statement per filling-in, however often it is sent (ui.forms)."""
    filling = Filling(f"statement_{job['id']}")
    filling.confirmation()
    with st.form(filling.form):
        body = st.text_area(t("dispute.statement"), max_chars=1000, key=filling.field("body"))
        submitted = st.form_submit_button(t("dispute.add_statement"), use_container_width=True)
    if not submitted:
        return
    filling.submitted()
    if filling.send(lambda: jobs.add_statement(db, user, job["id"], body, key=filling.key(body), now=utcnow())):
        filling.recorded(t("dispute.statement_added"))


def resolution_form(db, job: dict, user: dict) -> None:
    """The organizer's decision, with what each choice moves, written out before they commit."""
    held = escrow.job_held_fen(db, job["id"])
    worker_gets, commission = escrow.paid_in_full(db, job)
    st.markdown(f"**{t('dispute.resolve_title')}**")
    st.caption(
        t(
            "dispute.resolve_help",
            held=money(held),
            worker_gets=money(worker_gets),
            commission=money(commission),
            back=money(held - worker_gets - commission),
        )
    )
    outcomes = RESOLUTIONS if held else RESOLUTIONS[:2]  # nothing held: nothing to split
    with st.form(f"resolve_{job['id']}"):
        outcome = st.radio(t("dispute.outcome"), outcomes, index=None, format_func=lambda o: t(f"dispute.{o}"))
        share = st.text_input(t("dispute.split_amount", held=money(held))) if held else ""
        note = st.text_input(t("dispute.note"), max_chars=500)
        submitted = st.form_submit_button(t("dispute.resolve"), type="primary", use_container_width=True)
    if not submitted:
        return
    if outcome is None:  # money moves for good: the organizer picks, nothing is preselected
        st.error(t("dispute.pick_outcome"), icon="⚠️")
    elif share.strip() and outcome != "resolve_split":
        st.error(t("dispute.share_needs_split"), icon="⚠️")
    elif attempt(
        lambda: jobs.act(
            db,
            job["id"],
            outcome,
            user,
            now=utcnow(),
            detail=note,
            split_yuan=share if outcome == "resolve_split" else None,
        ),
        success=t("dispute.resolved"),
    ):
        st.rerun()
