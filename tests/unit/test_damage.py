import pytest
from hypothesis import given
from hypothesis import strategies as st

from depot.domain.damage import (
    DEFAULT_CATALOGUE,
    DamageClass,
    Finding,
    classify,
    judge_coverage,
)
from depot.domain.warranty import WarrantyStatus
from depot.errors import InvalidInputError
from depot.i18n import reason_text

CATALOGUE = {f.code: f for f in DEFAULT_CATALOGUE}
MAN_MADE = [f.code for f in DEFAULT_CATALOGUE if f.damage_class is DamageClass.MAN_MADE]
QUALITY = [f.code for f in DEFAULT_CATALOGUE if f.damage_class is DamageClass.QUALITY]


def test_default_catalogue_is_the_contracts():
    assert MAN_MADE == ["shell_damage", "self_repair", "seal_broken", "liquid_damage",
                        "impact_damage"]
    assert QUALITY == ["no_power", "no_boot", "display_fault", "keypad_fault", "sensor_fault",
                       "network_fault", "printer_fault", "reader_fault", "battery_fault",
                       "firmware_fault"]


@given(st.lists(st.sampled_from(MAN_MADE + QUALITY), max_size=6))
def test_any_man_made_finding_wins_else_quality_else_no_fault(codes):
    decision = classify(codes, CATALOGUE)
    if any(c in MAN_MADE for c in codes):
        assert decision.damage_class is DamageClass.MAN_MADE
    elif codes:
        assert decision.damage_class is DamageClass.QUALITY
    else:
        assert decision.damage_class is DamageClass.NO_FAULT_FOUND
    assert decision.reasons


def test_reasons_read_like_the_policy():
    decision = classify(["shell_damage", "no_power"], CATALOGUE)
    assert reason_text(decision.reasons[0], "zh_CN") == "外壳破裂：人为损坏，不在保修范围"
    assert reason_text(decision.reasons[0], "en") == "shell cracked: man-made damage, not covered"
    assert reason_text(decision.reasons[1], "zh_TW") == "不通電：產品品質問題"


def test_unknown_and_retired_codes_are_refused():
    with pytest.raises(InvalidInputError) as info:
        classify(["no_power", "alien_attack"], CATALOGUE)
    assert info.value.details["unknown"] == ["alien_attack"]
    retired = {**CATALOGUE, "old": Finding("old", DamageClass.QUALITY, "旧", "old", retired=True)}
    with pytest.raises(InvalidInputError):
        classify(["old"], retired)
    assert classify(["old"], retired, allow_retired=True).damage_class is DamageClass.QUALITY


@pytest.mark.parametrize(("warranty", "damage", "covered", "reason"), [
    (WarrantyStatus.IN_WARRANTY, DamageClass.QUALITY, True, "covered"),
    (WarrantyStatus.IN_WARRANTY, DamageClass.NO_FAULT_FOUND, True, "covered"),
    (WarrantyStatus.IN_WARRANTY, DamageClass.MAN_MADE, False, "not_covered_man_made"),
    (WarrantyStatus.OUT_OF_WARRANTY, DamageClass.QUALITY, False, "not_covered_expired"),
    (WarrantyStatus.UNKNOWN, DamageClass.QUALITY, False, "not_covered_unknown"),
    (WarrantyStatus.OUT_OF_WARRANTY, DamageClass.MAN_MADE, False, "not_covered_man_made"),
])
def test_coverage_is_in_warranty_and_not_man_made(warranty, damage, covered, reason):
    decision = judge_coverage(warranty, damage)
    assert decision.covered is covered
    assert decision.reasons[0].code == reason
