"""The e-mail pages (#14, item 8): the organizer sets up the mail server (the password is never shown
back), sends a test e-mail to a real SMTP server (aiosmtpd) and sees what could not be sent; each
person chooses on the account page which notifications also come by e-mail."""

import json

import pytest

from services import ledger, mail
from services.clock import utcnow
from tests.mail_server import MailServer
from tests.pages.conftest import button, shown_texts, text
from ui.safe import md

MAIL_PAGE = "app_pages/organizer_mail.py"
ACCOUNT_PAGE = "app_pages/account.py"
PASSWORD = "s3cret Pa55 phrase"
BOARD = "https://linbang.example.org"


@pytest.fixture
def server():
    running = MailServer()
    yield running
    running.stop()


def set_up_mail(db, organizer, port: int) -> None:
    mail.configure(
        db,
        organizer,
        host="127.0.0.1",
        port=str(port),
        security="none",
        user="",
        password="",
        from_address="board@example.org",
        public_url=BOARD,
    )


def password_box(at):
    [box] = [box for box in at.text_input if box.key.startswith("organizer_mail_password_")]
    return box


def test_the_organizer_saves_the_mail_server_and_the_password_is_never_shown_back(open_page, person, db):
    at = open_page(MAIL_PAGE, lang="en", user=person("organizer"))
    assert text("en", "mail.password_none") in shown_texts(at)
    at.text_input(key="organizer_mail_host").set_value("smtp.example.org")
    at.text_input(key="organizer_mail_port").set_value("465")
    at.radio(key="organizer_mail_security").set_value("ssl")
    at.text_input(key="organizer_mail_user").set_value("board@example.org")
    password_box(at).set_value(PASSWORD)
    at.text_input(key="organizer_mail_from").set_value("board@example.org")
    at.text_input(key="organizer_mail_public_url").set_value(BOARD)

    button(at, text("en", "mail.save")).click().run()

    assert not at.exception, [e.value for e in at.exception]
    sign_in = sender = "board@example.org"
    assert mail.server(db) == mail.Server("smtp.example.org", 465, "ssl", sign_in, sender, BOARD)
    assert mail.password(db) == PASSWORD
    assert password_box(at).value == ""
    assert text("en", "mail.password_saved") in shown_texts(at)
    assert not any(PASSWORD in shown for shown in shown_texts(at))
    assert PASSWORD not in "\n".join(db.conn.iterdump())

    again = open_page(MAIL_PAGE, lang="en", user=person("organizer"))  # a later visit
    assert password_box(again).value == ""
    assert again.text_input(key="organizer_mail_host").value == "smtp.example.org"
    assert not any(PASSWORD in shown for shown in shown_texts(again))


def test_the_test_email_reaches_the_server_and_a_server_down_is_explained(open_page, person, db, server):
    organizer = person("organizer")
    set_up_mail(db, organizer, server.port)
    at = open_page(MAIL_PAGE, lang="zh_CN", user=organizer)
    at.text_input(key="organizer_mail_test_to").set_value("chen@example.org")

    button(at, text("zh_CN", "mail.test_send")).click().run()  # nobody listens yet

    [refused] = [e.value for e in at.error]
    assert refused.startswith(text("zh_CN", "mail.test_failed", error="")) and "ConnectionRefusedError" in refused

    server.start()
    button(at, text("zh_CN", "mail.test_send")).click().run()

    assert [e.value for e in at.error] == []
    assert [s.value for s in at.success] == [text("zh_CN", "mail.test_sent", address=md("chen@example.org"))]
    [letter] = server.letters
    assert (letter.recipients, letter.subject) == (["chen@example.org"], "邻帮 · 测试邮件")


def test_the_organizer_sees_what_could_not_be_sent_and_why(open_page, person, db, server):
    organizer, poster = person("organizer"), person("poster")
    set_up_mail(db, organizer, server.port)  # not started: nobody answers
    mail.set_email_kinds(db, poster, ["account"])
    ledger.top_up(db, organizer, poster["id"], "20", key="mail-page", now=utcnow())
    mail.send_due(db, utcnow())

    at = open_page(MAIL_PAGE, lang="en", user=organizer)

    assert [m.value for m in at.metric] == ["1", "0", "0"]  # waiting, sent, could not be sent
    shown = shown_texts(at)
    assert md("Poster Wang (@poster) <poster@example.org>") in shown
    waiting = text("en", "mail.status_pending")
    assert any(line.startswith("Attempt 1 of 6, the last at ") and line.endswith(waiting) for line in shown)
    assert any("ConnectionRefusedError" in line for line in shown)


def test_the_account_page_says_why_there_is_no_email_choice(open_page, person, db):
    at = open_page(ACCOUNT_PAGE, lang="en", user=person("poster"))
    assert text("en", "mail.not_offered") in shown_texts(at)
    assert at.checkbox == []

    set_up_mail(db, person("organizer"), 2525)
    at = open_page(ACCOUNT_PAGE, lang="en", user=person("organizer"))  # registered with no address
    assert text("en", "mail.no_address") in shown_texts(at)
    assert at.checkbox == []


def test_a_person_chooses_which_notifications_come_by_email(open_page, person, db):
    set_up_mail(db, person("organizer"), 2525)
    at = open_page(ACCOUNT_PAGE, lang="zh_CN", user=person("poster"))
    assert text("zh_CN", "mail.account_help", address=md("poster@example.org")) in shown_texts(at)
    assert [box.label for box in at.checkbox] == [
        text("zh_CN", f"mail.group_{group}") for group in ("job", "message", "nearby", "account")
    ]

    at.checkbox(key="account_email_job").check()
    at.checkbox(key="account_email_account").check()
    button(at, text("zh_CN", "mail.save_choices")).click().run()

    assert not at.exception, [e.value for e in at.exception]
    assert json.loads(person("poster")["email_kinds"]) == ["job", "account"]
    assert at.checkbox(key="account_email_job").value and not at.checkbox(key="account_email_nearby").value
