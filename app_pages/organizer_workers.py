"""Organizer: verify workers (minimal; ID checks come with the workers issue)."""

import streamlit as st

from services import categories, workers
from services.clock import utcnow
from ui.components import PROFILE_PAGE, attempt
from ui.db import get_db
from ui.i18n import category_name, t
from ui.safe import md

db = get_db()
user = st.session_state["user"]
kinds = categories.by_slug(db)

st.title(t("organizer.workers_title"))
people = workers.list_workers(db, user)
if not people:
    st.info(t("organizer.no_workers"), icon="🌱")
for person in people:
    with st.container(border=True):
        st.page_link(
            PROFILE_PAGE,
            label=md(f"{person['display_name']} (@{person['username']})"),
            query_params={"id": person["user_id"]},
        )
        st.caption(
            md(
                " · ".join(
                    [
                        t(f"worker.state_{person['verification']}"),
                        "、".join(category_name(kinds[s]) for s in person["categories"] if s in kinds),
                    ]
                )
            )
        )
        verify, reject = st.columns(2)
        if person["verification"] != "verified" and verify.button(
            t("organizer.verify"), key=f"verify_{person['user_id']}", type="primary", use_container_width=True
        ):
            if attempt(
                lambda p=person: workers.set_verification(db, user, p["user_id"], "verified", utcnow()),
                success=t("organizer.verified"),
            ):
                st.rerun()
        if person["verification"] != "rejected" and reject.button(
            t("organizer.revoke" if person["verification"] == "verified" else "organizer.reject"),
            key=f"reject_{person['user_id']}",
            use_container_width=True,
        ):
            if attempt(
                lambda p=person: workers.set_verification(db, user, p["user_id"], "rejected", utcnow()),
                success=t("organizer.rejected"),
            ):
                st.rerun()
