"""The organizer's backup page (#16 item 9): a backup taken now, checked, to download; the kept ones;
the daily backup's settings. And a board restored from a backup into another folder serves."""

import pytest

from services import backup, ledger, users
from services import db as database
from services.clock import utcnow
from tests.pages.conftest import LANGS, button, raw_keys, shown_texts, text

PAGE = "app_pages/organizer_backup.py"


@pytest.fixture
def organizer(db, person):
    """The organizer, with the daily backup off: the app's clock thread takes nothing behind a test's back."""
    found = person("organizer")
    backup.configure(db, found, daily=False, hour=3, keep=7)
    return found


def downloads(at) -> list:
    return at.get("download_button")


@pytest.mark.parametrize("lang", LANGS)
def test_organizer_takes_a_backup_and_sees_it_checked_and_kept(open_page, organizer, lang):
    at = open_page(PAGE, lang=lang, user=organizer)
    assert not at.exception and raw_keys(at) == []
    assert at.title[0].value == text(lang, "backup.title")
    assert text(lang, "backup.none") in shown_texts(at)
    button(at, text(lang, "backup.take")).click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [text(lang, "backup.check_ok")]  # the new one's; the list says it in a line
    assert f"✅ {text(lang, 'backup.check_ok')}" in [c.value for c in at.caption]
    assert len(downloads(at)) == 2
    assert text(lang, "backup.none") not in shown_texts(at)


def test_kept_backups_show_their_contents(open_page, db, organizer):
    backup.take(db, organizer, utcnow())
    at = open_page(PAGE, lang="en", user=organizer)
    people = db.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    assert [c.value for c in at.caption if c.value.startswith(f"People: {people} · ")]
    assert len(downloads(at)) == 1


def test_organizer_sets_the_daily_backup(open_page, db, organizer):
    at = open_page(PAGE, lang="en", user=organizer)
    at.toggle(key="organizer_backup_daily").set_value(True)
    at.number_input(key="organizer_backup_hour").set_value(5)
    at.number_input(key="organizer_backup_keep").set_value(2)
    button(at, text("en", "backup.save")).click().run()
    assert not at.exception
    assert backup.schedule(db, organizer) == backup.Schedule(True, 5, 2)


def test_a_board_restored_in_another_folder_serves_and_balances(new_app, db, db_path, organizer, tmp_path, monkeypatch):
    taken = backup.take(db, organizer, utcnow())
    restored = tmp_path / "restored" / "linbang.db"
    backup.restore(taken.path, restored)
    monkeypatch.setenv("LINBANG_DB", str(restored))
    at = new_app(lang="en", user=users.by_username(db, "organizer")).run()
    assert not at.exception
    assert at.title[0].value == text("en", "browse.title")
    at.switch_page(PAGE).run()
    assert not at.exception and at.title[0].value == text("en", "backup.title")
    check = database.connect(restored)
    assert ledger.check_books(check) == []
    assert check.execute("SELECT COUNT(*) FROM jobs").fetchone() == db.execute("SELECT COUNT(*) FROM jobs").fetchone()
    check.conn.close()
