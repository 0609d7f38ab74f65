"""One loop in a background thread per app and process: what the outbox worker and the job
runner share (depot.worker, depot.job_runner).

The holder keeps the running loop in `app.extensions[key]` with the process id it was started
in, so a gunicorn worker forked from a process that ran one starts its own (a thread does not
survive a fork). The thread is a daemon; `stop` asks the loop to stop and waits for it.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from flask import Flask, current_app


class Loop(Protocol):
    def run(self) -> Any: ...

    def stop(self) -> None: ...


L = TypeVar("L", bound=Loop)


@dataclass
class Background(Generic[L]):
    pid: int
    loop: L
    thread: threading.Thread


class BackgroundThread(Generic[L]):
    """Start, find and stop the one `make_loop(app, **options)` of an app in this process."""

    def __init__(self, key: str, thread_name: str, make_loop: Callable[..., L]) -> None:
        self.key, self.thread_name, self.make_loop = key, thread_name, make_loop
        self._lock = threading.Lock()

    def running(self, app: Flask) -> Background[L] | None:
        """The app's thread in this process, if it runs."""
        current = app.extensions.get(self.key)
        if current is not None and current.pid == os.getpid() and current.thread.is_alive():
            return current
        return None

    def start(self, app: Flask, **options: Any) -> L:
        """The app's loop in this process, started if it is not running yet."""
        with self._lock:
            current = self.running(app)
            if current is not None:
                return current.loop
            loop = self.make_loop(app, **options)
            thread = threading.Thread(target=loop.run, name=self.thread_name, daemon=True)
            app.extensions[self.key] = Background(os.getpid(), loop, thread)
            thread.start()
            return loop

    def stop(self, app: Flask, timeout: float) -> None:
        """Stop the app's thread (if this process runs one) and wait for it."""
        with self._lock:
            current = app.extensions.pop(self.key, None)
        if current is not None and current.pid == os.getpid():
            current.loop.stop()
            current.thread.join(timeout)

    def start_with_first_request(self, config_key: str) -> Callable[[], None]:
        """A before_request hook starting the thread when `config_key` is on (never in
        `flask db upgrade` or another command: they serve no request)."""
        def start() -> None:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            if app.config.get(config_key) and self.running(app) is None:
                self.start(app)
        return start
