"""The organizer's console (#16 items 4, 5): what waits on the organizers (with its count in the menu),
the community's figures as tiles and charts (Altair, drawn by Streamlit's Vega-Lite), and the exports.

Charts are read on 390 px phones: as wide as the page, a few short labels on the axis (Vega drops the
ones that would overlap), the legend under the chart, and every number in a tooltip.
"""

from datetime import date, datetime
from typing import NamedTuple

import altair as alt
import streamlit as st
from babel.dates import format_date
from babel.numbers import format_percent

from services import figures
from services.db import Database
from services.rows import Row, User

from .i18n import language, number, t, timezone

CONSOLE_PAGE = "app_pages/organizer_console.py"
URL_PATH = "organizer_console"  # the console's page in the menu (app.py names it after its file)
DISPUTES_PAGE = "app_pages/organizer_disputes.py"
WORKERS_PAGE = "app_pages/organizer_workers.py"
REPORTS_PAGE = "app_pages/organizer_reports.py"
# What waits on the organizers (counted by services.figures.WAITING), each with the page where it is
# handled, in the order the console lists them; its words are console.waiting_<kind>.
HANDLED_ON = {
    "disputes": DISPUTES_PAGE,
    "id_checks": WORKERS_PAGE,
    "flagged": DISPUTES_PAGE,
    "reports": REPORTS_PAGE,
}
CHART_HEIGHT = 240


class Attention(NamedTuple):
    kind: str
    number: int
    page: str


def attention(db: Database, user: User, now: datetime) -> list[Attention]:
    """Each kind of thing waiting on the organizers: how many, and the page that handles it."""
    counts = figures.waiting(db, user, now)
    return [Attention(kind, counts[kind], page) for kind, page in HANDLED_ON.items()]


def badge_label(db: Database, user: User, now: datetime) -> str:
    """The console's name in the menu, with how many things wait when any do."""
    waiting = sum(item.number for item in attention(db, user, now))
    return t("console.badge", count=waiting) if waiting else t("nav.organizer_console")


def attention_list(items: list[Attention]) -> None:
    """One link per kind with something waiting ("2 disputes to settle"), or a calm line."""
    waiting = [item for item in items if item.number]
    if not waiting:
        st.caption(t("console.nothing_waiting"))
    for item in waiting:
        st.page_link(item.page, label=t(f"console.waiting_{item.kind}", count=item.number), icon="👉")


def period_label(first_day: date, period: str) -> str:
    """A week by its Monday ("11/23"), a month by its short name ("11月", "Nov")."""
    if figures.PERIODS[period][0] == "week":
        return f"{first_day.month}/{first_day.day}"
    return format_date(first_day, "LLL", locale=language())


def labels(period: str, now: datetime) -> dict[str, str]:
    """Each week or month of `period` (ISO first day) -> its label on the chart, oldest first."""
    spans = figures.buckets(period, now, timezone())
    return {b.first_day.isoformat(): period_label(b.first_day, period) for b in spans}


def percent(part: int, whole: int) -> str:
    """`part` of `whole` as a whole percentage in the reader's way ("14%"); a dash when `whole` is 0."""
    return format_percent(part / whole, locale=language()) if whole else "–"


def duration(minutes: float | None) -> str:
    """A wait in words: "25 minutes", "3.5 hours"; a dash when no job was taken."""
    if minutes is None:
        return "–"
    if minutes < 60:
        return t("console.minutes", count=int(minutes))
    return t("console.hours", hours=number(minutes / 60))


def _x(axis_labels: dict[str, str]) -> alt.X:
    return alt.X(
        "label:O",
        sort=list(axis_labels.values()),
        scale=alt.Scale(domain=list(axis_labels.values())),
        title=None,
        axis=alt.Axis(labelAngle=0, labelOverlap=True),
    )


def _draw(chart: alt.Chart, alt_text: str) -> None:
    """The chart as wide as the page, drawn as SVG (its bars are elements a test and a screen reader
    find, where Streamlit's default canvas is one picture), and its description in words under it."""
    chart = chart.properties(height=CHART_HEIGHT, usermeta={"embedOptions": {"renderer": "svg", "actions": False}})
    st.altair_chart(chart, width="stretch")
    st.caption(alt_text)


def stacked_jobs(rows: list[Row], group: str, name_of, axis_labels: dict[str, str], what: str) -> None:
    """Jobs posted per week or month as bars, stacked by `group` (category or status, named by
    `name_of`)."""
    values = [{"label": axis_labels[r["first_day"]], "group": name_of(r[group]), "jobs": r["jobs"]} for r in rows]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=_x(axis_labels),
            y=alt.Y("sum(jobs):Q", title=None, axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("group:N", title=None, legend=alt.Legend(orient="bottom", columns=2)),
            tooltip=[
                alt.Tooltip("label:O", title=t("console.when")),
                alt.Tooltip("group:N", title=what),
                alt.Tooltip("jobs:Q", title=t("console.jobs")),
            ],
        )
    )
    _draw(chart, t("console.jobs_chart_alt", total=sum(value["jobs"] for value in values)))


def wait_chart(rows: list[Row], axis_labels: dict[str, str]) -> None:
    """The median wait until taken, in hours, per week or month."""
    values = [
        {
            "label": axis_labels[r["first_day"]],
            "hours": r["median_minutes"] / 60,
            "wait": duration(r["median_minutes"]),
            "taken": r["taken"],
        }
        for r in rows
        if r["first_day"] is not None
    ]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=_x(axis_labels),
            y=alt.Y("hours:Q", title=None),
            tooltip=[
                alt.Tooltip("label:O", title=t("console.when")),
                alt.Tooltip("wait:N", title=t("console.median_wait")),
                alt.Tooltip("taken:Q", title=t("console.jobs_taken")),
            ],
        )
    )
    _draw(chart, t("console.wait_chart_alt"))


def money_chart(rows: list[Row], axis_labels: dict[str, str]) -> None:
    """Money put on hold for jobs and commission earned, side by side per week or month, in yuan."""
    series = {"held_fen": t("console.held"), "commission_fen": t("console.commission")}
    values = [
        {"label": axis_labels[r["first_day"]], "what": name, "yuan": r[column] / 100}
        for r in rows
        for column, name in series.items()
    ]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=_x(axis_labels),
            xOffset=alt.XOffset("what:N", sort=list(series.values())),
            y=alt.Y("yuan:Q", title=None),
            color=alt.Color(
                "what:N", title=None, sort=list(series.values()), legend=alt.Legend(orient="bottom", columns=2)
            ),
            tooltip=[
                alt.Tooltip("label:O", title=t("console.when")),
                alt.Tooltip("what:N", title=t("console.money_what")),
                alt.Tooltip("yuan:Q", title=t("console.yuan_axis"), format=",.2f"),
            ],
        )
    )
    _draw(chart, t("console.money_chart_alt"))
