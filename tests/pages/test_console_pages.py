"""The organizer's console page (#16 items 4, 5) run by AppTest: what waits, the figures as tiles and
charts, the period picker, and the CSV downloads travelling inside the page."""

import base64
import csv
import io
import json
from zoneinfo import ZoneInfo

import pytest

from services import export
from services.clock import utcnow
from tests.pages.conftest import LANGS, text

CONSOLE = "app_pages/organizer_console.py"
CHARTS = 4  # jobs by category, by status, the wait until taken, money


def charts(at) -> list:
    return at.get("vega_lite_chart")


def download(at) -> dict:
    [link] = [element for element in at.get("bidi_component") if element.proto.component_name.endswith("download")]
    return json.loads(link.proto.json)


@pytest.mark.parametrize("lang", LANGS)
def test_the_console_lists_what_waits_with_links_and_draws_its_figures(open_page, person, lang):
    at = open_page(CONSOLE, lang=lang, user=person("organizer"))

    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == text(lang, "console.title")
    links = {link.label: link.proto.page for link in at.main.get("page_link") if link.proto.icon == "👉"}
    assert links == {
        text(lang, "console.waiting_disputes", count=1): "organizer_disputes",  # the template's disputed tap
        text(lang, "console.waiting_id_checks", count=1): "organizer_workers",  # Pending Zhao's ID check
    }
    tiles = {metric.label: metric.value for metric in at.metric}
    assert tiles[text(lang, "console.posted")] == "7"  # the template posts 7 jobs, all this week
    assert tiles[text(lang, "console.completed")] == "14%"  # 1 of 7
    assert tiles[text(lang, "console.cancelled")] == "14%"
    assert tiles[text(lang, "console.active_posters")] == "1"
    assert tiles[text(lang, "console.active_workers")] == "1"
    assert len(charts(at)) == CHARTS


def test_the_period_picker_redraws_the_figures_by_month(open_page, person):
    # in Chinese: AppTest sends a choice by its label, formatted outside the page's run (in Chinese)
    at = open_page(CONSOLE, lang="zh_CN", user=person("organizer"))
    at.segmented_control(key="organizer_console_period").set_value("12m").run()

    assert not at.exception
    assert len(charts(at)) == CHARTS
    spec = json.loads(charts(at)[0].proto.spec)
    months = spec["encoding"]["x"]["scale"]["domain"]
    assert len(months) == 12 and months[-1] == f"{utcnow().astimezone(ZoneInfo('Asia/Shanghai')).month}月"


@pytest.mark.parametrize("table", list(export.TABLES))
def test_each_export_downloads_from_inside_the_page_with_its_columns(open_page, person, db, table):
    at = open_page(CONSOLE, lang="zh_CN", user=person("organizer"))
    at.segmented_control(key="organizer_console_export").set_value(table).run()

    data = download(at)
    assert data["label"] == text("zh_CN", "console.download", what=text("zh_CN", f"console.export_{table}"))
    assert data["file_name"].startswith(f"linbang-{table}-") and data["mime"] == "text/csv"
    content = base64.b64decode(data["payload"])
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(export.TABLES[table].columns)
    assert len(rows) > 1
    if table == "users":
        assert "@example.org" not in content.decode("utf-8-sig") and "138" not in content.decode("utf-8-sig")
