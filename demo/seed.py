"""A believable demo community, built through the real services with the clock driven forward.

    python -m demo.seed data/demo.db [--force]

Creates 阳光花园社区 Sunny Garden at PATH unless it is already there: an organizer, residents, verified
and pending workers, and about seventy jobs in every category and every status. Who they are, what they
post and what they write is data (demo/community_data.py); this module is the engine that tells it.
Nothing is written behind the services' backs: people register (users.register), workers switch "I take
jobs" on and an organizer verifies them, jobs are posted (jobs.post) and claimed, released, started,
finished, confirmed and cancelled (jobs.act), the clock (jobs.run_clock, ticking hourly) expires and
auto-confirms, and both sides rate each other (reviews.rate). Each step gets its own `now`, spread
over the past weeks, so histories and timestamps look lived-in; open and assigned jobs have windows in
the coming days relative to the real current time.

Each job's story is planned by the planner of the status it ends in (`_Seeder.PLANNERS`), as timed
steps; all steps of all jobs then run in time order. The calls that act on a job are in one section
("what people do on a job").

The community is built in a temporary file next to PATH and renamed into place when complete, so PATH
is either absent or a whole demo. One settings row (`demo_seed`) marks it as a demo: an existing demo
is left as it is unless --force rebuilds it; a database without the mark is never touched.
"""

import argparse
import json
import math
import os
import pathlib
import random
import shutil
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import NamedTuple

from demo import community_data as data
from demo import samples
from services import (
    booking,
    categories,
    community,
    disputes,
    escrow,
    export,
    jobs,
    ledger,
    materials,
    messages,
    reviews,
    transitions,
    uploads,
    users,
    workers,
)
from services import db as database
from services.clock import to_db, utcnow

SEED = 20240615
MARKER_KEY = "demo_seed"
LOCAL = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving in China: a fixed offset is exact
HOUR = timedelta(hours=1)
KM_PER_DEGREE = math.radians(1) * 6371.0088  # the sphere services.geo measures on

# What happens to the jobs, as (final status, how it got there); zipped with the shuffled templates.
PLAN = tuple((status, how) for status, how, count in data.OUTCOMES for _ in range(count))
assert len(PLAN) == len(data.TEMPLATES)


class Login(NamedTuple):
    username: str
    password: str
    display_name: str
    kind: str


DEMO_LOGINS = tuple(
    Login(p.username, data.ORGANIZER_PASSWORD if p.kind == "organizer" else data.PASSWORD, p.display_name, p.kind)
    for p in data.PEOPLE
)


# --- the build -----------------------------------------------------------------------------------


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _hours(h: float) -> timedelta:
    return timedelta(hours=h)


def _email(username: str) -> str:
    return f"{username}@example.com"


