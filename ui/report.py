"""Reporting (#16): a small "report" button beside a job, a person, a review, a message or a question
opens a form with a reason and optional words (services.reports); and how an item the organizer hid
reads, for everyone else and for organizers."""

from collections.abc import Mapping

import streamlit as st

from services import reports
from services.clock import utcnow
from services.db import Database
from services.rows import User

from .feedback import FieldErrors, attempt
from .i18n import neutral, t


def report_button(db: Database, user: User, kind: reports.Kind, item_id: int) -> None:
    """The 🚩 button and its form. Callers draw it only where the person may report the item (a job's
    capability `report`; not their own words); the service checks again. Reporting again changes the
    reason (the form starts from the person's own report)."""
    with st.popover(t("report.button"), icon="🚩", key=f"report_{kind}_{item_id}"):
        mine = reports.mine(db, user, kind, item_id) or {"reason": None, "detail": ""}
        errors = FieldErrors()
        with st.form(f"report_form_{kind}_{item_id}"):
            reason = errors.at(
                "reason",
                st.radio(
                    t("report.reason"),
                    reports.REASONS,
                    index=reports.REASONS.index(mine["reason"]) if mine["reason"] else None,
                    format_func=lambda slug: t(f"report.reason_{slug}"),
                    key=neutral(f"report_reason_{kind}_{item_id}"),
                ),
            )
            detail = errors.at(
                "detail",
                st.text_area(
                    t("report.detail"),
                    value=mine["detail"],
                    max_chars=reports.MAX_DETAIL,
                    key=f"report_detail_{kind}_{item_id}",
                ),
            )
            st.caption(t("report.private_note"))
            sent = st.form_submit_button(
                t("report.send"), use_container_width=True, key=f"report_send_{kind}_{item_id}"
            )
        if sent:
            attempt(
                lambda: reports.report(db, user, kind, item_id, reason=reason, detail=detail, now=utcnow()),
                success=t("report.sent"),
                rerun=True,
                errors=errors,
            )


def hidden_note(item: Mapping[str, object], words: str) -> None:
    """Where an item the organizer hid stands (its `hidden`, services.reports.shown): for everyone
    else its `words` are gone and this says why; organizers still have them, marked hidden."""
    if item.get("hidden"):
        st.caption("🚫 " + t("report.hidden" if item.get(words) is None else "report.hidden_mark"))
