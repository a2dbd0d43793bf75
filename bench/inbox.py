"""Inbox badge cost: what idle signed-in sessions cost the server, and the badge query at 100,000 notifications.

Every page of a signed-in person draws the live badge (ui.notices.live_badge): an st.fragment with
run_every=BADGE_SECONDS, whose timer runs in the browser, asking the server to rerun the fragment,
which runs one COUNT (services.notifications.unread_count) and draws the inbox link. So an idle
session is an open page.

Sessions (cpu_s_per_session_minute): a board made through the real services (community.set_up, a
resident with 3 unread notifications from 3 top-ups) and a real `streamlit run app.py` (tests/browser
Server: a free port, .streamlit/config.toml applies). The resident signs in once through /login; then
N pages, each in a browser context of its own with the re-login cookie (a session of its own, as N
phones), are opened on /inbox at 390 px in headless Chromium: the inbox page with 3 lines, the badge
above them and little else. Once every page shows the badge and its script has settled, the server
process's CPU time (user + system, /proc/<pid>/stat) is read over --window seconds. The same window
with no page open, before the first one, is what the server costs by itself (its event loop, the mail
sender's passes); it is subtracted. Sessions are added to the open ones for the next N (1, then 24
more, ...).
Fragment runs are counted from each page's websocket frames (Streamlit's script_finished messages).
Playwright's Chromium keeps pages' timers unthrottled, so every page is a page in front of someone:
the most an idle session costs (a real background tab's timers run less often).

Badge query (badge_query_ms): in-process, 1,000 people with 100 notifications each (10 unread: tell,
mark_all_read, tell again, through services.notifications), against 10 people with 100 each (the
baseline, 1,000 rows); unread_count for one person, median of --calls calls, the two boards in
alternating rounds. The statement unread_count runs (caught with SQLite's trace callback, not copied)
is put through EXPLAIN QUERY PLAN on the large board.

Prints, per N, then once:
    sessions=N cpu_s_per_session_minute=X raw_cpu_s_per_session_minute=R server_idle_cpu_s_per_minute=Y
      fragment_runs_per_session_minute=F cpu_ms_per_fragment_run=C server_rss_mb=M load1=L
    notifications=100000 badge_query_ms=X baseline_notifications=1000 baseline_badge_query_ms=Y ratio=X/Y
      uses_index=notifications_unread|no plan="..."
cpu_s_per_session_minute is net of the idle server (X = (server CPU - idle CPU) / (N x window minutes));
raw is without subtracting; server_rss_mb is the server's memory after the window; load1 is the
machine's 1-minute load average after the window (2 cores, shared). Progress goes to stderr.

    .venv/bin/python bench/inbox.py [--quick] [--sessions 1,25,100] [--window 60]
"""

import argparse
import os
import pathlib
import shutil
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LINBANG_BCRYPT_ROUNDS", "4")  # before services.users reads it: setup, not sign-in, is slow

from bench.common import PASSWORD, community_with_poster, person  # noqa: E402
from services import db as database  # noqa: E402
from services import ledger, notifications, users  # noqa: E402
from services.clock import utcnow  # noqa: E402
from services.db import write  # noqa: E402

# the browser tests' driver: a real `streamlit run` (Server), the Chromium to launch, pages followed by their frames
from tests.browser.streamlit_driver import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    RUNS,
    TIMEOUT,
    Server,
    auth_cookie,
    click,
    fill,
    goto,
    open_page,
    wait_idle,
)

RESIDENT = "resident"
UNREAD = 3  # the resident's unread notifications: the badge shows "3 new"
PAGE = "/inbox"
BATCH = 10  # pages loading at once while sessions are added
LOAD_TIMEOUT_MS = TIMEOUT * 6  # a page loading beside many open ones, on a machine others share
SETTLE_S = 5  # after the last page settled, before the window: the pages' first fragment timers start
PER_PERSON, UNREAD_PER_PERSON = 100, 10
PEOPLE, BASELINE_PEOPLE = 1000, 10


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- sessions ---------------------------------------------------------------------------------------


