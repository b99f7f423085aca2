"""GB 18218 identification and grading of major hazard sources, as pure functions over the
packaged, versioned tables (``data/``, see its README for the source of every file).

    S = Σ q/Q                 S ≥ 1 → major hazard source (q = Q counts)
    R = α · Σ β·q/Q           grade 1 (R ≥ 100) … grade 4 (R < 10), only when S ≥ 1

Rules followed (domain note ``major-hazards-gb18218.md``):

* Table 1 first: a named substance takes Q from Table 1; anything else takes Q from Table 2 by
  its hazard class code (``W5.2``). A CAS number not in Table 1 needs its class.
* β: Table 3 for the named toxic gases; otherwise Table 4 by the substance's class. For a Table 1
  substance the class is the assessor's ``category`` when given, else the row's default class;
  nine rows have no default (see ``data/README.md``) and need the assessor's class before a unit
  holding them can be graded (identification needs only Q).
* Several hazard classes: the class with the lowest Q decides Q and β (on a tie in Q, the higher
  β, the conservative reading; the standard does not say which β goes with the lowest Q).
* Mixtures are entered by the assessor as the pure substance or as the mixture's own class.
* Quantities within one unit are added; units are never added together (one call, one unit).

Arithmetic and rounding: q and Q are decimals, so every ratio and sum is computed exactly as a
fraction and every decision (S ≥ 1, the grade bands) is taken on the exact value. Reported and
stored figures are rounded *down* to 4 decimal places: a threshold that is itself a multiple of
0.0001 (1, 10, 50, 100) is reached by the rounded figure exactly when it is reached by the exact
one, so a shown S of 1.0000 is always a major hazard source and a shown 0.9999 never is. Per-item
figures are rounded the same way; their rounded sum may differ from the total in the last place.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

DATA_DIR = Path(__file__).resolve().parent / "data"

DEFAULT_EDITION = "GB 18218-2018"
# Each edition of the standard is its own set of files; the setting picks the one in force.
EDITIONS: dict[str, tuple[str, str, str]] = {
    "GB 18218-2018": ("gb18218-2018-table1.csv", "gb18218-2018-table2.csv", "gb18218-2018-grading.json"),
}

# Sanity limits for inputs: a single unit above ten million tonnes is a unit error (kg for t),
# and more than a million residents within 500 m of a plant boundary is not a real count.
MAX_QUANTITY_T = Decimal("10000000")
QUANTITY_PLACES = 4
MAX_EXPOSED_PEOPLE = 1_000_000
DISPLAY_PLACES = 4


class AssessmentError(ValueError):
    """Inputs that cannot be assessed. ``errors`` maps an item's index (or ``None`` for the unit
    as a whole) to ``{field: [messages]}``, so forms and the API can point at the culprit."""

    def __init__(self, errors: dict[int | None, dict[str, list[str]]]) -> None:
        self.errors = errors
        super().__init__("; ".join(m for fields in errors.values() for ms in fields.values() for m in ms))


# --- the tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedSubstance:
    """A Table 1 row."""

    row: int
    name_zh: str
    name_en: str
    cas: tuple[str, ...]
    critical_quantity_t: Decimal
    class_code: str  # default Table 2 class (for β via Table 4); empty: left for the assessor
    beta: Decimal | None  # Table 3 β for the named toxic gases
    notes: str


@dataclass(frozen=True)
class HazardClass:
    """A Table 2 class with its Table 4 β."""

    code: str
    class_zh: str
    class_en: str
    description: str
    critical_quantity_t: Decimal
    beta: Decimal


@dataclass(frozen=True)
class Tables:
    edition: str
    named: dict[int, NamedSubstance]
    by_cas: dict[str, tuple[NamedSubstance, ...]]
    classes: dict[str, HazardClass]
    alpha_bands: tuple[tuple[int, Decimal], ...]  # (lowest head count, α), highest first
    grade_bands: tuple[tuple[int, Decimal], ...]  # (grade, lowest R), most severe first

    def alpha_for(self, people: int) -> Decimal:
        for minimum, alpha in self.alpha_bands:
            if people >= minimum:
                return alpha
        raise AssessmentError({None: {"exposed_people": [_("暴露人数不能为负数。")]}})

    def grade_for(self, r: Fraction) -> int:
        for grade, minimum in self.grade_bands:
            if r >= Fraction(minimum):
                return grade
        return self.grade_bands[-1][0]


def current_edition() -> str:
    return str(getattr(settings, "HAZARD_TABLE_EDITION", DEFAULT_EDITION))


@functools.cache
def tables(edition: str | None = None) -> Tables:
    """The tables of an edition, read once per process."""
    edition = edition or current_edition()
    if edition not in EDITIONS:
        raise KeyError(f"unknown GB 18218 edition {edition!r}; known: {sorted(EDITIONS)}")
    table1, table2, grading = (DATA_DIR / name for name in EDITIONS[edition])
    named: dict[int, NamedSubstance] = {}
    by_cas: dict[str, list[NamedSubstance]] = {}
    with table1.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            substance = NamedSubstance(
                row=int(row["seq"]),
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                cas=tuple(c.strip() for c in row["cas"].split("/") if c.strip()),
                critical_quantity_t=Decimal(row["critical_quantity_t"]),
                class_code=row["hazard_class_code"].strip(),
                beta=Decimal(row["beta_named"]) if row["beta_named"].strip() else None,
                notes=row["notes"],
            )
            named[substance.row] = substance
            for cas in substance.cas:
                by_cas.setdefault(cas, []).append(substance)
    classes: dict[str, HazardClass] = {}
    with table2.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            classes[row["code"]] = HazardClass(
                code=row["code"],
                class_zh=row["class_zh"],
                class_en=row["class_en"],
                description=row["description"],
                critical_quantity_t=Decimal(row["critical_quantity_t"]),
                beta=Decimal(row["beta"]),
            )
    bands = json.loads(grading.read_text(encoding="utf-8"))
    return Tables(
        edition=edition,
        named=named,
        by_cas={cas: tuple(rows) for cas, rows in by_cas.items()},
        classes=classes,
        alpha_bands=tuple(
            sorted(((int(b["min_people"]), Decimal(b["alpha"])) for b in bands["alpha"]), reverse=True)
        ),
        grade_bands=tuple(
            sorted(((int(b["grade"]), Decimal(b["min_r"])) for b in bands["grades"]), key=lambda b: -b[1])
        ),
    )


# --- CAS numbers ------------------------------------------------------------------------------

_CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
_WIDE = str.maketrans("０１２３４５６７８９－—–‐", "0123456789----")


def normalize_cas(raw: str) -> str:
    """Full-width digits and dashes to ASCII, spaces out; bare digits get their hyphens."""
    value = re.sub(r"\s+", "", str(raw).translate(_WIDE))
    if value.isdigit() and 5 <= len(value) <= 10:
        value = f"{value[:-3]}-{value[-3:-1]}-{value[-1]}"
    return value


def cas_check_digit(digits: str) -> int:
    """The CAS check digit of the digits before it: Σ position·digit mod 10, from the right."""
    return sum(i * int(d) for i, d in enumerate(reversed(digits), start=1)) % 10


def validate_cas(raw: str) -> str:
    """The normalised CAS number, or ``ValueError`` with a message a person can act on."""
    cas = normalize_cas(raw)
    match = _CAS_RE.match(cas)
    if match is None:
        raise ValueError(
            _("CAS 号格式错误：%(cas)s（应为“数字-两位数字-校验位”，如 7782-50-5）。") % {"cas": raw}
        )
    expected = cas_check_digit(match[1] + match[2])
    if int(match[3]) != expected:
        raise ValueError(
            _("CAS 号 %(cas)s 校验位错误：应为 %(expected)d。") % {"cas": cas, "expected": expected}
        )
    return cas


# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubstanceInput:
    """One substance of a unit as the assessor gives it: a CAS number and/or a Table 1 row (named
    substances), and/or hazard class codes (Table 2, or the class of a named substance for β)."""

    quantity_t: Any
    cas: str = ""
    table1_row: int | None = None
    category: str = ""
    name: str = ""


def parse_quantity(value: Any) -> Decimal:
    """A design maximum quantity in tonnes: positive, at most 4 decimals, not absurd."""
    if isinstance(value, bool) or value is None or value == "":
        raise ValueError(_("请填写最大设计量（吨）。"))
    try:
        quantity = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("最大设计量应为数字（吨），而不是“%(value)s”。") % {"value": value}) from None
    if not quantity.is_finite():
        raise ValueError(_("最大设计量应为数字（吨），而不是“%(value)s”。") % {"value": value})
    if quantity <= 0:
        raise ValueError(_("最大设计量应大于 0 吨（填写的是 %(value)s）。") % {"value": quantity})
    if quantity > MAX_QUANTITY_T:
        raise ValueError(
            _("最大设计量 %(value)s 吨超出合理范围（单个单元不超过 %(max)s 吨），请核对单位是否为吨。")
            % {"value": quantity, "max": MAX_QUANTITY_T}
        )
    exponent = quantity.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -QUANTITY_PLACES:
        raise ValueError(_("最大设计量最多保留 4 位小数（0.1 千克）。"))
    return quantity


def parse_exposed_people(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(_("暴露人数应为整数。"))
    if value < 0:
        raise ValueError(_("暴露人数不能为负数。"))
    if value > MAX_EXPOSED_PEOPLE:
        raise ValueError(
            _("厂区边界外 500 米内暴露人数 %(value)d 超出合理范围（不超过 %(max)d），请核对。")
            % {"value": value, "max": MAX_EXPOSED_PEOPLE}
        )
    return value


def split_categories(raw: str) -> tuple[str, ...]:
    """``"W2, J3"`` → ``("W2", "J3")``; codes are upper-cased (``w5.2`` → ``W5.2``)."""
    return tuple(code.upper() for code in re.split(r"[\s,，、;；/]+", raw.strip()) if code)


@dataclass(frozen=True)
class ResolvedSubstance:
    """A substance with the Q and β the tables give it."""

    source: str  # "table1" or "table2": where Q comes from
    name: str
    cas: str
    table1_row: int | None
    category: str  # the class code that decides (Table 2 Q, or β through Table 4); may be empty
    quantity_t: Decimal
    critical_quantity_t: Decimal
    beta: Decimal | None
    beta_source: str  # "table3", "table4" or "" (no β: the assessor must give the class)


def _deciding_class(codes: Sequence[str], t: Tables) -> HazardClass:
    """Several hazard classes: the lowest Q decides (ties: the higher β)."""
    return min((t.classes[c] for c in codes), key=lambda k: (k.critical_quantity_t, -k.beta))


def _named_row(cas: str, row: int | None, t: Tables) -> tuple[NamedSubstance | None, dict[str, list[str]]]:
    """The Table 1 row of a CAS number and/or a row number (None: not in Table 1)."""
    if row is not None:
        named = t.named.get(row)
        if named is None:
            return None, {
                "table1_row": [_("%(edition)s 表1中没有第 %(row)s 项。") % {"edition": t.edition, "row": row}]
            }
        if cas and cas not in named.cas:
            message = _("表1第 %(row)d 项（%(name)s）的 CAS 号不是 %(cas)s。")
            return None, {"cas": [message % {"row": row, "name": named.name_zh, "cas": cas}]}
        return named, {}
    rows = t.by_cas.get(cas, ())
    if len(rows) > 1:
        message = _("CAS 号 %(cas)s 对应表1中的多个条目（第 %(rows)s 项），请填写表1序号。")
        return None, {"table1_row": [message % {"cas": cas, "rows": "、".join(str(r.row) for r in rows)}]}
    return (rows[0] if rows else None), {}


def resolve(item: SubstanceInput, t: Tables) -> ResolvedSubstance:
    """Q and β of one substance, or ``ValueError``-like errors by field (``AssessmentError``)."""
    errors: dict[str, list[str]] = {}
    quantity = Decimal(0)
    try:
        quantity = parse_quantity(item.quantity_t)
    except ValueError as e:
        errors["quantity_t"] = [str(e)]
    cas = ""
    if str(item.cas or "").strip():
        try:
            cas = validate_cas(item.cas)
        except ValueError as e:
            errors["cas"] = [str(e)]
    codes = split_categories(item.category or "")
    unknown = [c for c in codes if c not in t.classes]
    if unknown:
        errors["category"] = [
            _("未知的危险性类别代码：%(codes)s（%(edition)s 表2）。")
            % {"codes": "、".join(unknown), "edition": t.edition}
        ]
    if errors:
        raise AssessmentError({0: errors})
    named, row_errors = _named_row(cas, item.table1_row, t) if (cas or item.table1_row) else (None, {})
    if row_errors:
        raise AssessmentError({0: row_errors})
    if named is not None:
        beta: Decimal | None
        if named.beta is not None:
            beta, beta_source, code = named.beta, "table3", named.class_code
        else:
            deciding = _deciding_class(codes, t) if codes else t.classes.get(named.class_code)
            beta = deciding.beta if deciding else None
            beta_source = "table4" if deciding else ""
            code = deciding.code if deciding else ""
        return ResolvedSubstance(
            source="table1",
            name=item.name.strip() or named.name_zh,
            cas=cas or (named.cas[0] if named.cas else ""),
            table1_row=named.row,
            category=code,
            quantity_t=quantity,
            critical_quantity_t=named.critical_quantity_t,
            beta=beta,
            beta_source=beta_source,
        )
    if not codes:
        if cas:
            message = _("CAS 号 %(cas)s 不在 %(edition)s 表1中，请填写其危险性类别代码（表2，如 W5.3）。")
            raise AssessmentError({0: {"cas": [message % {"cas": cas, "edition": t.edition}]}})
        raise AssessmentError({0: {"cas": [_("请填写 CAS 号（表1物质）或危险性类别代码（表2）。")]}})
    deciding = _deciding_class(codes, t)
    return ResolvedSubstance(
        source="table2",
        name=item.name.strip() or deciding.class_zh,
        cas=cas,
        table1_row=None,
        category=deciding.code,
        quantity_t=quantity,
        critical_quantity_t=deciding.critical_quantity_t,
        beta=deciding.beta,
        beta_source="table4",
    )


# --- the assessment ---------------------------------------------------------------------------


def round_down(value: Fraction) -> Decimal:
    """``value`` rounded down to ``DISPLAY_PLACES`` decimals (see the module note)."""
    scale = 10**DISPLAY_PLACES
    return Decimal(value.numerator * scale // value.denominator).scaleb(-DISPLAY_PLACES)


@dataclass(frozen=True)
class ItemResult:
    substance: ResolvedSubstance
    ratio: Fraction  # q/Q, exact

    @property
    def weighted(self) -> Fraction | None:
        beta = self.substance.beta
        return None if beta is None else Fraction(beta) * self.ratio

    @property
    def q_over_q(self) -> Decimal:
        return round_down(self.ratio)

    @property
    def beta_q_over_q(self) -> Decimal | None:
        weighted = self.weighted
        return None if weighted is None else round_down(weighted)

    def as_dict(self) -> dict[str, Any]:
        s = self.substance
        return {
            "name": s.name,
            "cas": s.cas,
            "table1_row": s.table1_row,
            "category": s.category,
            "q_source": s.source,
            "quantity_t": s.quantity_t,
            "critical_quantity_t": s.critical_quantity_t,
            "q_over_q": self.q_over_q,
            "beta": s.beta,
            "beta_source": s.beta_source,
            "beta_q_over_q": self.beta_q_over_q,
        }


@dataclass(frozen=True)
class Assessment:
    edition: str
    exposed_people: int
    alpha: Decimal
    items: tuple[ItemResult, ...]
    s_exact: Fraction
    r_exact: Fraction | None
    grade: int | None
    missing_beta: tuple[int, ...] = field(default=())  # indexes of items with no β (not major)

    @property
    def is_major(self) -> bool:
        return self.s_exact >= 1

    @property
    def s(self) -> Decimal:
        return round_down(self.s_exact)

    @property
    def r(self) -> Decimal | None:
        return None if self.r_exact is None else round_down(self.r_exact)

    def as_dict(self) -> dict[str, Any]:
        return {
            "s": self.s,
            "r": self.r,
            "is_major": self.is_major,
            "grade": self.grade,
            "alpha": self.alpha,
            "exposed_people": self.exposed_people,
            "edition": self.edition,
            "items": [item.as_dict() for item in self.items],
        }


def assess(
    substances: Iterable[SubstanceInput | dict[str, Any]], exposed_people: int, *, edition: str | None = None
) -> Assessment:
    """Identify and grade one unit. Raises ``AssessmentError`` naming every bad input."""
    t = tables(edition)
    errors: dict[int | None, dict[str, list[str]]] = {}
    try:
        people = parse_exposed_people(exposed_people)
    except ValueError as e:
        errors[None] = {"exposed_people": [str(e)]}
        people = 0
    resolved: list[ResolvedSubstance] = []
    for index, raw in enumerate(substances):
        item = raw if isinstance(raw, SubstanceInput) else SubstanceInput(**raw)
        try:
            resolved.append(resolve(item, t))
        except AssessmentError as e:
            errors[index] = e.errors[0]
    if errors:
        raise AssessmentError(errors)
    items = tuple(ItemResult(s, Fraction(s.quantity_t) / Fraction(s.critical_quantity_t)) for s in resolved)
    s_exact = sum((item.ratio for item in items), Fraction(0))
    alpha = t.alpha_for(people)
    missing = tuple(i for i, item in enumerate(items) if item.weighted is None)
    r_exact: Fraction | None = None
    grade: int | None = None
    if s_exact >= 1:
        if missing:
            message = _(
                "%(name)s 未确定危险性类别，无法确定校正系数 β；"
                "该单元 S ≥ 1，分级前请填写其危险性类别（表2代码）。"
            )
            raise AssessmentError(
                {i: {"category": [message % {"name": items[i].substance.name}]} for i in missing}
            )
        r_exact = Fraction(alpha) * sum((item.weighted or Fraction(0) for item in items), Fraction(0))
        grade = t.grade_for(r_exact)
    return Assessment(
        edition=t.edition,
        exposed_people=people,
        alpha=alpha,
        items=items,
        s_exact=s_exact,
        r_exact=r_exact,
        grade=grade,
        missing_beta=missing,
    )
