"""E-mail (#14, item 8): notifications a person chose go out through the organizer's mail server, in the
reader's language with a link to the place to act, sent after the action through the outbox; a server
that is down never holds an action up, and its e-mail is tried again with backoff until it goes or
fails for good, which the organizer sees. No server set up: nothing is queued. Against a real SMTP
server (aiosmtpd) on a free localhost port."""

import os
import stat
from datetime import timedelta

import pytest

from services import jobs, ledger, mail, outbox, settings, users
from services.db import write
from services.errors import NotAllowed, ValidationError
from tests.mail_server import MailServer

BOARD = "https://linbang.example.org"
PASSWORD = "s3cret Pa55 phrase"


@pytest.fixture
def server():
    """A mail server on a free port, not started yet: start() it when the test wants it up."""
    running = MailServer()
    yield running
    running.stop()


def set_up_mail(db, organizer, at_port: int, **changes) -> None:
    fields = {
        "host": "127.0.0.1",
        "port": str(at_port),
        "security": "none",  # a server on this machine
        "user": "",
        "password": "",
        "from_address": "board@example.org",
        "public_url": BOARD,
    }
    mail.configure(db, organizer, **{**fields, **changes})


def outbox_rows(db) -> list[dict]:
    return list(db.query("SELECT * FROM outbox ORDER BY id"))


def top_up(db, organizer, person, now, yuan: str = "50", key: str = "cash") -> None:
    ledger.top_up(db, organizer, person["id"], yuan, key=key, now=now)


@pytest.fixture
def mailed(db, organizer, server):
    """The board with the mail server set up (not started)."""
    set_up_mail(db, organizer, server.port)
    return server


# --- what is sent ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, subject",
    [("zh_CN", "邻帮 · 你的钱包收到充值 ¥50.00"), ("en", "Linbang · ¥50.00 was added to your wallet")],
)
def test_a_chosen_notification_reaches_the_server_in_the_readers_language(
    db, organizer, poster, mailed, now, language, subject
):
    users.set_language(db, poster["id"], language)
    mail.set_email_kinds(db, poster, ["account"])
    mailed.start()

    top_up(db, organizer, poster, now)
    sent = mail.send_due(db, now)

    assert sent == 1
    [letter] = mailed.letters
    assert letter.recipients == ["poster@example.org"]
    assert letter.subject == subject
    assert f"{BOARD}/wallet" in letter.body
    assert f"{BOARD}/account" in letter.body  # how to stop them
    assert [row["status"] for row in outbox_rows(db)] == ["sent"]


def test_a_job_step_is_mailed_with_a_link_to_the_job(db, poster, verified_worker, open_job, mailed, now):
    mail.set_email_kinds(db, poster, ["job"])
    mailed.start()

    jobs.act(db, open_job["id"], "claim", verified_worker, now=now)
    mail.send_due(db, now)

    [letter] = mailed.letters
    assert letter.subject == f"邻帮 · Verified Worker 接了你的活「{open_job['title']}」"
    assert f"{BOARD}/job?id={open_job['id']}" in letter.body


def test_with_no_mail_server_set_up_nothing_is_queued_and_nothing_leaves(db, organizer, poster, server, now):
    mail.set_email_kinds(db, poster, ["account"])
    server.start()

    top_up(db, organizer, poster, now)

    assert outbox_rows(db) == []
    assert mail.send_due(db, now) == 0
    assert server.letters == []


def test_switching_the_server_off_stops_the_queue(db, organizer, poster, mailed, now):
    mail.set_email_kinds(db, poster, ["account"])
    set_up_mail(db, organizer, mailed.port, host="")

    top_up(db, organizer, poster, now)

    assert not outbox.configured(db)
    assert outbox_rows(db) == []


def test_a_person_gets_mail_only_for_the_groups_they_chose(db, organizer, poster, stranger, mailed, now):
    mail.set_email_kinds(db, poster, ["job", "message"])  # not "account"
    mailed.start()

    top_up(db, organizer, poster, now)
    top_up(db, organizer, stranger, now, key="other")  # chose nothing at all

    assert outbox_rows(db) == []
    assert mail.send_due(db, now) == 0
    assert mailed.letters == []


