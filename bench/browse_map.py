"""Browse map at scale: Linbang's browse page against the per-marker folium baseline, offline.

Fills a temporary database with N open jobs (default 5,000) around a community centre through the real
services (community.set_up, users.register, jobs.post), then measures two pages on that database:

  baseline  bench/baseline_map_page.py: one folium.CircleMarker + folium.Popup per job in a MarkerCluster
  linbang   app.py at "/" (the browse page), signed in as a resident through the real /login form

Browser time (baseline_s, linbang_s): a real `streamlit run` per page (tests/browser Server, no internet,
map assets from /app/static/vendor), headless Chromium, a fresh browser context per run (empty HTTP cache;
Linbang's context gets the re-login cookie the login form produced). Measured from the start of
page.goto() until the first `.marker-cluster` element with a size is added inside the map's st_folium
iframe, as the page's own clock notes it (FIRST_CLUSTER_MARK; both clocks are this machine's). One untimed
warm-up load per server (module imports), then --runs alternating runs (baseline, linbang, baseline, ...);
the median is reported. After each run the bench waits for the app to go quiet before the next one.

Script time (baseline_script_s, script_s): in-process, without a browser, with streamlit.testing.v1.AppTest:
the wall time of the first script run of a new session (a fresh AppTest each time, as a page load is a
fresh session), timed around ScriptRunner._run_script on AppTest's script thread, so AppTest's own work
before and after the run is left out. The process is warm (one untimed run first: imports and
st.cache_resource). For Linbang that is app.py with the session already signed in (user_id, username,
issued_at in session_state, as ui/auth._start_session leaves them), so it runs navigation, the sign-in
check, the clock and the whole browse page; for the baseline it is the whole baseline page. Alternating
runs, median of --runs.

Floor (floor_s, floor_ratio): the baseline page with ?limit=10, i.e. the same Streamlit page and
st_folium map drawing 10 jobs, timed the same way in the same alternation. It is what any page with an
st_folium map costs on this machine before a single job matters; floor_ratio = floor_s / baseline_s is
about the lowest `ratio` a browse page can reach here.

Prints one line:
    jobs=N baseline_s=X linbang_s=Y ratio=Y/X baseline_script_s=A script_s=B script_ratio=B/A
    floor_s=F floor_ratio=F/X
Progress goes to stderr. Issue targets: ratio <= 0.15, script_ratio <= 0.05 (reported, not enforced).

    .venv/bin/python bench/browse_map.py [--jobs 5000] [--runs 3]
"""

import argparse
import logging
import math
import os
import pathlib
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import CENTER, PASSWORD, community_with_poster, person  # noqa: E402
from services import db as database  # noqa: E402
from services import geo, jobs, users  # noqa: E402
from services.clock import utcnow  # noqa: E402

# the browser tests' driver: a real `streamlit run` (Server), the Chromium to launch, the map frame
from tests.browser.streamlit_driver import CHROMIUM, CHROMIUM_ARGS, DESKTOP, MAP_FRAME, Server  # noqa: E402

COMMUNITY_RADIUS_KM = 3.0
SPREAD_KM = 2.5  # jobs lie uniformly in a disc of this radius around the centre
RESIDENT = "resident"
CATEGORIES = ("moving", "parcel", "pets", "furniture", "cleaning", "computer", "errands", "other")
TITLES = (
    "Help carry boxes",
    "Pick up a parcel",
    "Walk the dog",
    "Assemble a shelf",
    "Clean the kitchen",
    "Fix my laptop",
    "Buy groceries",
    "Water the plants",
)
MAP_TIMEOUT_MS = 300_000
APPTEST_TIMEOUT_S = 300


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fill(path: pathlib.Path, count: int) -> None:
    """A community, an organizer, a poster, the browsing resident and `count` open jobs, via jobs.post."""
    now = utcnow()
    db = database.connect(path)
    try:
        _, poster = community_with_poster(
            db, name="Bench Gardens", radius_km=COMMUNITY_RADIUS_KM, now=now, credit_yuan=count * 700
        )  # every job's price (at most ¥300, or ¥300/h for 2 h) is set aside when it is posted
        person(db, RESIDENT, "Resident", now)
        rng = random.Random(5000)
        km_per_degree = math.radians(1) * geo.EARTH_RADIUS_KM
        for i in range(count):
            distance, bearing = SPREAD_KM * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
            lat = CENTER[0] + distance * math.cos(bearing) / km_per_degree
            lon = CENTER[1] + distance * math.sin(bearing) / (km_per_degree * math.cos(math.radians(CENTER[0])))
            hourly = i % 5 == 0
            jobs.post(
                db,
                poster,
                title=f"{TITLES[i % len(TITLES)]} #{i}",
                description="Bench job.",
                category=CATEGORIES[i % len(CATEGORIES)],
                price_yuan=str(rng.randint(0, 300)),
                price_type="hourly" if hourly else "fixed",
                est_hours="2" if hourly else None,
                window_start=now,
                window_end=now + timedelta(days=7),
                lat=lat,
                lon=lon,
                now=now,
            )
    finally:
        db.conn.close()


