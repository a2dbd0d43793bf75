"""First run: the community and its first organizer. Shown only while no community exists."""

import streamlit as st

from services import community
from services.clock import utcnow
from ui import auth, maps
from ui.db import get_db
from ui.feedback import FieldErrors, attempt, go
from ui.i18n import LANGUAGE_NAMES, set_language, t

DEFAULT_CENTER = (31.2304, 121.4737)
RADIUS_KM = 5.0

db = get_db()
if "setup_language" in st.session_state:
    set_language(st.session_state["setup_language"])
st.title(t("setup.title"))
st.write(t("setup.intro"))
errors = FieldErrors()
language = errors.at(
    "language",
    st.radio(
        t("setup.language"), list(LANGUAGE_NAMES), format_func=LANGUAGE_NAMES.get, horizontal=True, key="setup_language"
    ),
)
st.subheader(t("setup.centre"))
st.caption(t("setup.centre_help"))
# The community's circle around the picked centre: the radius below as last sent, or its starting value.
centre = errors.at(
    "center",
    maps.point_picker(
        "setup_centre", DEFAULT_CENTER, new_community_km=st.session_state.get("setup_radius", RADIUS_KM), zoom=12
    ),
)

with st.form("setup_form"):
    name = errors.at("community_name", st.text_input(t("setup.community_name"), max_chars=60, key="setup_name"))
    radius = errors.at(
        "radius_km",
        st.number_input(
            t("setup.radius"), min_value=0.5, max_value=50.0, value=RADIUS_KM, step=0.5, key="setup_radius"
        ),
    )
    st.subheader(t("setup.organizer"))
    username = errors.at(
        "username", st.text_input(t("account.username"), help=t("account.username_help"), key="setup_username")
    )
    display_name = errors.at("display_name", st.text_input(t("account.display_name"), key="setup_display_name"))
    password = errors.at(
        "password",
        st.text_input(t("account.password"), type="password", help=t("account.password_help"), key="setup_password"),
    )
    password_again = errors.at(
        "password_again", st.text_input(t("account.password_again"), type="password", key="setup_password_again")
    )
    email = errors.at("email", st.text_input(t("account.email_optional"), key="setup_email"))
    submitted = st.form_submit_button(t("setup.submit"), type="primary", use_container_width=True, key="setup_submit")

if submitted:
    if centre is None:
        errors.show("center", t("error.location_missing"))
    else:
        organizer = {
            "username": username,
            "display_name": display_name,
            "password": password,
            "password_again": password_again,
            "email": email,
        }
        done = attempt(
            lambda: community.set_up(
                db,
                name=name,
                lat=centre[0],
                lon=centre[1],
                radius_km=radius,
                language=language,
                organizer=organizer,
                now=utcnow(),
            ),
            success=t("setup.done"),
            errors=errors,
        )
        if done:
            attempt(lambda: auth.log_in(db, username, password))
            go("app_pages/browse.py")
