"""Accounts: registration, sign-in slowed after failures, session validity, blocking, first-run setup."""

import threading
from datetime import timedelta

import bcrypt
import pytest

from services import community, users
from services import db as database
from services.errors import AuthFailed, NotAllowed, NotFound, SetupDone, TooManyAttempts, ValidationError

PASSWORD = "correct horse 7"  # the template's password for every person (tests/services/conftest.py)
CLIENT = "203.0.113.5"
ATTACKER = "198.51.100.66"


def registration(**overrides) -> dict:
    fields = {
        "username": "new_neighbour",
        "display_name": "New Neighbour",
        "password": "a long passphrase",
        "password_again": "a long passphrase",
        "email": "new@example.org",
        "phone": "+86 139 1234 5678",
        "language": "en",
    }
    fields.update(overrides)
    return fields


# --- registration -------------------------------------------------------------------------------

INVALID_REGISTRATIONS = {
    "username-too-short": ({"username": "a"}, "username", "error.username_format"),
    "username-one-chinese-character": ({"username": "王"}, "username", "error.username_format"),
    "username-too-long": ({"username": "a" * 33}, "username", "error.username_format"),
    "username-with-space": ({"username": "new neighbour"}, "username", "error.username_format"),
    "username-with-symbol": ({"username": "neighbour!"}, "username", "error.username_format"),
    "username-invisible": ({"username": "小\u200b王"}, "username", "error.username_format"),
    "username-chinese-space": ({"username": "小 王"}, "username", "error.username_format"),
    "username-markup": ({"username": "<script>"}, "username", "error.username_format"),
    "username-empty": ({"username": ""}, "username", "error.username_format"),
    "username-missing": ({"username": None}, "username", "error.username_format"),
    "username-taken": ({"username": "poster"}, "username", "error.username_taken"),
    "username-taken-other-case": ({"username": "POSTER"}, "username", "error.username_taken"),
    "username-taken-mixed-case": ({"username": "Verified_Worker"}, "username", "error.username_taken"),
    "username-taken-padded": ({"username": "  poster "}, "username", "error.username_taken"),
    "display-name-empty": ({"display_name": ""}, "display_name", "error.required"),
    "display-name-blank": ({"display_name": "   "}, "display_name", "error.required"),
    "display-name-too-long": ({"display_name": "x" * 41}, "display_name", "error.too_long"),
    "display-name-control-char": ({"display_name": "Wang\x00Wei"}, "display_name", "error.control_chars"),
    "password-short": ({"password": "seven77", "password_again": "seven77"}, "password", "error.password_short"),
    "password-empty": ({"password": "", "password_again": ""}, "password", "error.password_short"),
    "password-long": ({"password": "x" * 73, "password_again": "x" * 73}, "password", "error.password_long"),
    "password-long-in-bytes": ({"password": "密" * 25, "password_again": "密" * 25}, "password", "error.password_long"),
    "password-mismatch": ({"password_again": "a long passphrasE"}, "password_again", "error.password_mismatch"),
    "email-without-at": ({"email": "new.example.org"}, "email", "error.email"),
    "email-without-dot": ({"email": "new@example"}, "email", "error.email"),
    "email-with-space": ({"email": "new one@example.org"}, "email", "error.email"),
    "email-too-long": ({"email": "x" * 110 + "@example.org"}, "email", "error.too_long"),
    "phone-letters": ({"phone": "call me"}, "phone", "error.phone"),
    "language-unknown": ({"language": "xx"}, "language", "error.invalid"),
    "phone-too-short": ({"phone": "1234"}, "phone", "error.phone"),
    "phone-too-long": ({"phone": "1" * 21}, "phone", "error.too_long"),
    "role-unknown": ({"role": "admin"}, "role", "error.invalid"),
}


@pytest.mark.parametrize("overrides, field, key", INVALID_REGISTRATIONS.values(), ids=INVALID_REGISTRATIONS.keys())
def test_invalid_registration_names_the_field_and_writes_nothing(db, now, overrides, field, key):
    before = db["users"].count

    with pytest.raises(ValidationError) as refused:
        users.register(db, **registration(**overrides), now=now)

    assert (refused.value.field, refused.value.key) == (field, key)
    assert db["users"].count == before


