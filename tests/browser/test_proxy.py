"""Running it for real (#16 item 11): a real Caddy with deploy/Caddyfile in front of a real `streamlit
run`. The board answers through it with the headers Streamlit cannot send itself (no framing by other
sites, no referrer to them, HSTS on HTTPS only), its pages talk over the websocket through it, and
another site's page cannot show it in a frame. And deploy/linbang.service passes systemd's own check.

Caddy runs unprivileged on free high ports, configured by deploy/Caddyfile's own placeholders (the
environment), as on a server; its own certificate authority signs `localhost`, and the test trusts that.
Skipped, with the reason shown, where Caddy or systemd-analyze is missing (tests.support.missing_tool).
"""

import os
import pathlib
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect
from streamlit_driver import MAP_FRAME, ROOT, TIMEOUT, free_port, goto, map_frame, open_page, stop_group

from tests.support import missing_tool

CADDYFILE = ROOT / "deploy" / "Caddyfile"
UNIT = ROOT / "deploy" / "linbang.service"
EVERY_SITE = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000"


class Caddy:
    """`caddy run` with deploy/Caddyfile for the site `site`, proxying to `upstream` (host:port), its
    ports free ones, its certificates and state under `home`."""

    def __init__(self, home: pathlib.Path, site: str, upstream: str):
        self.https_port, self.http_port = free_port(), free_port()
        self.home = home
        env = dict(
            os.environ,
            LINBANG_SITE=site.format(https_port=self.https_port, http_port=self.http_port),
            LINBANG_UPSTREAM=upstream,
            LINBANG_HTTPS_PORT=str(self.https_port),
            LINBANG_HTTP_PORT=str(self.http_port),
            LINBANG_CADDY_ADMIN="off",
            HOME=str(home),
            XDG_DATA_HOME=str(home / "data"),
            XDG_CONFIG_HOME=str(home / "config"),
        )
        self.log = home / "caddy.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                ["caddy", "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def get(self, url: str, timeout: float = 30):
        """The response to a GET of `url` once Caddy answers (it starts, then makes its certificate)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("caddy exited:\n" + self.log.read_text())
            try:
                with urllib.request.urlopen(url, timeout=5, context=self.trusting()) as response:
                    response.read()
                    return response
            except (urllib.error.URLError, ConnectionError, ssl.SSLError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def trusting(self) -> ssl.SSLContext:
        """TLS that trusts Caddy's own root certificate, once it has made one."""
        root = self.home / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        return ssl.create_default_context(cafile=str(root)) if root.exists() else ssl.create_default_context()

    def stop(self) -> None:
        stop_group(self.process)


@pytest.fixture(scope="module")
def caddy_found():
    if shutil.which("caddy") is None:
        missing_tool("no caddy here (Debian's package caddy)")


@pytest.fixture(scope="module")
def https(caddy_found, server, tmp_path_factory):
    """Caddy serving the board at https://localhost on a free port, as on the internet."""
    caddy = Caddy(tmp_path_factory.mktemp("caddy-https"), "localhost", f"127.0.0.1:{server.port}")
    try:
        yield caddy
    finally:
        caddy.stop()


@pytest.fixture(scope="module")
def plain_http(caddy_found, server, tmp_path_factory):
    """Caddy serving the board over plain HTTP, as on a LAN without certificates."""
    caddy = Caddy(tmp_path_factory.mktemp("caddy-http"), "http://127.0.0.1:{http_port}", f"127.0.0.1:{server.port}")
    try:
        yield caddy
    finally:
        caddy.stop()


def test_the_board_through_caddy_over_https_sends_every_header_streamlit_cannot(https):
    response = https.get(f"https://localhost:{https.https_port}/")
    assert response.status == 200
    for name, value in EVERY_SITE.items():
        assert response.headers[name] == value, name
    assert response.headers["Strict-Transport-Security"] == HSTS
    assert "Server" not in response.headers


def test_plain_http_on_the_lan_sends_the_same_headers_but_no_hsts(plain_http):
    response = plain_http.get(f"http://127.0.0.1:{plain_http.http_port}/")
    assert response.status == 200
    for name, value in EVERY_SITE.items():
        assert response.headers[name] == value, name
    assert "Strict-Transport-Security" not in response.headers


def test_a_page_through_caddy_runs_over_its_websocket(https, browser):
    page = open_page(browser, ignore_https_errors=True)
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))
    goto(page, f"https://localhost:{https.https_port}/")  # the page's title comes over the websocket
    assert [socket.url for socket in sockets] == [f"wss://localhost:{https.https_port}/_stcore/stream"]
    assert not sockets[0].is_closed()


def test_the_boards_own_frames_still_draw_through_caddy(https, browser):
    """The map and the sign-in cookie are components: pages of the board's own, shown in frames of the
    board's pages. They may still be framed, by the board alone."""
    page, board = open_page(browser, ignore_https_errors=True), f"https://localhost:{https.https_port}/"
    goto(page, board)  # the setup page: its centre is picked on a map
    expect(map_frame(page).locator(".leaflet-container")).to_be_visible(timeout=TIMEOUT)
    component = https.get(urllib.parse.urljoin(board, page.locator(MAP_FRAME).get_attribute("src")))
    assert "/component/" in component.url
    assert component.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert component.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_another_sites_page_cannot_frame_the_board(https, browser):
    page = open_page(browser, ignore_https_errors=True)
    board = f"https://localhost:{https.https_port}/"
    page.route("http://elsewhere.test/", lambda route: route.fulfill(body=f'<iframe src="{board}"></iframe>'))
    page.goto("http://elsewhere.test/")
    expect(page.locator("iframe")).to_be_attached(timeout=TIMEOUT)
    frame = page.frames[1]
    page.wait_for_timeout(1000)  # time enough for the board to start drawing, if it were allowed to
    assert frame.url == "chrome-error://chromewebdata/"  # Chromium's page for a refused frame
    assert frame.locator('[data-testid="stApp"]').count() == 0
    # control: the same page opened directly draws the board
    goto(page, board)


def test_the_systemd_unit_passes_systemds_own_check(tmp_path):
    """systemd-analyze verify, with the unit's /opt/linbang read as this checkout (its commands must exist)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        missing_tool("no systemd-analyze here (Debian's package systemd)")
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text().replace("/opt/linbang", str(ROOT)))
    checked = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr
