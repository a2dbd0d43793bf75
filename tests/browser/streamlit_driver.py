"""The app under test (a real `streamlit run`) and how a person drives it: labelled inputs, named
buttons, a click on a map."""

import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import weakref

from playwright.sync_api import Browser, Locator, Page, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LISTENING = re.compile(r"Uvicorn server started on \S+:(?P<port>\d+)")  # Streamlit's log line once it has bound
TIMEOUT = 30_000


class Runs:
    """What the server has told one page about its script runs, read from the app's websocket frames
    (Streamlit's own ForwardMsg messages): how many runs have finished, whether one is going, and
    when the server last said anything. The page's markers of a run (its status widget, the app's
    data-test-script-state) can miss a quick run: the browser draws only what it has by the next frame."""

    def __init__(self) -> None:
        self.finished, self.running, self.heard = 0, False, time.monotonic()

    def hear(self, frame: bytes | str) -> None:
        message = ForwardMsg.FromString(frame) if isinstance(frame, bytes) else None
        kind = message.WhichOneof("type") if message else None
        if kind == "heartbeat_ack":
            return
        self.heard = time.monotonic()
        if kind == "new_session":
            self.running = True
        elif kind == "session_status_changed":
            self.running = message.session_status_changed.script_is_running
        elif kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            # a run stopped early for a rerun (st.rerun, st.switch_page, a press while it ran) is
            # followed at once by that rerun: the app is still running
            self.running, self.finished = False, self.finished + 1


RUNS: "weakref.WeakKeyDictionary[Page, Runs]" = weakref.WeakKeyDictionary()
# A run may start another at once (st.rerun after an action): idle is no word from the server for this long.
QUIET_S = 0.3


def open_page(browser: Browser, **context_options) -> Page:
    """A new page in a context of its own (a person of their own), whose script runs are followed."""
    page = browser.new_context(**context_options).new_page()
    runs = RUNS[page] = Runs()
    page.on("websocket", lambda socket: socket.on("framereceived", runs.hear))
    return page


def _quiet(page: Page, after: int = -1, since: float = 0) -> None:
    """Until more than `after` runs have finished, none is going, and the server has said nothing
    for QUIET_S since `since` (a time.monotonic())."""
    runs, deadline = RUNS[page], time.monotonic() + TIMEOUT / 1000
    while True:
        page.wait_for_timeout(50)  # Playwright hands over the frames received meanwhile
        if runs.finished > after and not runs.running and time.monotonic() - max(runs.heard, since) >= QUIET_S:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the app did not finish a run and settle: {vars(runs)}")


def wait_idle(page: Page) -> None:
    """Wait until the app has run nothing for QUIET_S since this call (a run the last action causes
    may take a moment to start)."""
    _quiet(page, since=time.monotonic())


def goto(page: Page, url: str) -> None:
    """Open a URL and wait for the page's script to have run: every Linbang page starts with a title."""
    page.goto(url)
    expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible(timeout=TIMEOUT)
    wait_idle(page)


def visit(page: Page, url: str) -> None:
    """Open another URL of the app already shown, as its own links and the browser's back button do:
    the address changes and the page runs for it in the same session, without reloading the app
    (a reload costs the browser about a second of CPU, a tenth of it for the server)."""
    _quiet(page)
    before = RUNS[page].finished
    page.evaluate("url => { history.pushState(null, '', url); dispatchEvent(new PopStateEvent('popstate')); }", url)
    _quiet(page, after=before)


def fill(page: Page, label: str, value: str) -> None:
    """Type into a labelled box and leave it, as a person does; outside a form that runs the page."""
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Tab")
    wait_idle(page)


def click(page: Page, name: str) -> None:
    """Press a button and wait for the run it causes to end (a run still going from the last step ends
    first, so the run waited for is the press's own)."""
    _quiet(page)
    before = RUNS[page].finished
    page.get_by_role("button", name=name, exact=True).click()
    _quiet(page, after=before)


MENU_BUTTON = '.st-key-menu_phone [data-testid="stPopoverButton"]'  # the phone's labelled menu (ui/menu.py)
MENU_BODY = '[data-testid="stPopoverBody"]'


def open_menu(page: Page):
    """Tap the phone's menu button; the menu that opens."""
    page.locator(MENU_BUTTON).click()
    wait_idle(page)
    body = page.locator(MENU_BODY)
    expect(body).to_be_visible(timeout=TIMEOUT)
    return body


