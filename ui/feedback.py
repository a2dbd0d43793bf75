"""Navigation and feedback: opening pages, toasts for the next run, service calls that show their
error (under the field at fault: FieldErrors), and buttons whose service call runs in their callback."""

from collections.abc import Hashable
from typing import TypeVar

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from services import community
from services.errors import LinbangError, NeedsConfirmation, ValidationError

from .db import get_db
from .i18n import error_text, t
from .safe import md

JOB_PAGE = "app_pages/job.py"
PROFILE_PAGE = "app_pages/profile.py"
ACCOUNT_PAGE = "app_pages/account.py"
# Errors whose message sends the person to the organizer: the organizers' contact line follows them.
ASK_THE_ORGANIZER = frozenset(
    {"error.not_verified", "error.verification_pending", "error.insufficient_funds", "error.reset_failed"}
)
# Their organizers' wording, for those errors an organizer meets themself (a wallet they top up themselves).
ORGANIZER_WORDING = {"error.insufficient_funds": "error.insufficient_funds_organizer"}
ACTION_ERROR = "_job_action_error"
PAGE_VISIT = "_page_visit"  # how many times pages were opened in this session (count_visit)
LOGIN_PAGE = "app_pages/login.py"
AFTER_SIGN_IN = "_after_sign_in"  # the page a signed-out visitor came for (sign_in_first)
Value = TypeVar("Value")


def flash(message: str) -> None:
    """A toast to show at the start of the next run (a toast sent just before st.rerun is lost)."""
    st.session_state.setdefault("_flash", []).append(message)


def go(page: str, **query_params) -> None:
    """Open `page` after the next run has rebuilt the navigation (signing in or out changes which
    pages exist, and st.switch_page only knows this run's pages)."""
    st.session_state["_goto"] = (page, query_params)
    st.rerun()


def sign_in_first(script: str) -> None:
    """A signed-out visitor opened a page that needs signing in (app.py's doors): sign in, then that
    page (after_sign_in)."""
    st.session_state[AFTER_SIGN_IN] = script
    st.switch_page(LOGIN_PAGE)


def after_sign_in() -> str:
    """The page to open once signed in: the one the visitor came for, else browse."""
    return st.session_state.pop(AFTER_SIGN_IN, "app_pages/browse.py")


def count_visit(current) -> None:
    """Called by app.py with the page this run shows: a run on another page than the last run's
    starts a new visit (session state PAGE_VISIT), so news of one visit does not greet a return."""
    if st.session_state.get("_page_shown") != current.url_path:
        st.session_state["_page_shown"] = current.url_path
        st.session_state[PAGE_VISIT] = st.session_state.get(PAGE_VISIT, 0) + 1


def follow_goto(current, pages: dict) -> None:
    """Called by app.py once navigation is built (`current`: the page this run shows; `pages`: this
    run's pages by script path). The target is kept until its page runs: a second click arriving
    while the first one's switch is under way reruns the page it came from, which switches again. A
    target that is no page of this person's (an organizer's page, for a resident just signed in) is
    dropped."""
    target = st.session_state.get("_goto")
    if not target:
        return
    if pages.get(target[0]) in (current, None):
        del st.session_state["_goto"]
    else:
        st.switch_page(target[0], query_params=target[1])


def show_flash() -> None:
    for message in st.session_state.pop("_flash", []):
        st.toast(message, icon="✅")


def organizer_note() -> str:
    """ "Questions or trouble? The organizer: …" as Markdown, or "" when the organizers wrote no line."""
    line = community.organizer_contact(get_db())
    return md(t("contact.organizer", line=line)) if line else ""


def error_message(error: LinbangError) -> str:
    """A service's refusal in the reader's language; one that sends them to the organizer ends with
    how to reach them (the one place every error shown on a page is worded)."""
    if error.key in ASK_THE_ORGANIZER and _organizer():  # never "ask the organizer" to the organizer (#15)
        return error_text(LinbangError(ORGANIZER_WORDING.get(error.key, error.key), **error.params))
    note = organizer_note() if error.key in ASK_THE_ORGANIZER else ""
    return error_text(error) + (f"  \n{note}" if note else "")


