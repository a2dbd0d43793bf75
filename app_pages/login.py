"""Sign in; or, having forgotten the password, choose a new one with the organizer's reset code (or the
e-mailed link, which opens this page with the form filled in: ?username=...&reset=...)."""

import streamlit as st

from ui import auth
from ui.db import get_db
from ui.feedback import FieldErrors, after_sign_in, attempt, flash, go
from ui.i18n import t
from ui.query import query_text

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


def reset_form() -> None:
    """A new password with a reset code from the organizer; opened already when a link brought one."""
    linked = query_text("reset")
    with st.expander(t("login.forgot"), expanded=bool(linked), icon="❓"):
        st.caption(t("login.forgot_help"))
        errors = FieldErrors()
        with st.form("login_reset_form"):
            name = st.text_input(
                t("login.reset_username"),  # not the sign-in form's label: each box is found by its own
                value=query_text("username"),
                key="login_reset_username",
                autocomplete="username",
            )
            code = st.text_input(
                t("login.reset_code"), value=linked, key="login_reset_code", autocomplete="one-time-code"
            )
            new = errors.at(
                "password",
                st.text_input(
                    t("account.new_password"),
                    type="password",
                    help=t("account.password_help"),
                    key="login_reset_password",
                    autocomplete="new-password",
                ),
            )
            again = errors.at(
                "password_again",
                st.text_input(
                    t("account.new_password_again"),
                    type="password",
                    key="login_reset_password_again",
                    autocomplete="new-password",
                ),
            )
            sent = st.form_submit_button(t("login.reset_submit"), use_container_width=True, key="login_reset_submit")
        if sent and attempt(lambda: auth.reset_password(db, name, code, new, again), errors=errors):
            flash(t("login.reset_done"))
            go(after_sign_in())


reset_form()
st.page_link("app_pages/register.py", label=t("login.no_account"), icon="📝")