def _point_near(rng: random.Random, lat: float, lon: float, max_km: float) -> tuple[float, float]:
    """A uniformly random point within max_km of (lat, lon), rounded to ~1 m."""
    distance = max_km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / KM_PER_DEGREE
    dlon = distance * math.sin(bearing) / (KM_PER_DEGREE * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def _price(spec: str) -> dict:
    if "/h*" in spec:
        rate, hours = spec.split("/h*")
        return {"price_yuan": rate, "price_type": "hourly", "est_hours": float(hours)}
    return {"price_yuan": spec, "price_type": "fixed", "est_hours": None}


def price_of(fields: dict) -> str:
    return fields["price_yuan"] if fields["price_yuan"] != "0" else ""


def _language(template: data.Template) -> str:
    return "en" if template.title.isascii() else "zh_CN"


Step = Callable[[datetime, "_Job"], None]  # something a person does on a job, at the time it is called with


@dataclass
class _Job:
    """One job's story while it is planned: its people, when it is posted, its window and its steps."""

    template: data.Template
    how: str  # how it reached its final status, e.g. "release": a first helper gave it back
    poster: str
    crew: list[str]  # the helpers who claim it, in turn; the last one keeps it
    window: timedelta
    post: datetime | None = None
    window_start: datetime | None = None
    bookable: bool = False  # may be posted in booking mode, helpers applying with a quote
    steps: list[tuple[datetime, Step]] = field(default_factory=list)
    id: int | None = None  # once posted

    @property
    def worker(self) -> str:
        return self.crew[-1]

    @property
    def released(self) -> bool:
        return self.how == "release"

    def add(self, when: datetime, step: Step) -> None:
        self.steps.append((when, step))


class _Seeder:
    """Collects timed steps (register, post, act, rate), then runs them in time order with the clock."""

    def __init__(self, db, now: datetime, seed: int):
        self.db, self.now, self.rng = db, now, random.Random(seed)
        self.today = now.astimezone(LOCAL).date()
        self.start = _minute(now - timedelta(days=60))
        self.ids: dict[str, int] = {}
        self.people = {p.username: p for p in data.PEOPLE}
        self.homes: dict[str, tuple[float, float]] = {}
        self.steps: list[tuple[datetime, int, object]] = []

    # timing helpers

    def at(self, moment: datetime, fn) -> None:
        moment = _minute(moment)
        if not self.start <= moment < self.now:
            raise AssertionError(f"demo step outside history: {moment}")
        self.steps.append((moment, len(self.steps), fn))

    def local(self, day_offset: int, hour: float) -> datetime:
        day = self.today + timedelta(days=day_offset)
        return datetime(day.year, day.month, day.day, tzinfo=LOCAL) + _hours(hour)

    def past_day(self, days_ago: int, template: data.Template) -> datetime:
        offset = -days_ago
        if template.weekday is not None:
            offset -= ((self.today + timedelta(days=offset)).weekday() - template.weekday) % 7
        return self.local(offset, template.at)

    def future_day(self, days_ahead: int, template: data.Template, not_before: datetime) -> datetime:
        offset = days_ahead
        step = 1 if template.weekday is None else 7
        if template.weekday is not None:
            offset += (template.weekday - (self.today + timedelta(days=offset)).weekday()) % 7
        while self.local(offset, template.at) < not_before:
            offset += step
        return self.local(offset, template.at)

    def finish_after(self, start: datetime, template: data.Template) -> datetime:
        if template.work_h <= 8:
            return start + max(_hours(template.work_h * self.rng.uniform(0.85, 1.2)), timedelta(minutes=20))
        return start + _hours(template.work_h - self.rng.uniform(0, 3))

    def user(self, username: str) -> dict:
        return users.get(self.db, self.ids[username])

    def note(self, username: str, notes: dict[str, tuple[str, ...]], chance: float) -> str:
        """One of `notes` in the writer's language, `chance` of the time; else no note."""
        if self.rng.random() >= chance:
            return ""
        return self.rng.choice(notes[self.people[username].language])

    # people

    def plan_people(self) -> None:
        rng, place = self.rng, data.COMMUNITY
        for person in data.PEOPLE:
            self.homes[person.username] = _point_near(rng, place["lat"], place["lon"], 1.5)
        organizer = data.PEOPLE[0]

        def set_up(now):
            self.ids[organizer.username] = community.set_up(
                self.db,
                name=place["name"],
                lat=place["lat"],
                lon=place["lon"],
                radius_km=place["radius_km"],
                language=place["language"],
                now=now,
                organizer={
                    "username": organizer.username,
                    "display_name": organizer.display_name,
                    "password": data.ORGANIZER_PASSWORD,
                    "email": _email(organizer.username),
                },
            )

        self.at(self.start, set_up)
        for person in data.PEOPLE[1:]:
            if person.kind == "pending":
                joined = self.now - _hours(rng.uniform(3 * 24, 8 * 24))
            else:
                joined = self.start + _hours(rng.uniform(2, 10 * 24))
            self.at(joined, lambda now, p=person: self.register(p, now))
            if person.kind in ("worker", "pending"):
                switched_on = joined + _hours(rng.uniform(1, 48))
                self.at(switched_on, lambda now, p=person: self.start_working(p, now))
                checked = switched_on + _hours(rng.uniform(2, 36))
                if person.kind == "worker":
                    self.at(
                        checked,
                        lambda now, p=person: samples.verify(
                            self.db, self.user("organizer"), self.user(p.username), now
                        ),
                    )
                else:
                    self.at(
                        min(checked, self.now - HOUR),
                        lambda now, p=person: samples.submit_id(self.db, self.user(p.username), now),
                    )

    def start_working(self, person: data.Person, now: datetime) -> None:
        """Switch "I take jobs" on and fill in the public profile, with a photo or two of past work."""
        user, profile = self.user(person.username), data.WORKER_PROFILES[person.username]
        workers.set_taking_jobs(self.db, user, taking_jobs=True, categories=list(person.categories), now=now)
        workers.save_profile(
            self.db,
            user,
            bio=profile.bio,
            service_radius_km=profile.radius_km,
            rate_yuan=profile.rate,
            area=self.homes[person.username],
            area_label=profile.area_label,
            availability=list(profile.slots),
            now=now,
        )
        for index, caption in enumerate(profile.photos):
            colour = samples.COLOURS[(len(person.username) + index) % len(samples.COLOURS)]
            workers.add_photo(self.db, user, samples.picture(caption, colour), caption, now)

    def register(self, person: data.Person, now: datetime) -> None:
        self.ids[person.username] = users.register(
            self.db,
            username=person.username,
            display_name=person.display_name,
            password=data.PASSWORD,
            email=_email(person.username),
            language=person.language,
            now=now,
        )
        ledger.top_up(
            self.db,
            self.user("organizer"),
            self.ids[person.username],
            data.STARTING_CREDIT_YUAN,
            note=data.STARTING_CREDIT_NOTE,
            key=f"demo-start-{person.username}",
            now=now,
        )

    # jobs: which template ends in which status, who takes part

    def plan_jobs(self) -> None:
        rng = self.rng
        templates = list(data.TEMPLATES)
        rng.shuffle(templates)
        plan = list(PLAN)
        rng.shuffle(plan)
        # Jobs under way right now read best as the ones that run over days (feeding a cat for three days),
        # and jobs done in the last two days should not name a weekday: pair those first.
        pairs = []
        for status, fits in (
            ("in_progress", lambda t: t.weekday is None and t.work_h >= 24),
            ("done", lambda t: t.weekday is None),
        ):
            wanted = [p for p in plan if p[0] == status]
            chosen = [t for t in templates if fits(t)][: len(wanted)]
            assert len(chosen) == len(wanted)
            pairs += zip(chosen, wanted, strict=True)
            plan = [p for p in plan if p[0] != status]
            templates = [t for t in templates if t not in chosen]
        for template, (status, how) in [*pairs, *zip(templates, plan, strict=True)]:
            job = self.cast(template, how)
            self.PLANNERS[status](self, job)
            self.schedule(job)

    def cast(self, template: data.Template, how: str) -> _Job:
        """The poster (someone who writes the template's language and does not do such work) and the helpers."""
        rng = self.rng
        posters = [
            p
            for p in data.PEOPLE
            if p.kind in ("resident", "worker")
            and p.language == _language(template)
            and template.category not in p.categories
        ]
        weights = [4 if p.kind == "resident" else 1 for p in posters]
        poster = rng.choices(posters, weights)[0].username
        helpers = 2 if how == "release" else 1
        able = [p.username for p in data.PEOPLE if p.kind == "worker" and p.username != poster]
        fitting = [u for u in able if template.category in self.people[u].categories]
        crew = rng.sample(fitting if len(fitting) >= helpers else able, helpers)
        return _Job(template, how, poster, crew, _hours(template.window_h))

    # jobs: one planner per final status, setting when the job is posted, its window and its steps

    def plan_open(self, job: _Job) -> None:
        """Waiting for a helper, its window in the coming days; perhaps given back once already."""
        rng, now = self.rng, self.now
        job.window_start = self.future_day(rng.randint(1, 12), job.template, now + 3 * HOUR)
        job.post = now - _hours(rng.uniform(8 if job.released else 0.3, 72))
        if job.released:
            self.given_back(job, now - timedelta(minutes=10))
        job.bookable = not job.released

    def plan_assigned(self, job: _Job) -> None:
        """Claimed, its window in the coming days."""
        rng, now = self.rng, self.now
        job.window_start = self.future_day(rng.randint(0, 4), job.template, now + 2 * HOUR)
        job.post = now - _hours(rng.uniform(3, 72))
        self.taken(job, now - timedelta(minutes=5))

    def plan_in_progress(self, job: _Job) -> None:
        """Started and not finished yet; the window lasts until after the work."""
        begin = self.began_recently(job.template)
        job.window_start = begin.replace(minute=0)
        job.window = max(
            job.window,
            begin + _hours(job.template.work_h) - job.window_start + HOUR,
            self.now + 2 * HOUR - job.window_start,
        )
        job.post = job.window_start - _hours(self.rng.uniform(8, 72))
        self.taken(job, job.window_start)
        job.add(begin, self.act("start", job.worker))

    def plan_done(self, job: _Job) -> None:
        """Finished recently, so the clock has not confirmed it yet."""
        begin, finish = self.finished_recently(job.template)
        job.window_start = begin.replace(minute=0)
        job.window = max(job.window, finish - job.window_start + HOUR)
        job.post = job.window_start - _hours(self.rng.uniform(8, 72))
        self.taken(job, job.window_start)
        job.add(begin, self.act("start", job.worker))
        self.finishes(job, finish)

    def plan_completed(self, job: _Job) -> None:
        """Done weeks ago and confirmed by the poster, or ("auto") by the clock 72 hours after the finish."""
        rng, auto = self.rng, job.how == "auto"
        begin, finish = self.worked_weeks_ago(job, days_earlier=3 if auto else 0)
        if rng.random() < 0.25:  # the helper bought something for it
            self.buys_material(job, begin, finish)
        self.finishes(job, finish)
        if auto:
            self.ratings(job, finish + jobs.AUTO_CONFIRM_AFTER + 2 * HOUR)
        else:
            settled = finish + _hours(rng.uniform(0.25, 30))
            tip = rng.choice(data.TIPS_YUAN)
            job.add(settled, self.act("confirm", job.poster, data.CONFIRM_NOTES, 0.3, tip_yuan=tip))
            self.ratings(job, settled)

    def plan_disputed(self, job: _Job) -> datetime:
        """Done weeks ago; the poster disputes instead of confirming and the helper answers. Returns the finish."""
        begin, finish = self.worked_weeks_ago(job)
        self.buys_material(job, begin, finish)  # so a dispute always has money held, and a split has a half
        self.finishes(job, finish)
        job.add(finish + _hours(self.rng.uniform(2, 20)), self.act("dispute", job.poster, data.DISPUTE_NOTES, 1.0))
        job.add(finish + _hours(self.rng.uniform(21, 30)), self.state(job.worker, data.STATEMENT_NOTES))
        return finish

    def plan_resolved(self, job: _Job) -> None:
        """Disputed, then split half and half by the organizer."""
        finish = self.plan_disputed(job)
        job.add(finish + _hours(self.rng.uniform(31, 48)), self.split_in_half)

    def plan_cancelled(self, job: _Job) -> None:
        """Cancelled by the poster, while open or assigned, before a past window ("past_…") or a future one."""
        rng, now = self.rng, self.now
        if job.how.startswith("past"):
            job.window_start = self.past_day(rng.randint(2, 28), job.template)
            job.post = job.window_start - _hours(rng.uniform(12, 96))
            until = job.window_start
        else:
            job.window_start = self.future_day(rng.randint(2, 10), job.template, now + 6 * HOUR)
            job.post = now - _hours(rng.uniform(24, 96))
            until = now - HOUR
        gap = until - job.post
        if job.how.endswith("assigned"):
            job.add(job.post + gap * rng.uniform(0.1, 0.3), self.act("claim", job.worker))
        job.add(job.post + gap * rng.uniform(0.5, 0.95), self.act("cancel", job.poster, data.CANCEL_NOTES, 0.8))

    def plan_expired(self, job: _Job) -> None:
        """Nobody (or nobody for good) took it before its window ended."""
        rng, template = self.rng, job.template
        start = self.past_day(rng.randint(1 + math.ceil(template.window_h / 24), 30), template)
        while start + job.window > self.now - 2 * HOUR:
            start -= timedelta(days=1 if template.weekday is None else 7)
        job.window_start = start
        job.post = start - _hours(rng.uniform(6, 72))
        if job.released:
            self.given_back(job, start)

    PLANNERS = {
        "open": plan_open,
        "assigned": plan_assigned,
        "in_progress": plan_in_progress,
        "done": plan_done,
        "completed": plan_completed,
        "disputed": plan_disputed,
        "resolved": plan_resolved,
        "cancelled": plan_cancelled,
        "expired": plan_expired,
    }

    # jobs: pieces of stories the planners share

    def taken(self, job: _Job, before: datetime) -> None:
        """The job's helper claims it before `before`; in a "release" story after a first one gave it back."""
        gap = before - job.post
        if job.released:
            self.given_back(job, before)
            job.add(job.post + gap * self.rng.uniform(0.55, 0.8), self.act("claim", job.worker))
        else:
            wait = min(_hours(self.rng.uniform(0.1, 8)), gap * 0.6)
            job.add(job.post + wait, self.act("claim", job.worker, data.CLAIM_NOTES, 0.35))
            if self.rng.random() < 0.6:  # most talk in the job's conversation once it is taken
                asked = job.post + wait + (gap - wait) * self.rng.uniform(0.1, 0.3)
                job.add(asked, self.say(job.poster, data.POSTER_ASKS))
                job.add(asked + (gap - wait) * self.rng.uniform(0.05, 0.2), self.say(job.worker, data.HELPER_ANSWERS))

    def given_back(self, job: _Job, before: datetime) -> None:
        """A first helper claims the job and gives it back, before `before`."""
        gap, first = before - job.post, job.crew[0]
        job.add(job.post + gap * self.rng.uniform(0.05, 0.25), self.act("claim", first))
        job.add(job.post + gap * self.rng.uniform(0.3, 0.5), self.act("release", first, data.RELEASE_NOTES, 1.0))

    def began_recently(self, template: data.Template) -> datetime:
        """When work still under way began: at the template's hour on a recent day if one fits, else a while ago."""
        work = _hours(template.work_h)
        for days_back in range(math.ceil(template.work_h / 24) + 2):
            candidate = self.local(-days_back, template.at)
            if self.now - work * 0.85 < candidate < self.now - timedelta(minutes=15):
                return candidate
        return _minute(self.now - max(work * self.rng.uniform(0.2, 0.7), timedelta(minutes=15)))

    def finished_recently(self, template: data.Template) -> tuple[datetime, datetime]:
        """(begin, finish) of work finished in the last two days or so."""
        for days_back in range(math.ceil(template.work_h / 24) + 4):
            begin = self.local(-days_back, template.at)
            finish = self.finish_after(begin, template)
            if self.now - _hours(55) < finish < self.now - HOUR:
                return begin, finish
        finish = _minute(self.now - _hours(self.rng.uniform(2, 50)))
        return finish - _hours(template.work_h), finish

    def worked_weeks_ago(self, job: _Job, days_earlier: int = 0) -> tuple[datetime, datetime]:
        """Posted, claimed and started weeks ago. Returns (begin, finish) of the work; the finish is not a step yet."""
        rng, template = self.rng, job.template
        lo = 5 + math.ceil(template.work_h / 24) + days_earlier
        job.window_start = self.past_day(rng.randint(lo, max(lo + 10, 28)), template)
        job.post = job.window_start - _hours(rng.uniform(6, 72))
        begin = job.window_start + min(_hours(rng.uniform(0, 1.5)), job.window * 0.3)
        self.taken(job, job.window_start)
        job.add(begin, self.act("start", job.worker))
        return begin, self.finish_after(begin, template)

    def finishes(self, job: _Job, when: datetime) -> None:
        job.add(when, self.act("finish", job.worker, data.FINISH_NOTES, 0.4))

    def buys_material(self, job: _Job, begin: datetime, finish: datetime) -> None:
        """Halfway through the work the helper buys one of the usual things."""
        what, amount = self.rng.choice(data.MATERIALS)
        job.add(begin + (finish - begin) * 0.5, self.add_material(what, amount))

    def ratings(self, job: _Job, settled: datetime) -> None:
        """Most posters and most helpers rate each other in the hours after the job was settled."""
        rng, poster, worker = self.rng, job.poster, job.worker
        roll = rng.random()
        poster_rates, worker_rates = roll < 0.85, roll < 0.70 or 0.85 <= roll < 0.93
        if poster_rates:
            stars = rng.choices(*data.STARS[self.people[worker].ratings])[0]
            language = self.people[poster].language
            lines = data.POSTER_COMMENTS[language][stars]
            if stars == 5 and language == "zh_CN" and job.template.category in data.POSTER_COMMENTS_BY_CATEGORY:
                lines = (*lines, data.POSTER_COMMENTS_BY_CATEGORY[job.template.category])
            comment = rng.choice(lines) if rng.random() < 0.9 else ""
            job.add(settled + _hours(rng.uniform(0.1, 20)), self.rate(poster, stars, comment))
        if worker_rates:
            stars = rng.choices(*data.WORKER_STARS)[0]
            lines = data.WORKER_COMMENTS[self.people[worker].language][stars]
            comment = rng.choice(lines) if rng.random() < 0.8 else ""
            job.add(settled + _hours(rng.uniform(0.2, 30)), self.rate(worker, stars, comment))

    # jobs: posting, with the applications of a job posted in booking mode

    def schedule(self, job: _Job) -> None:
        """Post the job at its time and run its steps at theirs."""
        fields = self.job_fields(job)
        if job.bookable:
            self.take_applications(job, fields)
        self.at(job.post, lambda now: self.post(now, job, fields))
        for when, step in job.steps:
            self.at(when, lambda now, step=step: step(now, job))

    def job_fields(self, job: _Job) -> dict:
        rng, poster = self.rng, self.people[job.poster]
        if rng.random() < 0.7:
            lat, lon = self.homes[poster.username]
            address = poster.home
        else:
            lat, lon = _point_near(rng, data.COMMUNITY["lat"], data.COMMUNITY["lon"], 3.0)
            address = rng.choice(data.AWAY[poster.language])
        return {
            "title": job.template.title,
            "description": job.template.description,
            "category": job.template.category,
            **_price(job.template.price),
            "window_start": job.window_start,
            "window_end": job.window_start + job.window,
            "lat": lat,
            "lon": lon,
            "address_note": address,
        }

    def take_applications(self, job: _Job, fields: dict) -> None:
        """Some paid open jobs are in booking mode: helpers have applied with a quote; the poster has not chosen."""
        rng = self.rng
        if not price_of(fields) or rng.random() >= 0.4:
            return
        fields["mode"] = "booking"
        able = [
            p.username
            for p in data.PEOPLE
            if p.kind == "worker" and job.template.category in p.categories and p.username != job.poster
        ]
        for who in rng.sample(able, min(2, len(able))):
            when = job.post + (self.now - job.post) * rng.uniform(0.2, 0.9)
            quote = (Decimal(price_of(fields)) * Decimal(rng.choice(data.QUOTE_FACTORS))).quantize(Decimal("1"))
            job.add(when, self.apply(who, str(quote)))

    # what people do on a job: every call that changes a job (jobs, booking, materials, reviews) is here; the clock
    # is in run()

    def post(self, when: datetime, job: _Job, fields: dict) -> None:
        job.id = jobs.post(self.db, self.user(job.poster), now=when, **fields)

    def act(self, action: str, who: str, notes: dict | None = None, chance: float = 0.0, **inputs) -> Step:
        """`who` does `action` with `inputs`, adding one of `notes` `chance` of the time."""

        def run(when, job):
            detail = self.note(who, notes, chance) if notes else ""
            self.transition(when, job, action, who, detail, **inputs)

        return run

    def transition(self, when: datetime, job: _Job, action: str, who: str, detail: str, **inputs) -> None:
        """The seed's one call of jobs.act. A helper claims having read the job's safety notes (the
        claim's question shows them)."""
        if action == "claim":
            inputs["safety"] = True
        jobs.act(
            self.db, job.id, action, self.user(who), transitions.request(action, detail=detail, **inputs), now=when
        )

    def split_in_half(self, when: datetime, job: _Job) -> None:
        """The organizer resolves a dispute by paying the helper half of what is held."""
        half = escrow.job_held_fen(self.db, job.id) // 2
        self.transition(when, job, "resolve_split", "organizer", data.SPLIT_NOTE, split_yuan=export.yuan(half))

    def state(self, who: str, notes: dict) -> Step:
        """`who` adds a statement to the job's dispute."""

        def run(when, job):
            body = self.note(who, notes, 1.0)
            disputes.add_statement(self.db, self.user(who), job.id, body, key=f"demo-{job.id}", now=when)

        return run

    def apply(self, who: str, quote: str) -> Step:
        """`who` applies for a job in booking mode, quoting `quote` yuan."""

        def run(when, job):
            note = self.note(who, data.APPLY_NOTES, 0.8)
            booking.apply(self.db, self.user(who), job.id, quote_yuan=quote, message=note, safety=True, now=when)

        return run

    def add_material(self, what: str, amount: str) -> Step:
        """The helper records something they bought for the job; the poster approves it."""

        def run(when, job):
            worker, key = self.user(job.worker), f"demo-material-{job.id}"
            line = materials.add(
                self.db, worker, job.id, what=what, amount_yuan=amount, receipt=None, key=key, now=when
            )
            materials.decide(self.db, self.user(job.poster), line, approve=True, now=when)

        return run

    def say(self, who: str, lines: dict[str, tuple[str, ...]]) -> Step:
        """`who` writes one of `lines` in the conversation of the job's poster and helper."""

        def run(when, job):
            key = f"demo-message-{job.id}-{who}"
            messages.send(
                self.db,
                self.user(who),
                job.id,
                self.user(job.worker)["id"],
                self.note(who, lines, 1.0),
                None,
                key=key,
                now=when,
            )

        return run

    def rate(self, author: str, stars: int, comment: str) -> Step:
        def run(when, job):
            reviews.rate(self.db, self.user(author), job.id, stars=stars, comment=comment, now=when)

        return run

    # running

    def run(self) -> None:
        tick = self.start
        for when, _, fn in sorted(self.steps, key=lambda step: step[:2]):
            while tick + HOUR <= when:
                tick += HOUR
                jobs.run_clock(self.db, tick)
            fn(when)
        while tick + HOUR <= self.now:
            tick += HOUR
            jobs.run_clock(self.db, tick)
        jobs.run_clock(self.db, self.now)


def summarize(db) -> dict:
    return {
        "people": db["users"].count,
        "jobs": db["jobs"].count,
        "by_status": dict(Counter(r["status"] for r in db.query("SELECT status FROM jobs"))),
        "by_category": dict(Counter(r["category"] for r in db.query("SELECT category FROM jobs"))),
        "reviews": db["reviews"].count,
        "workers": dict(Counter(r["verification"] for r in db.query("SELECT verification FROM worker_profiles"))),
    }


def build(path: str | pathlib.Path, *, now: datetime | None = None, seed: int = SEED) -> dict:
    """Build the demo community into a new database at `path` (which must not hold one). Returns counts."""
    now = _minute(now or utcnow())
    db = database.connect(path)
    try:
        seeder = _Seeder(db, now, seed)
        seeder.plan_people()
        seeder.plan_jobs()
        seeder.run()
        with database.write(db):
            db["settings"].insert({"key": MARKER_KEY, "value": json.dumps({"seed": seed, "built_at": to_db(now)})})
        stats = summarize(db)
        assert set(stats["by_category"]) == {c["slug"] for c in categories.list_all(db)}
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.conn.close()
    return stats


# --- the command ---------------------------------------------------------------------------------


def _sidecars(path: pathlib.Path) -> list[pathlib.Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def existing(path: pathlib.Path) -> str:
    """'absent' (nothing there, or an empty file), 'demo' (a database this script built) or 'other'."""
    if not path.exists():
        return "absent"
    if path.is_file() and path.stat().st_size == 0:
        if not any(p.exists() and p.stat().st_size for p in _sidecars(path)):
            return "absent"
    try:  # immutable: read the file as it lies, create no -wal/-shm, take no locks, change nothing
        conn = sqlite3.connect(path.resolve().as_uri() + "?immutable=1", uri=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", [MARKER_KEY]).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return "other"
    return "demo" if row else "other"


def logins_text() -> str:
    def names(kind):
        return ", ".join(login.username for login in DEMO_LOGINS if login.kind == kind)

    return "\n".join(
        [
            f"Demo logins — organizer: organizer / {data.ORGANIZER_PASSWORD}; everyone else: password {data.PASSWORD}",
            f"  residents: {names('resident')}",
            f"  workers (verified): {names('worker')}",
            f"  workers (pending verification): {names('pending')}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.seed", description="Create the Linbang demo community.")
    parser.add_argument("path", nargs="?", default="data/demo.db", help="database file to create (default %(default)s)")
    parser.add_argument("--force", action="store_true", help="rebuild an existing demo database from scratch")
    args = parser.parse_args(argv)
    path = pathlib.Path(args.path)
    state = existing(path)
    if state == "other":
        print(f"{path} exists and is not a Linbang demo database: refusing to touch it.", file=sys.stderr)
        return 1
    if state == "demo" and not args.force:
        print(f"{path} already holds the demo community (use --force to rebuild it).")
        print(logins_text())
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f".{path.name}.building-{os.getpid()}")
    started = time.monotonic()
    try:
        for leftover in (building, *_sidecars(building)):
            leftover.unlink(missing_ok=True)
        stats = build(building)
        for sidecar in _sidecars(path):  # an old -wal must never be replayed into the new file
            sidecar.unlink(missing_ok=True)
        shutil.rmtree(uploads.root_for(path), ignore_errors=True)  # the old demo's photos go with it
        if uploads.root_for(building).exists():
            os.replace(uploads.root_for(building), uploads.root_for(path))
        os.replace(building, path)
    finally:
        for leftover in (building, *_sidecars(building)):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(uploads.root_for(building), ignore_errors=True)
    statuses = ", ".join(f"{status} {stats['by_status'].get(status, 0)}" for status in transitions.STATUSES)
    print(
        f"Built {data.COMMUNITY['name']} in {path} ({time.monotonic() - started:.1f} s): {stats['people']} people, "
        f"{stats['jobs']} jobs ({statuses}), {stats['reviews']} reviews."
    )
    print(logins_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