def open_menu_page(page: Page, name: str) -> None:
    """Follow the menu's link to `name`: in the sidebar, or at a phone's width in the phone menu."""
    link = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"] a', has_text=name)
    if not link.is_visible():
        link = open_menu(page).locator('[data-testid="stPageLink"] a', has_text=name)
    link.click()
    wait_idle(page)


def map_frame(page: Page, index: int = 0):
    frame = page.frame_locator(MAP_FRAME).nth(index)
    expect(frame.locator(".leaflet-container")).to_be_visible(timeout=TIMEOUT)
    return frame


def click_map_centre(page: Page, index: int = 0) -> None:
    """Click the middle of a map (the pages centre their pick maps on the community)."""
    frame = map_frame(page, index)
    frame.locator(".leaflet-container").click(position=_centre(frame.locator(".leaflet-container")))
    wait_idle(page)


def _centre(locator):
    box = locator.bounding_box()
    return {"x": box["width"] / 2, "y": box["height"] / 2}


def expect_text(page: Page, text: str) -> None:
    expect(page.locator('[data-testid="stMain"]').get_by_text(text, exact=False).first).to_be_visible(timeout=TIMEOUT)


def no_error(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def text_of(page: Page) -> str:
    return re.sub(r"\s+", " ", page.inner_text('[data-testid="stMain"]'))


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox or multiselect by its visible text."""
    wanted = page.get_by_role("option", name=option, exact=True)
    box = page.get_by_label(label, exact=True)
    box.click()
    if not wanted.is_visible():  # focus from a Tab may already have opened it, the click closed it
        box.click()
    wanted.click()
    wait_idle(page)


def record_top_up(organizer: Page, person: str, amount: str, *, note: str = "微信转账", send=None) -> None:
    """Fill in the top-up form of the cashier page (open, in Chinese), send it and confirm the
    amounts it shows (ui.confirm): `send(button)` presses each button (default: one click)."""
    form = organizer.locator('[data-testid="stForm"]').first  # the top-up tab's (payout has the same fields)
    organizer.get_by_label("谁交的钱", exact=True).click()  # above the form: the balance follows the pick
    organizer.get_by_role("option", name=person, exact=True).click()
    wait_idle(organizer)
    for label, value in (("金额（元）", amount), ("备注", note)):
        form.get_by_label(label, exact=True).fill(value)
        form.get_by_label(label, exact=True).press("Tab")
    (send or Locator.click)(form.get_by_role("button", name="记一笔充值", exact=True))
    wait_idle(organizer)
    (send or Locator.click)(organizer.get_by_role("button", name="确认", exact=True).first)
    wait_idle(organizer)


def upload(page, label: str, name: str, content: bytes) -> None:
    """Choose a file for the uploader labelled `label` (Streamlit uploads it at once)."""
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has=page.get_by_text(label, exact=True))
    uploader.locator('input[type="file"]').set_input_files({"name": name, "mimeType": "image/jpeg", "buffer": content})
    expect(uploader.get_by_text(name)).to_be_visible()
    wait_idle(page)


def register(page: Page, base_url: str, *, username: str, name: str, password: str, wants_work: bool = False) -> None:
    goto(page, base_url + "/register")
    fill(page, "用户名", username)
    fill(page, "称呼（公开显示）", name)
    fill(page, "密码", password)
    fill(page, "再输一次密码", password)
    if wants_work:
        page.get_by_text("我也想接活", exact=False).click()
    click(page, "注册")
    auth_cookie(page.context)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run app.py` on a free port with its own database and cookie key.

    `base_path`: served under that path (--server.baseUrlPath), as behind a proxy's /linbang/.
    `address`: the address to listen on; None leaves it to .streamlit/config.toml, as `make run` does.
    `wrapper`: a command the server runs under (a tracer, say).
    """

    def __init__(
        self,
        tmp: pathlib.Path,
        script: str = "app.py",
        env: dict | None = None,
        *,
        base_path: str = "",
        address: str | None = "127.0.0.1",
        wrapper: tuple[str, ...] = (),
    ):
        fd, log = tempfile.mkstemp(prefix="streamlit-", suffix=".log", dir=tmp)
        self.log = pathlib.Path(log)
        self.db_path = tmp / "linbang.db"
        full_env = dict(
            os.environ,
            LINBANG_DB=str(self.db_path),
            LINBANG_COOKIE_KEY="browser-test-cookie-key-" + tmp.name.ljust(24, "x"),
            **(env or {}),
        )
        command = [*wrapper, sys.executable, "-m", "streamlit", "run", script]
        # Port 0: the system gives the server a free port as it binds. A port found free beforehand could
        # be taken by a server of a test running beside this one before this server binds it.
        command += ["--server.port", "0", "--server.headless", "true"]
        if address:
            command += ["--server.address", address]
        if base_path:
            command += ["--server.baseUrlPath", base_path]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=full_env,
            stdout=fd,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # stop() ends the server and what runs it (a tracer) together
        )
        os.close(fd)
        self.port = self._wait_for("start listening", self._bound_port)
        self.url = f"http://127.0.0.1:{self.port}" + (f"/{base_path}" if base_path else "")
        self._wait_for("become healthy", self._healthy)

    def _wait_for(self, what: str, found, timeout: float = 60):
        """What `found()` returns once it is something, or a failure with the server's log if the
        server exits first or `timeout` seconds pass."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("streamlit exited:\n" + self.log.read_text())
            result = found()
            if result:
                return result
            time.sleep(0.2)
        raise RuntimeError(f"streamlit did not {what}:\n" + self.log.read_text())

    def _bound_port(self) -> int | None:
        started = LISTENING.search(self.log.read_text())
        return int(started["port"]) if started else None

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        stop_group(self.process)


def stop_group(process: subprocess.Popen) -> None:
    """End a process started with start_new_session=True and every process it started (a tracer's
    tracee would otherwise outlive it), politely first."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# Resolves once the app's content has kept its height for three frames in a row and every transition
