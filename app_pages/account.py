"""My account: my details (name, phone, e-mail, language, picture), public profile link, password, which
notifications also come by e-mail, sign out."""

import streamlit as st

from services import mail, notifications, users
from services.uploads import EXTENSIONS
from ui import auth
from ui.cards import avatar, rating_line
from ui.db import get_db
from ui.feedback import PROFILE_PAGE, FieldErrors, attempt, flash
from ui.i18n import LANGUAGE_NAMES, language, set_language, t
from ui.menu import log_out_button
from ui.safe import isolated, md

db = get_db()
user = st.session_state["user"]
st.title(t("account.title"))
avatar(db, user)
st.markdown(f"**{md(isolated(user['display_name']))}** (@{md(user['username'])})")
st.caption(rating_line(db, user["id"]))
st.page_link(PROFILE_PAGE, label=t("account.public_profile"), query_params={"id": user["id"]}, icon="👤")


def details_form() -> None:
    """Name, phone, e-mail, language and picture, saved together (nothing is saved if one is wrong)."""
    st.subheader(t("account.details_heading"))
    errors = FieldErrors()
    with st.form("account_details_form"):
        name = errors.at(
            "display_name",
            st.text_input(
                t("account.display_name"),
                value=user["display_name"],
                help=t("account.display_name_help"),
                key="account_display_name",
            ),
        )
        phone = errors.at(
            "phone",
            st.text_input(
                t("account.phone"), value=user["phone"] or "", help=t("account.phone_help"), key="account_phone"
            ),
        )
        email = errors.at(
            "email", st.text_input(t("account.email_optional"), value=user["email"] or "", key="account_email_address")
        )
        lang = errors.at(
            "language",
            st.selectbox(
                t("account.language"),
                list(LANGUAGE_NAMES),
                index=list(LANGUAGE_NAMES).index(language()),  # the one being read (the menu's switch too)
                format_func=LANGUAGE_NAMES.__getitem__,
                key="account_language",
            ),
        )
        picture = errors.at(
            "picture",
            st.file_uploader(
                t("account.picture"), type=list(EXTENSIONS), help=t("account.picture_help"), key="account_picture"
            ),
        )
        remove = bool(user["avatar"]) and st.checkbox(t("account.remove_picture"), key="account_remove_picture")
        saved = st.form_submit_button(t("account.details_save"), use_container_width=True, key="account_details_save")
    if saved:
        changed = attempt(
            lambda: users.update_details(
                db,
                user,
                display_name=name,
                phone=phone,
                email=email,
                language=lang,
                picture=picture.getvalue() if picture else None,
                remove_picture=remove,
            ),
            errors=errors,
        )
        if changed:
            set_language(changed["language"])
            flash(t("account.details_saved"))
            st.rerun()


details_form()


def email_choices() -> None:
    """Which groups of notifications also go to the person's e-mail address; offered only when the
    organizer set up a mail server and the account has an address (else a line says why not)."""
    st.subheader(t("mail.account_heading"))
    choice = mail.email_choice(db, user)
    if not choice.offered:
        st.caption(t("mail.not_offered"))
        return
    if not choice.address:
        st.caption(t("mail.no_address"))
        return
    with st.form("account_email"):
        st.write(t("mail.account_help", address=md(choice.address)))
        ticks = {
            group: st.checkbox(t(f"mail.group_{group}"), value=group in choice.groups, key=f"account_email_{group}")
            for group in notifications.GROUPS
        }
        saved = st.form_submit_button(t("mail.save_choices"), use_container_width=True, key="account_email_save")
    if saved:
        chosen = [group for group, ticked in ticks.items() if ticked]
        attempt(lambda: mail.set_email_kinds(db, user, chosen), success=t("mail.choices_saved"), rerun=True)


def password_form() -> None:
    """A new password: the current one first; every other session and cookie ends (ui.auth)."""
    st.subheader(t("account.password_heading"))
    errors = FieldErrors()
    with st.form("account_password_form"):
        current = errors.at(
            "current_password",
            st.text_input(t("account.current_password"), type="password", key="account_current_password"),
        )
        new = errors.at(
            "password",
            st.text_input(
                t("account.new_password"), type="password", help=t("account.password_help"), key="account_new_password"
            ),
        )
        again = errors.at(
            "password_again",
            st.text_input(t("account.new_password_again"), type="password", key="account_new_password_again"),
        )
        st.caption(t("account.password_change_help"))
        if st.form_submit_button(t("account.password_save"), use_container_width=True, key="account_password_save"):
            attempt(
                lambda: auth.change_password(db, user, current, new, again),
                success=t("account.password_saved"),
                rerun=True,
                errors=errors,
            )


st.divider()
password_form()
st.divider()
email_choices()
st.divider()
st.write(t("account.logout_help"))
log_out_button(db, user, key="account_logout")