ACCEPTED_REGISTRATIONS = {
    "username-shortest": {"username": "ab"},
    "username-chinese": {"username": "邻居小王"},
    "username-two-chinese-characters": {"username": "小王"},
    "username-other-script": {"username": "Ана_Ли"},
    "username-longest": {"username": "a" * 32},
    "username-with-dot-dash-underscore": {"username": "wang.wei-2_b"},
    "password-eight-chars": {"password": "eight888", "password_again": "eight888"},
    "password-72-bytes": {"password": "x" * 72, "password_again": "x" * 72},
    "no-email-no-phone": {"email": "", "phone": ""},
    "phone-local": {"phone": "13912345678"},
    "display-name-chinese": {"display_name": "王伟"},
    "no-confirmation-field": {"password_again": None},
}


@pytest.mark.parametrize("overrides", ACCEPTED_REGISTRATIONS.values(), ids=ACCEPTED_REGISTRATIONS.keys())
def test_valid_registration_creates_a_resident(db, now, overrides):
    user = users.get(db, users.register(db, **registration(**overrides), now=now))

    assert user["role"] == "resident"
    assert user["created_at"] == "2026-11-25T06:00:00+00:00"
    assert "password_hash" not in user


def test_registration_strips_the_username_and_never_stores_the_plain_password(db, now):
    user_id = users.register(db, **registration(username="  wang.wei  "), now=now)

    assert users.get(db, user_id)["username"] == "wang.wei"
    stored = db.execute("SELECT password_hash FROM users WHERE id = ?", [user_id]).fetchone()[0]
    assert stored.startswith("$2") and "a long passphrase" not in stored


# --- signing in ------------------------------------------------------------------------------------


def test_correct_login_returns_the_user_without_the_hash(db, poster, now):
    user = users.authenticate(db, "poster", PASSWORD, client=CLIENT, now=now)

    assert user["id"] == poster["id"]
    assert "password_hash" not in user


def test_login_ignores_username_case_and_padding(db, poster, now):
    assert users.authenticate(db, "  POSTER ", PASSWORD, client=CLIENT, now=now)["id"] == poster["id"]


def test_wrong_password_and_unknown_user_fail_the_same_way(db, now):
    with pytest.raises(AuthFailed) as wrong_password:
        users.authenticate(db, "poster", "not the password", client=CLIENT, now=now)
    with pytest.raises(AuthFailed) as unknown_user:
        users.authenticate(db, "nobody_here", PASSWORD, client=CLIENT, now=now)

    assert type(wrong_password.value) is type(unknown_user.value) is AuthFailed
    assert wrong_password.value.key == unknown_user.value.key == "error.login_failed"
    assert wrong_password.value.params == unknown_user.value.params == {}


@pytest.mark.parametrize("password", ["", None])
def test_empty_password_fails(db, now, password):
    with pytest.raises(AuthFailed):
        users.authenticate(db, "poster", password, client=CLIENT, now=now)


def test_blocked_user_is_refused_with_the_generic_failure(db, organizer, stranger, now):
    users.set_blocked(db, organizer, stranger["id"], True, now)

    with pytest.raises(AuthFailed) as refused:
        users.authenticate(db, "stranger", PASSWORD, client=CLIENT, now=now + timedelta(minutes=1))

    assert refused.value.key == "error.login_failed"


def test_every_attempt_is_recorded(db, now):
    users.authenticate(db, "poster", PASSWORD, client=CLIENT, now=now)
    with pytest.raises(AuthFailed):
        users.authenticate(db, "poster", "wrong password", client="198.51.100.9", now=now)

    attempts = [(a["username"], a["client"], a["ok"]) for a in db["login_attempts"].rows]
    assert attempts == [("poster", CLIENT, 1), ("poster", "198.51.100.9", 0)]


@pytest.fixture
def owner(db, now, monkeypatch):
    """A person whose password is hashed at bcrypt's lowest cost, as the dummy hash for unknown names
    is here: the same checks in a thousandth of the time, for tests that fail dozens of times."""
    monkeypatch.setattr(users, "hash_password", lambda p: bcrypt.hashpw(p.encode(), bcrypt.gensalt(4)).decode())
    monkeypatch.setattr(users, "_DUMMY_HASH", users.hash_password("linbang-timing-equaliser"))
    return users.get(
        db, users.register(db, **registration(username="owner", password=PASSWORD, password_again=PASSWORD), now=now)
    )


