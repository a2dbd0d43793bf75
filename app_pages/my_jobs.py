"""My jobs: what I posted, what I work on (each with only the actions allowed now), and my booking
applications and invitations; it opens on the tab where something waits for me."""

import streamlit as st

from services import access, booking, categories, jobs, needs
from ui.action_bar import job_actions
from ui.booking import my_applications
from ui.cards import job_card
from ui.db import get_db
from ui.i18n import t
from ui.notices import waiting_for_you

KINDS = ("posted", "working")
# The tab where each kind of waiting thing (needs.QUERIES) is answered.
TAB_OF = {
    "confirm": "posted",
    "applicants": "posted",
    "materials": "posted",
    "start": "working",
    "invitations": "applications",
}


def opening_tab(waiting: list[needs.Waiting], counts: dict[str, int]) -> str:
    """The tab of the first thing waiting on the person; else the first with anything in it (#15: a
    helper who posted nothing and took three jobs sees what they took)."""
    for item in waiting:
        if item.kind in TAB_OF:
            return TAB_OF[item.kind]
    return next((key for key, count in counts.items() if count), "posted")


db = get_db()
user = st.session_state["user"]
kinds = categories.by_slug(db)
lists = jobs.mine(db, user)
applications = booking.mine(db, user)
waiting = needs.waiting_on(db, user)

st.title(t("my_jobs.title"))
waiting_for_you(waiting)
labels = {key: f"{t(f'my_jobs.{key}')} ({len(lists[key])})" for key in KINDS}
labels["applications"] = t("my_jobs.applications")
counts = {**{key: len(lists[key]) for key in KINDS}, "applications": len(applications)}
*tabs, applications_tab = st.tabs(list(labels.values()), default=labels[opening_tab(waiting, counts)])
with applications_tab:
    my_applications(db, user, applications)
for tab, key in zip(tabs, KINDS, strict=True):
    with tab:
        if not lists[key]:
            st.info(t(f"my_jobs.none_{key}"), icon="🌱")
        for job in lists[key]:
            with job_card(job, kinds, show_status=True):
                job_actions(db, job, user, access.capabilities(db, job, user), key=f"my_jobs_{key}")
