"""Real servers on loopback standing in for the remote systems we do not run: an SMS/Zalo HTTP gateway
that fails, times out or succeeds as a test plans, and an SMTP server (aiosmtpd) that accepts or refuses."""
from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


@dataclass
class Gateway:
    """Answers each POST by the next step of `plan` ("ok", "fail" = 500, "busy" = 503, "slow" = sleep
    3 s then 200); the last step repeats. `received` keeps what arrived: headers and JSON."""

    plan: list[str] = field(default_factory=lambda: ["ok"])
    received: list[dict] = field(default_factory=list)
    url: str = ""
    delay: float = 0.0  # an extra pause before every answer (concurrency tests)

    def __post_init__(self):
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with gateway.lock:
                    step = gateway.plan.pop(0) if len(gateway.plan) > 1 else gateway.plan[0]
                    gateway.received.append({"headers": dict(self.headers), "json": json.loads(body)})
                time.sleep(gateway.delay + (3 if step == "slow" else 0))
                code = {"ok": 200, "slow": 200, "fail": 500, "busy": 503}[step]
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"ok":true}' if code == 200 else b'{"error":"down"}')
                except OSError:
                    pass  # the client gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    """aiosmtpd handler: keeps every accepted message; refuses recipients while `refuse` is set."""

    def __init__(self):
        self.messages = []
        self.refuse = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              message_from_bytes(envelope.original_content, policy=policy.default)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smtp_server() -> tuple[Controller, Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, mailbox