def fail(db, username, now, client=CLIENT, times=1, password="wrong password"):
    for _ in range(times):
        with pytest.raises(AuthFailed):
            users.authenticate(db, username, password, client=client, now=now)


def wait_asked(db, username, now, client=CLIENT, password=PASSWORD) -> int:
    """The seconds a sign-in at `now` is told to wait (it must be told to)."""
    with pytest.raises(TooManyAttempts) as told:
        users.authenticate(db, username, password, client=client, now=now)
    assert told.value.key == "error.login_wait"
    return told.value.params["seconds"]


def keep_failing(db, username, start, client, times):
    """A guesser who tries again the moment each wait is over, until `times` wrong passwords were
    checked; returns when the last of them was."""
    moment, failed = start, 0
    while failed < times:
        try:
            users.authenticate(db, username, "wrong password", client=client, now=moment)
        except TooManyAttempts as told:
            moment += timedelta(seconds=told.params["seconds"])
        except AuthFailed:
            failed += 1
        else:
            pytest.fail("a wrong password signed in")
    return moment


def test_after_three_wrong_passwords_each_try_waits_twice_as_long_up_to_a_minute(db, owner, now):
    fail(db, "owner", now, times=3)

    waits, moment = [], now
    for _ in range(7):
        waits.append(wait_asked(db, "owner", moment))
        moment += timedelta(seconds=waits[-1])
        fail(db, "owner", moment)

    assert waits == [2, 4, 8, 16, 32, 60, 60]


def test_a_try_during_the_wait_is_told_how_long_is_left_and_does_not_count(db, owner, now):
    fail(db, "owner", now, times=3)
    fail(db, "owner", now + timedelta(seconds=2))  # 4 s to wait after the fourth

    assert wait_asked(db, "owner", now + timedelta(seconds=3)) == 3
    assert wait_asked(db, "owner", now + timedelta(seconds=5)) == 1
    assert db["login_attempts"].count == 4


def test_the_right_password_works_once_the_longest_wait_is_over(db, owner, now):
    last = keep_failing(db, "owner", now, CLIENT, times=12)

    assert wait_asked(db, "owner", last) == users.MAX_WAIT_SECONDS
    later = last + timedelta(seconds=users.MAX_WAIT_SECONDS)
    assert users.authenticate(db, "owner", PASSWORD, client=CLIENT, now=later)["id"] == owner["id"]


def test_case_and_padding_variants_of_a_name_count_as_one(db, owner, now):
    for variant in ("Owner", " owner ", "OWNER"):
        fail(db, variant, now)

    assert wait_asked(db, "owner", now) == 2


def test_failures_are_forgotten_after_fifteen_minutes(db, owner, now):
    fail(db, "owner", now, times=3)
    fail(db, "owner", now + timedelta(seconds=2))

    later = now + users.FAILURE_MEMORY + timedelta(seconds=3)
    fail(db, "owner", later, times=3)  # three free tries again
    assert wait_asked(db, "owner", later) == 2


def test_the_owner_signs_in_from_their_address_while_an_attacker_keeps_failing(db, owner, now):
    last = keep_failing(db, "owner", now, ATTACKER, times=30)  # every threshold passed, for half an hour

    assert wait_asked(db, "owner", last, client=ATTACKER) == users.MAX_WAIT_SECONDS
    assert users.authenticate(db, "owner", PASSWORD, client=CLIENT, now=last)["id"] == owner["id"]
    last = keep_failing(db, "Owner ", last, ATTACKER, times=5)  # the owner's success gives it no fresh tries
    assert wait_asked(db, "owner", last, client=ATTACKER) == users.MAX_WAIT_SECONDS
    assert users.authenticate(db, "OWNER", PASSWORD, client=CLIENT, now=last)["id"] == owner["id"]


