"""Small pieces several pages show: feedback, job lines, ratings, page links."""

import streamlit as st

from services import jobs, pricing, reviews, workers
from services.clock import from_db, utcnow
from services.errors import LinbangError, NeedsConfirmation, NotFound

from .i18n import category_name, error_text, money, number, t, when
from .safe import md

JOB_PAGE = "app_pages/job.py"
PROFILE_PAGE = "app_pages/profile.py"
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


def flash(message: str) -> None:
    """A toast to show at the start of the next run (a toast sent just before st.rerun is lost)."""
    st.session_state.setdefault("_flash", []).append(message)


def go(page: str, **query_params) -> None:
    """Open `page` after the next run has rebuilt the navigation (signing in or out changes which
    pages exist, and st.switch_page only knows this run's pages)."""
    st.session_state["_goto"] = (page, query_params)
    st.rerun()


def count_visit(current) -> None:
    """Called by app.py with the page this run shows: a run on another page than the last run's
    starts a new visit (session state PAGE_VISIT), so news of one visit does not greet a return."""
    if st.session_state.get("_page_shown") != current.url_path:
        st.session_state["_page_shown"] = current.url_path
        st.session_state[PAGE_VISIT] = st.session_state.get(PAGE_VISIT, 0) + 1


def follow_goto(current, pages: dict) -> None:
    """Called by app.py once navigation is built (`current`: the page this run shows; `pages`: this
    run's pages by script path). The target is kept until its page runs: a second click arriving
    while the first one's switch is under way reruns the page it came from, which switches again."""
    target = st.session_state.get("_goto")
    if not target:
        return
    if pages.get(target[0]) is current:
        del st.session_state["_goto"]
    else:
        st.switch_page(target[0], query_params=target[1])


def show_flash() -> None:
    for message in st.session_state.pop("_flash", []):
        st.toast(message, icon="✅")


def attempt(action, *, success: str | None = None):
    """Run a service call under a spinner.

    Returns the call's result (True when it returns nothing), or None after showing a domain
    error in the reader's language. On success a toast is queued for the next run. A service's
    question (NeedsConfirmation) is raised on, for the form that asks it (ui.forms.Filling.send).
    """
    try:
        with st.spinner(t("common.working")):
            result = action()
    except NeedsConfirmation:
        raise
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
            total=money(pricing.estimated_total_fen(job)),
        )
    return money(job["price_fen"])


def status_text(status: str) -> str:
    return f"{STATUS_ICONS.get(status, '')} {t('status.' + status)}"


def window_text(job: dict) -> str:
    return f"{when(from_db(job['window_start']))} – {when(from_db(job['window_end']))}"


def price_guide(db, category: str, price_type: str) -> None:
    """The median and middle half of what such jobs were done for lately, once there are enough."""
    guide = jobs.price_guide(db, category, price_type, utcnow())
    if guide:
        st.info(
            t(
                f"guide.{price_type}",
                median=money(guide["median"]),
                low=money(guide["low"]),
                high=money(guide["high"]),
                count=guide["count"],
                days=jobs.PRICE_GUIDE_DAYS,
            ),
            icon="💡",
        )
    else:
        st.caption(t("guide.too_few", days=jobs.PRICE_GUIDE_DAYS, min=jobs.PRICE_GUIDE_MIN))


def all_or(label):
    """A selectbox format_func for a filter whose first option, None or "", means "all". ("" where
    the value lives in session state: there None would read as nothing chosen, a blank box.)"""
    return lambda value: t("browse.all") if value in (None, "") else label(value)


def category_label(kinds: dict, slug: str) -> str:
    return f"{kinds[slug]['icon']} {category_name(kinds[slug])}"


def rate_text(rate_fen: int | None) -> str:
    """A helper's hourly rate, or "quote per job" when they set none."""
    return t("profile.rate_quote") if rate_fen is None else t("profile.rate_hourly", rate=money(rate_fen))


def person_name(name: str, verified) -> str:
    """A person's display name, with the verified badge when their identity check passed."""
    return f"{name} {t('badge.verified')}" if verified else name


