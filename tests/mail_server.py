"""A real SMTP server for the e-mail tests: aiosmtpd listening on a free localhost port in a thread of
the test process. Made stopped, so a test can first show what happens while no server answers there."""

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Letter:
    """What the server received: the envelope's recipients and the message as parsed."""

    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_content()


@dataclass
class MailServer:
    """An SMTP server on `port`; with `password`, it takes mail only after signing in with it (over a
    plain connection: aiosmtpd warns of that, which a test of signing in silences)."""

    port: int = field(default_factory=free_port)
    password: str | None = None
    letters: list[Letter] = field(default_factory=list)
    sign_ins: list[tuple[str, str]] = field(default_factory=list)  # (name, password) of each accepted sign-in
    _controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.letters.append(Letter(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword) or auth_data.password.decode() != self.password:
            return AuthResult(success=False, handled=False)
        self.sign_ins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    def start(self) -> "MailServer":
        options = {"authenticator": self._authenticate, "auth_required": True} if self.password is not None else {}
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, auth_require_tls=False, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None
