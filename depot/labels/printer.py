"""Raw printing to a networked label printer (Zebra "port 9100" / JetDirect)."""
from __future__ import annotations

import socket

RAW_PORT = 9100


class PrinterError(Exception):
    """The label could not be handed to the printer (refused, unreachable, timed out)."""


def send_zpl(host: str, zpl: str, *, port: int = RAW_PORT, timeout: float = 10.0) -> int:
    """Send ``zpl`` (UTF-8) over a raw TCP connection; return the number of bytes sent.

    The write side is shut down before closing so the printer sees the end of the job.
    Raises PrinterError, naming host and port, on any connection failure or timeout
    (``timeout`` applies to connecting and to each send).
    """
    if not host:
        raise PrinterError("no printer host configured")
    data = zpl.encode("utf-8")
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.sendall(data)
            conn.shutdown(socket.SHUT_WR)
    except TimeoutError as exc:
        raise PrinterError(f"printer {host}:{port} timed out after {timeout:g} s") from exc
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise PrinterError(f"cannot send to printer {host}:{port}: {reason}") from exc
    return len(data)
