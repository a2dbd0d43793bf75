"""Navigation and feedback: opening pages, toasts for the next run, service calls that show their
error, and buttons whose service call runs in their callback."""

import streamlit as st

from services.errors import LinbangError, NeedsConfirmation

from .i18n import error_text, t

JOB_PAGE = "app_pages/job.py"
PROFILE_PAGE = "app_pages/profile.py"
ACTION_ERROR = "_job_action_error"
PAGE_VISIT = "_page_visit"  # how many times pages were opened in this session (count_visit)


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


def attempt(action, *, success: str | None = None, rerun: bool = False):
    """Run a service call under a spinner.

    Returns the call's result (True when it returns nothing), or None after showing a domain
    error in the reader's language. On success a toast is queued for the next run, and with
    `rerun` the page runs again at once (to show what the call changed). A service's
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
    if rerun:
        st.rerun()
    return True if result is None else result


def perform(call, done: str, error_key, armed_key: str | None = None) -> None:
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
    """A button whose service call runs in its on_click callback (see perform); its error, if any,
    is shown by action_error(error_key) on the next run."""
    st.button(
        label,
        key=key,
        type="primary" if primary else "secondary",
        use_container_width=True,
        on_click=perform,
        args=(call, done, error_key),
    )
