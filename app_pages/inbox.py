"""My notifications (消息): what happened on my jobs, messages, nearby jobs, my account and money,
newest first; each opens the place to act and is then read."""

import streamlit as st

from services import notifications
from services.clock import utcnow
from ui.db import get_db
from ui.feedback import attempt
from ui.i18n import t
from ui.notices import inbox_line

db = get_db()
user = st.session_state["user"]
st.title(t("inbox.title"))
rows = notifications.inbox(db, user)
if not rows:
    st.info(t("inbox.empty"), icon="🌱")
elif any(row["read_at"] is None for row in rows) and st.button(
    t("inbox.mark_all"), key="inbox_mark_all", use_container_width=True
):
    attempt(lambda: notifications.mark_all_read(db, user, utcnow()), rerun=True)
for row in rows:
    inbox_line(db, row, user)
