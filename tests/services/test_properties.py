"""The job state machine under random sequences of actions by random people and the passing of time.

A model of the job is kept here from the TRANSITIONS table and the rules of who may act; after every
step the stored job and its history must agree with it. Each example gets a fresh database file: a copy
of the session's set-up community (registering people costs bcrypt time, copying a file does not).
"""

import itertools
import pathlib
import tempfile
from datetime import timedelta

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from services import db as database
from services import jobs, transitions, users
from services.errors import AlreadyTaken, InvalidTransition, NotAllowed
from services.transitions import request
from tests.budget import budget
from tests.services.conftest import ACTION_TERMS

PEOPLE = ("poster", "verified_worker", "second_worker", "unverified_worker", "organizer", "clock")
VERIFIED = {"verified_worker", "second_worker"}
WINDOW = timedelta(days=14)
RESOLUTIONS = ("resolve_pay", "resolve_refund", "resolve_split")
WORKING = ("assigned", "in_progress", "done", "disputed", "completed", "resolved")
# The people's actions, those that move a job forward first: hypothesis favours early choices.
FORWARD_FIRST = ("claim", "start", "finish", "confirm", "release", "cancel", "dispute", *RESOLUTIONS)
# The job here is in grab mode; the booking transitions are driven through services.booking in its tests.
GRAB_ACTIONS = sorted(action for action, rule in transitions.TRANSITIONS.items() if rule.worker != "assignee")


class JobLifecycle(RuleBasedStateMachine):
    """One job, a handful of people, the clock. `copy_community` and `job_fields` are conftest's fixtures."""

    def __init__(self, copy_community, job_fields, now):
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        path = pathlib.Path(self.tmp.name) / "linbang.db"
        copy_community(path)
        self.db = database.connect(path)
        self.people = {name: users.get(self.db, users.by_username(self.db, name)["id"]) for name in PEOPLE[:-1]}
        self.people["clock"] = jobs.CLOCK
        self.now = now
        self.window_end = now + WINDOW
        self.job_id = jobs.post(self.db, self.people["poster"], **job_fields(window_end=self.window_end))
        # the model
        self.status = "open"
        self.worker = None  # name of the assigned person
        self.finished_at = None
        self.transitions = 0
        self.cancelled_while_assigned = False
        self.last = None  # (action, who) of the last transition

    def teardown(self):
        self.db.conn.close()
        self.tmp.cleanup()

    # --- the model's rules ---

    def may(self, action, who) -> bool:
        """Who may do what, as DESIGN §4 says, ignoring the status."""
        kind = transitions.TRANSITIONS[action].actor
        if kind == "clock" or who == "clock":
            return kind == "clock" and who == "clock"
        if kind == "poster":
            return who == "poster"
        if kind == "worker":
            return who == self.worker
        if kind == "organizer":
            return who == "organizer"
        return who != "poster" and who in VERIFIED

    def repeated(self, action, who) -> bool:
        """Doing again what one just did (a double click) is done once, without an error."""
        return who != "clock" and self.last == (action, who) and self.status == transitions.TRANSITIONS[action].target

    def expected_error(self, action, who):
        if self.repeated(action, who):
            return None
        if not self.may(action, who):
            return NotAllowed
        if self.status not in transitions.TRANSITIONS[action].sources:
            return AlreadyTaken if action == "claim" else InvalidTransition
        return None

    def apply(self, action, who):
        self.cancelled_while_assigned = action == "cancel" and self.status == "assigned"
        self.status = transitions.TRANSITIONS[action].target
        if action == "claim":
            self.worker = who
        elif action == "release":
            self.worker = None
        elif action == "finish":
            self.finished_at = self.now
        self.transitions += 1
        self.last = (action, who)
        event(f"reached {self.status} by {action}")

    # --- steps ---

    @rule(action=st.sampled_from(GRAB_ACTIONS), who=st.sampled_from(PEOPLE))
    def someone_acts(self, action, who):
        self.act(action, who)

    @rule(data=st.data())
    def the_right_person_does_something_possible(self, data):
        """Random people rarely hit an allowed transition; this step always does, so jobs get far."""
        possible = [a for a in FORWARD_FIRST if self.status in transitions.TRANSITIONS[a].sources]
        if not possible:
            return
        action = data.draw(st.sampled_from(possible), label="action")
        kind = transitions.TRANSITIONS[action].actor
        who = {"poster": "poster", "worker": self.worker, "organizer": "organizer"}.get(kind) or data.draw(
            st.sampled_from(sorted(VERIFIED)), label="claimer"
        )
        self.act(action, who)

    def act(self, action, who):
        expected = self.expected_error(action, who)
        try:
            jobs.act(
                self.db,
                self.job_id,
                action,
                self.people[who],
                request(action, **ACTION_TERMS.get(action, {})),
                now=self.now,
            )
        except (NotAllowed, InvalidTransition, AlreadyTaken) as error:
            assert type(error) is expected, (action, who, self.status, error)
        else:
            assert expected is None, (action, who, self.status)
            if not self.repeated(action, who):
                self.apply(action, who)

    # Any gap, and often one right at the 72-hour auto-confirm boundary.
    @rule(hours=st.one_of(st.integers(min_value=0, max_value=96), st.sampled_from([71, 72, 73])))
    def time_passes_and_the_clock_runs(self, hours):
        self.now += timedelta(hours=hours)
        due = None
        if self.status == "open" and self.window_end < self.now:
            due = "expire"
        elif self.status == "done" and self.finished_at <= self.now - jobs.AUTO_CONFIRM_AFTER:
            due = "auto_confirm"

        changed = jobs.run_clock(self.db, self.now)

        assert changed == (1 if due else 0)
        if due:
            self.apply(due, "clock")

    # --- invariants ---

    def job(self):
        return jobs.get(self.db, self.job_id, self.people["organizer"])

    @invariant()
    def status_is_known_and_follows_the_table(self):
        job = self.job()
        assert job["status"] in transitions.STATUSES
        assert job["status"] == self.status

    @invariant()
    def one_event_per_transition_plus_the_post(self):
        assert len(jobs.events(self.db, self.job_id)) == self.transitions + 1

    @invariant()
    def history_is_a_chain_ending_in_the_current_status(self):
        history = jobs.events(self.db, self.job_id)
        assert history[0]["action"] == "post" and history[0]["from_status"] is None
        for before, after in itertools.pairwise(history):
            assert after["from_status"] == before["to_status"]
        assert history[-1]["to_status"] == self.status

    @invariant()
    def worker_is_set_exactly_while_someone_holds_the_job(self):
        job = self.job()
        holds = job["status"] in WORKING or (job["status"] == "cancelled" and self.cancelled_while_assigned)
        assert (job["worker_id"] is not None) == holds
        expected = self.people[self.worker]["id"] if self.worker else None
        assert job["worker_id"] == expected


def test_job_state_machine_follows_the_transition_table(copy_community, job_fields, now):
    run_state_machine_as_test(
        lambda: JobLifecycle(copy_community, job_fields, now),
        settings=settings(max_examples=budget(150), stateful_step_count=40, deadline=None),
    )