def _organizer() -> bool:
    """The signed-in person is an organizer (their own wording of errors that send others to them)."""
    return (st.session_state.get("user") or {}).get("role") == "organizer"


def field_of(error: LinbangError) -> str | None:
    """The form field a service's error is about (ValidationError.field), or None."""
    return error.field if isinstance(error, ValidationError) else None


class FieldErrors:
    """A place right under each input of one form for that input's own error, so that a neighbour
    filling in a long form sees which box is wrong (#13).

    Streamlit has no error of a widget's own: `at` puts an empty placeholder (st.empty) right after
    the widget just drawn, in the widget's container, and `show` fills it later in the same run (a
    placeholder inside st.form can be filled after the form is drawn). Fields are named as the
    services name them in ValidationError.field ("title", "price", "window"), not by widget key. An
    error of a field this form has no place for, or of no field, is shown where `show` is called, as
    every error was before. The places last for one run: the next run draws them anew, empty.
    """

    def __init__(self) -> None:
        self._places: dict[str, DeltaGenerator] = {}
        self._left_behind: tuple[str, str, DeltaGenerator] | None = None

    def at(self, field: str, value: Value, column: DeltaGenerator | None = None) -> Value:
        """Give the widget just drawn, whose value is `value`, the place for the errors of the
        service's `field`; `column`: the widget's column, when it is in one. Returns `value`.
        A value drawn from several widgets (a time window) has its place under the last of them."""
        place = column.empty() if column is not None else st.empty()
        self._places[field] = place
        if self._left_behind and self._left_behind[0] == field:
            message, shown = self._left_behind[1:]
            shown.empty()  # it moves here, under its own input
            place.error(message, icon="⚠️")
            self._left_behind = None
        return value

    def show(self, field: str | None, message: str) -> None:
        """Show `message` under `field`'s input, or here when this form has no place for it."""
        place = self._places.get(field) if field else None
        (place.error if place else st.error)(message, icon="⚠️")

    def refused(self, error: LinbangError) -> None:
        """Show a service's refusal in the reader's language, under the field it names if any."""
        self.show(field_of(error), error_message(error))

    def left_behind(self, field: str | None, message: str) -> None:
        """Show an error a button's callback left for this run (action_error) here, now; it moves
        under its field's input when `at` draws that later in this run."""
        shown = st.empty()
        shown.error(message, icon="⚠️")
        if field:
            self._left_behind = (field, message, shown)


def attempt(action, *, success: str | None = None, rerun: bool = False, errors: FieldErrors | None = None):
    """Run a service call under a spinner.

    Returns the call's result (True when it returns nothing), or None after showing a domain
    error in the reader's language: under the field it names when `errors` has a place for it,
    else here. On success a toast is queued for the next run, and with `rerun` the page runs
    again at once (to show what the call changed). A service's question (NeedsConfirmation) is
    raised on, for the form that asks it (ui.forms.Filling.send).
    """
    try:
        with st.spinner(t("common.working")):
            result = action()
    except NeedsConfirmation:
        raise
    except LinbangError as error:
        (errors or FieldErrors()).refused(error)
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
        st.session_state[ACTION_ERROR] = (error_key, field_of(error), error_message(error))
        return
    flash(done)


def action_error(error_key: Hashable) -> FieldErrors:
    """Show the error a callback button (`callback_button`) with this `error_key` left behind.
    Returns the FieldErrors for the inputs those buttons send: draw them with its `at`, and an
    error of one of them is shown under it instead."""
    errors = FieldErrors()
    failed = st.session_state.get(ACTION_ERROR)
    if failed and failed[0] == error_key:
        errors.left_behind(*st.session_state.pop(ACTION_ERROR)[1:])
    return errors


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
