"""The job page draws exactly the controls the job's capabilities name (services.access), for every
role × every job status × both modes (and the organizer's own jobs): the other half of
tests/services/test_capabilities.py, which holds the services to the same set. A button the
service would refuse, or a missing one it would allow, fails here.

AppTest runs the real app on a copy of one board built at the real time (the app's clock runs on
utcnow()); the page is read in English.
"""

import re

import pytest

from services import access, materials
from services import db as database
from services.clock import utcnow
from services.transitions import RESOLUTIONS
from tests import capability_board
from tests.capability_board import MODES, PHONES, POSTERS, ROLES, VARIANTS
from tests.pages.conftest import JOB_PAGE, shown_texts, text, unescape_markdown
from tests.support import copy_database

CASES = [
    (poster, mode, variant, role)
    for poster in POSTERS
    for mode in MODES
    for variant in VARIANTS
    for role in (ROLES if poster == "poster" else ("organizer",))
]


def _button(pattern: str):
    return lambda page: any(re.fullmatch(pattern, key) for key in page.keys)


def _shows(words: str):
    return lambda page: any(words in shown for shown in page.texts)


def _resolution(action: str):
    return lambda page: text("en", f"dispute.{action}") in page.outcomes


def controls(board, job_id: int) -> dict:
    """capability -> how the job page shows it: a button's key, a form's, a section's words."""
    mine = {who: board.applications.get((job_id, who)) for who in ("applicant", "invitee")}
    return {
        # a step that moves money or undoes something first asks (ui.confirm: its first tap's key ends _ask)
        **{
            a: _button(rf"job_{a}_{job_id}(_ask)?")
            for a in ("claim", "start", "finish", "confirm", "release", "cancel")
        },
        **{a: _resolution(a) for a in RESOLUTIONS},
        "dispute": _button(rf"disputes_open_send_{job_id}"),
        "accept": _button(rf"booking_accept_{mine['applicant']}_ask"),
        "accept_invitation": _button(rf"booking_accept_{mine['invitee']}_ask"),
        "withdraw": _button(rf"booking_withdraw_{mine['applicant']}"),
        "invite": _button(rf"booking_withdraw_{mine['invitee']}"),  # an open job's invitation, taken back
        "apply": _button(rf"booking_apply_send_{job_id}"),
        "add_material": _button(rf"job_money_material_{job_id}_send_\w+"),
        "answer_material": _button(r"job_money_material_\d+_ask"),
        "answer_extra_hours": _button(rf"job_money_extra_{job_id}_ask"),
        "add_statement": _button(rf"disputes_statement_{job_id}_send_\w+"),
        "rate": _button(rf"reviews_rate_send_{job_id}"),
        "see_private": _shows("Building 7, unit 2"),
        "see_history": _shows(text("en", "job.history")),
        "see_applicants": _shows(" jobs done"),  # each applicant's standing: rating and jobs done
        "see_messages": _shows(text("en", "chat.help")),
        "message": _button(rf"conversation_send_{job_id}_\d+_send_\w+"),  # the first thread is open
        "ask": _button(rf"questions_ask_{job_id}_send_\w+"),
        "answer_question": _button(r"questions_answer_send_\d+"),
        "share_contact": _button(rf"contact_share_{job_id}_\d+"),  # the switch
        **{c: _button(rf"job_{c}_{job_id}") for c in ("edit_job", "post_again", "book_again")},
        "see_contact": lambda page: any(phone in shown for phone in PHONES.values() for shown in page.texts),
        "see_receipt": _shows(text("en", "receipt.help")),
        "report": _button(rf"report_send_job_{job_id}"),  # the form in the 🚩 popover
        "reply_review": _button(rf"reviews_reply_send_{job_id}"),
        "tell_someone": _shows(text("en", "tell.help")),
        "ask_handover_code": _button(rf"safety_handover_ask_{job_id}"),
        "see_handover_code": lambda page: any("Handover code (取件码): " in shown for shown in page.texts),
        "type_handover_code": _button(rf"job_code_{job_id}"),
    }


class Page:
    """What one run of the job page shows: every widget key (buttons, switches, inputs), every text,
    the resolution choices."""

    def __init__(self, at):
        widgets = [*at.button, *at.radio, *at.text_input, *at.text_area, *at.toggle]
        self.keys = {w.key for w in widgets if w.key}
        self.texts = [unescape_markdown(shown) for shown in shown_texts(at)]
        self.outcomes = [option for radio in at.radio for option in radio.options]


@pytest.fixture(scope="module")
def board_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("capabilities-page") / "linbang.db"
    board = capability_board.build(path, utcnow())
    board.db.conn.close()
    return path, board


def test_every_capability_has_a_control(board_template):
    board = board_template[1]
    assert set(controls(board, 1)) == set(access.CAPABILITIES)


@pytest.mark.slow  # 181 runs of the app
@pytest.mark.parametrize("poster, mode, variant, role", CASES, ids=["-".join(case) for case in CASES])
def test_the_job_page_shows_exactly_the_controls_the_capabilities_name(
    board_template, app_env, new_app, poster, mode, variant, role
):
    copy_database(board_template[0], app_env, with_uploads=True)
    board = board_template[1]
    job_id = board.job_ids[poster, mode, variant]
    who = board.user(role)
    db = database.connect(app_env)
    allowed = set(access.capabilities(db, access.stored_job(db, job_id), who))
    if not materials.waiting(db, job_id):  # answers are buttons on waiting lines: none, none to show
        allowed.discard("answer_material")
    db.conn.close()

    at = new_app(lang="en", user=who).run()
    at.switch_page(JOB_PAGE)
    at.query_params["id"] = str(job_id)
    at.run()
    assert not at.exception, [e.value for e in at.exception]

    page = Page(at)
    shown = {capability for capability, seen in controls(board, job_id).items() if seen(page)}
    assert shown == allowed
