"""Organizer: notices and the record. A notice for everyone at the top of every page until it ends (or
is ended early); the audit log of every organizer action, newest first, page by page, and as a CSV
file to download."""

from datetime import datetime, time, timedelta

import streamlit as st

from services import announcements, audit
from services.catalogs import money_in
from services.clock import from_db, utcnow
from services.rows import Row
from ui.cards import account_name
from ui.db import get_db
from ui.feedback import FieldErrors, attempt
from ui.forms import Filling
from ui.i18n import calendar_day, language, t, timezone, when
from ui.safe import md

db = get_db()
user = st.session_state["user"]
PAGE = "organizer_audit_page"  # the log's page number (session state: kept while the log is read)


def notice_form() -> None:
    """Post a notice: its words and the day and time it stops showing (the community's time)."""
    filling = Filling("organizer_audit_notice")
    errors = FieldErrors()
    tomorrow = (datetime.now(timezone()) + timedelta(days=1)).date()
    with st.form(filling.form):
        st.subheader(t("announcement.heading"), anchor=False)
        body = errors.at(
            "body",
            st.text_area(t("announcement.body"), max_chars=announcements.MAX_BODY, key=filling.field("body")),
        )
        day, hour = st.columns(2)
        end_day = day.date_input(t("announcement.end_day"), value=tomorrow, key=filling.field("day"))
        end_time = errors.at(
            "ends_at",
            hour.time_input(t("announcement.end_time"), value=time(20, 0), key=filling.field("time")),
            hour,
        )
        sent = st.form_submit_button(
            t("announcement.post"), type="primary", use_container_width=True, key=filling.field("send")
        )
    filling.confirmation()
    if sent:
        filling.submitted()
        ends_at = datetime.combine(end_day, end_time, tzinfo=timezone())
        key = filling.key(body, ends_at)
        if filling.send(lambda: announcements.post(db, user, body, ends_at, key=key, now=utcnow()), errors=errors):
            filling.recorded(t("announcement.posted", day=calendar_day(end_day)))


def live_notices() -> None:
    """The notices showing now, each with a button that ends it at once."""
    for notice in announcements.current(db, utcnow()):
        with st.container(border=True):
            st.markdown(md(notice["body"]))
            st.caption(t("announcement.until", when=when(notice["ends_at"])))
            if st.button(t("announcement.end"), key=f"organizer_audit_end_{notice['id']}"):
                end(notice["id"])


def end(notice_id: int) -> None:
    attempt(lambda: announcements.end(db, user, notice_id, utcnow()), rerun=True)


def value_text(name: str, value: object) -> str:
    """One value of a row's before or after as a reader reads it."""
    if isinstance(value, bool):
        return t("audit.yes" if value else "audit.no")
    if name.endswith("_fen") and isinstance(value, int):
        return money_in(value, language())
    if name == "ends_at" and isinstance(value, str):
        return when(from_db(value))
    if name == "status" and isinstance(value, str):
        return t(f"status.{value}")
    if name == "role" and isinstance(value, str):
        return t(f"role.{value}")
    if name == "verification" and isinstance(value, str):
        return t(f"audit.verification.{value}")
    if name == "decision" and isinstance(value, str):
        return t(f"audit.decision.{value}")
    return "—" if value in ("", None) else str(value)


def changes(row: Row) -> list[str]:
    """Each thing the action changed, "what: before → after" (or just what it became)."""
    lines = []
    for name in dict.fromkeys([*row["before"], *row["after"]]):
        label = t(f"audit.field.{name}") if name in audit.FIELDS else name  # a field of no words yet: its name
        after = value_text(name, row["after"].get(name)) if name in row["after"] else ""
        if name in row["before"]:
            lines.append(f"{label}: {value_text(name, row['before'][name])} → {after}")
        else:
            lines.append(f"{label}: {after}")
    return lines


def sentence(row: Row) -> str:
    """Who did what, to whom or to which job (services.audit.ABOUT_*)."""
    organizer = account_name(row["actor_name"], row["actor_username"]) if row["actor_id"] else t("audit.the_board")
    if row["user_id"]:
        person = account_name(row["user_name"], row["user_username"])
        return t(f"audit.person.{row['kind']}", organizer=organizer, person=person)
    if row["job_id"]:
        return t(f"audit.job.{row['kind']}", organizer=organizer, job=row["job_title"])
    return t(f"audit.board.{row['kind']}", organizer=organizer)


def entry(row: Row) -> None:
    """One action: when, who did what to whom or which job, what changed."""
    with st.container(border=True):
        st.caption(when(row["at"]))
        st.markdown(md(sentence(row)))
        for line in changes(row):
            st.caption(md(line))


def log() -> None:
    """The log, newest first, PAGE_SIZE actions a page, with the CSV of all of it."""
    st.subheader(t("audit.heading"), anchor=False)
    rows, pages = audit.page(db, user, st.session_state.get(PAGE, 1))
    if not rows:
        st.caption(t("audit.empty"))
        return
    st.download_button(
        t("audit.csv"),
        audit.csv_file(db, user),
        file_name="linbang-audit.csv",
        mime="text/csv",
        key="organizer_audit_csv",
        icon="⬇️",
    )
    for row in rows:
        entry(row)
    if pages > 1:
        st.number_input(t("audit.page", pages=pages), min_value=1, max_value=pages, step=1, key=PAGE)


st.title(t("audit.title"))
st.caption(t("audit.help"))
notice_form()
live_notices()
log()
