"""Open jobs on a map (at their approximate places) and in a list, with filters and sorting."""

import streamlit as st

from services import categories, community, jobs
from ui import maps
from ui.components import all_or, category_label, job_card, price_text
from ui.db import get_db
from ui.i18n import category_name, t

PAGE_SIZE = 20
SORTS = ("nearest", "newest", "price_low", "price_high")


def price_key(job: dict) -> tuple:
    return job["price_fen"], job["price_type"], job["est_minutes"]


db = get_db()
place = community.get(db)
kinds = categories.by_slug(db)

st.title(t("browse.title"))
with st.expander(t("browse.filters"), expanded=False, icon="🔎"):
    left, right = st.columns(2)
    category = left.selectbox(
        t("post.category"),
        [None, *kinds],
        key="browse_category",
        format_func=all_or(lambda s: category_label(kinds, s)),
    )
    mode = right.selectbox(
        t("browse.mode"),
        [None, *jobs.MODES],
        key="browse_mode",
        format_func=all_or(lambda m: t(f"mode.{m}")),
    )
    low, high = st.columns(2)
    min_yuan = low.number_input(t("browse.min_price"), min_value=0, value=None, step=10, key="browse_min")
    max_yuan = high.number_input(t("browse.max_price"), min_value=0, value=None, step=10, key="browse_max")
    max_km = st.slider(t("browse.max_km"), 0.5, 20.0, value=20.0, step=0.5, key="browse_km")
    st.caption(t("browse.point_help"))
sort = (
    st.segmented_control(
        t("browse.sort"), SORTS, format_func=lambda s: t(f"browse.sort_{s}"), default="nearest", key="browse_sort"
    )
    or "nearest"
)

my_point = st.session_state.get("browse_point") or (place["lat"], place["lon"])
found = jobs.list_open(
    db,
    category=category,
    mode=mode,
    min_fen=None if min_yuan is None else int(min_yuan) * 100,
    max_fen=None if max_yuan is None else int(max_yuan) * 100,
    near=my_point,
    max_km=max_km,
    sort=sort,
)

map_column, list_column = st.columns([3, 2], gap="medium")
with map_column:
    m = maps.base_map(my_point, 14)
    maps.community_circle(m, place)
    # Thousands of jobs share a few hundred prices: format each once.
    names = {slug: category_name(kind) for slug, kind in kinds.items()}
    prices = {}
    for job in found:
        if price_key(job) not in prices:
            prices[price_key(job)] = price_text(job)
    places = [
        (j["public_lat"], j["public_lon"], j["id"], j["title"], names[j["category"]], prices[price_key(j)])
        for j in found
    ]
    maps.places_layer(places, t("browse.open_job")).add_to(m)
    state = maps.show(m, "browse_map", height=460, returns=maps.PLACE_CLICK_RETURNS, marker=my_point)
    opened = maps.clicked_place(state, "browse_map")
    if opened:
        st.switch_page("app_pages/job.py", query_params={"id": opened})
    clicked = maps.clicked_point(state)
    if clicked and clicked != st.session_state.get("browse_last_click"):
        st.session_state["browse_last_click"] = st.session_state["browse_point"] = clicked
        st.rerun()
    st.caption(t("browse.map_help"))
    if st.session_state.get("browse_point") and st.button(t("browse.reset_point"), key="browse_reset"):
        st.session_state.pop("browse_point")
        st.rerun()

with list_column:
    st.markdown(f"**{t('browse.count', count=len(found))}**")
    if not found:
        st.info(t("browse.none"), icon="🌱")
    shown = st.session_state.get("browse_shown", PAGE_SIZE)
    for job in found[:shown]:
        job_card(job, kinds, distance_km=job["distance_km"])
    if len(found) > shown and st.button(t("browse.more"), key="browse_more", use_container_width=True):
        st.session_state["browse_shown"] = shown + PAGE_SIZE
        st.rerun()
