"""No private bytes behind a URL (issue #11): ID photos, a receipt and a wallet's CSV reach only the
browser of the person shown them.

Streamlit's /media endpoint serves whatever st.image or st.download_button registered to anyone who
holds the URL, with no sign-in, until Streamlit drops it minutes later. So this test records every
request the organizer's browser makes while the ID photos, a receipt and a CSV download are shown,
then asks each same-origin URL again from a fresh client with no cookies: none may answer with a
stored private picture, any JPEG from /media, or the CSV. It does so again after the organizer
rejects the check, when the ID photos must already be gone from disk.
"""

import csv
import io
import re
import sqlite3
import urllib.error
import urllib.request

from playwright.sync_api import expect
from streamlit_driver import click, expect_text, log_in, open_page, visit, wait_idle

from services import uploads
from ui.i18n import catalog

JPEG_MAGIC = b"\xff\xd8\xff"
IMAGES = '[data-testid="stMain"] [data-testid="stImage"] img'
ZH = catalog("zh_CN")


def fetch_without_cookies(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url)  # urllib keeps no cookie jar: a stranger's client
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def expect_pictures_shown(page, count: int) -> None:
    """`count` pictures on the page, each decoded by the browser (not a broken image)."""
    pictures = page.locator(IMAGES)
    expect(pictures).to_have_count(count)
    for index in range(count):
        expect(pictures.nth(index)).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=pictures.nth(index).element_handle())


def look_at_each_picture(page) -> None:
    """Open each picture full screen with Streamlit's toolbar button, as an organizer checking an ID
    does, and close it again."""
    frames = page.locator('[data-testid="stMain"] [data-testid="stFullScreenFrame"]').filter(has=page.locator("img"))
    for index in range(frames.count()):
        frames.nth(index).hover()
        frames.nth(index).get_by_role("button", name=re.compile("^Fullscreen")).click()
        page.keyboard.press("Escape")
        wait_idle(page)


def leaks(base_url: str, urls: set[str], private: dict[str, bytes], csv_bytes: bytes) -> dict[str, list[str]]:
    """What each same-origin URL gives a client with no cookies that it must not: {url: [what]}."""
    same_origin = sorted(url for url in urls if url.startswith(base_url + "/"))
    assert same_origin, "control: the pages made requests to the board"
    found = {}
    for url in same_origin:
        _, body = fetch_without_cookies(url)
        given = [f"the private picture {name}" for name, content in private.items() if content in body]
        given += ["the wallet's CSV"] if csv_bytes in body else []
        given += ["a JPEG"] if "/media/" in url and body.startswith(JPEG_MAGIC) else []
        if given:
            found[url] = given
    return found


def download_wallet_csv(page) -> bytes:
    with page.expect_download() as download:
        page.get_by_text(ZH["wallet.csv"], exact=True).click()
    return download.value.path().read_bytes()


def test_id_photos_receipt_and_wallet_csv_leave_no_fetchable_url(seeded, browser):
    folder = uploads.root_for(seeded.db_path) / "private"
    private = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert len(private) == 4, "control: pending_c's front, back and selfie, and job 2's receipt are on disk"
    page = open_page(browser, accept_downloads=True)
    urls: set[str] = set()
    page.on("request", lambda request: urls.add(request.url))
    log_in(page, seeded.url, "org_zh")

    visit(page, seeded.url + "/organizer_workers")
    expect_pictures_shown(page, 3)  # pending_c's front, back and selfie
    look_at_each_picture(page)

    visit(page, seeded.url + "/job?id=2")
    page.get_by_text(ZH["materials.receipt"], exact=True).click()
    expect_pictures_shown(page, 1)
    look_at_each_picture(page)

    visit(page, seeded.url + "/wallet")
    csv_bytes = download_wallet_csv(page)
    assert csv_bytes.startswith("\ufeff".encode()), "a BOM, so spreadsheet programs read the Chinese"
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert rows[0] == [
        ZH[f"wallet.{column}"] for column in ("when", "what", "csv_job", "csv_amount", "csv_after", "note")
    ]
    assert [row[1:] for row in rows[1:]] == [  # the seeded top-up, then the hold for the sofa job posted
        [ZH["statement.topup"], "", "200.00", "200.00", "微信转账 WeChat"],
        [ZH["statement.held"], "帮忙把沙发搬到6楼 Carry a sofa", "-80.00", "120.00", ""],
    ]

    assert leaks(seeded.url, urls, private, csv_bytes) == {}

    visit(page, seeded.url + "/organizer_workers")
    reason = page.get_by_label(ZH["organizer.reason"], exact=True).first  # the queue's; revoking has its own
    reason.fill("照片看不清 blurred")
    reason.press("Tab")
    click(page, ZH["organizer.reject"])
    expect_text(page, ZH["organizer.no_checks"])
    receipt = sqlite3.connect(seeded.db_path).execute("SELECT receipt FROM job_materials").fetchone()[0]
    assert {path.name for path in folder.iterdir()} == {receipt}, "the ID photos are deleted at the decision"
    wait_idle(page)
    assert leaks(seeded.url, urls, private, csv_bytes) == {}
