"""My jobs: what I posted, what I work on (each with only the actions allowed now), and my booking
applications and invitations."""

import streamlit as st

from services import access, categories, jobs
from ui.action_bar import job_actions
from ui.booking import my_applications
from ui.cards import job_card
from ui.db import get_db
from ui.i18n import t
from ui.notices import waiting_for_you

db = get_db()
user = st.session_state["user"]
kinds = categories.by_slug(db)
lists = jobs.mine(db, user)

st.title(t("my_jobs.title"))
waiting_for_you(db, user)
KINDS = ("posted", "working")
*tabs, applications_tab = st.tabs(
    [f"{t(f'my_jobs.{key}')} ({len(lists[key])})" for key in KINDS] + [t("my_jobs.applications")]
)
with applications_tab:
    my_applications(db, user)
for tab, key in zip(tabs, KINDS, strict=True):
    with tab:
        if not lists[key]:
            st.info(t(f"my_jobs.none_{key}"), icon="🌱")
        for job in lists[key]:
            with job_card(job, kinds, show_status=True):
                job_actions(db, job, user, access.capabilities(db, job, user), key=f"my_jobs_{key}")
