"""Account care (#15 items 1 and 2): a forgotten password reset with the organizer's code or e-mailed
link, one's own details and picture, usernames in any script, "I take jobs too" at registration."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from demo import samples
from services import mail, notifications, resets, uploads, users, workers
from services.errors import AuthFailed, NotAllowed, TooManyAttempts, ValidationError
from tests.mail_server import MailServer
from tests.services.conftest import PASSWORD
from tests.services.test_mail import set_up_mail

CLIENT = "203.0.113.5"
NEW = "a brand new password"


def reset(db, username, code, now, *, password=NEW, again=NEW, client=CLIENT):
    return users.reset_password(
        db, username=username, code=code, password=password, password_again=again, client=client, now=now
    )


def signs_in(db, username, password, now) -> bool:
    try:
        users.authenticate(db, username, password, client="192.0.2.99", now=now)
    except AuthFailed:
        return False
    return True


# --- the organizer's code ------------------------------------------------------------------------


def test_a_reset_code_sets_a_new_password(db, organizer, poster, now):
    code = resets.issue_code(db, organizer, poster["id"], now)

    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    assert reset(db, "poster", code, now + timedelta(hours=1))["id"] == poster["id"]
    assert signs_in(db, "poster", NEW, now + timedelta(hours=1))
    assert not signs_in(db, "poster", PASSWORD, now + timedelta(hours=1))


def test_a_code_is_forgiving_of_case_spaces_and_full_width_letters(db, organizer, poster, now):
    code = resets.issue_code(db, organizer, poster["id"], now)
    typed = " ".join(code.replace("-", "")).lower().translate({ord(c): ord(c) + 0xFEE0 for c in "abcdefgh"})
    assert reset(db, "POSTER", typed, now)["id"] == poster["id"]


def test_a_reset_code_works_once(db, organizer, poster, now):
    code = resets.issue_code(db, organizer, poster["id"], now)
    reset(db, "poster", code, now)
    with pytest.raises(AuthFailed) as refused:
        reset(db, "poster", code, now, password="someone else's 1", again="someone else's 1")
    assert refused.value.key == "error.reset_failed"
    assert signs_in(db, "poster", NEW, now)


def test_a_reset_code_runs_out_after_24_hours(db, organizer, poster, now):
    code = resets.issue_code(db, organizer, poster["id"], now)
    with pytest.raises(AuthFailed):
        reset(db, "poster", code, now + resets.VALID)
    assert reset(db, "poster", code, now + resets.VALID - timedelta(seconds=1))["id"] == poster["id"]


def test_a_new_code_voids_the_old_one(db, organizer, poster, now):
    old = resets.issue_code(db, organizer, poster["id"], now)
    new = resets.issue_code(db, organizer, poster["id"], now + timedelta(minutes=1))
    with pytest.raises(AuthFailed):
        reset(db, "poster", old, now + timedelta(minutes=2))
    assert reset(db, "poster", new, now + timedelta(minutes=2))["id"] == poster["id"]


def test_a_code_is_for_its_own_person_only(db, organizer, poster, stranger, now):
    code = resets.issue_code(db, organizer, poster["id"], now)
    with pytest.raises(AuthFailed):
        reset(db, "stranger", code, now)
    assert signs_in(db, "stranger", PASSWORD, now)


def test_every_failed_reset_says_the_same_thing(db, organizer, poster, stranger, now):
    """Unknown name, wrong code, used-up code, expired code, blocked account: one message."""
    code = resets.issue_code(db, organizer, poster["id"], now)
    used = resets.issue_code(db, organizer, stranger["id"], now)
    reset(db, "stranger", used, now)
    users.set_blocked(db, organizer, stranger["id"], True, now)
    tries = [
        ("nobody_here", code, now),
        ("poster", "AAAA-BBBB-CCCC", now),
        ("stranger", used, now),
        ("poster", code, now + timedelta(days=2)),
    ]
    keys = set()
    for index, (name, typed, when) in enumerate(tries):
        with pytest.raises(AuthFailed) as refused:
            reset(db, name, typed, when, client=f"192.0.2.{index}")
        keys.add((refused.value.key, tuple(refused.value.params.items())))
    assert keys == {("error.reset_failed", ())}


def test_a_blocked_person_cannot_reset_their_password(db, organizer, poster, now):
    code = resets.issue_code(db, organizer, poster["id"], now)
    users.set_blocked(db, organizer, poster["id"], True, now)
    with pytest.raises(AuthFailed):
        reset(db, "poster", code, now)


def test_a_reset_ends_every_session_and_cookie(db, organizer, poster, stranger, now):
    earlier = (now - timedelta(minutes=5)).timestamp()
    assert users.session_user(db, "poster", earlier) is not None  # control
    reset(db, "poster", resets.issue_code(db, organizer, poster["id"], now), now)
    assert users.session_user(db, "poster", earlier) is None
    assert users.session_user(db, "poster", now.timestamp() + 1) is not None  # one issued after it
    assert users.session_user(db, "stranger", earlier) is not None  # nobody else's


def test_guessing_codes_is_slowed_like_signing_in(db, organizer, poster, now):
    code = resets.issue_code(db, organizer, poster["id"], now)
    for _ in range(users.FREE_TRIES_PER_NAME_AND_CLIENT):
        with pytest.raises(AuthFailed):
            reset(db, "poster", "2222-3333-4444", now)
    with pytest.raises(TooManyAttempts):
        reset(db, "poster", code, now)  # even the right code waits its turn
    with pytest.raises(TooManyAttempts):  # and sign-ins share the count: one budget per name and client
        users.authenticate(db, "poster", PASSWORD, client=CLIENT, now=now)
    assert reset(db, "poster", code, now + timedelta(seconds=users.MAX_WAIT_SECONDS))["id"] == poster["id"]


@pytest.mark.parametrize(
    ("password", "again", "field", "key"),
    [
        ("short", "short", "password", "error.password_short"),
        (NEW, NEW + "!", "password_again", "error.password_mismatch"),
    ],
    ids=["too_short", "typed_differently"],
)
def test_a_bad_new_password_keeps_the_code(db, organizer, poster, now, password, again, field, key):
    code = resets.issue_code(db, organizer, poster["id"], now)
    with pytest.raises(ValidationError) as refused:
        reset(db, "poster", code, now, password=password, again=again)
    assert (refused.value.field, refused.value.key) == (field, key)
    assert reset(db, "poster", code, now)["id"] == poster["id"]


def test_the_plain_code_is_nowhere_in_the_database_file(db, db_path, organizer, poster, now):
    code = resets.issue_code(db, organizer, poster["id"], now)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = db_path.read_bytes() + db_path.with_name(db_path.name + "-wal").read_bytes()
    assert code.replace("-", "").encode() not in stored and code.encode() not in stored
    [row] = db.query("SELECT * FROM password_resets")
    assert row["secret_hash"] == users.reset_digest(code) and row["salt"] is None


def test_only_an_organizer_makes_a_code_and_not_for_themselves(db, organizer, poster, stranger, now):
    with pytest.raises(NotAllowed):
        resets.issue_code(db, poster, stranger["id"], now)
    with pytest.raises(NotAllowed):
        resets.issue_code(db, organizer, organizer["id"], now)
    assert db["password_resets"].count == 0


def test_the_person_is_told_a_code_was_made_for_them(db, organizer, poster, now):
    resets.issue_code(db, organizer, poster["id"], now)
    notice = notifications.inbox(db, poster)[0]  # the newest
    assert (notice["kind"], notice["params"]) == ("account.reset_code", {"name": organizer["display_name"]})


# --- the e-mailed link ---------------------------------------------------------------------------


@pytest.fixture
def server():
    running = MailServer()
    yield running
    running.stop()


def test_a_reset_link_goes_through_the_outbox_and_works_once(db, db_path, organizer, poster, server, now):
    set_up_mail(db, organizer, server.port)  # the poster chose no e-mail: a reset link goes anyway
    assert resets.send_link(db, organizer, poster["id"], now) == poster["email"]
    [queued] = db.query("SELECT * FROM outbox")
    assert queued["status"] == "pending"
    server.start()

    assert mail.send_due(db, now) == 1
    [letter] = server.letters
    assert letter.recipients == [poster["email"]]
    [link] = [word for word in letter.body.split() if "/login?" in word]
    query = parse_qs(urlparse(link).query)
    assert query["username"] == ["poster"]
    [token] = query["reset"]
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert token.encode() not in db_path.read_bytes()  # neither the token nor the letter is kept

    assert reset(db, "poster", token, now + timedelta(hours=2))["id"] == poster["id"]
    with pytest.raises(AuthFailed):
        reset(db, "poster", token, now + timedelta(hours=2))


def test_a_code_made_after_a_link_voids_the_link(db, organizer, poster, server, now):
    set_up_mail(db, organizer, server.port)
    resets.send_link(db, organizer, poster["id"], now)
    code = resets.issue_code(db, organizer, poster["id"], now)
    server.start()
    mail.send_due(db, now)
    [letter] = server.letters
    assert "reset=" not in letter.body  # the mail no longer carries a token that works
    assert reset(db, "poster", code, now)["id"] == poster["id"]


def test_a_reset_link_needs_a_mail_server_and_an_address(db, organizer, poster, stranger, server, now):
    with pytest.raises(ValidationError) as refused:
        resets.send_link(db, organizer, poster["id"], now)
    assert refused.value.field == "smtp_host"
    set_up_mail(db, organizer, server.port)
    db.execute("UPDATE users SET email = '' WHERE id = ?", [stranger["id"]])
    with pytest.raises(ValidationError) as refused:
        resets.send_link(db, organizer, stranger["id"], now)
    assert refused.value.field == "email"
    assert db["password_resets"].count == 0 and db["outbox"].count == 0


# --- my details ----------------------------------------------------------------------------------


def details(user, **changes) -> dict:
    fields = {
        "display_name": user["display_name"],
        "phone": user["phone"] or "",
        "email": user["email"] or "",
        "language": user["language"],
    }
    return {**fields, **changes}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", "Mrs Wang, building 3"),
        ("phone", "021-6666-7777"),
        ("email", "wang@example.org"),
        ("language", "en"),
        ("phone", ""),
        ("email", ""),
    ],
    ids=["name", "phone", "email", "language", "no_phone", "no_email"],
)
def test_a_person_changes_one_detail(db, poster, field, value):
    changed = users.update_details(db, poster, **details(poster, **{field: value}))
    assert changed[field] == value
    assert {k: changed[k] for k in ("display_name", "phone", "email", "language") if k != field} == {
        k: poster[k] for k in ("display_name", "phone", "email", "language") if k != field
    }


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("display_name", " ", "error.required"),
        ("phone", "call me", "error.phone"),
        ("email", "wang.example", "error.email"),
        ("language", "fr", "error.invalid"),
    ],
    ids=["blank_name", "letters_phone", "bad_email", "unknown_language"],
)
def test_a_bad_detail_changes_nothing(db, poster, field, value, key):
    before = db["users"].get(poster["id"])
    with pytest.raises(ValidationError) as refused:
        users.update_details(db, poster, **details(poster, **{"display_name": "Changed", field: value}))
    assert (refused.value.field, refused.value.key) == (field, key)
    assert db["users"].get(poster["id"]) == before


def public_files(db) -> list[str]:
    return sorted(path.name for path in uploads.folder(db, "public").iterdir())


def test_a_picture_is_reencoded_stored_and_replaced(db, poster):
    first = users.update_details(db, poster, **details(poster), picture=samples.picture("Me"))
    stored = users.picture_bytes(db, first)
    assert stored is not None and stored.startswith(b"\xff\xd8")  # a JPEG we wrote
    assert first["avatar"] in public_files(db)

    second = users.update_details(db, first, **details(first), picture=samples.picture("Me again"))
    assert first["avatar"] not in public_files(db) and second["avatar"] in public_files(db)

    gone = users.update_details(db, second, **details(second), remove_picture=True)
    assert gone["avatar"] is None and users.picture_bytes(db, gone) is None
    assert second["avatar"] not in public_files(db)


def test_a_picture_that_is_no_picture_changes_nothing(db, poster):
    before = (db["users"].get(poster["id"]), public_files(db))
    with pytest.raises(ValidationError) as refused:
        users.update_details(db, poster, **details(poster, display_name="Changed"), picture=b"not a picture")
    assert refused.value.field == "picture"
    assert (db["users"].get(poster["id"]), public_files(db)) == before


def test_no_picture_file_outlives_a_refused_write(db, organizer, poster, now):
    users.set_blocked(db, organizer, poster["id"], True, now)  # refused inside the write
    before = public_files(db)
    with pytest.raises(NotAllowed):
        users.update_details(db, poster, **details(poster), picture=samples.picture("Me"))
    assert public_files(db) == before


# --- usernames -----------------------------------------------------------------------------------


def register(db, now, username: str, **more) -> int:
    return users.register(
        db, username=username, display_name="Neighbour", password=PASSWORD, language="zh_CN", now=now, **more
    )


def test_a_chinese_username_registers_and_signs_in(db, now):
    user_id = register(db, now, "小王")
    assert users.authenticate(db, "小王", PASSWORD, client=CLIENT, now=now)["id"] == user_id


@pytest.mark.parametrize(
    ("first", "second"),
    [("Li", "li"), ("小王", "小王"), ("li", "ＬＩ"), ("Straße", "STRASSE"), ("Ана", "АНА")],
    ids=["ascii_case", "same_chinese", "full_width", "german_sharp_s", "cyrillic_case"],
)
def test_names_that_fold_to_one_are_one_user(db, now, first, second):
    user_id = register(db, now, first)
    with pytest.raises(ValidationError) as refused:
        register(db, now, second)
    assert refused.value.key == "error.username_taken"
    assert users.authenticate(db, second, PASSWORD, client=CLIENT, now=now)["id"] == user_id
    assert users.by_username(db, second)["id"] == user_id


def test_a_full_width_username_is_stored_as_typed_on_a_plain_keyboard(db, now):
    assert users.get(db, register(db, now, "ｘｉａｏ２"))["username"] == "xiao2"


# --- "I take jobs too" ---------------------------------------------------------------------------


def test_i_take_jobs_too_makes_a_worker_waiting_for_their_check(db, now):
    user = users.get(db, register(db, now, "new_helper", takes_jobs=True))
    profile = workers.get_profile(db, user["id"])
    assert (profile["taking_jobs"], profile["verification"], profile["categories"]) == (1, "unverified", [])
    assert not workers.is_verified_worker(db, user["id"])
    workers.set_taking_jobs(db, user, taking_jobs=True, categories=["moving"], now=now)  # the worker page goes on


def test_a_resident_only_registration_has_no_worker_profile(db, now):
    assert workers.get_profile(db, register(db, now, "just_living")) is None
