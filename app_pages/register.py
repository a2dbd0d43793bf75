"""Create an account. Anyone in the community may; taking jobs needs the organizer's check later."""

import streamlit as st

from services import users
from services.clock import utcnow
from ui import auth
from ui.db import get_db
from ui.feedback import FieldErrors, attempt, go
from ui.i18n import language, t

db = get_db()
st.title(t("register.title"))
errors = FieldErrors()
with st.form("register_form"):
    username = errors.at(
        "username", st.text_input(t("account.username"), help=t("account.username_help"), key="register_username")
    )
    display_name = errors.at(
        "display_name",
        st.text_input(t("account.display_name"), help=t("account.display_name_help"), key="register_display_name"),
    )
    password = errors.at(
        "password",
        st.text_input(t("account.password"), type="password", help=t("account.password_help"), key="register_password"),
    )
    password_again = errors.at(
        "password_again",
        st.text_input(t("account.password_again"), type="password", key="register_password_again"),
    )
    email = errors.at("email", st.text_input(t("account.email_optional"), key="register_email"))
    phone = errors.at(
        "phone", st.text_input(t("account.phone_optional"), help=t("account.phone_help"), key="register_phone")
    )
    wants_work = st.checkbox(t("register.wants_work"), key="register_wants_work")
    submitted = st.form_submit_button(
        t("register.submit"), type="primary", use_container_width=True, key="register_submit"
    )
if submitted:
    created = attempt(
        lambda: users.register(
            db,
            username=username,
            display_name=display_name,
            password=password,
            password_again=password_again,
            email=email,
            phone=phone,
            language=language(),
            takes_jobs=wants_work,
            now=utcnow(),
        ),
        success=t("register.done"),
        errors=errors,
    )
    if created and attempt(lambda: auth.log_in(db, username, password)):
        go("app_pages/worker.py" if wants_work else "app_pages/browse.py")
st.caption(t("register.privacy"))
st.page_link("app_pages/login.py", label=t("register.have_account"), icon="🔑")
