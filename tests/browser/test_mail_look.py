"""The e-mail pages (#14) at phone and desktop width, in Chinese and in English: the organizer's page
with a mail server set up and one e-mail that could not be sent, and a person's choices on the account
page. No error, no raw catalog key, no sideways scrolling; screenshots kept as artifacts."""

import pytest
from streamlit_driver import DESKTOP, PHONE, Server, free_port, log_in, open_page
from test_pages_look import reads_well

from services import db as database
from services import ledger, mail, users
from services.clock import utcnow
from tests.support import sunny_garden

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
PASSWORD = "organizer-pass"


@pytest.fixture(scope="module")
def mail_board(tmp_path_factory):
    """A server whose board has a mail server set up where nothing answers (so one top-up's e-mail is
    listed as waiting, with its error), org_en (an English-speaking organizer with an address) and
    li_ayi (a Chinese-speaking resident who chose two kinds of e-mail)."""
    srv = Server(tmp_path_factory.mktemp("mail"))
    try:
        db = database.connect(srv.db_path)
        now = utcnow()
        organizer = users.get(db, sunny_garden(db, now))
        for username, name, language, role in (
            ("org_en", "Olivia", "en", "organizer"),
            ("li_ayi", "李阿姨", "zh_CN", "resident"),
        ):
            users.register(
                db,
                username=username,
                display_name=name,
                password=PASSWORD,
                email=f"{username}@example.org",
                language=language,
                role=role,
                now=now,
            )
        mail.configure(
            db,
            organizer,
            host="127.0.0.1",
            port=str(free_port()),
            security="none",
            user="board@example.org",
            password="the server's password",
            from_address="board@example.org",
            public_url="https://linbang.example.org",
        )
        li_ayi = users.by_username(db, "li_ayi")
        mail.set_email_kinds(db, li_ayi, ["job", "account"])
        ledger.top_up(db, organizer, li_ayi["id"], "30", key="seed", now=now)
        mail.send_due(db, now)
        db.conn.close()
        yield srv
    finally:
        srv.stop()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("username, language", [("org_zh", "zh"), ("org_en", "en")])
def test_the_organizers_email_page_reads_well(mail_board, browser, username, language, width):
    page = open_page(browser, viewport=WIDTHS[width])
    log_in(page, mail_board.url, username, PASSWORD)
    reads_well(page, mail_board.url, ["organizer_mail"], width, language)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("username, language", [("li_ayi", "zh"), ("org_en", "en")])
def test_the_email_choices_read_well(mail_board, browser, username, language, width):
    page = open_page(browser, viewport=WIDTHS[width])
    log_in(page, mail_board.url, username, PASSWORD)
    reads_well(page, mail_board.url, ["account"], width, language, who="_email")
