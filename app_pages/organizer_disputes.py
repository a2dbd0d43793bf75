"""Disputes waiting for an organizer: each job with the poster's reason; its page holds the whole
history (events, materials, statements, the conversation) and the resolution form. Below them, what
needs a look: messages and jobs flagged as possible scams (services.fraud)."""

import streamlit as st

from services import categories, disputes
from ui.cards import job_card
from ui.conversation import attention_section
from ui.db import get_db
from ui.i18n import t
from ui.safe import md

db = get_db()
user = st.session_state["user"]
kinds = categories.by_slug(db)
waiting = disputes.unresolved(db, user)

st.title(t("disputes.title"))
st.caption(t("disputes.help"))
if not waiting:
    st.info(t("disputes.none"), icon="🕊️")
for job in waiting:
    with job_card(job, kinds, show_status=True):
        reason = disputes.statements(db, job, user)[0]
        st.markdown(md(t("disputes.reason", name=reason["author_name"], reason=reason["body"])))

attention_section(db, user)
