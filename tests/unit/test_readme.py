"""The README is self-contained (nothing outside the repository), names every DEPOT_* setting
of depot/config.py, and documents the doctor, the settings page and the PDF font."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_points_at_nothing_outside_the_repository():
    assert "../" not in README and "shared/" not in README


def test_the_readme_names_every_setting_of_the_configuration():
    variables = set(re.findall(r"DEPOT_[A-Z_]+[A-Z]", (ROOT / "depot/config.py").read_text()))
    assert variables and sorted(v for v in variables if v not in README) == []


def test_the_readme_documents_the_doctor_the_settings_page_and_the_font():
    for words in ("flask depot doctor", "--dev", "/admin/settings", "DEPOT_PDF_FONT",
                  "fonts-wqy-microhei", "libzbar0", "openapi.json"):
        assert words in README, words