# under way has ended (the sidebar folding away at a phone's width): a fixed half second before, most
# of it idle, about 50 s over a full run's hundred pictures. Endless animations (spinners) are not waited for.
SETTLED = """() => new Promise(laidOut => {
    const main = document.querySelector('[data-testid="stMain"]');
    let last = -1, same = 0;
    const frame = () => {
        same = main.scrollHeight === last ? same + 1 : 0;
        last = main.scrollHeight;
        same >= 2 ? laidOut() : requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
}).then(() => Promise.all(document.getAnimations()
    .filter(animation => animation.effect?.getComputedTiming().iterations !== Infinity)
    .map(animation => animation.finished.catch(() => null))))"""


def shot(page: Page, name: str) -> pathlib.Path:
    """Keep a screenshot of the whole page as a test artifact.

    Streamlit scrolls inside its own container, so the viewport is stretched to the content's
    height for the picture, once the page is laid out at that size (SETTLED), and put back afterwards.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    viewport = page.viewport_size
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=stMain], section, div')].map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": viewport["width"], "height": min(max(height, viewport["height"]), 6000)})
    page.evaluate(SETTLED)
    page.screenshot(path=str(path))
    page.set_viewport_size(viewport)
    return path


# (server URL, username) -> the re-login cookie a sign-in through the form left there
SIGNED_IN: dict[tuple[str, str], dict] = {}
# The menu's link to the login page (href relative, as Streamlit draws it): only for someone not signed in.
LOGIN_LINK = '[data-testid="stSidebar"] a[href="login"]'


def log_in(page: Page, base_url: str, username: str, password: str = "organizer-pass", *, again: bool = False) -> None:
    """Sign in through the login form; the page then shows the home page.

    `again`: if this person signed in on this server before, come back as a returning neighbour does,
    with the re-login cookie that sign-in left, straight to the home page (a fresh load of the login
    page, two boxes and the sign-in run less). The form is used when the cookie no longer signs in
    (a logout since). For tests about what a page shows, not about signing in."""
    cookie = SIGNED_IN.get((base_url, username)) if again else None
    if cookie:
        page.context.add_cookies([cookie])
        goto(page, base_url)
        if page.locator(LOGIN_LINK).count() == 0:
            return
        page.context.clear_cookies()
    goto(page, base_url + "/login")  # anonymous pages speak the community's language, Chinese here
    fill(page, "用户名", username)
    fill(page, "密码", password)
    click(page, "登录")
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(re.compile("附近的活|Jobs nearby"))
    SIGNED_IN[base_url, username] = auth_cookie(page.context)


AUTH_COOKIE = "linbang_auth"


def auth_cookie(context) -> dict:
    """The re-login cookie, once the browser has stored it: a component writes it just after
    sign-in, and only then does opening another URL keep the person signed in."""
    for _ in range(150):
        found = [c for c in context.cookies() if c["name"] == AUTH_COOKIE]
        if found:
            return found[0]
        context.pages[0].wait_for_timeout(200)
    raise AssertionError("no auth cookie was set")
