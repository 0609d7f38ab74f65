"""Damage classification and coverage: man-made damage is the customer's, quality faults ours."""
from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from depot.domain.text import Reason
from depot.domain.warranty import WarrantyStatus
from depot.errors import InvalidInputError


class DamageClass(enum.StrEnum):
    MAN_MADE = "man_made"
    QUALITY = "quality"
    NO_FAULT_FOUND = "no_fault_found"


FINDING_CLASSES = (DamageClass.MAN_MADE, DamageClass.QUALITY)


@dataclass(frozen=True)
class Finding:
    """A catalogue entry: its code, its class and its labels."""

    code: str
    damage_class: DamageClass
    label_zh: str
    label_en: str
    label_zh_tw: str = ""
    retired: bool = False

    def label(self, lang: str) -> str:
        if lang == "en":
            return self.label_en
        if lang == "zh_TW":
            return self.label_zh_tw or self.label_zh
        return self.label_zh


DEFAULT_CATALOGUE: tuple[Finding, ...] = (
    Finding("shell_damage", DamageClass.MAN_MADE, "外壳破裂", "shell cracked", "外殼破裂"),
    Finding("self_repair", DamageClass.MAN_MADE, "自行维修或非官方维修", "self-repair or unofficial repair", "自行維修或非官方維修"),
    Finding("seal_broken", DamageClass.MAN_MADE, "防拆封条破损", "warranty seal broken", "防拆封條破損"),
    Finding("liquid_damage", DamageClass.MAN_MADE, "进液", "liquid damage", "進液"),
    Finding("impact_damage", DamageClass.MAN_MADE, "摔落或撞击损坏", "drop or impact damage", "摔落或撞擊損壞"),
    Finding("no_power", DamageClass.QUALITY, "不通电", "no power", "不通電"),
    Finding("no_boot", DamageClass.QUALITY, "无法开机", "does not boot", "無法開機"),
    Finding("display_fault", DamageClass.QUALITY, "显示故障", "display fault", "顯示故障"),
    Finding("keypad_fault", DamageClass.QUALITY, "按键故障", "keypad fault", "按鍵故障"),
    Finding("sensor_fault", DamageClass.QUALITY, "传感器故障", "sensor fault", "感測器故障"),
    Finding("network_fault", DamageClass.QUALITY, "网络故障", "network fault", "網路故障"),
    Finding("printer_fault", DamageClass.QUALITY, "打印机故障", "printer fault", "印表機故障"),
    Finding("reader_fault", DamageClass.QUALITY, "读卡器故障", "reader fault", "讀卡器故障"),
    Finding("battery_fault", DamageClass.QUALITY, "电池故障", "battery fault", "電池故障"),
    Finding("firmware_fault", DamageClass.QUALITY, "固件故障", "firmware fault", "韌體故障"),
)


@dataclass(frozen=True)
class DamageDecision:
    damage_class: DamageClass
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class CoverageDecision:
    covered: bool
    reasons: tuple[Reason, ...]


def classify(codes: Iterable[str], catalogue: Mapping[str, Finding], *,
             allow_retired: bool = False) -> DamageDecision:
    """Any man-made finding makes the class man_made; else any quality finding quality; none:
    no_fault_found. Every finding gives a reason a customer can read."""
    codes = list(dict.fromkeys(codes))
    unknown = [c for c in codes if c not in catalogue]
    retired = [c for c in codes if c in catalogue and catalogue[c].retired]
    if unknown or (retired and not allow_retired):
        raise InvalidInputError(
            "unknown finding codes: %(unknown)s", code="unknown_finding",
            unknown=[c[:80] for c in unknown + retired][:50])
    findings = [catalogue[c] for c in codes]
    man_made = [f for f in findings if f.damage_class is DamageClass.MAN_MADE]
    quality = [f for f in findings if f.damage_class is DamageClass.QUALITY]
    reasons = tuple(_finding_reason(f) for f in man_made + quality)
    if man_made:
        return DamageDecision(DamageClass.MAN_MADE, reasons)
    if quality:
        return DamageDecision(DamageClass.QUALITY, reasons)
    return DamageDecision(DamageClass.NO_FAULT_FOUND, (Reason("no_fault_found"),))


def _finding_reason(f: Finding) -> Reason:
    code = "finding_man_made" if f.damage_class is DamageClass.MAN_MADE else "finding_quality"
    return Reason(code, {"zh": f.label_zh, "zh_tw": f.label_zh_tw or f.label_zh,
                         "en": f.label_en})


def judge_coverage(warranty: WarrantyStatus, damage: DamageClass) -> CoverageDecision:
    """Covered = in warranty and not man-made."""
    if damage is DamageClass.MAN_MADE:
        return CoverageDecision(False, (Reason("not_covered_man_made"),))
    if warranty is not WarrantyStatus.IN_WARRANTY:
        code = "not_covered_unknown" if warranty is WarrantyStatus.UNKNOWN else \
            "not_covered_expired"
        return CoverageDecision(False, (Reason(code),))
    return CoverageDecision(True, (Reason("covered"),))
