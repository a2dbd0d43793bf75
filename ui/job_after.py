"""Jobs after posting (#15 item 16): the job page's buttons to change an open job, to post a completed
one again (再来一单) or to book its helper again; the post form started from the job they name (the
same form as for a new job, filled in); the star that makes a helper one of a resident's favourites."""

from dataclasses import dataclass
from datetime import datetime
from typing import cast

import streamlit as st

from services import access, favourites, jobs
from services.access import Capability
from services.clock import from_db, utcnow
from services.db import Database
from services.errors import NotFound
from services.rows import Job, Row, User

from .feedback import JOB_PAGE, PROFILE_PAGE, callback_button
from .forms import Filling
from .i18n import t, timezone, yuan_field
from .query import query_id

POST_PAGE = "app_pages/post_job.py"
# The post page's query parameters: the job to change, the job to start again from, and whether its
# helper is to be asked again.
EDIT, AGAIN, HELPER = "edit", "again", "helper"
AFTER_POSTING = ("edit_job", "post_again", "book_again")  # the capabilities drawn as buttons, in order


def after_posting(job: Job, allowed: frozenset[Capability], *, key: str) -> None:
    """The buttons for what the poster may do with their job as a whole (the job's capabilities)."""
    queries = {
        "edit_job": {EDIT: str(job["id"])},
        "post_again": {AGAIN: str(job["id"])},
        "book_again": {AGAIN: str(job["id"]), HELPER: "1"},
    }
    for capability in AFTER_POSTING:
        if capability in allowed and st.button(
            t(f"after.{capability}"), key=f"{key}_{capability}_{job['id']}", use_container_width=True
        ):
            st.switch_page(POST_PAGE, query_params=queries[capability])


@dataclass(frozen=True)
class Draft:
    """What the post form starts from: nothing (a new job), a job to change (`editing`), or a
    completed job to post again, perhaps with its helper (`helper_id`) to be asked again."""

    editing: int | None = None
    helper_id: int | None = None
    values: Row | None = None  # the stored job's, as the service gave them

    @property
    def name(self) -> str:
        """The form's name: a filling-in of its own for each job it starts from."""
        if self.editing:
            return f"post_job_edit_{self.editing}"
        return "post_job_again" if self.values else "post_job"


def draft(db: Database, user: User) -> Draft:
    """The draft the post page's address names (?edit=, ?again= and ?helper=). Raises NotFound for an
    address naming no job, NotAllowed and its kinds when the person may not start from it."""
    editing, again = query_id(EDIT, missing=0), query_id(AGAIN, missing=0)
    if editing is None or again is None:
        raise NotFound()
    if editing:
        job = jobs.get(db, editing, user)
        access.require(db, job, user, "edit_job")
        return Draft(editing=editing, values=cast(Row, job))
    if again:
        values = jobs.again_draft(db, user, again, same_helper=bool(query_id(HELPER, missing=0)))
        return Draft(helper_id=values["helper_id"], values=values)
    return Draft()


def fill_in(draft: Draft, filling: Filling, point_key: str, widgets: dict[str, str]) -> None:
    """Put the draft's values in the post form's widgets, once per filling-in (a fresh form after a
    save starts from the job again; what the person changed since stays). `widgets`: the keys of the
    category, price kind and mode inputs drawn outside the form."""
    values, marker = draft.values, f"_filled_{filling.form}"
    if values is None or st.session_state.get(marker):
        return
    st.session_state[marker] = True
    free = values["price_fen"] == 0 and values["price_type"] == "fixed"
    state = {
        widgets["category"]: values["category"],
        widgets["price_kind"]: "free" if free else values["price_type"],
        widgets["mode"]: values["mode"],
        f"{point_key}_lat": values["lat"],
        f"{point_key}_lon": values["lon"],
        filling.field("title"): values["title"],
        filling.field("description"): values["description"],
        filling.field("price"): yuan_field(values["price_fen"]),
        filling.field("address_note"): values["address_note"],
    }
    if values["est_minutes"]:
        state[filling.field("hours")] = values["est_minutes"] / 60
    if draft.editing:  # posting again picks a new time: the form's own default
        for field, column in (("start", "window_start"), ("end", "window_end")):
            moment = from_db(values[column]).astimezone(timezone())
            state[filling.field(f"{field}_day")], state[filling.field(field)] = moment.date(), moment.time()
    st.session_state.update(state)


def save(db: Database, user: User, draft: Draft, fields: dict, *, key: str, now: datetime) -> int:
    """Post the form's job, or change the job being edited (its mode stays). Returns the job's id."""
    if draft.editing:
        return jobs.edit(db, user, draft.editing, **{k: v for k, v in fields.items() if k != "mode"}, now=now)["id"]
    return jobs.post(db, user, **fields, key=key, now=now)


def next_page(draft: Draft, job_id: int) -> tuple[str, dict[str, str]]:
    """Where the person goes once the form is saved: the job, or the helper to be asked again, with
    the new job picked in their invitation form."""
    if draft.helper_id:
        return PROFILE_PAGE, {"id": str(draft.helper_id), "job": str(job_id)}
    return JOB_PAGE, {"id": str(job_id)}


def favourite_star(db: Database, user: User, helper_id: int, mine: set[int], *, key: str) -> None:
    """The star that makes a helper one of the user's favourites, or takes it back."""
    on = helper_id in mine
    callback_button(
        t("favourite.remove" if on else "favourite.add"),
        f"{key}_favourite_{helper_id}",
        lambda: favourites.mark(db, st.session_state["user"], helper_id, not on, utcnow()),
        done=t("favourite.removed" if on else "favourite.added"),
        error_key=("favourite", helper_id),
    )
