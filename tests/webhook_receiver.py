"""A real HTTP receiver of webhooks on the loopback, in a thread: it keeps every POST it gets and
answers as told (a status, or hanging until released)."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HANG = "hang"


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int | str  # the status it was given, or HANG

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    def signed_with(self, secret: str) -> bool:
        """Checked as a receiver would, on the raw bytes, without Depot's code."""
        expected = "sha256=" + hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers.get("X-Depot-Signature", ""))


class Receiver:
    """`answers` is a queue of what to answer the next POSTs (an HTTP status or HANG); when it
    is empty every POST gets 200."""

    def __init__(self, port: int = 0) -> None:
        self.received: list[Received] = []
        self.answers: deque[int | str] = deque()
        self.release = threading.Event()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    answer = receiver.answers.popleft() if receiver.answers else 200
                    receiver.received.append(Received(self.path, dict(self.headers.items()),
                                                      body, answer))
                if answer == HANG:
                    receiver.release.wait(30)
                    answer = 200
                text = f"answer {answer} 收到".encode()
                self.send_response(int(answer))
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/depot"

    def delivered(self) -> list[Received]:
        """The POSTs that were answered 2xx (a hung one counts as not)."""
        return [r for r in self.received if isinstance(r.answered, int) and r.answered < 300]

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
