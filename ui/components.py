"""Small pieces several pages show: feedback, job lines, ratings, page links."""

import streamlit as st

from services import jobs, reviews
from services.clock import from_db, utcnow
from services.errors import LinbangError

from .i18n import category_name, error_text, money, number, t, when
from .safe import md

JOB_PAGE = "app_pages/job.py"
PROFILE_PAGE = "app_pages/profile.py"
STATUS_ICONS = {
    "open": "🟢",
    "assigned": "🤝",
    "in_progress": "🛠️",
    "done": "✅",
    "completed": "🏁",
    "cancelled": "⛔",
    "expired": "⌛",
}


def flash(message: str) -> None:
    """A toast to show at the start of the next run (a toast sent just before st.rerun is lost)."""
    st.session_state.setdefault("_flash", []).append(message)


def go(page: str, **query_params) -> None:
    """Open `page` after the next run has rebuilt the navigation (signing in or out changes which
    pages exist, and st.switch_page only knows this run's pages)."""
    st.session_state["_goto"] = (page, query_params)
    st.rerun()


def follow_goto() -> None:
    """Called by app.py once navigation is built."""
    target = st.session_state.pop("_goto", None)
    if target:
        st.switch_page(target[0], query_params=target[1])


def show_flash() -> None:
    for message in st.session_state.pop("_flash", []):
        st.toast(message, icon="✅")


def attempt(action, *, success: str | None = None):
    """Run a service call under a spinner.

    Returns the call's result (True when it returns nothing), or None after showing a domain
    error in the reader's language. On success a toast is queued for the next run.
    """
    try:
        with st.spinner(t("common.working")):
            result = action()
    except LinbangError as error:
        st.error(error_text(error), icon="⚠️")
        return None
    if success:
        flash(success)
    return True if result is None else result


def price_text(job: dict) -> str:
    if job["price_fen"] == 0:
        return t("job.free")
    if job["price_type"] == "hourly":
        return t(
            "job.hourly_price",
            rate=money(job["price_fen"]),
            hours=number(job["est_minutes"] / 60),
            total=money(jobs.estimated_total_fen(job)),
        )
    return money(job["price_fen"])


def status_text(status: str) -> str:
    return f"{STATUS_ICONS.get(status, '')} {t('status.' + status)}"


def window_text(job: dict) -> str:
    return f"{when(from_db(job['window_start']))} – {when(from_db(job['window_end']))}"


def stars_text(average, count: int) -> str:
    if not count:
        return t("rating.none")
    return t("rating.summary", stars="★" * round(average), average=number(average), count=count)


def rating_line(db, user_id: int) -> str:
    summary = reviews.summary(db, user_id)
    return stars_text(summary["average"], summary["count"])


def job_card(job: dict, categories: dict, *, show_status: bool = False, distance_km=None):
    """One job in a list: its title links to the job page; the rest is plain escaped text.

    Returns the card's container, so a caller can add to it (buttons, say)."""
    card = st.container(border=True)
    with card:
        st.page_link(JOB_PAGE, label=md(job["title"]), query_params={"id": job["id"]}, icon="📌")
        category = categories.get(job["category"])
        parts = [
            f"{category['icon']} {category_name(category)}" if category else "",
            price_text(job),
            window_text(job),
        ]
        if distance_km is not None:
            parts.append(t("browse.distance", km=number(distance_km)))
        if show_status:
            parts.insert(0, status_text(job["status"]))
        st.caption(md(" · ".join(p for p in parts if p)))
    return card


ACTION_STYLE = {"claim": "primary", "finish": "primary", "confirm": "primary", "start": "primary"}
CONFIRM_FIRST = ("cancel", "release")  # actions that undo something ask once more
ACTION_ERROR = "_job_action_error"


def _perform(db, job_id: int, action: str, armed_key: str) -> None:
    """Button callback. It runs before the next script run, so a press counts even when that run
    will no longer show the button: the second of two simultaneous claims still gets its answer."""
    st.session_state.pop(armed_key, None)
    try:
        jobs.act(db, job_id, action, st.session_state["user"], now=utcnow())
    except LinbangError as error:
        st.session_state[ACTION_ERROR] = (job_id, error_text(error))
        return
    flash(t(f"action.{action}_done"))


def job_actions(db, job: dict, user: dict | None, *, key: str) -> None:
    """Buttons for exactly the actions `user` may take on `job` now; each runs the service."""
    failed = st.session_state.get(ACTION_ERROR)
    if failed and failed[0] == job["id"]:
        st.error(st.session_state.pop(ACTION_ERROR)[1], icon="⚠️")
    for action in jobs.allowed_actions(db, job, user):
        armed_key = f"{key}_{action}_{job['id']}_armed"
        if action in CONFIRM_FIRST and not st.session_state.get(armed_key):
            st.button(
                t(f"action.{action}"),
                key=f"{armed_key}_ask",
                use_container_width=True,
                on_click=st.session_state.__setitem__,
                args=(armed_key, True),
            )
            continue
        if action in CONFIRM_FIRST:
            st.warning(t(f"action.{action}_confirm"), icon="❓")
        st.button(
            t(f"action.{action}_sure") if action in CONFIRM_FIRST else t(f"action.{action}"),
            key=f"{key}_{action}_{job['id']}",
            type=ACTION_STYLE.get(action, "secondary"),
            use_container_width=True,
            on_click=_perform,
            args=(db, job["id"], action, armed_key),
        )
