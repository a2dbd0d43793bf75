"""Organizer: the identity-check queue (photos side by side, approve or reject with a reason), the
verified workers (revoke with a reason) and how long ID photos are kept after a decision."""

import streamlit as st

from services import verification
from services.clock import from_db, utcnow
from services.errors import NotFound
from ui import private
from ui.cards import account_name, profile_link
from ui.db import get_db
from ui.feedback import PROFILE_PAGE, FieldErrors, action_error, attempt, callback_button
from ui.i18n import listing, t, when
from ui.safe import md

db = get_db()
user = st.session_state["user"]

st.title(t("organizer.workers_title"))


def show_photos(check: dict) -> None:
    columns = st.columns(3)
    for column, which in zip(columns, verification.PHOTOS, strict=True):
        with column:
            st.caption(t(f"worker.id_{which}"))
            try:
                alt = t("organizer.id_photo_alt", name=check["display_name"], photo=t(f"worker.id_{which}"))
                private.picture(verification.photo(db, user, check["id"], which), alt=alt)
            except NotFound:
                st.caption(t("photo.missing"))


def review(check: dict) -> None:
    with st.container(border=True):
        profile_link(check["user_id"], account_name(check["display_name"], check["username"]), icon="🧰")
        st.markdown(md(t("organizer.check_line", name=check["real_name"], last4=check["id_last4"])))
        st.caption(t("organizer.submitted", when=when(from_db(check["submitted_at"]))))
        if check["same_id_as"]:
            st.warning(md(t("organizer.same_id", names=listing(check["same_id_as"]))), icon="⚠️")
        show_photos(check)
        errors = action_error(("check", check["id"]))
        callback_button(
            t("organizer.approve"),
            f"organizer_workers_approve_{check['id']}",
            lambda: verification.decide(db, user, check["id"], approve=True, now=utcnow()),
            done=t("organizer.approved"),
            error_key=("check", check["id"]),
            primary=True,
        )
        reason_key = f"organizer_workers_reject_reason_{check['id']}"
        errors.at("reason", st.text_input(t("organizer.reason"), max_chars=300, key=reason_key))
        callback_button(
            t("organizer.reject"),
            f"organizer_workers_reject_{check['id']}",
            # the reason is read when the button is pressed: typed text arrives with the press
            lambda: verification.decide(
                db, user, check["id"], approve=False, reason=st.session_state[reason_key], now=utcnow()
            ),
            done=t("organizer.rejected"),
            error_key=("check", check["id"]),
        )


def revoke_list() -> None:
    for person in verification.verified_workers(db, user):
        with st.expander(
            md(f"🛡️ {account_name(person['display_name'], person['username'])}"),
            key=f"organizer_workers_verified_{person['user_id']}",
        ):
            st.page_link(PROFILE_PAGE, label=t("organizer.open_profile"), query_params={"id": person["user_id"]})
            if person["decided_at"]:
                st.caption(
                    md(
                        t(
                            "organizer.approved_by",
                            name=person["decided_by_name"] or "",
                            when=when(from_db(person["decided_at"])),
                        )
                    )
                )
            errors = action_error(("revoke", person["user_id"]))
            reason_key = f"organizer_workers_revoke_reason_{person['user_id']}"
            errors.at("reason", st.text_input(t("organizer.reason"), max_chars=300, key=reason_key))
            callback_button(
                t("organizer.revoke"),
                f"organizer_workers_revoke_{person['user_id']}",
                lambda p=person, k=reason_key: verification.revoke(
                    db, user, p["user_id"], reason=st.session_state[k], now=utcnow()
                ),
                done=t("organizer.revoked"),
                error_key=("revoke", person["user_id"]),
            )


queue_tab, verified_tab, settings_tab = st.tabs(
    [t("organizer.queue"), t("organizer.verified_list"), t("organizer.photo_settings")]
)
with queue_tab:
    waiting = verification.queue(db, user)
    if not waiting:
        st.info(t("organizer.no_checks"), icon="🌱")
    for check in waiting:
        review(check)
with verified_tab:
    revoke_list()
with settings_tab:
    errors = FieldErrors()
    with st.form("organizer_workers_keep_days_form"):
        days = errors.at(
            "keep_days",
            st.number_input(
                t("organizer.keep_days"),
                min_value=0,
                max_value=verification.MAX_KEEP_DAYS,
                value=verification.keep_days(db),
                help=t("organizer.keep_days_help"),
                key="organizer_workers_keep_days",
            ),
        )
        if st.form_submit_button(t("worker.save"), use_container_width=True, key="organizer_workers_keep_days_save"):
            attempt(
                lambda: verification.set_keep_days(db, user, days, utcnow()),
                success=t("organizer.keep_days_saved"),
                errors=errors,
            )
