"""A person's public profile: name and badge, what they do as a helper, photos, reliability and the
ratings they received. No contact data, no ID data, no exact position. A poster can invite a helper
(?job= picks the job, as after "book again"), and a resident can star them as a favourite."""

import streamlit as st

from services import booking, categories, favourites, jobs, reviews, users, workers
from services.clock import from_db, utcnow
from services.errors import NotFound
from ui import maps
from ui.cards import avatar, person_name, photo_grid, rate_text, stars_text
from ui.db import get_db
from ui.feedback import JOB_PAGE, FieldErrors, attempt
from ui.i18n import category_label, day, listing, number, t
from ui.job_after import favourite_star
from ui.query import query_id
from ui.report import report_button
from ui.reviews import shown_review
from ui.safe import md

db = get_db()
viewer = st.session_state.get("user")
try:
    person = users.get(db, query_id())
except NotFound:
    st.error(t("error.not_found"), icon="🔍")
    st.stop()
try:
    helper = workers.public_profile(db, person["id"], now=utcnow())
except NotFound:
    helper = None
summary = reviews.summary(db, person["id"], now=utcnow())
kinds = categories.by_slug(db)

avatar(db, person)
st.title(md(person_name(person["display_name"], helper and helper["verified"])))
st.caption(t("profile.member_since", when=day(from_db(person["created_at"]))))
if helper and helper["verified"]:
    st.success(t("profile.verified"), icon="🛡️")
if viewer and viewer["id"] != person["id"]:
    report_button(db, viewer, "user", person["id"])


def helper_details() -> None:
    st.markdown(md(helper["bio"]))
    offered = listing([category_label(kinds[s]) for s in helper["categories"] if s in kinds])
    facts = [
        t("profile.takes", categories=offered),
        rate_text(helper["rate_fen"]),
        t("profile.radius", km=number(helper["service_radius_km"])),
        t("profile.completed", count=helper["completed"]),
    ]
    if helper["availability"]:
        facts.append(t("profile.availability", slots=listing([t(f"slot.{s}") for s in helper["availability"]])))
    for fact in facts:
        st.markdown(f"- {md(fact)}")
    figures = helper["reliability"]
    if figures["shown"]:
        percent = "–" if figures["completion_rate"] is None else f"{round(figures['completion_rate'] * 100)}%"
        st.markdown(
            md(t("profile.reliability", rate=percent, released=figures["released"], assigned=figures["assigned"]))
        )
        st.caption(t("profile.reliability_formula"))
    else:
        st.caption(t("profile.reliability_later", count=workers.RELIABILITY_MIN_ASSIGNED))


def helper_area() -> None:
    if helper["area_lat"] is None:
        return
    m = maps.base_map((helper["area_lat"], helper["area_lon"]), 14, maps.APPROXIMATE_MAX_ZOOM)
    maps.approximate_circle(m, helper["area_lat"], helper["area_lon"])
    maps.show(m, f"profile_map_{person['id']}", height=260)
    st.caption(md(t("profile.area", label=helper["area_label"])))


def invite_form() -> None:
    """A poster with open booking-mode jobs asks this helper to do one ("请他来做")."""
    mine = [j for j in jobs.mine(db, viewer)["posted"] if j["status"] == "open" and j["mode"] == "booking"]
    st.subheader(t("invite.title"))
    if not mine:
        st.caption(t("invite.no_jobs"))
        return
    errors = FieldErrors()
    ids = [j["id"] for j in mine]
    picked = query_id("job")
    with st.form(f"profile_invite_form_{person['id']}"):
        job_id = st.selectbox(
            t("invite.job"),
            ids,
            index=ids.index(picked) if picked in ids else 0,
            format_func=lambda i: next(j["title"] for j in mine if j["id"] == i),
            key=f"profile_invite_job_{person['id']}",
        )
        message = errors.at(
            "message",
            st.text_input(t("invite.message"), max_chars=300, key=f"profile_invite_message_{person['id']}"),
        )
        if st.form_submit_button(
            t("invite.send"), type="primary", use_container_width=True, key=f"profile_invite_send_{person['id']}"
        ):
            if attempt(
                lambda: booking.invite(db, viewer, job_id, person["id"], message=message, now=utcnow()),
                success=t("invite.sent"),
                errors=errors,
            ):
                st.switch_page(JOB_PAGE, query_params={"id": job_id})


if helper and helper["taking_jobs"]:
    details, area = st.columns([3, 2], gap="medium")
    with details:
        helper_details()
    with area:
        helper_area()
    if helper["photos"]:
        st.subheader(t("profile.photos"))
        photo_grid(db, helper["photos"])
    if viewer and viewer["id"] != person["id"] and helper["verified"]:
        favourite_star(db, viewer, person["id"], favourites.helper_ids(db, viewer), key="profile")
        invite_form()

st.subheader(stars_text(summary["average"], summary["count"]))
for review in reviews.received(db, person["id"], viewer, now=utcnow()):  # those shown by now (double-blind)
    with st.container(border=True):
        shown_review(
            review,
            person_name(review["author_name"], review["author_verified"]),
            t(f"profile.review_as_{review['author_role']}", title=review["job_title"]),
        )
        if viewer and review["author_id"] != viewer["id"]:
            report_button(db, viewer, "review", review["id"])