def test_an_owner_who_mistyped_during_an_attack_waits_at_most_a_minute(db, owner, now):
    last = keep_failing(db, "owner", now, ATTACKER, times=20)
    fail(db, "owner", last, client=CLIENT)  # one slip of the owner's

    assert wait_asked(db, "owner", last, client=CLIENT) == users.MAX_WAIT_SECONDS  # the name is under attack
    attack_goes_on = keep_failing(db, "owner", last, ATTACKER, times=1)
    assert users.authenticate(db, "owner", PASSWORD, client=CLIENT, now=attack_goes_on)["id"] == owner["id"]


def test_a_guesser_with_many_addresses_gets_one_quick_try_from_each(db, owner, now):
    for i in range(users.FREE_TRIES_PER_NAME):
        fail(db, "owner", now, client=f"198.51.100.{i}")

    # one failure of its own would not make it wait; the name's ten from everywhere do
    assert wait_asked(db, "owner", now, client="198.51.100.0") == 2
    fail(db, "owner", now, client="198.51.100.200")  # a fresh address still gets its try


def test_a_client_trying_many_names_waits_for_every_name_and_its_own_sign_in_does_not_reset_it(db, owner, now):
    for i in range(users.FREE_TRIES_PER_CLIENT):
        fail(db, f"guess{i:02d}", now)

    assert wait_asked(db, "someone_new", now) == 2
    assert wait_asked(db, "owner", now) == 2  # its own account too: the address is what is slowed
    assert users.authenticate(db, "owner", PASSWORD, client=ATTACKER, now=now)["id"] == owner["id"]
    moment = now + timedelta(seconds=2)
    users.authenticate(db, "owner", PASSWORD, client=CLIENT, now=moment)
    fail(db, "guess10", moment)
    assert wait_asked(db, "someone_new", moment) == 4  # the eleventh failure: its own sign-in reset nothing


def test_tries_sent_at_the_same_moment_all_count(db_path, owner, now):
    """Eight tries in parallel: the check and the count happen in one transaction, so exactly the three
    free ones reach bcrypt; without it all eight would pass the check before any was counted."""
    outcomes = []

    def try_once():
        connection = database.connect(db_path)
        try:
            users.authenticate(connection, "owner", "wrong password", client=CLIENT, now=now)
        except (AuthFailed, TooManyAttempts) as error:
            outcomes.append(type(error))
        finally:
            connection.conn.close()

    threads = [threading.Thread(target=try_once) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=str) == sorted([AuthFailed] * 3 + [TooManyAttempts] * 5, key=str)


def test_a_password_longer_than_72_bytes_is_a_counted_failure_even_if_it_starts_with_the_right_one(db, owner, now):
    """bcrypt reads only 72 bytes: a longer password must not sign in on its first 72 (nor raise)."""
    users.register(db, **registration(password="x" * 72, password_again="x" * 72), now=now)

    for typed in ("x" * 73, "x" * 72 + "yz", "密" * 40):
        with pytest.raises(AuthFailed):
            users.authenticate(db, "new_neighbour", typed, client=CLIENT, now=now)

    assert [a["ok"] for a in db["login_attempts"].rows] == [0, 0, 0]
    assert wait_asked(db, "new_neighbour", now, password="x" * 72) == 2
    later = now + timedelta(seconds=2)
    assert users.authenticate(db, "new_neighbour", "x" * 72, client=CLIENT, now=later)["username"] == "new_neighbour"


# --- sessions ----------------------------------------------------------------------------------


def test_session_issued_before_log_out_everywhere_is_refused(db, poster, now):
    issued = (now - timedelta(hours=1)).timestamp()
    assert users.session_user(db, "poster", issued)["id"] == poster["id"]

    users.log_out_everywhere(db, poster["id"], now)

    assert users.session_user(db, "poster", issued) is None
    assert users.session_user(db, "poster", now.timestamp()) is None
    assert users.session_user(db, "poster", (now + timedelta(seconds=1)).timestamp())["id"] == poster["id"]


def test_log_out_everywhere_leaves_other_people_signed_in(db, poster, stranger, now):
    users.log_out_everywhere(db, poster["id"], now)

    assert users.session_user(db, "stranger", (now - timedelta(hours=1)).timestamp())["id"] == stranger["id"]


