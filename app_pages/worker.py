"""I take jobs: the switch and categories, the public profile, photos of past work, the identity check."""

import streamlit as st

from services import alerts, categories, community, settings, uploads, verification, workers
from services.clock import from_db, utcnow
from ui import maps
from ui.cards import photo_grid
from ui.db import get_db
from ui.feedback import PROFILE_PAGE, FieldErrors, action_error, attempt, perform
from ui.forms import Filling
from ui.i18n import category_label, day, neutral, t, yuan_field
from ui.safe import md

db = get_db()
user = st.session_state["user"]
kinds = categories.by_slug(db)
place = community.get(db)
profile = workers.get_profile(db, user["id"])

st.title(t("worker.title"))
st.write(t("worker.intro"))


def verification_status() -> None:
    status = profile["verification"] if profile else "unverified"
    check = verification.latest(db, user["id"], user)
    show = {"verified": st.success, "pending": st.info, "rejected": st.warning}.get(status, st.info)
    show(t(f"worker.status_{status}"), icon={"verified": "🛡️", "pending": "⏳", "rejected": "⚠️"}.get(status, "🪪"))
    reason = check and (check["revoke_reason"] or check["reason"])
    if status == "rejected" and reason:
        st.markdown(md(t("worker.reason", reason=reason)))


def switch_form() -> None:
    # Not an st.form: a choice waiting in a form lives only in the browser, in the words it was shown
    # in, so a language switch could not keep it (ui.i18n.neutral).
    errors = FieldErrors()
    taking = st.toggle(t("worker.taking_jobs"), value=bool(profile and profile["taking_jobs"]), key="worker_taking")
    chosen = errors.at(
        "categories",
        st.multiselect(
            t("worker.categories"),
            list(kinds),
            default=profile["categories"] if profile else [],
            key=neutral("worker_categories"),
            format_func=lambda slug: category_label(kinds[slug]),
            placeholder=t("post.category_pick"),
            select_all=False,  # Streamlit's "Select all" is English in every language
        ),
    )
    if st.button(t("worker.save"), type="primary", use_container_width=True, key="worker_save"):
        attempt(
            lambda: workers.set_taking_jobs(db, user, taking_jobs=taking, categories=chosen, now=utcnow()),
            success=t("worker.saved"),
            rerun=True,
            errors=errors,
        )


def profile_form() -> None:
    st.caption(t("worker.area_help"))
    stored_area = (profile["area_lat"], profile["area_lon"]) if profile["area_lat"] is not None else None
    errors = FieldErrors()
    saved = (*stored_area, profile["service_radius_km"]) if stored_area else None
    picked = errors.at(
        "area",
        maps.point_picker("worker_area", stored_area or (place["lat"], place["lon"]), community=place, saved=saved),
    )
    with st.form("worker_profile_form"):
        bio = errors.at(
            "bio",
            st.text_area(
                t("worker.bio"),
                value=profile["bio"],
                max_chars=500,
                placeholder=t("worker.bio_example"),
                key="worker_bio",
            ),
        )
        area_label = errors.at(
            "area_label",
            st.text_input(
                t("worker.area_label"),
                value=profile["area_label"],
                max_chars=40,
                placeholder=t("worker.area_label_example"),
                key="worker_area_label",
            ),
        )
        radius = errors.at(
            "service_radius_km",
            st.slider(
                t("worker.radius"),
                *workers.RADIUS_KM,
                value=float(profile["service_radius_km"]),
                step=0.5,
                key="worker_radius",
            ),
        )
        quote = st.toggle(t("worker.quote_per_job"), value=profile["rate_fen"] is None, key="worker_quote")
        rate = errors.at(
            "rate",
            st.text_input(
                t("worker.rate"),
                value=yuan_field(profile["rate_fen"]),
                help=t("worker.rate_help"),
                key="worker_rate",
            ),
        )
        slots = errors.at(
            "availability",
            st.pills(
                t("worker.availability"),
                workers.AVAILABILITY,
                selection_mode="multi",
                default=profile["availability"],
                format_func=lambda slot: t(f"slot.{slot}"),
                key=neutral("worker_slots"),
            ),
        )
        if st.form_submit_button(
            t("worker.save_profile"), type="primary", use_container_width=True, key="worker_profile_save"
        ):
            if attempt(
                lambda: workers.save_profile(
                    db,
                    user,
                    bio=bio,
                    service_radius_km=radius,
                    rate_yuan=None if quote else rate,
                    area=picked if picked != stored_area else None,
                    area_label=area_label,
                    availability=list(slots or []),
                    now=utcnow(),
                ),
                success=t("worker.profile_saved"),
                errors=errors,
            ):
                maps.forget_point("worker_area")
                st.rerun()
    st.page_link(PROFILE_PAGE, label=t("worker.see_public"), query_params={"id": user["id"]}, icon="👀")


