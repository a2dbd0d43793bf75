"""A job and a person as lists show them: job cards, prices, statuses, times, names, ratings, photos."""

import streamlit as st

from services import pricing, reviews, users, workers
from services.clock import from_db, utcnow
from services.db import Database
from services.errors import NotFound
from services.rows import Job, Row, User

from .feedback import JOB_PAGE, PROFILE_PAGE, action_error, callback_button
from .i18n import category_label, money, number, t, when
from .safe import isolated, md

STATUS_ICONS = {
    "open": "🟢",
    "assigned": "🤝",
    "in_progress": "🛠️",
    "done": "✅",
    "disputed": "⚖️",
    "completed": "🏁",
    "resolved": "☑️",
    "cancelled": "⛔",
    "expired": "⌛",
}


def price_text(job: Job) -> str:
    if job["price_fen"] == 0:
        return t("job.free")
    if job["price_type"] == "hourly":
        return t(
            "job.hourly_price",
            rate=money(job["price_fen"]),
            hours=number(pricing.estimated_minutes(job) / 60),
            total=money(pricing.estimated_total_fen(job)),
        )
    return money(job["price_fen"])


def status_text(status: str) -> str:
    return f"{STATUS_ICONS.get(status, '')} {t('status.' + status)}"


def window_text(job: Job) -> str:
    return f"{when(from_db(job['window_start']))} – {when(from_db(job['window_end']))}"


def price_guide(db: Database, category: str, price_type: str) -> None:
    """The median and middle half of what such jobs were done for lately, once there are enough."""
    guide = pricing.price_guide(db, category, price_type, utcnow())
    if guide:
        st.info(
            t(
                f"guide.{price_type}",
                median=money(guide["median"]),
                low=money(guide["low"]),
                high=money(guide["high"]),
                count=guide["count"],
                days=pricing.PRICE_GUIDE_DAYS,
            ),
            icon="💡",
        )
    else:
        st.caption(t("guide.too_few", days=pricing.PRICE_GUIDE_DAYS, min=pricing.PRICE_GUIDE_MIN))


def rate_text(rate_fen: int | None) -> str:
    """A helper's hourly rate, or "quote per job" when they set none."""
    return t("profile.rate_quote") if rate_fen is None else t("profile.rate_hourly", rate=money(rate_fen))


def person_name(name: str, verified) -> str:
    """A person's display name, with the verified badge when their identity check passed."""
    return f"{isolated(name)} {t('badge.verified')}" if verified else isolated(name)


def account_name(name: str, username: str) -> str:
    """A person as the organizer's lists name them: display name, then (@username)."""
    return f"{isolated(name)} (@{username})"


AVATAR_PX = 64


def avatar(db: Database, person: User) -> None:
    """The person's picture of themselves as a small round picture, its alt text their name; nothing
    when they have none. (Public like portfolio photos: shown beside their name to anyone.)"""
    picture = users.picture_bytes(db, person)
    if picture is None:
        return
    st.markdown(  # constant CSS: a small circle however the picture was framed (cropped, not squeezed)
        """<style>div[class*="st-key-cards_avatar_"] img {
        width: 64px; height: 64px; border-radius: 50%; object-fit: cover; }</style>""",
        unsafe_allow_html=True,
    )
    with st.container(key=f"cards_avatar_{person['id']}"):
        st.image(picture, width=AVATAR_PX, alt=person["display_name"])


def profile_link(user_id: int, label: str, *, icon: str | None = None) -> None:
    """A link to a person's profile page; `label` is escaped here."""
    st.page_link(PROFILE_PAGE, label=md(label), query_params={"id": str(user_id)}, icon=icon)


def photo_grid(db: Database, photos: list[Row], *, removable: User | None = None) -> None:
    """Portfolio photos three to a row, each with its caption; with `removable` (the owner), a
    remove button under each."""
    columns = st.columns(3)
    for index, photo in enumerate(photos):
        with columns[index % 3]:
            try:
                st.image(workers.photo_bytes(db, photo), use_container_width=True, alt=t("photo.past_work"))
            except NotFound:
                st.caption(t("photo.missing"))
            if photo["caption"]:
                st.caption(md(photo["caption"]))
            if removable:
                callback_button(
                    t("worker.remove_photo"),
                    f"cards_remove_photo_{photo['id']}",
                    lambda p=photo: workers.remove_photo(db, removable, p["id"]),
                    done=t("worker.photo_removed"),
                    error_key=f"photo_{photo['id']}",
                )
                action_error(f"photo_{photo['id']}")


def stars_text(average, count: int) -> str:
    if not count:
        return t("rating.none")
    return t("rating.summary", stars="★" * round(average), average=number(average), count=count)


def rating_line(db: Database, user_id: int) -> str:
    """The person's stars over the ratings shown now (services.reviews: double-blind)."""
    summary = reviews.summary(db, user_id, now=utcnow())
    return stars_text(summary["average"], summary["count"])


def job_card(job: Job, categories: dict, *, show_status: bool = False, distance_km=None):
    """One job in a list: its title links to the job page; the rest is plain escaped text.

    Returns the card's container, so a caller can add to it (buttons, say)."""
    card = st.container(border=True)
    with card:
        st.page_link(JOB_PAGE, label=md(job["title"]), query_params={"id": str(job["id"])}, icon="📌")
        category = categories.get(job["category"])
        parts = [
            category_label(category) if category else "",
            price_text(job),
            window_text(job),
        ]
        if distance_km is not None:
            parts.append(t("browse.distance", km=number(distance_km)))
        if show_status:
            parts.insert(0, status_text(job["status"]))
        st.caption(md(" · ".join(p for p in parts if p)))
    return card
