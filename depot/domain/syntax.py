"""What stored text may hold, written once for the web's schemas and the CSV import."""
from __future__ import annotations

import re

# C0 and C1 controls and DEL, and lone surrogates (which no database can encode). Text of
# several lines (a fault description, an address) keeps tab, newline and carriage return.
BAD_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
BAD_IN_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# An email address as far as syntax goes: one line, name@host.tld (whether it exists is for
# the mail server to say). EMAIL_PATTERN is the same in JSON Schema's (ECMA 262) words.
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
EMAIL_PATTERN = r"^$|^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$"
