"""Find a helper: verified workers, filtered by category, place and availability, ranked by a
Bayesian average of their ratings (the page says the order in plain words), then by jobs completed;
the resident's favourite helpers first, or alone, each card with its star."""

import streamlit as st

from services import categories, community, favourites, workers
from services.clock import utcnow
from ui import maps
from ui.cards import person_name, rate_text, stars_text
from ui.db import get_db
from ui.feedback import PROFILE_PAGE
from ui.i18n import all_or, category_label, category_name, listing, neutral, t
from ui.job_after import favourite_star
from ui.safe import isolated, md

HELPER_COLOUR = "#2f9e44"
HELPER_AREA_M = 600

db = get_db()
viewer = st.session_state["user"]  # a member page (app.py)
place = community.get(db)
kinds = categories.by_slug(db)

st.title(t("helpers.title"))
st.caption(t("helpers.ranking"))
left, right = st.columns(2)
category = left.selectbox(
    t("post.category"),
    [None, *kinds],
    key=neutral("find_helpers_category"),
    format_func=all_or(lambda s: category_label(kinds[s])),
)
slot = right.selectbox(
    t("helpers.available"),
    [None, *workers.AVAILABILITY],
    key=neutral("find_helpers_slot"),
    format_func=all_or(lambda s: t(f"slot.{s}")),
)
near = st.session_state.get("find_helpers_point")
mine = favourites.helper_ids(db, viewer)
only_mine = st.toggle(t("helpers.favourites_only"), key="find_helpers_favourites_only")
found = favourites.first(
    workers.directory(db, category=category, near=near, slot=slot, now=utcnow()), mine, only=only_mine
)


map_column, list_column = st.columns([2, 3], gap="medium")
with map_column:
    m = maps.base_map(near or (place["lat"], place["lon"]), 13, maps.APPROXIMATE_MAX_ZOOM)
    maps.community_circle(m, place)
    places = [
        (h["area_lat"], h["area_lon"], h["user_id"], h["display_name"], h["area_label"])
        for h in found
        if h["area_lat"] is not None
    ]
    maps.places_layer(places, t("helpers.open_profile"), radius_m=HELPER_AREA_M, colour=HELPER_COLOUR).add_to(m)
    state = maps.show(m, "find_helpers_map", height=380, returns=maps.PLACE_CLICK_RETURNS, marker=near)
    maps.follow_clicks(state, "find_helpers", PROFILE_PAGE)
    st.caption(t("helpers.map_help"))
    if near and st.button(t("helpers.any_place"), key="find_helpers_reset", use_container_width=True):
        st.session_state.pop("find_helpers_point")
        st.rerun()

with list_column:
    st.markdown(f"**{t('helpers.count', count=len(found))}**")
    if mine and not only_mine:
        st.caption(t("helpers.favourites_first"))
    if not found:
        st.info(t("helpers.no_favourites" if only_mine else "helpers.none"), icon="🌱")
    for helper in found:
        with st.container(border=True):
            st.page_link(
                PROFILE_PAGE,
                label=md(person_name(helper["display_name"], helper["verified"])),
                query_params={"id": helper["user_id"]},
                icon="🧰",
            )
            offered = listing([category_name(kinds[s]) for s in helper["categories"] if s in kinds])
            st.caption(md(" · ".join([offered, rate_text(helper["rate_fen"]), isolated(helper["area_label"])])))
            st.caption(
                " · ".join(
                    [
                        stars_text(helper["rating_average"], helper["rating_count"]),
                        t("profile.completed", count=helper["completed"]),
                    ]
                )
            )
            if helper["user_id"] != viewer["id"]:
                favourite_star(db, viewer, helper["user_id"], mine, key="find_helpers")
