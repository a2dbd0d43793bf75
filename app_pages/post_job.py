"""Post a job: what, where (a click on the map), when, and for how much. The same form changes an open
job (?edit=) or starts from a completed one (?again=, ui.job_after)."""

from datetime import datetime, timedelta

import streamlit as st

from services import categories, community, jobs, ledger
from services.clock import utcnow
from services.errors import LinbangError
from ui import job_after, maps
from ui.cards import price_guide
from ui.db import get_db
from ui.feedback import FieldErrors, error_message, flash
from ui.forms import Filling
from ui.i18n import category_label, money, neutral, t, timezone

db = get_db()
user = st.session_state["user"]
place = community.get(db)
kinds = categories.by_slug(db)
try:
    draft = job_after.draft(db, user)
except LinbangError as error:  # no such job, not theirs, or no longer open
    st.error(error_message(error), icon="🔒")
    st.stop()
filling = Filling(draft.name)  # a double click posts one job (ui.forms)
job_after.fill_in(
    draft,
    filling,
    "post_job_location",
    {"category": "post_job_category", "price_kind": "post_job_price_kind", "mode": "post_job_mode"},
)

st.title(t("post.edit_title" if draft.editing else "post.title"))
st.subheader(t("post.where"))
st.caption(t("post.where_help", km=place["radius_km"]))
errors = FieldErrors()  # each error under its own input
point = errors.at("location", maps.point_picker("post_job_location", (place["lat"], place["lon"]), community=place))

PRICE_KINDS = ("fixed", "hourly", "free")
# Default window: from the next full hour, for four hours.
soon = datetime.now(timezone()).replace(minute=0, second=0, microsecond=0, tzinfo=None) + timedelta(hours=1)
later = soon + timedelta(hours=4)
# Outside the form: the price guide below follows what is picked here as it changes.
category = errors.at(
    "category",
    st.selectbox(
        t("post.category"),
        list(kinds),
        index=None,
        placeholder=t("post.category_pick"),
        format_func=lambda slug: category_label(kinds[slug]),
        key=neutral("post_job_category"),
    ),
)
price_kind = errors.at(
    "price_type",
    st.radio(
        t("post.price_kind"),
        PRICE_KINDS,
        format_func=lambda k: t(f"post.price_{k}"),
        horizontal=True,
        key=neutral("post_job_price_kind"),
    ),
)
if category and price_kind != "free":
    price_guide(db, category, "hourly" if price_kind == "hourly" else "fixed")
mode = errors.at(
    "mode",
    st.radio(
        t("post.mode"),
        jobs.MODES,
        format_func=lambda m: t(f"post.mode_{m}"),
        horizontal=True,
        key=neutral("post_job_mode"),
        disabled=bool(draft.editing),  # a job keeps its mode
    ),
)
st.caption(t(f"post.mode_{mode}_help"))
with st.form(filling.form):
    title = errors.at(
        "title",
        st.text_input(
            t("post.job_title"), max_chars=60, placeholder=t("post.job_title_example"), key=filling.field("title")
        ),
    )
    description = errors.at(
        "description",
        st.text_area(
            t("post.description"), max_chars=2000, help=t("post.description_help"), key=filling.field("description")
        ),
    )
    left, right = st.columns(2)
    price = errors.at(
        "price",
        left.text_input(t("post.price_yuan"), help=t("post.price_help"), key=filling.field("price")),
        left,
    )
    hours = errors.at(
        "est_hours",
        right.number_input(
            t("post.est_hours"), min_value=0.5, max_value=24.0, value=2.0, step=0.5, key=filling.field("hours")
        ),
        right,
    )
    st.caption(t("post.when"))
    start_day, start_time, end_day, end_time = st.columns(4)
    day_from = start_day.date_input(
        t("post.start_day"), value=soon.date(), min_value=soon.date(), key=filling.field("start_day")
    )
    time_from = start_time.time_input(
        t("post.start"), value=soon.time(), step=timedelta(minutes=15), key=filling.field("start")
    )
    day_to = end_day.date_input(
        t("post.end_day"), value=later.date(), min_value=soon.date(), key=filling.field("end_day")
    )
    time_to = errors.at(  # the window's one place: under the last of its four inputs
        "window",
        end_time.time_input(t("post.end"), value=later.time(), step=timedelta(minutes=15), key=filling.field("end")),
        end_time,
    )
    address_note = errors.at(
        "address_note",
        st.text_input(
            t("post.address_note"), max_chars=200, help=t("post.address_note_help"), key=filling.field("address_note")
        ),
    )
    st.caption(t("post.privacy"))
    handover = draft.editing is None and st.checkbox(  # an open job's own page asks for one later
        t("post.handover"), help=t("post.handover_help"), key=filling.field("handover")
    )
    st.caption(t("post.hold_note", balance=money(ledger.wallet_fen(db, user["id"], user))))
    submitted = st.form_submit_button(
        t("post.edit_submit" if draft.editing else "post.submit"),
        type="primary",
        use_container_width=True,
        key=filling.field("send"),
    )

filling.follow_on(submitted)
if submitted:
    filling.submitted()
    no_price = price_kind != "free" and not price.strip().strip("0.")  # free is chosen, never a 0 left (#15)
    if no_price:
        errors.show("price", t("error.price_zero"))
    if point is None:
        errors.show("location", t("error.location_missing"))
    elif not no_price:
        tz = timezone()
        fields = dict(
            title=title,
            description=description,
            category=category,
            price_yuan="0" if price_kind == "free" else price,
            price_type="hourly" if price_kind == "hourly" else "fixed",
            est_hours=hours if price_kind == "hourly" else None,
            window_start=datetime.combine(day_from, time_from, tz),
            window_end=datetime.combine(day_to, time_to, tz),
            lat=point[0],
            lon=point[1],
            address_note=address_note,
            mode=mode,
            **({"handover_code": handover} if handover else {}),
        )
        job_id = filling.send(
            lambda: job_after.save(db, user, draft, fields, key=filling.key(*fields.values()), now=utcnow()), errors
        )
        if job_id:
            maps.forget_point("post_job_location")
            flash(t("post.edit_done" if draft.editing else "post.done"))
            page, query = job_after.next_page(draft, job_id)
            filling.went_on(page, **query)
