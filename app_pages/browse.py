"""Open jobs on a map (at their approximate places) and in a list, with a search, filters and sorting;
the way to post a job."""

import streamlit as st

from services import categories, community, jobs, needs
from ui import maps
from ui.cards import job_card, price_text
from ui.db import get_db
from ui.feedback import JOB_PAGE, sign_in_first
from ui.i18n import all_or, category_label, category_name, neutral, t
from ui.notices import waiting_for_you
from ui.safe import md

# Five cards fill the height of the map beside them; each card drawn cost the map about 20 ms more
# to show on a cold load (bench/browse_map.py). "More" adds five at a time.
PAGE_SIZE = 5
SORTS = ("nearest", "newest", "price_low", "price_high")
FILTER_DEFAULTS = {
    "browse_category": "",
    "browse_mode": "",
    "browse_min": None,
    "browse_max": None,
    "browse_km": 20.0,
}


POST_PAGE = "app_pages/post_job.py"


def price_key(job: dict) -> tuple:
    return job["price_fen"], job["price_type"], job["est_minutes"]


def clear_search() -> None:
    st.session_state["browse_search"] = ""


db = get_db()
place = community.get(db)
kinds = categories.by_slug(db)

st.title(t("browse.title"))
user = st.session_state.get("user")
if user:
    waiting_for_you(needs.waiting_on(db, user))
# Put back each run, like the filters below: a language switch relabels the box, and a relabelled
# widget would otherwise start empty.
st.session_state["browse_search"] = st.session_state.get("browse_search", "")
search_column, post_column = st.columns([3, 1], vertical_alignment="bottom")
search_column.text_input(
    t("browse.search"),
    key="browse_search",
    max_chars=jobs.SEARCH_MAX,
    placeholder=t("browse.search_placeholder"),
    icon="🔍",
)
# For a signed-out visitor the post page is a door to sign-in (app.py), which st.switch_page cannot
# open by its path: send them to sign in first, then on to the post page.
if post_column.button(t("nav.post"), key="browse_post", icon="➕", type="primary", use_container_width=True):
    if user:
        st.switch_page(POST_PAGE)
    else:
        sign_in_first(POST_PAGE)
# The filter widgets are drawn only while their panel is open: drawn on every visit, the five of them
# kept the map from showing for about a third of a second more (bench/browse_map.py). Their values are
# put back into session state on every run, so they outlive the closed panel (a widget not drawn in a
# run otherwise loses its value).
for key, default in FILTER_DEFAULTS.items():
    st.session_state[key] = st.session_state.get(key, default)
panel = st.expander(t("browse.filters"), icon="🔎", key="browse_filters", on_change="rerun")
if panel.open:
    with panel:
        left, right = st.columns(2)
        left.selectbox(
            t("post.category"),
            ["", *kinds],
            key="browse_category",
            format_func=all_or(lambda s: category_label(kinds[s])),
        )
        right.selectbox(
            t("browse.mode"), ["", *jobs.MODES], key="browse_mode", format_func=all_or(lambda m: t(f"mode.{m}"))
        )
        low, high = st.columns(2)
        low.number_input(t("browse.min_price"), min_value=0, step=10, key="browse_min")
        high.number_input(t("browse.max_price"), min_value=0, step=10, key="browse_max")
        st.slider(t("browse.max_km"), 0.5, 20.0, step=0.5, key="browse_km")
        st.caption(t("browse.point_help"))
filters = {key: st.session_state[key] for key in FILTER_DEFAULTS}
active = sum(value != FILTER_DEFAULTS[key] for key, value in filters.items())
if active and not panel.open:
    st.caption(t("browse.filters_on", count=active))
sort = (
    st.segmented_control(
        t("browse.sort"),
        SORTS,
        format_func=lambda s: t(f"browse.sort_{s}"),
        default="nearest",
        key=neutral("browse_sort"),
    )
    or "nearest"
)

my_point = st.session_state.get("browse_point") or (place["lat"], place["lon"])
found = jobs.list_open(
    db,
    category=filters["browse_category"],
    mode=filters["browse_mode"],
    min_fen=None if filters["browse_min"] is None else int(filters["browse_min"]) * 100,
    max_fen=None if filters["browse_max"] is None else int(filters["browse_max"]) * 100,
    near=my_point,
    max_km=filters["browse_km"],
    sort=sort,
    search=st.session_state["browse_search"],
)

map_column, list_column = st.columns([3, 2], gap="medium")
with map_column:
    m = maps.base_map(my_point, 14, maps.APPROXIMATE_MAX_ZOOM)
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
    maps.follow_clicks(state, "browse", JOB_PAGE)
    st.caption(t("browse.map_help"))
    if st.session_state.get("browse_point") and st.button(t("browse.reset_point"), key="browse_reset"):
        st.session_state.pop("browse_point")
        st.rerun()

with list_column:
    st.markdown(f"**{t('browse.count', count=len(found))}**")
    if not found and st.session_state["browse_search"].strip():
        st.info(t("browse.search_none", words=md(st.session_state["browse_search"])), icon="🔍")
        st.button(t("browse.search_clear"), key="browse_search_clear", on_click=clear_search)
    elif not found:
        st.info(t("browse.none"), icon="🌱")
    shown = st.session_state.get("browse_shown", PAGE_SIZE)
    for job in found[:shown]:
        job_card(job, kinds, distance_km=job["distance_km"])
    if len(found) > shown and st.button(t("browse.more"), key="browse_more", use_container_width=True):
        st.session_state["browse_shown"] = shown + PAGE_SIZE
        st.rerun()
