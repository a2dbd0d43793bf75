"""The rows services take and return, as the type checker knows them (#12 item 6).

sqlite-utils returns every row as a plain dict; these TypedDicts name the columns of the rows that
pass between services and pages. A service that reads one from the database says which it is with
`typing.cast` at that one place (the database, not Python, makes the row). Rows of a single query
shown as they come (a wallet's lines, a report) stay `Row`.
"""

from typing import Any, Literal, NotRequired, TypedDict

Row = dict[str, Any]  # a row as sqlite-utils returns it


class User(TypedDict):
    """A users row without its password hash (services.users never hands that out)."""

    id: int
    role: str
    username: str
    username_key: str  # what is unique about the name (services.users.username_key)
    display_name: str
    email: str | None
    phone: str | None
    language: str
    created_at: str
    blocked_at: str | None
    sessions_valid_after: float
    email_kinds: str  # JSON: the notification groups the person wants by e-mail (services.mail)
    avatar: str | None  # a public upload: the person's picture of themselves
    larger_text: int  # 1: bigger type and tap targets on every page (set_larger_text)


class Candidate(TypedDict):
    """Who a worker a poster names is, as services.access.worker_refusal reads them: role None for no
    such account."""

    id: int
    role: str | None


class Clock(TypedDict):
    """The board itself acting on a timer (services.jobs.CLOCK): no account."""

    id: None
    role: Literal["clock"]


class Job(TypedDict):
    """A jobs row. The exact place (lat, lon, address_note) is None where the viewer may not see it;
    services.jobs.get adds the joined names and `exact`, listings their totals and distance."""

    id: int
    poster_id: int
    request_key: NotRequired[str | None]
    category: str
    title: str
    description: str
    mode: str
    status: str
    price_fen: int
    price_type: str
    est_minutes: int | None
    agreed_fen: int | None
    actual_minutes: NotRequired[int | None]
    extra_decision: NotRequired[str | None]
    hidden_at: NotRequired[str | None]  # the organizer hid it after a report (services.reports)
    withheld: NotRequired[bool]  # hidden, and the viewer is neither side nor an organizer: shown as hidden
    window_start: str
    window_end: str
    lat: float | None
    lon: float | None
    public_lat: float
    public_lon: float
    address_note: str | None
    worker_id: int | None
    created_at: str
    updated_at: str
    finished_at: NotRequired[str | None]
    handover_code: NotRequired[str | None]  # four digits the worker types to finish; the poster's alone to see
    flagged: NotRequired[int]  # its title or description looks like a scam's request (services.fraud)
    # joined or worked out by services.jobs
    poster_name: NotRequired[str]
    worker_name: NotRequired[str | None]
    poster_verified: NotRequired[int]
    worker_verified: NotRequired[int]
    exact: NotRequired[bool]


class Application(TypedDict):
    """An applications row: a worker's offer (kind 'apply') or the poster's invitation ('invite')."""

    id: int
    job_id: int
    worker_id: int
    kind: str
    quote_fen: int | None
    message: str
    proposed_time: str | None
    status: str
    outcome: str
    created_at: str
    decided_at: str | None


class MaterialLine(TypedDict):
    """A job_materials row: what the worker bought for a job, and the poster's answer."""

    id: int
    job_id: int
    worker_id: int
    what: str
    amount_fen: int
    receipt: str | None
    status: str
    request_key: str
    created_at: str
    decided_at: str | None


class Question(TypedDict):
    """A public question on a job, as services.questions.for_job shows it: the asker's display name
    joined, nothing else of theirs."""

    id: int
    job_id: int
    author_id: int
    author_name: str
    body: str
    answer: str | None
    answered_at: str | None
    flagged: int  # asks for a deposit, a transfer off the board, ... (services.fraud): warned about
    created_at: str
    hidden_at: str | None  # the organizer hid it after a report
    hidden: bool  # ... as the viewer sees it: body and answer are None for anyone but organizers


class Community(TypedDict):
    """The community's settings (services.community), stored at first-run setup."""

    name: str
    lat: float
    lon: float
    radius_km: float
    language: str
    timezone: str
