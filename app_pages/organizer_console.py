"""The organizer's console (#16 items 4, 5): what waits on the organizers, each with a link to where it
is handled; the community's figures for a chosen period (jobs posted by category and by status, the
wait until a job is taken, completed and cancelled, who was active, money held and commission); and
CSV downloads of the jobs, people, ledger lines and reviews."""

import streamlit as st

from services import categories, export, figures
from services.clock import utcnow
from ui import console, private
from ui.db import get_db
from ui.i18n import category_name, money, neutral, t, timezone

TILE_PX = 170  # two tiles beside each other in a 390 px phone's 366 px of page

db = get_db()
user = st.session_state["user"]
now = utcnow()
tz = timezone()

st.title(t("console.title"))
st.caption(t("console.help"))

st.subheader(t("console.attention"))
console.attention_list(console.attention(db, user, now))

st.subheader(t("console.figures"))
period = (
    st.segmented_control(
        t("console.period"),
        list(figures.PERIODS),
        format_func=lambda p: t(f"console.period_{p}"),
        default="12w",
        required=True,
        key=neutral("organizer_console_period"),
    )
    or "12w"
)
axis = console.labels(period, now)
outcomes = figures.outcomes(db, user, period, now, tz)
waits = figures.wait_to_take(db, user, period, now, tz)
overall = next((row for row in waits if row["first_day"] is None), None)
active = figures.active_people(db, user, now)
money_rows = figures.money(db, user, period, now, tz)
posted = outcomes["posted"]


st.markdown(  # constant CSS: two tiles side by side on a 390 px phone, their whole labels and numbers shown
    """<style>
    .st-key-organizer_console_tiles [data-testid="stMetricValue"] { font-size: 1.6rem; }
    .st-key-organizer_console_tiles [data-testid="stMetricLabel"] * { white-space: normal; overflow: visible; }
    </style>""",
    unsafe_allow_html=True,
)
with st.container(horizontal=True, gap="small", key="organizer_console_tiles"):
    tiles = [
        (t("console.posted"), str(posted), None),
        (
            t("console.completed"),
            console.percent(outcomes["completed"], posted),
            t("console.of_posted", count=outcomes["completed"], posted=posted),
        ),
        (
            t("console.cancelled"),
            console.percent(outcomes["cancelled"], posted),
            t("console.of_posted", count=outcomes["cancelled"], posted=posted),
        ),
        (t("console.median_wait"), console.duration(overall and overall["median_minutes"]), t("console.wait_help")),
        (t("console.active_posters"), str(active["posters"]), t("console.active_help")),
        (t("console.active_workers"), str(active["workers"]), t("console.active_help")),
        (t("console.held"), money(sum(r["held_fen"] for r in money_rows)), t("console.held_help")),
        (t("console.commission"), money(sum(r["commission_fen"] for r in money_rows)), None),
    ]
    for label, value, about in tiles:
        st.metric(label, value, help=about, border=True, width=TILE_PX)

kinds = categories.by_slug(db)
st.markdown(f"**{t('console.by_category')}**")
console.stacked_jobs(
    figures.jobs_posted(db, user, period, "category", now, tz),
    "category",
    lambda slug: category_name(kinds[slug]),
    axis,
    t("console.category"),
)
st.markdown(f"**{t('console.by_status')}**")
console.stacked_jobs(
    figures.jobs_posted(db, user, period, "status", now, tz),
    "status",
    lambda status: t(f"status.{status}"),
    axis,
    t("console.status"),
)
st.markdown(f"**{t('console.wait_title')}**")
console.wait_chart(waits, axis)
st.markdown(f"**{t('console.money_title')}**")
console.money_chart(money_rows, axis)

st.subheader(t("console.exports"))
st.caption(t("console.exports_help"))
table = (
    st.segmented_control(
        t("console.export_what"),
        list(export.TABLES),
        format_func=lambda name: t(f"console.export_{name}"),
        default="jobs",
        required=True,
        key=neutral("organizer_console_export"),
    )
    or "jobs"
)
private.download(
    t("console.download", what=t(f"console.export_{table}")),
    export.table_csv(db, user, table, tz),
    file_name=f"linbang-{table}-{now.astimezone(tz):%Y-%m-%d}.csv",
    mime="text/csv",
)