def script_times(runs: int, count: int) -> tuple[float, float]:
    """Median seconds of one script run of (baseline page, signed-in app.py); see the module docstring."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    # Setting session_state from the bench's own thread logs "missing ScriptRunContext" each time.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True
    db = database.connect()
    resident = users.by_username(db, RESIDENT)
    db.conn.close()

    # What is timed: ScriptRunner._run_script on AppTest's script thread, i.e. the page's code from the
    # start of the run until it finished (st.rerun()s inside included) with every message queued. Not
    # timed: AppTest's own per-instance component-manifest scan and its parsing of the messages into
    # an element tree (together 0.3-1.5 s here, the same for both pages, and no part of the app).
    durations = []
    run_script = script_runner.ScriptRunner._run_script

    def timed_run_script(self, rerun_data):
        start = time.perf_counter()
        try:
            return run_script(self, rerun_data)
        finally:
            durations.append(time.perf_counter() - start)

    def baseline() -> AppTest:
        return AppTest.from_file(str(ROOT / "bench" / "baseline_map_page.py"), default_timeout=APPTEST_TIMEOUT_S)

    def linbang() -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT_S)
        at.session_state["user_id"] = resident["id"]  # signed in, as ui/auth._start_session leaves a session
        at.session_state["username"] = resident["username"]
        at.session_state["name"] = resident["display_name"]
        at.session_state["issued_at"] = time.time()
        at.session_state["authentication_status"] = True
        at.session_state["logout"] = False
        return at

    def one_run(make) -> float:
        """The first script run of a new session (a fresh AppTest), as on a page load."""
        at, before = make(), len(durations)
        at.run()
        if at.exception:
            raise RuntimeError(f"{make.__name__} raised: {at.exception[0].message}")
        if len(durations) != before + 1:
            raise RuntimeError("expected exactly one script run")
        text = " ".join(e.value for e in [*at.markdown, *at.caption])  # both pages say how many jobs they drew
        if f"{count} jobs" not in text and f"{count} open jobs" not in text:
            raise RuntimeError(f"{make.__name__} did not show the {count} jobs")
        return durations[-1]

    script_runner.ScriptRunner._run_script = timed_run_script
    try:
        # Warm-up, untimed: imports and st.cache_resource. app.py imports everything the baseline page
        # does (folium, folium.plugins, streamlit_folium, services, ui.maps), so one warm-up serves both.
        one_run(linbang)
        samples = {"baseline": [], "linbang": []}
        for _ in range(runs):
            for make in (baseline, linbang):
                samples[make.__name__].append(one_run(make))
    finally:
        script_runner.ScriptRunner._run_script = run_script
    for name, values in samples.items():
        log(f"script {name}: " + " ".join(f"{v:.3f}" for v in values) + " s")
    return statistics.median(samples["baseline"]), statistics.median(samples["linbang"])


def wait_quiet(page, quiet_ms: int = 1500, timeout_s: float = MAP_TIMEOUT_MS / 1000) -> None:
    """Wait until no script run has been going for `quiet_ms`, so a rerun (a component posting its first
    value) does not overlap the next measurement. Like the driver's wait_idle, with a longer limit."""
    running = page.locator('[data-testid="stStatusWidget"]')
    quiet, step, deadline = 0, 150, time.monotonic() + timeout_s
    while quiet < quiet_ms:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the app kept running for {timeout_s:.0f} s: {running.first.inner_text()!r}")
        quiet = 0 if running.count() else quiet + step
        page.wait_for_timeout(step)


def log_in(browser, base_url: str) -> list[dict]:
    """Sign in as the resident through /login and return the cookies the app left in the browser."""
    from ui.auth import COOKIE_NAME  # imported late: importing Streamlit modules outside a run logs warnings

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(base_url + "/login")
    page.get_by_label("Username", exact=True).fill(RESIDENT)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    deadline = time.monotonic() + 60
    while not any(c["name"] == COOKIE_NAME for c in context.cookies()):
        if time.monotonic() > deadline:
            raise RuntimeError("no re-login cookie after signing in")
        page.wait_for_timeout(200)
    wait_quiet(page)
    cookies = context.cookies()
    context.close()
    return cookies