def photos_section() -> None:
    shown = workers.photos(db, user["id"])
    st.caption(t("worker.photos_help", max=workers.MAX_PHOTOS, count=len(shown)))
    photo_grid(db, shown, removable=user)
    if len(shown) >= workers.MAX_PHOTOS:
        return
    filling = Filling("worker_photo")  # a double click adds one photo (ui.forms)
    filling.confirmation()
    errors = FieldErrors()
    with st.form(filling.form):
        upload = errors.at(
            "photo", st.file_uploader(t("worker.photo"), type=uploads.EXTENSIONS, key=filling.field("file"))
        )
        caption = errors.at("caption", st.text_input(t("worker.caption"), max_chars=80, key=filling.field("caption")))
        submitted = st.form_submit_button(t("worker.add_photo"), use_container_width=True, key=filling.field("send"))
    if not submitted:
        return
    filling.submitted()
    picture = upload.getvalue() if upload else None
    if picture is None:
        errors.show("photo", t("error.upload_empty"))
    elif filling.send(
        lambda: workers.add_photo(db, user, picture, caption, utcnow(), key=filling.key(picture, caption)), errors
    ):
        filling.recorded(t("worker.photo_added"))


def identity_section() -> None:
    status = profile["verification"] if profile else "unverified"
    check = verification.latest(db, user["id"], user)
    if check:
        st.caption(
            md(
                t(
                    "worker.check_summary",
                    name=check["real_name"],
                    last4=check["id_last4"],
                    when=day(from_db(check["submitted_at"])),
                )
            )
        )
    if status in ("verified", "pending"):
        return
    st.info(t("worker.id_privacy", days=verification.MAX_KEEP_DAYS), icon="🔒")
    errors = FieldErrors()
    with st.form("worker_id_form"):
        real_name = errors.at("real_name", st.text_input(t("worker.real_name"), max_chars=30, key="worker_real_name"))
        id_number = errors.at(
            "id_number", st.text_input(t("worker.id_number"), max_chars=24, type="password", key="worker_id_number")
        )
        front, back, selfie = (
            errors.at(
                which, st.file_uploader(t(f"worker.id_{which}"), type=uploads.EXTENSIONS, key=f"worker_id_{which}")
            )
            for which in verification.PHOTOS
        )
        if st.form_submit_button(t("worker.submit_id"), type="primary", use_container_width=True, key="worker_id_send"):
            attempt(
                lambda: verification.submit(
                    db,
                    user,
                    real_name=real_name,
                    id_number=id_number,
                    front=front.getvalue() if front else b"",
                    back=back.getvalue() if back else b"",
                    selfie=selfie.getvalue() if selfie else b"",
                    now=utcnow(),
                ),
                success=t("worker.id_submitted"),
                rerun=True,
                errors=errors,
            )


def alerts_switch() -> None:
    """Nearby-job alerts: on unless switched off, saved as soon as it is tapped."""
    st.toggle(
        t("worker.alerts"),
        value=alerts.alerts_on(db, user["id"]),
        key="worker_alerts",
        help=t("worker.alerts_help", cap=settings.whole(db, "alerts_daily_cap")),
        on_change=lambda: perform(
            lambda: alerts.set_alerts(db, user, st.session_state["worker_alerts"]), t("worker.saved"), "worker_alerts"
        ),
    )
    action_error("worker_alerts")


verification_status()
switch_form()
if profile and profile["taking_jobs"]:
    alerts_switch()
    profile_tab, photos_tab, identity_tab = st.tabs(
        [t("worker.tab_profile"), t("worker.tab_photos"), t("worker.tab_id")]
    )
    with profile_tab:
        profile_form()
    with photos_tab:
        photos_section()
    with identity_tab:
        identity_section()
