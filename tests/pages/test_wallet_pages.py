"""The wallet reads like a bank statement, and a settled job's page shows its receipt (AppTest, the real
app on a real SQLite file): each wallet line says what it was and links its job, a dispute's refund
reads as a refund, long histories show the latest lines first with earlier ones on request."""

from services import jobs, ledger
from services.clock import utcnow
from services.transitions import Confirm, Reason, Split
from tests.pages.conftest import JOB_PAGE, button, job_fields, shown_texts, text, unescape_markdown
from tests.pages.test_pages import errors

WALLET = "app_pages/wallet.py"


def settled_job(db, person, title: str, *, split_yuan: str | None = None) -> int:
    """A ¥80 job of the poster's done by the worker: confirmed with a ¥5 tip, or disputed and split."""
    poster, worker = person("poster"), person("worker")
    job_id = jobs.post(db, poster, **job_fields(utcnow(), title=title, price_yuan="80"))
    for action in ("claim", "start", "finish"):
        jobs.act(db, job_id, action, worker, now=utcnow())
    if split_yuan is None:
        jobs.act(db, job_id, "confirm", poster, Confirm(tip_yuan="5"), now=utcnow())
    else:
        jobs.act(db, job_id, "dispute", poster, Reason("Half done"), now=utcnow())
        jobs.act(db, job_id, "resolve_split", person("organizer"), Split(split_yuan=split_yuan), now=utcnow())
    return job_id


def links(at) -> list[tuple[str, str]]:
    """(label, job id) of every link to a job page on the page."""
    return [
        (unescape_markdown(link.proto.label), link.proto.query_string)
        for link in at.main.get("page_link")
        if link.proto.page.endswith("job")
    ]


def test_each_wallet_line_says_what_it_was_and_links_its_job(open_page, person, db):
    job_id = settled_job(db, person, "Hang the <b>curtains</b>")
    at = open_page(WALLET, lang="en", user=person("worker"))

    assert not at.exception and not errors(at)
    texts = [unescape_markdown(shown) for shown in shown_texts(at)]
    assert any(text("en", "statement.tip_received") in shown and "+¥5.00" in shown for shown in texts)
    assert any(text("en", "statement.paid") in shown and "+¥72.00" in shown for shown in texts)
    assert ("Hang the <b>curtains</b>", f"id={job_id}") in links(at)  # the title as typed, a link to its page
    assert any(text("en", "wallet.line_commission", commission="¥8.00") in shown for shown in texts)
    assert at.dataframe.len == 0  # cards, not a table that scrolls sideways on a phone


def test_a_dispute_refund_reads_as_a_refund_not_as_pay(open_page, person, db):
    settled_job(db, person, "Paint the fence", split_yuan="30")
    at = open_page(WALLET, lang="zh_CN", user=person("poster"))

    texts = [unescape_markdown(shown) for shown in shown_texts(at)]
    refund = [shown for shown in texts if text("zh_CN", "statement.dispute_refund") in shown]
    assert refund and "+¥50.00" in refund[0]
    assert not any(text("zh_CN", "statement.paid") in shown for shown in texts)


def test_a_long_history_shows_the_latest_lines_first_and_earlier_ones_on_request(open_page, person, db):
    organizer, stranger = person("organizer"), person("pending_worker")
    for n in range(1, 26):
        ledger.top_up(db, organizer, stranger["id"], str(n), key=f"many-{n}", now=utcnow())
    at = open_page(WALLET, lang="en", user=organizer, id=stranger["id"])  # an organizer opens anyone's

    amounts = [m.value for m in at.markdown if m.value.startswith("**+¥")]
    assert len(amounts) == 20 and amounts[0].startswith("**+¥25.00**")
    button(at, text("en", "wallet.more")).click().run()
    amounts = [m.value for m in at.markdown if m.value.startswith("**+¥")]
    assert len(amounts) == 25 and amounts[-1].startswith("**+¥1.00**")
    assert text("en", "wallet.more") not in [b.label for b in at.button]


def test_a_completed_jobs_page_shows_its_receipt_and_it_adds_up(open_page, person, db):
    job_id = settled_job(db, person, "Move the sofa")
    at = open_page(JOB_PAGE, lang="en", user=person("poster"), id=job_id)

    texts = [unescape_markdown(shown) for shown in shown_texts(at)]
    assert text("en", "receipt.help") in texts
    receipt = next(shown for shown in texts if text("en", "receipt.held") in shown)
    for label, amount in (
        ("receipt.held", "¥80.00"),
        ("receipt.paid", "¥72.00"),
        ("receipt.commission", "¥8.00"),
        ("receipt.back_unused_back", "¥0.00"),
        ("receipt.tip", "¥5.00"),
    ):
        assert f"{text('en', label)} **{amount}**" in receipt
    assert any(text("en", "receipt.poster_paid", amount="¥85.00") in shown for shown in texts)


def test_someone_with_no_part_in_the_job_sees_no_receipt(open_page, person, db):
    job_id = settled_job(db, person, "Move the sofa")
    at = open_page(JOB_PAGE, lang="en", user=person("pending_worker"), id=job_id)
    assert text("en", "receipt.help") not in shown_texts(at)
