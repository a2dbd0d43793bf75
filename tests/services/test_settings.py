"""The community's settings are read and written in services/settings.py alone, each as its type."""

import ast
import pathlib

import pytest

from services import db as database
from services import settings
from services.db import write

ROOT = pathlib.Path(__file__).resolve().parents[2]
# The code that serves people; demo/ builds boards and tests/ look at them from outside.
SERVING_CODE = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]
SERVING_CODE += [path for path in sorted((ROOT / "services").glob("*.py")) if path.name != "settings.py"]


def test_a_setting_never_stored_reads_as_its_default(db):
    assert settings.whole(db, "cancel_fee_cap_fen") == 5000
    assert settings.read(db, ["id_photo_keep_days", "cancel_window_hours"]) == {
        "id_photo_keep_days": 0,
        "cancel_window_hours": 24,
    }


def test_a_stored_setting_reads_back_as_its_type(db):
    with write(db):
        settings.save(db, {"lat": 31.25, "commission_pct": 7, "timezone": "Asia/Urumqi"})

    assert settings.read(db, ["lat", "commission_pct", "timezone"]) == {
        "lat": 31.25,
        "commission_pct": 7,
        "timezone": "Asia/Urumqi",
    }
    assert type(settings.read(db, ["lat"])["lat"]) is float


def test_a_setting_with_no_default_is_absent_until_stored(tmp_path):
    fresh = database.connect(tmp_path / "fresh.db")

    assert settings.read(fresh, ["name", "lat", "timezone"]) == {"timezone": settings.DEFAULT_TIMEZONE}


@pytest.mark.parametrize(
    "values, error",
    [({"commission_pct": "7"}, TypeError), ({"lat": 31}, TypeError), ({"no_such_setting": 1}, KeyError)],
)
def test_a_value_of_the_wrong_type_or_an_unknown_name_stores_nothing(db, values, error):
    before = list(db["settings"].rows)

    with pytest.raises(error), write(db):
        settings.save(db, values)

    assert list(db["settings"].rows) == before


def test_whole_refuses_a_setting_that_is_not_a_whole_number(db):
    with pytest.raises(TypeError):
        settings.whole(db, "timezone")


def settings_table_uses(path: pathlib.Path) -> list[int]:
    """Lines of `path` that name the settings table: in SQL text, or as db["settings"]."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            words = node.value.lower().split()
            if any(
                before in ("from", "into", "update", "join") and word == "settings"
                for before, word in zip(words, words[1:], strict=False)
            ):
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "settings"
        ):
            lines.append(node.lineno)
    return lines


def test_settings_table_uses_finds_sql_and_table_access():
    """The finder the next test stands on sees both ways of reaching the table."""
    assert settings_table_uses(ROOT / "services" / "settings.py")


@pytest.mark.parametrize("path", SERVING_CODE, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_other_module_reads_or_writes_the_settings_table(path):
    assert settings_table_uses(path) == []
