"""Sign in."""

import streamlit as st

from ui import auth
from ui.db import get_db
from ui.feedback import after_sign_in, attempt, flash, go
from ui.i18n import t

db = get_db()
st.title(t("login.title"))
with st.form("login_form"):
    username = st.text_input(t("account.username"), key="login_username", autocomplete="username")
    password = st.text_input(
        t("account.password"), type="password", key="login_password", autocomplete="current-password"
    )
    submitted = st.form_submit_button(t("login.submit"), type="primary", use_container_width=True, key="login_submit")
if submitted:
    user = attempt(lambda: auth.log_in(db, username, password))
    if user:
        flash(t("login.welcome"))  # in the person's own language, which signing in has just set
        go(after_sign_in())
st.page_link("app_pages/register.py", label=t("login.no_account"), icon="📝")
