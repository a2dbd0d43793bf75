"""Sign-in state for a Streamlit session, on top of streamlit-authenticator's re-login cookie.

The library writes and reads the cookie (an HS256 JWT {username, exp_date}); services.users decides
whether it still stands for a valid session: the account exists and is not blocked, and the cookie
was issued after the user's last logout. Login and registration forms are our own so that every
check (lock-out, dummy bcrypt, one generic message) happens in services.users.
"""

import hashlib
import os
import pathlib
import secrets

import streamlit as st
import streamlit_authenticator as stauth

from services import users
from services.clock import utcnow

from .i18n import set_language

COOKIE_NAME = "linbang_auth"
COOKIE_EXPIRY_DAYS = 14.0
SECRET_FILE = pathlib.Path(__file__).resolve().parent.parent / "data" / "secret.key"
SESSION_KEYS = ("user_id", "issued_at", "username", "name", "authentication_status")


@st.cache_resource
def cookie_key() -> str:
    """LINBANG_COOKIE_KEY, or a random key generated once into data/secret.key (mode 0600)."""
    if os.environ.get("LINBANG_COOKIE_KEY"):
        return os.environ["LINBANG_COOKIE_KEY"]
    SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return SECRET_FILE.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(48))
    return SECRET_FILE.read_text().strip()


def _cookies():
    """The library's cookie controller, built on every run: its cookie components render each run."""
    # Empty credentials: the library never sees a password hash and never signs anyone in itself.
    authenticator = stauth.Authenticate({"usernames": {}}, COOKIE_NAME, cookie_key(), COOKIE_EXPIRY_DAYS)
    return authenticator.cookie_controller


def client_id() -> str:
    """Who is knocking, for per-client lock-out: address plus browser, hashed."""
    ip = st.context.ip_address or "local"
    agent = st.context.headers.get("User-Agent", "")
    return hashlib.sha256(f"{ip}|{agent}".encode()).hexdigest()[:16]


def _start_session(user: dict, issued_at: float) -> None:
    set_language(user["language"])
    st.session_state.update(
        user_id=user["id"],
        issued_at=issued_at,
        username=user["username"],
        name=user["display_name"],
        authentication_status=True,
        logout=False,
    )


def _end_session() -> None:
    """Forget the user; `logout` (the library's flag) stops it reading the cookie and makes us delete it."""
    for key in SESSION_KEYS:
        st.session_state.pop(key, None)
    st.session_state["logout"] = True


def current_user(db) -> dict | None:
    """The signed-in user for this run, or None. Call once per run, before navigation.

    Restores a session from the re-login cookie when there is none, and ends one whose user was
    blocked or logged out elsewhere. The cookie write (or delete after logout) is rendered on every
    run rather than once, because a cookie component only acts once its frame has loaded.
    """
    cookies = _cookies()
    user = _session_user(db) if "user_id" in st.session_state else _cookie_user(db, cookies)
    if user:
        cookies.set_cookie()
    elif st.session_state.get("logout"):
        cookies.delete_cookie()
    return user


def _session_user(db) -> dict | None:
    user = users.session_user(db, st.session_state["username"], st.session_state["issued_at"])
    if user is None:
        _end_session()
    return user


def _cookie_user(db, cookies) -> dict | None:
    token = cookies.get_cookie()
    if not token:
        return None
    issued_at = token["exp_date"] - COOKIE_EXPIRY_DAYS * 86400
    user = users.session_user(db, token["username"], issued_at)
    if user is None:
        _end_session()
        return None
    _start_session(user, issued_at)
    return user


def log_in(db, username: str, password: str) -> dict:
    """Check the password (services raise AuthFailed/LockedOut) and start a session.

    The cookie is written by current_user() on the next run.
    """
    now = utcnow()
    user = users.authenticate(db, username, password, client=client_id(), now=now)
    _start_session(user, now.timestamp())
    return user


def log_out(db, user: dict) -> None:
    """End this session and invalidate every cookie issued so far, wherever it was copied to."""
    users.log_out_everywhere(db, user["id"], utcnow())
    _end_session()
