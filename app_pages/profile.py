"""A person's public profile: name, worker badge and categories, ratings received. No contact data."""

import streamlit as st

from services import categories, reviews, users, workers
from services.clock import from_db
from services.errors import NotFound
from ui.components import stars_text
from ui.db import get_db
from ui.i18n import category_name, day, t
from ui.safe import md

db = get_db()
try:
    person = users.get(db, int(st.query_params.get("id", "")))
except (NotFound, ValueError):
    st.error(t("error.not_found"), icon="🔍")
    st.stop()
profile = workers.get_profile(db, person["id"])
summary = reviews.summary(db, person["id"])

badge = " ✅" if profile and profile["verification"] == "verified" else ""
st.title(md(person["display_name"]) + badge)
st.caption(t("profile.member_since", when=day(from_db(person["created_at"]))))
if badge:
    st.success(t("profile.verified"), icon="🛡️")
if profile and profile["taking_jobs"]:
    kinds = categories.by_slug(db)
    st.write(
        t("profile.takes", categories="、".join(category_name(kinds[s]) for s in profile["categories"] if s in kinds))
    )
st.subheader(stars_text(summary["average"], summary["count"]))
for review in reviews.received(db, person["id"]):
    with st.container(border=True):
        st.markdown(f"{'★' * review['stars']}{'☆' * (5 - review['stars'])} · {md(review['author_name'])}")
        st.caption(md(t(f"profile.review_as_{review['author_role']}", title=review["job_title"])))
        if review["comment"]:
            st.markdown(md(review["comment"]))
