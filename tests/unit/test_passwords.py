"""The password rule, on its own."""
from __future__ import annotations

import pytest

from depot.domain.passwords import check_password
from depot.errors import InvalidInputError


@pytest.mark.parametrize("password, says", [
    ("a", "at least 10 characters"),
    ("nine-char", "at least 10 characters"),
    ("x" * 201, "at most 200 characters"),
    ("aaaaaaaaaaaa", "one character repeated"),
    ("Li.Na.Zhang", "the user name"),
    (" li.na.zhang ", "the user name"),
])
def test_weak_passwords_are_refused(password, says):
    with pytest.raises(InvalidInputError, match=says) as refused:
        check_password(password, "li.na.zhang")
    assert refused.value.code == "weak_password" and refused.value.details["field"] == "password"


@pytest.mark.parametrize("password", ["ten-chars!", "correct horse battery",
                                      "密码是很长的一句话啊啊", "x" * 199 + "y"])
def test_good_passwords_pass(password):
    check_password(password, "li.na")
