"""Sign-in state for a Streamlit session, on top of streamlit-authenticator's re-login cookie.

The library's cookie manager writes and deletes the cookie (an HS256 JWT {username, exp_date}, the
library's own format); we read it from the request's cookies, and services.users decides whether it
still stands for a valid session: the account exists and is not blocked, and the cookie
was issued after the user's last logout. Login and registration forms are our own so that every
check (lock-out, dummy bcrypt, one generic message) happens in services.users.
"""

import hashlib
import os
import pathlib
import secrets
import time
from datetime import datetime, timedelta

import jwt
import streamlit as st
import streamlit_authenticator as stauth

from services import users
from services.clock import utcnow

from .i18n import set_language

COOKIE_NAME = "linbang_auth"
COOKIE_EXPIRY_DAYS = 14.0
SECRET_FILE = pathlib.Path(__file__).resolve().parent.parent / "data" / "secret.key"
SESSION_KEYS = ("user_id", "issued_at", "username", "name")
COOKIE_ACTION = "_cookie_action"  # ("set", token, expires) after login, ("delete",) after logout


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
    )


def _end_session() -> None:
    for key in SESSION_KEYS:
        st.session_state.pop(key, None)


def current_user(db) -> dict | None:
    """The signed-in user for this run, or None. Call once per run, before navigation.

    Restores a session from the re-login cookie when there is none, and ends one whose user was
    blocked or logged out elsewhere. A cookie component renders only in a session that signed in or
    out: each one posts a value when it mounts, which costs a rerun, so a restored session renders
    none; and it gets the same arguments on every run, so it mounts once.
    """
    user = _session_user(db) if "user_id" in st.session_state else _cookie_user(db)
    action = st.session_state.get(COOKIE_ACTION)
    if action:
        _render_cookie_action(action)
    return user


def _session_user(db) -> dict | None:
    user = users.session_user(db, st.session_state["username"], st.session_state["issued_at"])
    if user is None:
        _end_session()
    return user


def _cookie_user(db) -> dict | None:
    """The user the re-login cookie sent with this session's connection names, if still valid."""
    token = st.context.cookies.get(COOKIE_NAME)
    if not token:
        return None
    try:
        claims = jwt.decode(token, cookie_key(), algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return None
    if not isinstance(claims.get("exp_date"), (int, float)) or claims["exp_date"] <= time.time():
        return None
    issued_at = claims["exp_date"] - COOKIE_EXPIRY_DAYS * 86400
    user = users.session_user(db, str(claims.get("username", "")), issued_at)
    if user:
        _start_session(user, issued_at)
    return user


def _render_cookie_action(action: tuple) -> None:
    """Write or delete the cookie through streamlit-authenticator's cookie manager."""
    controller = stauth.Authenticate({"usernames": {}}, COOKIE_NAME, cookie_key(), COOKIE_EXPIRY_DAYS).cookie_controller
    if action[0] == "set":
        controller.cookie_model.cookie_manager.set(COOKIE_NAME, action[1], expires_at=action[2])
    else:
        controller.delete_cookie()


def log_in(db, username: str, password: str) -> dict:
    """Check the password (services raise AuthFailed/LockedOut), start a session and have the
    re-login cookie written: the library's token format, {username, exp_date} signed HS256."""
    now = utcnow()
    user = users.authenticate(db, username, password, client=client_id(), now=now)
    _start_session(user, now.timestamp())
    expires = datetime.now() + timedelta(days=COOKIE_EXPIRY_DAYS)  # naive local time, as the library's
    token = jwt.encode({"username": user["username"], "exp_date": expires.timestamp()}, cookie_key(), "HS256")
    st.session_state[COOKIE_ACTION] = ("set", token, expires)
    return user


def log_out(db, user: dict) -> None:
    """End this session and invalidate every cookie issued so far, wherever it was copied to."""
    users.log_out_everywhere(db, user["id"], utcnow())
    _end_session()
    st.session_state[COOKIE_ACTION] = ("delete",)
