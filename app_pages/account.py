"""My account: language, phone number, public profile link, sign out."""

import streamlit as st

from services import users
from ui import auth
from ui.cards import rating_line
from ui.db import get_db
from ui.feedback import PROFILE_PAGE, FieldErrors, attempt, flash, go
from ui.i18n import t
from ui.safe import isolated, md

db = get_db()
user = st.session_state["user"]
st.title(t("account.title"))
st.markdown(f"**{md(isolated(user['display_name']))}** (@{md(user['username'])})")
st.caption(rating_line(db, user["id"]))
st.page_link(PROFILE_PAGE, label=t("account.public_profile"), query_params={"id": user["id"]}, icon="👤")
st.caption(t("account.language_hint"))
errors = FieldErrors()
with st.form("account_phone_form"):
    phone = errors.at(
        "phone",
        st.text_input(t("account.phone"), value=user["phone"] or "", help=t("account.phone_help"), key="account_phone"),
    )
    if st.form_submit_button(t("account.phone_save"), use_container_width=True, key="account_phone_save"):
        attempt(lambda: users.set_phone(db, user, phone), success=t("account.phone_saved"), rerun=True, errors=errors)
st.divider()
st.write(t("account.logout_help"))
if st.button(t("account.logout"), key="account_logout", use_container_width=True):
    auth.log_out(db, user)
    flash(t("account.logged_out"))
    go("app_pages/browse.py")