# Runs in every frame before its own scripts. In the map's frame it checks every 5 ms for the first
# `.marker-cluster` element with a size and notes that moment as a Unix time in ms (the page's clock:
# performance.timeOrigin + now()). It polls `document` afresh each time: the frame's window outlives
# its first, blank document. Playwright's own wait polls ever more slowly (up to every 500 ms), which
# would add up to half a second of noise to a 3 s page; it only says when to read this mark.
FIRST_CLUSTER_MARK = """
if (window !== window.top) {
    (function check() {
        var cluster = document.querySelector(".marker-cluster");
        if (cluster && cluster.getBoundingClientRect().width > 0) {
            window.__firstClusterAt = performance.timeOrigin + performance.now();
        } else {
            setTimeout(check, 5);
        }
    })();
}
"""


def time_map(browser, url: str, cookies: list[dict] | None = None, signed_in: str | None = None) -> float:
    """Seconds from page.goto() until the first cluster showed in the map iframe (fresh context)."""
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(FIRST_CLUSTER_MARK)
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    try:
        start = time.time()
        page.goto(url, wait_until="commit")
        page.frame_locator(MAP_FRAME).first.locator(".marker-cluster").first.wait_for(
            state="visible", timeout=MAP_TIMEOUT_MS
        )
        shown_at = page.locator(MAP_FRAME).first.element_handle().content_frame().evaluate("window.__firstClusterAt")
        if signed_in and signed_in not in page.inner_text('[data-testid="stSidebar"]'):
            raise RuntimeError("the browse page was not signed in")
        wait_quiet(page)
        return shown_at / 1000 - start
    finally:
        context.close()


FLOOR_JOBS = 10


def browser_times(tmp: pathlib.Path, runs: int) -> dict[str, float]:
    """Median seconds to the first cluster of the baseline, linbang and floor pages, alternating runs."""
    from playwright.sync_api import sync_playwright

    # Streamlit serves static/ from the folder of the main script. The baseline page lives in bench/,
    # so it is run through a symlink in a temporary folder next to a `static` symlink to the repo's
    # static/ (Streamlit takes the script path as given, not resolved, and resolves the static root).
    # The server's cwd stays the repo root, so .streamlit/config.toml (static serving on) applies.
    entry = tmp / "baseline"
    entry.mkdir()
    (entry / "baseline_map_page.py").symlink_to(ROOT / "bench" / "baseline_map_page.py")
    (entry / "static").symlink_to(ROOT / "static", target_is_directory=True)
    servers = []
    try:
        servers.append(Server(tmp, script=str(entry / "baseline_map_page.py")))
        servers.append(Server(tmp))
        base, app = servers
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                cookies = log_in(browser, app.url)
                signed_in = "Signed in as Resident"
                warm_base = time_map(browser, base.url + "/")
                warm_app = time_map(browser, app.url + "/", cookies, signed_in)
                log(f"warm-up (untimed): baseline {warm_base:.2f} s, linbang {warm_app:.2f} s")
                pages = {
                    "baseline": lambda: time_map(browser, base.url + "/"),
                    "linbang": lambda: time_map(browser, app.url + "/", cookies, signed_in),
                    "floor": lambda: time_map(browser, f"{base.url}/?limit={FLOOR_JOBS}"),
                }
                samples = {name: [] for name in pages}
                for i in range(runs):
                    for name, measure in pages.items():
                        samples[name].append(measure())
                    log(f"run {i + 1}: " + ", ".join(f"{name} {values[-1]:.2f} s" for name, values in samples.items()))
            finally:
                browser.close()
    finally:
        for server in servers:
            server.stop()
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="linbang-bench-"))
    try:
        # The in-process AppTest runs use the same database as the servers (Server points LINBANG_DB at
        # tmp/linbang.db too), and a cookie key of their own so that nothing is written to data/.
        os.environ["LINBANG_DB"] = str(tmp / "linbang.db")
        os.environ["LINBANG_COOKIE_KEY"] = "bench-browse-map-cookie-key-" + tmp.name
        fill(tmp / "linbang.db", args.jobs)
        log(f"filled {args.jobs} jobs in {time.perf_counter() - started:.1f} s")
        baseline_script, script = script_times(args.runs, args.jobs)
        browser = browser_times(tmp, args.runs)
    except BaseException:
        log(f"kept {tmp} (database and streamlit-*.log server logs)")
        raise
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"bench took {time.perf_counter() - started:.1f} s")
    baseline_s, linbang_s, floor_s = browser["baseline"], browser["linbang"], browser["floor"]
    print(
        f"jobs={args.jobs} baseline_s={baseline_s:.3f} linbang_s={linbang_s:.3f} ratio={linbang_s / baseline_s:.3f} "
        f"baseline_script_s={baseline_script:.3f} script_s={script:.3f} script_ratio={script / baseline_script:.3f} "
        f"floor_s={floor_s:.3f} floor_ratio={floor_s / baseline_s:.3f}"
    )


if __name__ == "__main__":
    main()