def test_a_rolled_back_action_queues_nothing(db, organizer, poster, mailed, now):
    mail.set_email_kinds(db, poster, ["account"])

    with pytest.raises(RuntimeError), write(db):
        top_up(db, organizer, poster, now)
        raise RuntimeError("the action fails after its notification was written")

    assert outbox_rows(db) == []


def test_a_double_click_mails_once(db, organizer, poster, mailed, now):
    mail.set_email_kinds(db, poster, ["account"])
    mailed.start()

    top_up(db, organizer, poster, now)
    top_up(db, organizer, poster, now)  # the same key: the same top-up
    mail.send_due(db, now)

    assert len(mailed.letters) == 1


# --- when the server is down -----------------------------------------------------------------------


def test_with_the_server_down_the_action_succeeds_and_the_mail_is_delivered_when_it_is_back(
    db, organizer, poster, mailed, now
):
    mail.set_email_kinds(db, poster, ["account"])
    before = ledger.wallet_fen(db, poster["id"], poster)

    top_up(db, organizer, poster, now)
    assert mail.send_due(db, now) == 0  # nobody listens on the port

    assert ledger.wallet_fen(db, poster["id"], poster) == before + 5000
    [row] = outbox_rows(db)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "ConnectionRefusedError" in row["last_error"]
    assert row["next_attempt_at"] == (now + mail.BACKOFF[0]).isoformat()

    mailed.start()
    assert mail.send_due(db, now + timedelta(seconds=30)) == 0  # not due yet
    assert mail.send_due(db, now + mail.BACKOFF[0]) == 1

    assert [letter.recipients for letter in mailed.letters] == [["poster@example.org"]]
    [row] = outbox_rows(db)
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 2, "")


def test_after_the_last_attempt_the_mail_failed_and_the_organizer_sees_why(db, organizer, poster, mailed, now):
    mail.set_email_kinds(db, poster, ["account"])
    top_up(db, organizer, poster, now)

    moment = now
    for wait in (timedelta(0), *mail.BACKOFF):
        moment += wait
        mail.send_due(db, moment)

    [row] = outbox_rows(db)
    assert (row["status"], row["attempts"]) == ("failed", mail.MAX_ATTEMPTS)
    counts, problems = mail.delivery_report(db, organizer)
    assert counts == {"pending": 0, "sent": 0, "failed": 1}
    [problem] = problems
    assert (problem["to_address"], problem["username"], problem["last_attempt_at"]) == (
        "poster@example.org",
        "poster",
        moment,
    )
    assert "ConnectionRefusedError" in problem["last_error"]
    mailed.start()
    assert mail.send_due(db, moment + timedelta(days=1)) == 0  # given up: never sent


def test_a_claimed_mail_is_not_taken_by_another_pass_meanwhile(db, organizer, poster, mailed, now):
    """A pass claims its rows (moves their next attempt CLAIM later) before it talks to the server,
    so a second pass, say from a second process, leaves them alone."""
    mail.set_email_kinds(db, poster, ["account"])
    top_up(db, organizer, poster, now)

    claimed = mail._claim(db, now)

    assert len(claimed) == 1
    assert mail._claim(db, now + timedelta(minutes=1)) == []


def test_only_organizers_see_the_delivery_report(db, poster):
    with pytest.raises(NotAllowed):
        mail.delivery_report(db, poster)


# --- the settings and the password -----------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_password_signs_in_and_is_never_stored_in_the_database(db, db_path, organizer, poster, now):
    signing_in = MailServer(password=PASSWORD).start()
    try:
        set_up_mail(db, organizer, signing_in.port, user="board@example.org", password=PASSWORD)
        mail.set_email_kinds(db, poster, ["account"])
        top_up(db, organizer, poster, now)
        assert mail.send_due(db, now) == 1
    finally:
        signing_in.stop()

    assert signing_in.sign_ins == [("board@example.org", PASSWORD)]
    assert PASSWORD not in "\n".join(db.conn.iterdump())
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        assert PASSWORD.encode() not in path.read_bytes()
    key_file = mail.password_file(db)
    assert key_file.read_text() == PASSWORD
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_saving_again_with_no_password_keeps_the_saved_one(db, organizer):
    set_up_mail(db, organizer, 2525, user="board", password=PASSWORD)
    set_up_mail(db, organizer, 2526, user="board", password="")

    assert mail.password(db) == PASSWORD
    assert mail.server(db).port == 2526


