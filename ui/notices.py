"""Notifications as a person reads them: the sentence in the reader's language, the page to act on,
the live badge on every page, and "what needs you now"."""

import streamlit as st

from services import needs, notifications
from services.catalogs import readable
from services.clock import from_db, utcnow
from services.db import Database
from services.rows import Row, User

from .feedback import JOB_PAGE, go
from .i18n import language, t, when
from .safe import md

INBOX_PAGE = "app_pages/inbox.py"
MY_JOBS_PAGE = "app_pages/my_jobs.py"
# The badge asks the database once per interval while a page is open (bench/inbox.py measures it).
BADGE_SECONDS = 15


def sentence(row: Row) -> str:
    """What happened, in the reader's language (an amount `*_fen` as money), as Markdown-safe text."""
    return md(t(f"notice.{row['kind']}", **readable(row["params"], language())))


def link(row: Row) -> tuple[str, dict[str, str]]:
    """The page script (and its query) where the reader acts on a notification (notifications.place)."""
    page, query = notifications.place(row)
    return f"app_pages/{page}.py", query


# Where each kind of waiting thing is answered when it is about more than one job.
NEEDS_PAGES = {
    "disputes": "app_pages/organizer_disputes.py",
    "id_checks": "app_pages/organizer_workers.py",
}


def badge_label(unread: int) -> str:
    return t("inbox.badge", count=unread) if unread else t("nav.inbox")


@st.fragment(run_every=BADGE_SECONDS)
def live_badge(db: Database, user: User) -> None:
    """The inbox link with the unread count, at the top of every page for a signed-in person; it asks
    again every BADGE_SECONDS without rerunning the page (one indexed COUNT)."""
    unread = notifications.unread_count(db, user["id"])
    st.page_link(INBOX_PAGE, label=badge_label(unread), icon="🔔")


def waiting_for_you(waiting: list[needs.Waiting]) -> None:
    """What needs the person now (needs.waiting_on: "1 job waiting for your confirmation"), each line a
    link to the place to act: the job itself when there is one, else the list it is in."""
    for item in waiting:
        page, query = (
            (JOB_PAGE, {"id": str(item.job_id)}) if item.job_id else (NEEDS_PAGES.get(item.kind, MY_JOBS_PAGE), {})
        )
        st.page_link(page, label=t(f"needs.{item.kind}", count=item.number), query_params=query, icon="👉")


def inbox_line(db: Database, row: Row, user: User) -> None:
    """One notification: what happened, when, and a button to where to act (opening it marks it read)."""
    unread = row["read_at"] is None
    with st.container(border=True):
        st.markdown(("**🔵 " if unread else "") + sentence(row) + ("**" if unread else ""))
        st.caption(when(from_db(row["created_at"])))
        page, query = link(row)
        if st.button(t("inbox.open"), key=f"notices_open_{row['id']}", use_container_width=True):
            notifications.mark_read(db, user, row["id"], utcnow())
            go(page, **query)
