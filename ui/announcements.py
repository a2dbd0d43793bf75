"""The organizers' notices (services.announcements), drawn at the top of every page for everyone,
signed in or not, until each ends; a reader may put one away for the rest of their visit."""

import streamlit as st

from services import announcements
from services.clock import utcnow
from services.db import Database

from .i18n import t, when
from .safe import md

DISMISSED = "_announcements_dismissed"  # session state: the ids of notices put away in this visit


def show(db: Database) -> None:
    """Each notice showing now and not put away, newest first: its text (as typed, ui.safe.md), until
    when, and an "OK, got it" button that hides it for the session."""
    dismissed = st.session_state.setdefault(DISMISSED, set())
    for notice in announcements.current(db, utcnow()):
        if notice["id"] in dismissed:
            continue
        with st.container(border=True, key=f"announcements_notice_{notice['id']}"):
            st.markdown("📢 " + md(notice["body"]))
            st.caption(t("announcement.until", when=when(notice["ends_at"])))
            st.button(
                t("announcement.dismiss"),
                key=f"announcements_dismiss_{notice['id']}",
                on_click=dismissed.add,
                args=(notice["id"],),
            )
