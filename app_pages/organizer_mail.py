"""Organizer: e-mail. The mail server (its password is never shown back), a test e-mail, and how
sending goes: what waits, what went, and what could not be sent and why."""

import streamlit as st

from services import mail
from services.clock import utcnow
from ui.cards import account_name
from ui.db import get_db
from ui.feedback import FieldErrors, attempt, flash
from ui.i18n import neutral, t, when
from ui.safe import md

db = get_db()
user = st.session_state["user"]
SAVES = "_organizer_mail_saves"  # how many times the settings were saved in this session

st.title(t("mail.title"))
st.caption(t("mail.help"))


def settings_form() -> None:
    """The server's settings as saved, and a password box that is empty on every visit: what was
    typed in it is gone once saved (the box is drawn anew under a new key)."""
    saved = mail.server(db)
    errors = FieldErrors()
    saves = st.session_state.setdefault(SAVES, 0)
    with st.form("organizer_mail_settings"):
        st.subheader(t("mail.settings"), anchor=False)
        host = errors.at(
            "smtp_host",
            st.text_input(t("mail.host"), value=saved.host, help=t("mail.host_help"), key="organizer_mail_host"),
        )
        port = errors.at(
            "smtp_port",
            st.text_input(t("mail.port"), value=str(saved.port), help=t("mail.port_help"), key="organizer_mail_port"),
        )
        security = errors.at(
            "smtp_security",
            st.radio(
                t("mail.security"),
                mail.SECURITY,
                index=mail.SECURITY.index(saved.security),
                format_func=lambda way: t(f"mail.security_{way}"),
                key=neutral("organizer_mail_security"),
            ),
        )
        sign_in = errors.at(
            "smtp_user",
            st.text_input(t("mail.user"), value=saved.user, help=t("mail.user_help"), key="organizer_mail_user"),
        )
        password = errors.at(
            "smtp_password",
            st.text_input(
                t("mail.password"),
                value="",
                type="password",
                placeholder=t("mail.password_help"),
                key=f"organizer_mail_password_{saves}",
            ),
        )
        st.caption(t("mail.password_saved") if mail.password_saved(db) else t("mail.password_none"))
        from_address = errors.at(
            "smtp_from", st.text_input(t("mail.from"), value=saved.from_address, key="organizer_mail_from")
        )
        public_url = errors.at(
            "public_url",
            st.text_input(
                t("mail.public_url"),
                value=saved.public_url,
                placeholder="https://",
                help=t("mail.public_url_help"),
                key="organizer_mail_public_url",
            ),
        )
        submitted = st.form_submit_button(
            t("mail.save"), type="primary", use_container_width=True, key="organizer_mail_save"
        )
    if submitted and attempt(
        lambda: mail.configure(
            db,
            user,
            host=host,
            port=port,
            security=security,
            user=sign_in,
            password=password,
            from_address=from_address,
            public_url=public_url,
        ),
        errors=errors,
    ):
        st.session_state[SAVES] = saves + 1
        flash(t("mail.saved"))
        st.rerun()


def test_form() -> None:
    """Send a test e-mail now and say how it went (the server's own answer when it refused)."""
    errors = FieldErrors()
    with st.form("organizer_mail_test"):
        st.subheader(t("mail.test_heading"), anchor=False)
        to_address = errors.at(
            "to_address",
            st.text_input(t("mail.test_to"), value=user["email"] or "", key="organizer_mail_test_to"),
        )
        send = st.form_submit_button(t("mail.test_send"), use_container_width=True, key="organizer_mail_test_send")
    if not send:
        return
    outcome = attempt(lambda: mail.send_test(db, user, to_address, utcnow()), errors=errors)
    if outcome is True:
        st.success(t("mail.test_sent", address=md(to_address)), icon="✅")
    elif outcome:
        st.error(t("mail.test_failed", error=md(outcome)), icon="⚠️")


def delivery() -> None:
    """Counts of what waits, went and failed, and the newest problems: to whom, when, what went wrong."""
    st.subheader(t("mail.delivery"), anchor=False)
    counts, problems = mail.delivery_report(db, user)
    pending, sent, failed = st.columns(3)
    pending.metric(t("mail.pending"), counts["pending"])
    sent.metric(t("mail.sent"), counts["sent"])
    failed.metric(t("mail.failed"), counts["failed"])
    if not problems:
        st.caption(t("mail.no_problems"))
        return
    for row in problems:  # one box each, not a table: an error reads whole on a phone
        with st.container(border=True):
            st.markdown(md(f"{account_name(row['display_name'], row['username'])} <{row['to_address']}>"))
            status = t(f"mail.status_{row['status']}")
            st.caption(
                t(
                    "mail.problem",
                    tries=row["attempts"],
                    most=mail.MAX_ATTEMPTS,
                    when=when(row["last_attempt_at"]),
                    status=status,
                )
            )
            st.caption(md(row["last_error"]))


settings_form()
test_form()
delivery()
