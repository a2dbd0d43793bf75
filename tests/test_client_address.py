"""ui.auth.client_address: the network address sign-in limits count under, for connections as the
server (uvicorn, under Streamlit 1.67) hands them to the app: its proxy-header middleware first, then
st.context.ip_address's view of the result (None for this machine)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware, _TrustedHosts

from ui.auth import client_address

UVICORN_DEFAULT_TRUST = "127.0.0.1,::1"  # uvicorn.Config's forwarded_allow_ips when FORWARDED_ALLOW_IPS is unset


def seen_as(peer: str, forwarded_for: str = "", trusted_proxy: str = "") -> str:
    """The client address of a connection from `peer` sending that X-Forwarded-For header, with
    LINBANG_TRUSTED_PROXY set to `trusted_proxy`."""
    headers = [(b"x-forwarded-for", forwarded_for.encode())] if forwarded_for else []
    scope = {"type": "websocket", "client": (peer, 50000), "headers": headers}
    passed_on = {}

    async def app(scope, receive, send):
        passed_on.update(scope)

    middleware = ProxyHeadersMiddleware(app, trusted_hosts=UVICORN_DEFAULT_TRUST)
    # On a thread of its own: the browser tests' Playwright keeps an event loop running on this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, middleware(scope, None, None)).result()
    host = passed_on["client"][0]
    reported = None if host in {"127.0.0.1", "::1"} else host  # as st.context.ip_address
    return client_address(reported, forwarded_for, _TrustedHosts(trusted_proxy))


CASES = {
    # no proxy configured: the header never counts, whoever sends it
    "direct": (("203.0.113.5",), "203.0.113.5"),
    "this-machine": (("127.0.0.1",), "127.0.0.1"),
    "this-machine-ipv6": (("::1",), "127.0.0.1"),
    "direct-claiming-another-address": (("203.0.113.5", "198.51.100.1"), "203.0.113.5"),
    # looks the same as a client here whose header uvicorn took: one more address for it, never a new one
    "direct-naming-itself-last": (("203.0.113.5", "198.51.100.1, 203.0.113.5"), "127.0.0.1"),
    "this-machine-claiming-an-address": (("127.0.0.1", "198.51.100.1"), "127.0.0.1"),
    "this-machine-claiming-a-list": (("127.0.0.1", "198.51.100.1, 198.51.100.2"), "127.0.0.1"),
    "this-machine-claiming-junk": (("127.0.0.1", "not an address"), "127.0.0.1"),
    # a proxy on this machine, configured: it appends the address it saw, anything before is the client's
    "local-proxy": (("127.0.0.1", "203.0.113.5", "127.0.0.1"), "203.0.113.5"),
    "local-proxy-after-a-claim": (("127.0.0.1", "198.51.100.1, 203.0.113.5", "127.0.0.1"), "203.0.113.5"),
    "local-proxy-bypassed": (("203.0.113.9", "198.51.100.1", "127.0.0.1"), "203.0.113.9"),
    "bypassed-with-own-address-first": (("203.0.113.9", "203.0.113.9, 198.51.100.1", "127.0.0.1"), "203.0.113.9"),
    "local-proxy-without-header": (("127.0.0.1", "", "127.0.0.1"), "127.0.0.1"),
    # a proxy on another machine, configured (uvicorn does not trust it: the header comes through as sent)
    "remote-proxy": (("192.168.1.2", "198.51.100.1, 203.0.113.5", "192.168.1.2"), "203.0.113.5"),
    "remote-proxy-network": (("192.168.1.2", "203.0.113.5", "192.168.1.0/24"), "203.0.113.5"),
    "remote-proxy-bypassed": (("203.0.113.9", "198.51.100.1", "192.168.1.2"), "203.0.113.9"),
    "two-proxies": (("127.0.0.1", "198.51.100.1, 203.0.113.5, 10.0.0.5", "127.0.0.1, 10.0.0.5"), "203.0.113.5"),
    "unconfigured-remote-proxy": (("192.168.1.2", "203.0.113.5"), "192.168.1.2"),
    # one client, whatever it picks from its block of IPv6 addresses
    "ipv6": (("2001:db8:1:2::10",), "2001:db8:1:2::/64"),
    "ipv6-same-block": (("2001:db8:1:2:ffff:ffff:ffff:1",), "2001:db8:1:2::/64"),
    "ipv4-mapped": (("::ffff:203.0.113.5",), "203.0.113.5"),
    "forwarded-ipv6-with-port": (("127.0.0.1", "[2001:db8:1:2::10]:443", "127.0.0.1"), "2001:db8:1:2::/64"),
    "junk-through-the-proxy": (("127.0.0.1", "unknown", "127.0.0.1"), "unknown"),
}


@pytest.mark.parametrize("connection, expected", CASES.values(), ids=CASES.keys())
def test_a_connection_is_counted_under_its_real_address(connection, expected):
    assert seen_as(*connection) == expected


def test_a_client_on_this_machine_naming_a_new_address_each_time_stays_one_client():
    """The probe of issue #11: without a configured proxy, a fresh X-Forwarded-For on every try must
    not make a fresh client (uvicorn alone would report each one)."""
    assert {seen_as("127.0.0.1", f"198.51.100.{i}") for i in range(20)} == {"127.0.0.1"}