def test_the_password_from_the_environment_comes_first(db, organizer, monkeypatch):
    set_up_mail(db, organizer, 2525, password=PASSWORD)
    monkeypatch.setenv(mail.PASSWORD_ENV, "from the environment")

    assert mail.password(db) == "from the environment"


@pytest.mark.parametrize(
    "changes, field, key",
    [
        ({"host": "smtp example.org"}, "smtp_host", "error.mail_host"),
        ({"host": "-smtp.example.org"}, "smtp_host", "error.mail_host"),
        ({"port": "0"}, "smtp_port", "error.mail_port"),
        ({"port": "65536"}, "smtp_port", "error.mail_port"),
        ({"port": "587a"}, "smtp_port", "error.mail_port"),
        ({"security": "tls13"}, "smtp_security", "error.invalid"),
        ({"user": "a\u202eb"}, "smtp_user", "error.direction_controls"),
        ({"password": "line\nbreak"}, "smtp_password", "error.control_chars"),
        ({"from_address": "board"}, "smtp_from", "error.email"),
        ({"from_address": ""}, "smtp_from", "error.email"),
        ({"public_url": "linbang.example.org"}, "public_url", "error.mail_public_url"),
        ({"public_url": ""}, "public_url", "error.mail_public_url"),
    ],
)
def test_a_bad_setting_is_refused_at_its_field_and_nothing_is_saved(db, organizer, changes, field, key):
    before = (list(db.conn.iterdump()), mail.password_saved(db))

    with pytest.raises(ValidationError) as refused:
        set_up_mail(db, organizer, 2525, **{"password": PASSWORD, **changes})

    assert (refused.value.field, refused.value.key) == (field, key)
    assert (list(db.conn.iterdump()), mail.password_saved(db)) == before


def test_the_boards_address_is_kept_without_a_trailing_slash(db, organizer):
    set_up_mail(db, organizer, 465, security="ssl", public_url=f"{BOARD}/")

    assert mail.server(db) == mail.Server("127.0.0.1", 465, "ssl", "", "board@example.org", BOARD)


def test_only_an_organizer_sets_up_the_mail_server(db, poster):
    with pytest.raises(NotAllowed):
        set_up_mail(db, poster, 2525)
    assert settings.read(db, ["smtp_host"]) == {"smtp_host": ""}


# --- each person's choice and the test e-mail ------------------------------------------------------


def test_a_person_chooses_their_groups_in_the_boards_order(db, poster, mailed):
    mail.set_email_kinds(db, poster, ["nearby", "job", "job"])

    assert mail.email_choice(db, poster) == mail.EmailChoice(True, "poster@example.org", ["job", "nearby"])


def test_an_unknown_group_is_refused(db, poster):
    with pytest.raises(ValidationError):
        mail.set_email_kinds(db, poster, ["job", "everything"])
    assert mail.email_choice(db, poster).groups == []


def test_the_test_email_goes_at_once_and_a_server_down_is_told(db, organizer, mailed, now):
    assert "ConnectionRefusedError" in mail.send_test(db, organizer, "chen@example.org", now)

    mailed.start()
    assert mail.send_test(db, organizer, "chen@example.org", now) is None

    [letter] = mailed.letters
    assert (letter.recipients, letter.subject) == (["chen@example.org"], "邻帮 · 测试邮件")
    assert BOARD in letter.body
    assert outbox_rows(db) == []  # a test is not queued


def test_a_test_email_needs_a_server_and_an_address(db, organizer, now):
    with pytest.raises(ValidationError) as no_server:
        mail.send_test(db, organizer, "chen@example.org", now)
    with pytest.raises(ValidationError) as no_address:
        mail.send_test(db, organizer, "chen", now)

    assert (no_server.value.key, no_address.value.key) == ("error.mail_not_set", "error.email")
