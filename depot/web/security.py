"""Headers every answer carries: what a browser may load and run, framing, referrers, caching.

The pages run no inline script and no inline style (data for the scripts travels in
`<script type="application/json">` blocks, which are never run), so the policy below needs no
'unsafe-inline'. Photos are shown from blob: URLs and the camera plays a MediaStream, hence
`img-src blob:` and `media-src blob:`.
"""
from __future__ import annotations

from flask import Flask, Response, g, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
# Pages whose URL is the customer's credential (a signed token): never sent on as a referrer,
# never kept in a cache.
TOKEN_PAGES = ("/q/", "/s/", "/survey/")
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    token_page = request.path.startswith(TOKEN_PAGES)
    # Staff pages keep a same-origin Referer: Flask-WTF checks it on HTTPS form posts.
    headers["Referrer-Policy"] = "no-referrer" if token_page else "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    if token_page or _answered_for_someone():
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response


def _answered_for_someone() -> bool:
    """An API answer, or a page shown to a logged-in user: customer data, kept in no cache
    (a shared depot PC's browser cache would show it to the next person)."""
    return request.path.startswith("/api/") or g.get("actor") is not None