def profile_link(user_id: int, label: str, *, icon: str | None = None) -> None:
    """A link to a person's profile page; `label` is escaped here."""
    st.page_link(PROFILE_PAGE, label=md(label), query_params={"id": user_id}, icon=icon)


def photo_grid(db, photos: list[dict], *, removable: dict | None = None) -> None:
    """Portfolio photos three to a row, each with its caption; with `removable` (the owner), a
    remove button under each."""
    columns = st.columns(3)
    for index, photo in enumerate(photos):
        with columns[index % 3]:
            try:
                st.image(workers.photo_bytes(db, photo), use_container_width=True)
            except NotFound:
                st.caption(t("photo.missing"))
            if photo["caption"]:
                st.caption(md(photo["caption"]))
            if removable:
                callback_button(
                    t("worker.remove_photo"),
                    f"remove_photo_{photo['id']}",
                    lambda p=photo: workers.remove_photo(db, removable, p["id"]),
                    done=t("worker.photo_removed"),
                    error_key=f"photo_{photo['id']}",
                )
                action_error(f"photo_{photo['id']}")


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
FORM_ACTIONS = ("dispute", "resolve_pay", "resolve_refund", "resolve_split")  # a form of their own: ui.disputes
ACTION_ERROR = "_job_action_error"
PAGE_VISIT = "_page_visit"  # how many times pages were opened in this session (count_visit)


def _perform(call, done: str, error_key, armed_key: str | None = None) -> None:
    """Button callback. It runs before the next script run, so a press counts even when that run
    will no longer show the button: the second of two simultaneous claims still gets its answer."""
    if armed_key:
        st.session_state.pop(armed_key, None)
    try:
        call()
    except LinbangError as error:
        st.session_state[ACTION_ERROR] = (error_key, error_text(error))
        return
    flash(done)


def action_error(error_key) -> None:
    """Show the error a callback button (`callback_button`) with this `error_key` left behind."""
    failed = st.session_state.get(ACTION_ERROR)
    if failed and failed[0] == error_key:
        st.error(st.session_state.pop(ACTION_ERROR)[1], icon="⚠️")


def callback_button(label: str, key: str, call, *, done: str, error_key, primary: bool = False) -> None:
    """A button whose service call runs in its on_click callback (see _perform); its error, if any,
    is shown by action_error(error_key) on the next run."""
    st.button(
        label,
        key=key,
        type="primary" if primary else "secondary",
        use_container_width=True,
        on_click=_perform,
        args=(call, done, error_key),
    )


def _action_input(job: dict, action: str, key: str) -> dict:
    """What a person types with a button: the actual hours when finishing an hourly job (the estimate
    filled in), an optional tip when confirming. Returns jobs.act's keyword arguments, read from the
    widgets' session state when the button's callback runs."""
    if action == "finish" and job["price_type"] == "hourly":
        field = f"{key}_hours_{job['id']}"
        st.number_input(t("hours.actual"), 0.25, 24.0, job["est_minutes"] / 60, 0.25, key=field)
        return {"hours": lambda: str(st.session_state[field])}
    if action == "confirm":
        field = f"{key}_tip_{job['id']}"
        st.text_input(t("tip.label"), key=field, placeholder="0", help=t("tip.help"))
        return {"tip_yuan": lambda: st.session_state[field]}
    return {}


def job_actions(db, job: dict, user: dict | None, *, key: str) -> None:
    """Buttons for exactly the actions `user` may take on `job` now; each runs the service."""
    action_error(job["id"])
    for action in jobs.allowed_actions(db, job, user):
        if action in FORM_ACTIONS:
            continue
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
        typed = _action_input(job, action, key)
        st.button(
            t(f"action.{action}_sure") if action in CONFIRM_FIRST else t(f"action.{action}"),
            key=f"{key}_{action}_{job['id']}",
            type=ACTION_STYLE.get(action, "secondary"),
            use_container_width=True,
            on_click=_perform,
            args=(
                lambda a=action, typed=typed: jobs.act(
                    db,
                    job["id"],
                    a,
                    st.session_state["user"],
                    now=utcnow(),
                    **{name: read() for name, read in typed.items()},
                ),
                t(f"action.{action}_done"),
                job["id"],
                armed_key,
            ),
        )
