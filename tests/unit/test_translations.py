"""Chinese first: every message a page shows has its Simplified and Traditional translation."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from messages import missing, template_messages  # noqa: E402


def test_templates_have_messages():
    assert "Receive a unit" in template_messages()


@pytest.mark.parametrize("language", ["zh_Hans_CN", "zh_Hant_TW", "en"])
def test_every_template_message_is_translated(language):
    assert missing(language) == []
