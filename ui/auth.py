"""Sign-in state for a Streamlit session, on top of streamlit-authenticator's re-login cookie.

The library's cookie manager writes and deletes the cookie (an HS256 JWT {username, exp_date}, the
library's own format); we read it from the request's cookies, and services.users decides whether it
still stands for a valid session: the account exists and is not blocked, and the cookie
was issued after the user's last logout. Login and registration forms are our own so that every
check (slowing down repeated failures, dummy bcrypt, one generic message) happens in services.users.
"""

import ipaddress
import os
import pathlib
import secrets
import time
from datetime import datetime, timedelta

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from uvicorn.middleware.proxy_headers import _TrustedHosts

from services import users
from services.clock import utcnow
from services.db import Database
from services.rows import User

from .prefs import adopt

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


# Streamlit 1.67 serves through uvicorn, which already reports the X-Forwarded-For address instead of a
# peer on this machine (uvicorn's FORWARDED_ALLOW_IPS, by default 127.0.0.1 and ::1): anyone connecting
# from here, or through a proxy here that passes the header on, could name any address they like. The
# same class is used below, to undo exactly what it did.
_SERVER_TRUST = _TrustedHosts(os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"))
THIS_MACHINE = "127.0.0.1"


def client_id() -> str:
    """Who is knocking, for the per-client sign-in limits: the client's network address."""
    reported = st.context.ip_address
    return client_address(
        reported if isinstance(reported, str) else None,  # AppTest has a stand-in object, no address
        ", ".join(st.context.headers.get_all("X-Forwarded-For")),
        _TrustedHosts(os.environ.get("LINBANG_TRUSTED_PROXY", "")),
    )


def client_address(reported: str | None, forwarded_for: str, trusted_proxies: _TrustedHosts) -> str:
    """The address a connection comes from: the forwarded one only when the connection comes from a
    proxy the organizer named in LINBANG_TRUSTED_PROXY.

    `reported` is st.context.ip_address (None for this machine), `forwarded_for` the X-Forwarded-For
    header ("" for none). Nothing else a browser sends (its User-Agent, say) counts: it can change it.
    """
    peer = reported or THIS_MACHINE
    if forwarded_for and reported == _SERVER_TRUST.get_trusted_client_address(forwarded_for)[0]:
        peer = THIS_MACHINE  # what uvicorn reported came from the header: the peer was on this machine
    if forwarded_for and peer in trusted_proxies:
        return _grouped(trusted_proxies.get_trusted_client_address(forwarded_for)[0])
    return _grouped(peer)


def _grouped(address: str) -> str:
    """An IPv4 address, or the /64 network of an IPv6 one: a home or a server is given a whole /64 and
    could use a fresh address for every try."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]  # not an address (a proxy sending junk): still one client
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))


def _start_session(user: User, issued_at: float) -> None:
    adopt(user)
    st.session_state.update(
        user_id=user["id"],
        issued_at=issued_at,
        username=user["username"],
        name=user["display_name"],
    )


def _end_session() -> None:
    for key in SESSION_KEYS:
        st.session_state.pop(key, None)


def current_user(db: Database) -> User | None:
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


def _session_user(db: Database) -> User | None:
    user = users.session_user(db, st.session_state["username"], st.session_state["issued_at"])
    if user is None:
        _end_session()
    return user


def _cookie_user(db: Database) -> User | None:
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


def log_in(db: Database, username: str, password: str) -> User:
    """Check the password (services raise AuthFailed/TooManyAttempts), start a session and have the
    re-login cookie written: the library's token format, {username, exp_date} signed HS256."""
    user = users.authenticate(db, username, password, client=client_id(), now=utcnow())
    _issue(user)
    return user


def _issue(user: User) -> None:
    """Start this session for `user`, issued now, and have its re-login cookie written."""
    _start_session(user, utcnow().timestamp())
    expires = datetime.now() + timedelta(days=COOKIE_EXPIRY_DAYS)  # naive local time, as the library's
    token = jwt.encode({"username": user["username"], "exp_date": expires.timestamp()}, cookie_key(), "HS256")
    st.session_state[COOKIE_ACTION] = ("set", token, expires)


def change_password(db: Database, user: User, current: str, password: str, password_again: str) -> None:
    """Change the acting person's password: services.users.change_password ends every session and
    re-login cookie issued until now (a copied cookie, another phone); this session starts anew with a
    fresh cookie, so the person stays signed in here. Raises what the service raises."""
    users.change_password(
        db, user, current=current, password=password, password_again=password_again, client=client_id(), now=utcnow()
    )
    _issue(users.get(db, user["id"]))


def reset_password(db: Database, username: str, code: str, password: str, password_again: str) -> User:
    """Choose a new password with a reset code (services.users.reset_password: every session and
    re-login cookie of the account ends) and sign in here with it. Raises what the service raises."""
    user = users.reset_password(
        db,
        username=username,
        code=code,
        password=password,
        password_again=password_again,
        client=client_id(),
        now=utcnow(),
    )
    _issue(user)
    return user


def log_out(db: Database, user: User) -> None:
    """End this session and invalidate every cookie issued so far, wherever it was copied to."""
    users.log_out_everywhere(db, user["id"], utcnow())
    _end_session()
    st.session_state[COOKIE_ACTION] = ("delete",)