@pytest.mark.parametrize("username", ["nobody_here", "", None])
def test_session_for_unknown_user_is_refused(db, now, username):
    assert users.session_user(db, username, now.timestamp()) is None


# --- blocking ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["poster", "verified_worker", "stranger"])
def test_only_organizers_block(db, people, now, who):
    with pytest.raises(NotAllowed):
        users.set_blocked(db, people[who], people["second_worker"]["id"], True, now)

    assert users.get(db, people["second_worker"]["id"])["blocked_at"] is None


def test_blocking_ends_sessions_and_unblocking_needs_a_new_sign_in(db, organizer, stranger, now):
    before_block = now.timestamp()
    block_time = now + timedelta(minutes=1)

    users.set_blocked(db, organizer, stranger["id"], True, block_time)

    assert users.get(db, stranger["id"])["blocked_at"] == "2026-11-25T06:01:00+00:00"
    assert users.session_user(db, "stranger", before_block) is None
    assert users.session_user(db, "stranger", (block_time + timedelta(minutes=1)).timestamp()) is None

    users.set_blocked(db, organizer, stranger["id"], False, block_time + timedelta(minutes=2))

    assert users.get(db, stranger["id"])["blocked_at"] is None
    assert users.session_user(db, "stranger", before_block) is None
    assert users.session_user(db, "stranger", (block_time + timedelta(minutes=3)).timestamp())["id"] == stranger["id"]


def test_organizer_cannot_block_themselves(db, organizer, now):
    with pytest.raises(NotAllowed):
        users.set_blocked(db, organizer, organizer["id"], True, now)


def test_blocking_a_missing_user_raises_not_found(db, organizer, now):
    with pytest.raises(NotFound):
        users.set_blocked(db, organizer, 999_999, True, now)


def test_only_organizers_list_users(db, organizer, poster):
    assert len(users.list_users(db, organizer)) == db["users"].count
    with pytest.raises(NotAllowed):
        users.list_users(db, poster)


@pytest.mark.parametrize("language, ok", [("en", True), ("zh_CN", True), ("fr", False), ("", False)])
def test_set_language(db, poster, language, ok):
    if ok:
        users.set_language(db, poster["id"], language)
        assert users.get(db, poster["id"])["language"] == language
    else:
        with pytest.raises(ValidationError):
            users.set_language(db, poster["id"], language)
        assert users.get(db, poster["id"])["language"] == "zh_CN"


# --- first-run setup ---------------------------------------------------------------------------


def setup_fields(**overrides) -> dict:
    fields = {
        "name": "Riverside",
        "lat": 30.25,
        "lon": 120.16,
        "radius_km": 2,
        "language": "en",
        "organizer": {"username": "second_organizer", "display_name": "Second", "password": "another passphrase"},
    }
    fields.update(overrides)
    return fields


def test_setting_up_a_second_time_raises_setup_done(db, now):
    before = (community.get(db), db["users"].count)

    with pytest.raises(SetupDone) as done:
        community.set_up(db, **setup_fields(), now=now)

    assert done.value.key == "error.setup_done"
    assert (community.get(db), db["users"].count) == before
    assert users.by_username(db, "second_organizer") is None


def test_set_up_community_is_read_back(db, organizer):
    assert community.get(db) == {
        "name": "Sunny Court",
        "lat": 31.2304,
        "lon": 121.4737,
        "radius_km": 3.0,
        "language": "zh_CN",
        "timezone": "Asia/Shanghai",
    }
    assert organizer["role"] == "organizer"


INVALID_SETUPS = {
    "name-empty": ({"name": ""}, "community_name"),
    "centre-off-the-globe": ({"lat": 95}, "center"),
    "centre-missing": ({"lon": None}, "center"),
    "radius-too-small": ({"radius_km": 0.4}, "radius_km"),
    "radius-too-large": ({"radius_km": 51}, "radius_km"),
    "radius-not-a-number": ({"radius_km": "wide"}, "radius_km"),
    "language-unknown": ({"language": "fr"}, "language"),
    "organizer-password-short": (
        {"organizer": {"username": "boss", "display_name": "B", "password": "short"}},
        "password",
    ),
}


