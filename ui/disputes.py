"""Disputes on the job page: the poster opens one instead of confirming, both sides add statements,
an organizer who is neither side resolves it (pay the helper, refund the poster, or split)."""

import streamlit as st

from services import disputes, escrow, jobs
from services.access import Capability
from services.clock import from_db, utcnow
from services.db import Database
from services.rows import Job, User
from services.transitions import RESOLUTIONS, TRANSITIONS, Reason, request

from .confirm import Question, job_lines
from .feedback import FieldErrors, action_error, attempt
from .forms import Filling
from .i18n import money, neutral, t, when
from .safe import isolated, md


def dispute_section(db: Database, job: Job, user: User | None, allowed: frozenset[Capability]) -> None:
    """`allowed`: the job's capabilities for `user` (services.access)."""
    if not user:
        return
    if "dispute" in allowed:
        open_dispute_form(db, job, user)
    said = disputes.statements(db, job, user)
    if not said:
        return
    st.subheader(t("dispute.title"))
    for statement in said:
        with st.container(border=True):
            st.caption(md(f"{isolated(statement['author_name'])} · {when(from_db(statement['created_at']))}"))
            st.markdown(md(statement["body"]))
    if "add_statement" in allowed:
        statement_form(db, job, user)
    if set(RESOLUTIONS) & allowed:
        resolution_form(db, job, user, allowed)
    if job["status"] == "resolved":
        decision = next(e for e in jobs.events(db, job["id"]) if e["action"] in RESOLUTIONS)
        outcome = t("dispute.decision", who=decision["actor_name"], outcome=t(f"event.{decision['action']}"))
        note = t("dispute.decision_note", note=decision["detail"]) if decision["detail"] else ""
        st.success(md(outcome + note), icon="⚖️")


def open_dispute_form(db: Database, job: Job, user: User) -> None:
    with st.expander(t("dispute.open_title"), icon="⚖️", key=f"disputes_open_{job['id']}"):
        st.caption(t("dispute.open_help"))
        errors = FieldErrors()
        with st.form(f"disputes_open_form_{job['id']}"):
            reason = errors.at(
                "detail", st.text_area(t("dispute.reason"), max_chars=500, key=f"disputes_reason_{job['id']}")
            )
            submitted = st.form_submit_button(
                t("dispute.open"), use_container_width=True, key=f"disputes_open_send_{job['id']}"
            )
        if submitted:  # a second submit finds the job disputed by the same person: done once
            attempt(
                lambda: jobs.act(db, job["id"], "dispute", user, Reason(reason), now=utcnow()),
                success=t("dispute.opened"),
                rerun=True,
                errors=errors,
            )


def statement_form(db: Database, job: Job, user: User) -> None:
    """One statement per filling-in, however often it is sent (ui.forms)."""
    filling = Filling(f"disputes_statement_{job['id']}")
    filling.confirmation()
    errors = FieldErrors()
    with st.form(filling.form):
        body = errors.at("statement", st.text_area(t("dispute.statement"), max_chars=1000, key=filling.field("body")))
        submitted = st.form_submit_button(
            t("dispute.add_statement"), use_container_width=True, key=filling.field("send")
        )
    if not submitted:
        return
    filling.submitted()
    if filling.send(
        lambda: disputes.add_statement(db, user, job["id"], body, key=filling.key(body), now=utcnow()), errors
    ):
        filling.recorded(t("dispute.statement_added"))


def resolution_form(db: Database, job: Job, user: User, allowed: frozenset[Capability]) -> None:
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
    # nothing held: nothing to split
    outcomes = [o for o in RESOLUTIONS if o in allowed and (held or TRANSITIONS[o].money != "split")]
    errors = action_error(("dispute", job["id"]))  # the confirm's own error, left by its callback
    question = Question(f"disputes_resolve_{job['id']}")
    with st.form(f"disputes_resolve_form_{job['id']}"):
        outcome = errors.at(
            "outcome",
            st.radio(
                t("dispute.outcome"),
                outcomes,
                index=None,
                format_func=lambda o: t(f"dispute.{o}"),
                key=neutral(f"disputes_outcome_{job['id']}"),
            ),
        )
        share = (
            errors.at(
                "split",
                st.text_input(t("dispute.split_amount", held=money(held)), key=f"disputes_share_{job['id']}"),
            )
            if held
            else ""
        )
        note = errors.at(
            "detail",
            st.text_input(t("dispute.note"), max_chars=500, key=f"disputes_note_{job['id']}"),
        )
        submitted = st.form_submit_button(
            t("dispute.resolve"), type="primary", use_container_width=True, key=f"disputes_resolve_send_{job['id']}"
        )
    if not submitted:
        if question.asked:
            _confirm_resolution(db, job, user, question, errors)
        return
    question.drop()  # sent again: asked anew with what it says now
    if outcome is None:  # money moves for good: the organizer picks, nothing is preselected
        errors.show("outcome", t("dispute.pick_outcome"))
    elif share.strip() and outcome != "resolve_split":
        errors.show("split", t("dispute.share_needs_split"))
    else:
        typed = {"detail": note, "split_yuan": share} if outcome == "resolve_split" else {"detail": note}
        if attempt(
            lambda: jobs.preview(db, job["id"], outcome, user, request(outcome, **typed), now=utcnow()), errors=errors
        ):
            question.ask(outcome=outcome, **typed)
            st.rerun()


def _confirm_resolution(db: Database, job: Job, user: User, question: Question, errors: FieldErrors) -> None:
    """Who gets what under the chosen outcome, the material lines still waiting included, and the
    organizer's Confirm / Back."""
    typed = dict(question.typed)
    outcome = typed.pop("outcome")
    preview = question.again(
        lambda: jobs.preview(db, job["id"], outcome, user, request(outcome, **typed), now=utcnow()), errors
    )
    if preview is None:
        return
    lines, notes = job_lines(preview)
    question.summary(
        lines,
        [t(f"dispute.{outcome}"), *notes],
        send=(
            lambda: jobs.act(db, job["id"], outcome, user, request(outcome, **typed), now=utcnow()),
            t("dispute.resolved"),
            ("dispute", job["id"]),
        ),
    )
