"""The buttons for the transitions a person may take on a job now (the job page, My jobs)."""

import streamlit as st

from services import jobs
from services.clock import utcnow

from .feedback import action_error, perform
from .i18n import t

ACTION_STYLE = {"claim": "primary", "finish": "primary", "confirm": "primary", "start": "primary"}
CONFIRM_FIRST = ("cancel", "release")  # actions that undo something ask once more
FORM_ACTIONS = ("dispute", "resolve_pay", "resolve_refund", "resolve_split")  # a form of their own: ui.disputes


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
            on_click=perform,
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
