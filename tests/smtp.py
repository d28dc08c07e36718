"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""
import email
import socket
import threading
import time
from email import policy

from aiosmtpd.controller import Controller


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on (Controller(port=0) cannot pick one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Received:
    """One delivered message: envelope and the parsed e-mail."""

    def __init__(self, envelope):
        self.mail_from = envelope.mail_from
        self.rcpt_tos = list(envelope.rcpt_tos)
        self.raw = envelope.original_content or envelope.content
        self.email = email.message_from_bytes(self.raw, policy=policy.default)

    @property
    def subject(self):
        """The decoded subject."""
        return str(self.email["Subject"])

    @property
    def message_id(self):
        """The Message-ID header."""
        return str(self.email["Message-ID"])

    def body(self, subtype="plain"):
        """The decoded text (or html) part, with the wire's CRLF read as newlines."""
        part = self.email.get_body(preferencelist=(subtype,))
        return part.get_content().replace("\r\n", "\n") if part is not None else ""

    def attachments(self):
        """[(filename, bytes)] of the attached files."""
        return [(part.get_filename(), part.get_content())
                for part in self.email.iter_attachments()]


class _Handler:
    """Collects messages; may refuse recipients or hold a delivery (for crash tests)."""

    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, smtp_server, session, envelope, address, rcpt_options):
        if address in self.server.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp_server, session, envelope):
        received = Received(envelope)
        with self.server.lock:
            self.server.messages.append(received)
        if self.server.on_data is not None:
            self.server.on_data(received)
        return "250 Message accepted for delivery"


class MailServer:
    """aiosmtpd on a free port of 127.0.0.1; start() and stop() may be called repeatedly."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.messages = []
        self.refused = set()
        self.on_data = None
        self.lock = threading.Lock()
        self.controller = None

    def start(self):
        """Listen (again) on the same port."""
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        """Stop listening: connections are refused until start()."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def received(self):
        """A snapshot of what arrived so far."""
        with self.lock:
            return list(self.messages)

    def wait_for(self, count, timeout=30):
        """Wait until count messages arrived; return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received()) >= count:
                return self.received()
            time.sleep(0.05)
        raise AssertionError(f"expected {count} messages, got {len(self.received())}")

    def to(self, address):
        """The messages sent to address."""
        return [m for m in self.received() if address in m.rcpt_tos]


def smtp_config(server):
    """App settings that deliver to server."""
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": server.port,
            "MAIL_FROM": "kiemtra@phuhoa.example.vn"}