@pytest.mark.parametrize("overrides, field", INVALID_SETUPS.values(), ids=INVALID_SETUPS.keys())
def test_invalid_first_run_setup_writes_nothing(tmp_path, now, overrides, field):
    fresh = database.connect(tmp_path / "fresh.db")
    try:
        with pytest.raises(ValidationError) as refused:
            community.set_up(fresh, **setup_fields(**overrides), now=now)

        assert refused.value.field == field
        assert community.get(fresh) is None
        assert fresh["users"].count == 0
    finally:
        fresh.conn.close()


# --- changing a password (#15) ------------------------------------------------------------------

NEW = "a new password 9"


def change(db, who, now, *, current=PASSWORD, password=NEW, again=NEW, client="203.0.113.5"):
    users.change_password(db, who, current=current, password=password, password_again=again, client=client, now=now)


def test_a_changed_password_signs_in_and_the_old_one_no_longer_does(db, poster, now):
    change(db, poster, now)
    assert users.authenticate(db, "poster", NEW, client="198.51.100.1", now=now)["id"] == poster["id"]
    with pytest.raises(AuthFailed):
        users.authenticate(db, "poster", PASSWORD, client="198.51.100.2", now=now)


def test_changing_a_password_ends_every_session_issued_before_it(db, poster, stranger, now):
    earlier = (now - timedelta(minutes=5)).timestamp()
    assert users.session_user(db, "poster", earlier) is not None  # control
    change(db, poster, now)
    assert users.session_user(db, "poster", earlier) is None
    assert users.session_user(db, "poster", now.timestamp() + 1) is not None  # a session issued after it
    assert users.session_user(db, "stranger", earlier) is not None  # nobody else's


@pytest.mark.parametrize(
    ("typed", "field", "key"),
    [
        ({"current": "not my password"}, "current_password", "error.current_password"),
        ({"current": None}, "current_password", "error.current_password"),
        ({"password": "short", "again": "short"}, "password", "error.password_short"),
        ({"again": "a new password 8"}, "password_again", "error.password_mismatch"),
        ({"password": "x" * 73, "again": "x" * 73}, "password", "error.password_long"),
    ],
    ids=["wrong_current", "no_current", "too_short", "typed_differently", "over_72_bytes"],
)
def test_a_bad_change_is_refused_under_its_field_and_changes_nothing(db, poster, now, typed, field, key):
    before = db["users"].get(poster["id"])
    with pytest.raises(ValidationError) as refused:
        change(db, poster, now, **typed)
    assert (refused.value.field, refused.value.key) == (field, key)
    after = db["users"].get(poster["id"])
    assert (after["password_hash"], after["sessions_valid_after"]) == (
        before["password_hash"],
        before["sessions_valid_after"],
    )


def test_guessing_the_current_password_is_slowed_like_signing_in(db, poster, now):
    for _ in range(users.FREE_TRIES_PER_NAME_AND_CLIENT):
        with pytest.raises(ValidationError):
            change(db, poster, now, current="a guess 123")
    with pytest.raises(TooManyAttempts):
        change(db, poster, now, current=PASSWORD)  # even the right one waits its turn


def test_a_blocked_person_cannot_change_their_password(db, organizer, stranger, now):
    users.set_blocked(db, organizer, stranger["id"], True, now)
    with pytest.raises(NotAllowed):
        change(db, stranger, now)


# --- larger text (#15 item 13) ------------------------------------------------------------------


def test_larger_text_is_off_until_the_person_switches_it_on_and_stays_with_the_account(db, poster, stranger):
    assert users.get(db, poster["id"])["larger_text"] == 0

    users.set_larger_text(db, poster, True)

    assert users.get(db, poster["id"])["larger_text"] == 1
    assert users.by_username(db, poster["username"])["larger_text"] == 1  # what a new sign-in reads
    assert users.get(db, stranger["id"])["larger_text"] == 0  # nobody else's
    users.set_larger_text(db, poster, False)
    assert users.get(db, poster["id"])["larger_text"] == 0


def test_a_blocked_person_cannot_switch_larger_text(db, organizer, stranger, now):
    users.set_blocked(db, organizer, stranger["id"], True, now)
    with pytest.raises(NotAllowed):
        users.set_larger_text(db, stranger, True)
    assert users.get(db, stranger["id"])["larger_text"] == 0
