"""I take jobs: switch it on, choose categories, see where the organizer's check stands."""

import streamlit as st

from services import categories, workers
from services.clock import utcnow
from ui.components import attempt
from ui.db import get_db
from ui.i18n import category_name, t

db = get_db()
user = st.session_state["user"]
kinds = categories.list_all(db)
profile = workers.get_profile(db, user["id"]) or {"taking_jobs": 0, "categories": [], "verification": "unverified"}

st.title(t("worker.title"))
st.write(t("worker.intro"))
status = profile["verification"]
{"verified": st.success, "pending": st.info, "rejected": st.warning}.get(status, st.caption)(
    t(f"worker.status_{status}")
)
with st.form("worker_form"):
    taking = st.toggle(t("worker.taking_jobs"), value=bool(profile["taking_jobs"]), key="worker_taking")
    chosen = st.multiselect(
        t("worker.categories"),
        [c["slug"] for c in kinds],
        default=profile["categories"],
        key="worker_categories",
        format_func=lambda slug: next(f"{c['icon']} {category_name(c)}" for c in kinds if c["slug"] == slug),
        placeholder=t("post.category_pick"),
    )
    if st.form_submit_button(t("worker.save"), type="primary", use_container_width=True):
        if attempt(
            lambda: workers.set_taking_jobs(db, user, taking_jobs=taking, categories=chosen, now=utcnow()),
            success=t("worker.saved"),
        ):
            st.rerun()
