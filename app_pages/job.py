"""One job: details, place (exact or approximate), the actions allowed now, ratings, history."""

import streamlit as st

from services import access, categories, escrow, jobs, notifications, pricing, settings, share
from services.clock import from_db, utcnow
from services.errors import NotFound
from ui import maps
from ui.action_bar import job_actions, why_not_a_helper
from ui.booking import booking_section
from ui.cards import person_name, price_text, profile_link, rating_line, status_text, window_text
from ui.contact import contact_section
from ui.conversation import conversation_section, fraud_warning
from ui.db import get_db
from ui.disputes import dispute_section
from ui.i18n import category_label, money, t, when
from ui.job_after import after_posting
from ui.job_money import money_section
from ui.query import query_id
from ui.questions import questions_section
from ui.report import report_button
from ui.reviews import job_reviews
from ui.safe import isolated, md
from ui.safety import handover_code, tell_someone
from ui.share import share_button
from ui.statements import receipt_section

db = get_db()
user = st.session_state.get("user")
try:
    job = jobs.get(db, query_id(), user)
except NotFound:
    st.error(t("error.not_found"), icon="🔍")
    st.page_link("app_pages/browse.py", label=t("nav.browse"), icon="🗺️")
    st.stop()
if job["withheld"]:  # hidden by the organizer after a report: only that is said
    st.info(t("report.hidden_job"), icon="🚫")
    st.page_link("app_pages/browse.py", label=t("nav.browse"), icon="🗺️")
    st.stop()
if user:  # what they were told about this job is read now
    notifications.mark_all_read(db, user, utcnow(), job_id=job["id"])
kind = categories.by_slug(db)[job["category"]]
allowed = access.capabilities(db, job, user)  # every button and section below is drawn from it

st.title(md(job["title"]))
st.markdown(
    f"**{status_text(job['status'])}** · {category_label(kind)} · {md(price_text(job))} · {t('mode.' + job['mode'])}"
)
st.caption(md(t("job.window", window=window_text(job))))
if kind["hazardous"]:
    st.warning(t("job.hazard_note"), icon="⚠️")
if job["hidden_at"]:  # its sides and organizers still see it
    st.warning(t("report.hidden_job_mark"), icon="🚫")


info, place_column = st.columns([3, 2], gap="medium")
with info:
    st.markdown(md(job["description"]))
    if job["flagged"]:  # asks for money up front or off the board (services.fraud): warned, not hidden
        fraud_warning()
    poster = person_name(job["poster_name"], job["poster_verified"])
    profile_link(job["poster_id"], t("job.posted_by", name=poster))
    st.caption(rating_line(db, job["poster_id"]))
    if job["worker_id"]:
        profile_link(job["worker_id"], t("job.worker", name=person_name(job["worker_name"], job["worker_verified"])))
        st.caption(rating_line(db, job["worker_id"]))
        if job["agreed_fen"] is not None and job["agreed_fen"] != job["price_fen"]:
            st.caption(t("job.agreed", price=money(job["agreed_fen"])))
    if "see_private" in allowed:  # the poster, the worker and organizers see the money
        money_section(db, job, user, allowed)
    if "see_receipt" in allowed:
        receipt_section(db, job, user)
    elif user and job["status"] == "open" and pricing.estimated_total_fen(job):
        worker_gets, _ = escrow.payment(db, job, pricing.estimated_total_fen(job))  # before a helper commits
        st.caption(t("job.helper_gets", worker_gets=money(worker_gets), pct=settings.whole(db, "commission_pct")))
    confirm_by = jobs.auto_confirm_at(job)
    if confirm_by:
        st.info(t("job.auto_confirm", when=when(confirm_by)), icon="⏳")
    if user is None and job["status"] == "open":
        st.info(t("job.login_to_claim"), icon="🔑")
    handover_code(db, job, allowed)
    job_actions(db, job, user, allowed, key="job")
    tell_someone(db, job, allowed)
    after_posting(job, allowed, key="job")  # change it, post it again, book the helper again
    if user and job["mode"] == "grab":  # (booking's section says it under its applications)
        why_not_a_helper(db, job, user, "claim")
    contact_section(db, job, user, allowed)
    questions_section(db, job, user, allowed)
    if job["mode"] == "booking":
        booking_section(db, job, user, allowed)
    conversation_section(db, job, user, allowed)
    dispute_section(db, job, user, allowed)
    if user and "report" in allowed:  # below everything the job is for: rarely needed
        report_button(db, user, "job", job["id"])

with place_column:
    if job["exact"]:
        m = maps.base_map((job["lat"], job["lon"]), 16)
        maps.exact_pin(m, job["lat"], job["lon"])
    else:
        m = maps.base_map((job["public_lat"], job["public_lon"]), 15, maps.APPROXIMATE_MAX_ZOOM)
        maps.approximate_circle(m, job["public_lat"], job["public_lon"])
    maps.show(m, f"job_map_{job['id']}", height=300)
    if job["exact"]:
        st.caption(t("job.exact_location"))
        if job["address_note"]:
            st.markdown(f"**{t('job.address_note')}** {md(isolated(job['address_note']))}")
    else:
        st.caption(t("job.approximate_location"))
    if share.job_url(db, job):  # an open job, on a board with its address: a card for the WeChat group
        share_button(f"job_share_{job['id']}", lambda: share.job_card(db, job), f"linbang-job-{job['id']}.png")

job_reviews(db, job, user, allowed)

events = jobs.history(db, job, user)
if not events:  # not involved: when it was posted, and nobody's name or steps
    st.caption(t("job.posted_on", when=when(from_db(job["created_at"]))))
else:
    with st.expander(t("job.history"), icon="🕘", key="job_history"):
        for event in events:
            who = event["actor_name"] or t("job.the_board")
            line = t("job.event", when=when(from_db(event["at"])), who=who, action=t(f"event.{event['action']}"))
            st.markdown(md(line))