def fill_board(path: pathlib.Path) -> None:
    """A community, its organizer, a poster, and the resident with UNREAD top-ups told and unread."""
    now = utcnow()
    db = database.connect(path)
    try:
        organizer, _ = community_with_poster(db, name="Bench Lanes", radius_km=3, now=now, credit_yuan=0)
        resident = person(db, RESIDENT, "Resident", now)
        for i in range(UNREAD):
            ledger.top_up(db, organizer, resident["id"], str(10 + i), key=f"bench-inbox-{i}", now=now)
    finally:
        db.conn.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` (all its threads) so far."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5), counted after the name
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def resident_mb(pid: int) -> float:
    """The memory process `pid` holds now (VmRSS), in MB."""
    (line,) = [
        line for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmRSS:")
    ]
    return int(line.split()[1]) / 1024


def sign_in(browser, base_url: str) -> list[dict]:
    """Sign the resident in through /login once and return the cookies the app left in the browser."""
    page = open_page(browser, viewport=PHONE)
    try:
        goto(page, base_url + "/login")
        fill(page, "Username", RESIDENT)
        fill(page, "Password", PASSWORD)
        click(page, "Log in")
        auth_cookie(page.context)
        wait_idle(page)
        return page.context.cookies()
    finally:
        page.context.close()


def open_sessions(browser, url: str, cookies: list[dict], count: int) -> list:
    """`count` signed-in pages on `url`, each in a context of its own, loaded BATCH at a time; each
    shows the badge and has finished its first run."""
    badge = f"{UNREAD} new"
    pages = []
    for start in range(0, count, BATCH):
        batch = []
        for _ in range(min(BATCH, count - start)):
            page = open_page(browser, viewport=PHONE)
            page.context.add_cookies(cookies)
            page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
            batch.append(page)
        for page in batch:
            page.locator('[data-testid="stMain"] [data-testid="stPageLink"]', has_text=badge).first.wait_for(
                timeout=LOAD_TIMEOUT_MS
            )
            wait_idle(page)
        pages += batch
        log(f"  {len(pages)} of {count} new pages shown")
    return pages


def idle_window(pid: int, pages: list, window_s: float) -> tuple[float, int]:
    """Server CPU seconds and fragment runs (over all `pages`) during `window_s` seconds of idling.
    The pages' frames are taken in while it waits (Playwright hands them over during its calls)."""
    waiter = pages[0] if pages else None
    runs_before = sum(RUNS[p].finished for p in pages)
    cpu_before, deadline = cpu_seconds(pid), time.monotonic() + window_s
    while (left := deadline - time.monotonic()) > 0:
        if waiter:
            waiter.wait_for_timeout(min(1000, left * 1000))
        else:
            time.sleep(min(1, left))
    cpu = cpu_seconds(pid) - cpu_before
    if waiter:
        waiter.wait_for_timeout(200)  # frames of runs finished in the window's last moment
    return cpu, sum(RUNS[p].finished for p in pages) - runs_before


def session_costs(tmp: pathlib.Path, counts: list[int], window_s: float) -> list[str]:
    """One line per session count (see the module docstring)."""
    from playwright.sync_api import sync_playwright

    lines, minutes = [], window_s / 60
    server = Server(tmp)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                cookies = sign_in(browser, server.url)
                time.sleep(SETTLE_S)
                idle_cpu, _ = idle_window(server.process.pid, [], window_s)
                log(f"no page open: server {idle_cpu:.2f} CPU s in {window_s:.0f} s, load {os.getloadavg()[0]:.2f}")
                pages: list = []
                for count in counts:
                    started = time.perf_counter()
                    pages += open_sessions(browser, server.url + PAGE, cookies, count - len(pages))
                    log(f"{count} pages open in {time.perf_counter() - started:.1f} s")
                    time.sleep(SETTLE_S)
                    cpu, runs = idle_window(server.process.pid, pages, window_s)
                    net = max(cpu - idle_cpu, 0.0)
                    log(f"{count} pages: server {cpu:.2f} CPU s in {window_s:.0f} s, {runs} fragment runs")
                    lines.append(
                        f"sessions={count} cpu_s_per_session_minute={net / (count * minutes):.4f} "
                        f"raw_cpu_s_per_session_minute={cpu / (count * minutes):.4f} "
                        f"server_idle_cpu_s_per_minute={idle_cpu / minutes:.4f} "
                        f"fragment_runs_per_session_minute={runs / (count * minutes):.2f} "
                        f"cpu_ms_per_fragment_run={1000 * net / runs if runs else float('nan'):.1f} "
                        f"server_rss_mb={resident_mb(server.process.pid):.0f} load1={os.getloadavg()[0]:.2f}"
                    )
                    print(lines[-1], flush=True)
            finally:
                browser.close()
    finally:
        server.stop()
    return lines


# --- the badge query --------------------------------------------------------------------------------


def notified_board(path: pathlib.Path, people: int) -> int:
    """A board whose `people` residents have PER_PERSON notifications each, UNREAD_PER_PERSON of them
    unread, told through notifications.tell; returns the id of the resident whose badge is timed."""
    now = utcnow()
    db = database.connect(path)
    try:
        community_with_poster(db, name="Bench Lanes", radius_km=3, now=now, credit_yuan=0)
        ids = [
            users.register(
                db, username=f"resident{i}", display_name=f"Resident {i}", password=PASSWORD, language="en", now=now
            )
            for i in range(people)
        ]
        with write(db):  # one transaction: a commit each (synchronous=FULL) would take most of the time
            for user_id in ids:
                for n in range(PER_PERSON):
                    notifications.tell(db, [user_id], "account.topup", f"bench:{n}", now, amount_fen=100)
                    if n == PER_PERSON - UNREAD_PER_PERSON - 1:  # the older ones have been read
                        notifications.mark_all_read(db, users.get(db, user_id), now)
        return ids[len(ids) // 2]
    finally:
        db.conn.close()


def badge_queries(tmp: pathlib.Path, calls: int) -> str:
    """The badge query's median time on the large and the baseline board, and its plan (one line)."""
    boards = {}
    for people in (PEOPLE, BASELINE_PEOPLE):
        started = time.perf_counter()
        path = tmp / f"notifications-{people}.db"
        user_id = notified_board(path, people)
        db = database.connect(path)
        rows = db.execute("SELECT COUNT(*) FROM notifications").fetchone()[0]
        if notifications.unread_count(db, user_id) != UNREAD_PER_PERSON:
            raise RuntimeError("the timed person's unread count is wrong")
        boards[people] = (db, user_id, rows, [])
        log(f"{rows} notifications told in {time.perf_counter() - started:.1f} s")
    for _ in range(calls // 100):  # alternating rounds, so a busy moment of the machine hits both
        for db, user_id, _, samples in boards.values():
            for _ in range(100):
                start = time.perf_counter()
                notifications.unread_count(db, user_id)
                samples.append(time.perf_counter() - start)
    db, user_id, _, _ = boards[PEOPLE]
    plan = query_plan(db, user_id)
    (large, _, rows, samples), (small, _, baseline_rows, baseline_samples) = boards.values()
    ms, baseline_ms = 1000 * statistics.median(samples), 1000 * statistics.median(baseline_samples)
    for board in (large, small):
        board.conn.close()
    uses = "notifications_unread" if "notifications_unread" in plan else "no"
    return (
        f"notifications={rows} badge_query_ms={ms:.4f} baseline_notifications={baseline_rows} "
        f'baseline_badge_query_ms={baseline_ms:.4f} ratio={ms / baseline_ms:.2f} uses_index={uses} plan="{plan}"'
    )


def query_plan(db, user_id: int) -> str:
    """EXPLAIN QUERY PLAN of the statement unread_count runs, caught as it runs."""
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        notifications.unread_count(db, user_id)
    finally:
        db.conn.set_trace_callback(None)
    (statement,) = [s for s in statements if "FROM notifications" in s]
    rows = db.conn.execute("EXPLAIN QUERY PLAN " + statement).fetchall()  # expanded: the id is in the text
    return "; ".join(row[-1] for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 and 25 sessions, 30 s windows: under 4 minutes")
    parser.add_argument("--sessions", default=None, help="session counts, ascending (default 1,25,100)")
    parser.add_argument("--window", type=float, default=None, help="idle window in seconds (default 60, quick 30)")
    parser.add_argument("--calls", type=int, default=5000, help="badge queries timed per board")
    args = parser.parse_args()
    counts = [int(n) for n in (args.sessions or ("1,25" if args.quick else "1,25,100")).split(",")]
    if counts != sorted(set(counts)) or counts[0] < 1:
        parser.error("--sessions: ascending counts of at least 1")
    window = args.window or (30.0 if args.quick else 60.0)
    started = time.perf_counter()
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="linbang-bench-"))
    try:
        badge_line = badge_queries(tmp, args.calls)
        log(badge_line)
        fill_board(tmp / "linbang.db")
        session_costs(tmp, counts, window)
    except BaseException:
        log(f"kept {tmp} (databases and streamlit-*.log server logs)")
        raise
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"bench took {time.perf_counter() - started:.1f} s")
    print(badge_line)


if __name__ == "__main__":
    main()
