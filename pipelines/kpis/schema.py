"""The four KPI import files: their columns, how each cell is read, and the checks across a row's cells.

Which header is which column is :mod:`pipelines.kpis.headers`' business (the names and aliases here, the variants of
``data/kpis/header_variants.yaml``, a mapping profile). The kind of a file is told by the columns that only it has
(:data:`KINDS` ``signature``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pipelines.kpis import values as v
from pipelines.kpis.indicators import COUNTS

Parse = Callable[[object, ZoneInfo], Any]


def _plain(fn: Callable[[object], Any]) -> Parse:
    return lambda value, _tz: fn(value)


YES_NO: Parse = _plain(v.boolean)   # every yes/no column: the import also knows its Vietnamese words


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parse
    required: bool = True
    default: Any = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    columns: tuple[Column, ...]
    signature: frozenset[str]
    check: Callable[[dict[str, Any]], list[tuple[str, str]]]  # row -> [(field, message)]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _no_checks(_row: dict[str, Any]) -> list[tuple[str, str]]:
    return []


def _ward_check(row: dict[str, Any]) -> list[tuple[str, str]]:
    has_new, has_old = row.get("ward_code") is not None, row.get("old_ward") is not None
    if has_new == has_old:
        return [("ward_code", "give either ward_code (current ward) or old_city + old_ward (pre-2025 ward)")]
    if has_old and row.get("old_city") is None:
        return [("old_city", "an old ward needs its old city (ward names repeat across cities)")]
    return []


def _procedure_check(row: dict[str, Any]) -> list[tuple[str, str]]:
    if row.get("level") is None and row.get("online_service") is None:
        return [("level", "give the service level (2, 3, 4) or online_service (none, partial, full)")]
    return []


def _dossier_check(row: dict[str, Any]) -> list[tuple[str, str]]:
    out = _ward_check(row)
    received, due, resolved = row.get("received_at"), row.get("due_at"), row.get("resolved_at")
    if received and due and due < received:
        out.append(("due_at", "is before received_at"))
    if received and resolved and resolved < received:
        out.append(("resolved_at", "is before received_at"))
    if row.get("status") in ("resolved", "rejected", "withdrawn") and resolved is None:
        out.append(("resolved_at", f"is empty but status is {row['status']}"))
    if row.get("end_to_end") and row.get("channel") != "online":
        out.append(("end_to_end", "an end-to-end online dossier must have channel online"))
    if row.get("paid_online") and row.get("fee_bearing") is False:
        out.append(("paid_online", "is yes but the dossier bears no fee (fee_bearing no)"))
    return out


# numerator count -> the count it cannot exceed, in a monthly sheet
_WITHIN = {"online": "received", "online_766": "online", "end_to_end": "online", "fee_due": "received",
           "paid_online": "fee_due", "paper_result": "received", "e_result_paper": "paper_result",
           "e_result": "received", "input_digitized": "received", "digitized_766": "input_digitized",
           "reused": "received", "resolved": "received", "resolved_on_time": "resolved",
           "output_digitized": "resolved", "on_time_766": "received", "overdue": "received",
           "satisfied_766": "received"}


def _monthly_check(row: dict[str, Any]) -> list[tuple[str, str]]:
    out = _ward_check(row)
    for part, whole in _WITHIN.items():
        if row.get(part) is not None and row.get(whole) is not None and row[part] > row[whole]:
            out.append((part, f"{row[part]:.0f} is more than {whole} ({row[whole]:.0f})"))
    if None not in (row.get("on_time_766"), row.get("overdue"), row.get("received")) \
            and row["on_time_766"] + row["overdue"] != row["received"]:
        out.append(("overdue", "on_time_766 + overdue must equal received"))
    return out


_WARD_COLUMNS = (Column("ward_code", _plain(v.text), required=False, aliases=("ma_xa", "ma_phuong")),
                 Column("old_city", _plain(v.text), required=False), Column("old_ward", _plain(v.text),
                                                                            required=False))

PROCEDURES = Kind("procedures", "procedure catalogue", (
    Column("code", _plain(v.text), aliases=("procedure_code", "ma_thu_tuc", "ma_tthc")),
    Column("name", _plain(v.text), aliases=("ten_thu_tuc", "ten_tthc")),
    Column("field", _plain(v.text), required=False, aliases=("linh_vuc",)),
    Column("level", _plain(v.level), required=False, aliases=("service_level", "muc_do")),
    Column("online_service", _plain(v.choice(v.ONLINE_SERVICES, "Decree 42 term")), required=False,
           aliases=("dvc_truc_tuyen",)),
    Column("fee_bearing", YES_NO, required=False, default=False, aliases=("co_phi", "thu_phi")),
    Column("paper_result", YES_NO, required=False, default=True, aliases=("ket_qua_giay",)),
), frozenset({"code", "name"}), _procedure_check)

DOSSIERS = Kind("dossiers", "dossiers", (
    Column("dossier_id", _plain(v.text), aliases=("ma_ho_so",)),
    Column("procedure_code", _plain(v.text), aliases=("ma_thu_tuc", "ma_tthc")),
    Column("procedure_name", _plain(v.text), required=False),      # fills the catalogue when it lacks the code
    Column("unit", _plain(v.text), aliases=("don_vi", "co_quan_tiep_nhan")),
    *_WARD_COLUMNS,
    Column("received_at", v.timestamp, aliases=("ngay_tiep_nhan",)),
    Column("channel", _plain(v.choice(v.CHANNELS, "channel")), aliases=("kenh_nop",)),
    Column("submitted_online", YES_NO, required=False),          # gives channel when there is none
    Column("online_service", _plain(v.choice(v.ONLINE_SERVICES, "Decree 42 term")), required=False),
    Column("end_to_end", YES_NO, aliases=("toan_trinh",)),
    Column("fee_bearing", YES_NO, required=False),
    Column("fee_amount", _plain(v.non_negative), required=False, aliases=("le_phi",)),
    Column("paid_online", YES_NO, aliases=("thanh_toan_truc_tuyen",)),
    Column("input_digitized", YES_NO, aliases=("so_hoa_dau_vao",)),
    Column("output_digitized", YES_NO, aliases=("so_hoa_ket_qua",)),
    Column("paper_result", YES_NO, required=False),
    Column("e_result", YES_NO, aliases=("ket_qua_dien_tu",)),
    Column("due_at", v.timestamp, aliases=("ngay_hen_tra",)),
    Column("resolved_at", v.timestamp, required=False, aliases=("ngay_giai_quyet",)),
    Column("status", _plain(v.choice(v.STATUSES, "status")), aliases=("trang_thai",)),
    Column("supplement_requests", _plain(v.count), required=False, default=0),
    Column("supplement_wait_days", _plain(v.non_negative), required=False, default=0.0),
    Column("reused_data", YES_NO, required=False, default=False),
    Column("rated_unsatisfied", YES_NO, required=False, default=False),
    Column("complaint", YES_NO, required=False, default=False),
), frozenset({"dossier_id", "received_at"}), _dossier_check)

MONTHLY = Kind("monthly", "monthly aggregate sheet", (
    Column("unit", _plain(v.text), aliases=("don_vi",)),
    *_WARD_COLUMNS,
    Column("month", _plain(v.month), aliases=("thang",)),
    *(Column(c, _plain(v.count)) for c in COUNTS),
), frozenset({"unit", "month", "received"}), _monthly_check)

INDICATORS = Kind("indicators", "indicator sheet", (
    Column("indicator", _plain(v.text), aliases=("chi_tieu",)),
    Column("unit", _plain(v.text), required=False, default="", aliases=("don_vi_tinh",)),
    Column("scope", _plain(v.text), aliases=("pham_vi",)),
    Column("period", _plain(v.period), aliases=("ky",)),
    Column("value", _plain(v.number), aliases=("gia_tri",)),
), frozenset({"indicator", "scope", "period", "value"}), _no_checks)

KINDS: tuple[Kind, ...] = (DOSSIERS, MONTHLY, INDICATORS, PROCEDURES)
