"""The community's settings: every key of the `settings` table, its type and its default, in one table.

The table stores text; this module alone reads and writes it, so each setting is read back as the
same type everywhere and its default is written once. Who may change a setting, and which values
are good, is the business of the module that owns it (services.community, services.fees,
services.verification, services.mail): they check, then an organizer's change is stored by `change`
here (which writes it in the audit log), the board's own by `save`.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import NamedTuple

from . import audit, users
from .db import Database, write
from .rows import User

Value = int | float | str


class Setting(NamedTuple):
    type: type[int] | type[float] | type[str]  # how the stored text is read back
    default: Value | None  # None: set at first-run setup, or made on first use


DEFAULT_TIMEZONE = "Asia/Shanghai"

SETTINGS: dict[str, Setting] = {
    # the community (services.community), stored at first-run setup
    "name": Setting(str, None),
    "lat": Setting(float, None),
    "lon": Setting(float, None),
    "radius_km": Setting(float, None),
    "language": Setting(str, None),
    "timezone": Setting(str, DEFAULT_TIMEZONE),
    # money (services.fees), set by the organizer on the cashier page
    "commission_pct": Setting(int, 10),  # of what a worker is paid for a job
    "cancel_fee_pct": Setting(int, 20),  # of the held price, to the worker when the poster cancels late
    "cancel_fee_cap_fen": Setting(int, 5000),  # ... but never more than this
    "cancel_window_hours": Setting(int, 24),  # "late": less than this before the job's window starts
    # how to reach the organizers, shown on every job page and under errors that send people to them
    "organizer_contact": Setting(str, ""),
    # identity checks (services.verification)
    "id_photo_keep_days": Setting(int, 0),  # days ID photos are kept after the decision
    "id_hash_salt": Setting(str, None),  # hex; made on first use, never changed (it would orphan every hash)
    # nearby-job alerts (services.alerts)
    "alerts_daily_cap": Setting(int, 5),  # new-job alerts one helper gets in a day, at most
    # safety (services.safety): a job whose window starts at or after this hour (community time) is
    # an evening job, whose worker is offered the "tell someone" card
    "evening_hour": Setting(int, 19),
    # e-mail (services.mail): no host, no e-mail. The password is never here (mail.password_file).
    "smtp_host": Setting(str, ""),
    "smtp_port": Setting(int, 587),
    "smtp_security": Setting(str, "starttls"),  # starttls | ssl | none
    "smtp_user": Setting(str, ""),  # "": the server takes mail without signing in
    "smtp_from": Setting(str, ""),
    "public_url": Setting(str, ""),  # the board's address, for the links in e-mails
    # backups (services.backup): daily at this hour of the community's day, the newest `keep` kept
    "backup_daily": Setting(int, 1),  # 1 on, 0 off
    "backup_hour": Setting(int, 3),
    "backup_keep": Setting(int, 7),
    "backup_last_day": Setting(str, ""),  # the community's date of the last daily backup: each day's is taken once
    "health_checked_at": Setting(str, ""),  # written by each health check (services.health) to prove a write works
}
DEFAULTS: dict[str, Value] = {name: s.default for name, s in SETTINGS.items() if s.default is not None}


def read(db: Database, names: Iterable[str]) -> dict[str, Value]:
    """The named settings as their types: the stored value, else the default. A setting with
    neither (the community before first-run setup) is left out."""
    names = list(names)
    stored = {
        row["key"]: row["value"]
        for row in db.query(f"SELECT key, value FROM settings WHERE key IN ({', '.join('?' * len(names))})", names)
    }
    read_back = {
        name: SETTINGS[name].type(stored[name]) if name in stored else SETTINGS[name].default for name in names
    }
    return {name: value for name, value in read_back.items() if value is not None}


def whole(db: Database, name: str) -> int:
    """A whole-number setting (each has a default). TypeError for a setting of another type."""
    value = read(db, [name])[name]
    if not isinstance(value, int):
        raise TypeError(f"{name} is not a whole-number setting")
    return value


def save(db: Database, values: Mapping[str, Value]) -> None:
    """Store settings (call inside write(), after the owner's permission and value checks). A name
    not in SETTINGS, or a value not of its type, is a programming error (KeyError, TypeError)."""
    for name, value in values.items():
        if not isinstance(value, SETTINGS[name].type):
            raise TypeError(f"{name}: {value!r} is not {SETTINGS[name].type.__name__}")
    db.table("settings").upsert_all([{"key": name, "value": str(value)} for name, value in values.items()], pk="key")


def change(db: Database, actor: User, values: Mapping[str, Value], now: datetime) -> None:
    """An organizer's change of settings: `save`, and one audit-log row (services.audit) with each
    setting that changed, as it was and as it is now (none changed: no row). Call inside the write()
    of the owner's value checks. Raises NotAllowed unless `actor` is an organizer."""
    with write(db):
        actor = users.organizer(db, actor)
        before = read(db, values)
        changed = [name for name, value in values.items() if before.get(name) != value]
        save(db, values)
        if changed:
            was = {name: before.get(name) for name in changed}
            now_is = {name: values[name] for name in changed}
            audit.record(db, actor, "setting_changed", before=was, after=now_is, now=now)
