"""The current view as an XLSX workbook: KPIs of the scope, the ward ranking of one KPI, the monthly series."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ioc import safetext
from pipelines.kpis.compute import Computed
from pipelines.kpis.decision766.score import Score
from pipelines.kpis.indicators import INDICATORS, indicator
from pipelines.kpis.summary import Summary, monthly_series, summarize, ward_ranking

_HEAD = {
    "vi": {"kpis": "Chỉ số", "ranking": "Xếp hạng phường", "months": "Theo tháng", "adoption": "Người dân số",
           "score766": "Điểm 766", "id": "Mã chỉ số", "group": "Nhóm", "max": "Tối đa", "rate": "Tỷ lệ r",
           "rule": "Cách tính điểm", "missing": "Thiếu dữ liệu",
           "name": "Chỉ số", "key": "Mã", "numerator": "Tử số", "denominator": "Mẫu số", "value": "Giá trị",
           "target_op": "Mục tiêu (so sánh)", "target": "Mục tiêu", "status": "Trạng thái",
           "forecast": "Dự báo cuối kỳ",
           "low": "Dự báo thấp (90%)", "high": "Dự báo cao (90%)", "points": "Điểm 766", "formula": "Công thức",
           "source": "Nguồn", "code": "Mã phường", "ward": "Phường/xã", "province": "Tỉnh/thành", "month": "Tháng"},
    "en": {"kpis": "KPIs", "ranking": "Ward ranking", "months": "By month", "adoption": "E-citizens",
           "score766": "766 points", "id": "Indicator id", "group": "Group", "max": "Max", "rate": "Rate r",
           "rule": "Points rule", "missing": "Missing data",
           "name": "KPI", "key": "Key", "numerator": "Numerator", "denominator": "Denominator", "value": "Value",
           "target_op": "Target (comparison)", "target": "Target", "status": "Status", "forecast": "Forecast to end",
           "low": "Forecast low (90%)", "high": "Forecast high (90%)", "points": "766 points", "formula": "Formula",
           "source": "Source", "code": "Ward code", "ward": "Ward", "province": "Province", "month": "Month"},
}


def kpi_frame(summary: Summary, lang: str) -> pd.DataFrame:
    rows = [{"name": line.indicator.name(lang), "key": line.key, "numerator": line.ratio.numerator,
             "denominator": line.ratio.denominator, "value": line.ratio.value,
             "target_op": line.target.op if line.target else None,
             "target": line.target.value if line.target else None, "status": line.status,
             "forecast": line.forecast.value if line.forecast else None,
             "low": line.forecast.low if line.forecast else None,
             "high": line.forecast.high if line.forecast else None, "points": line.points,
             "formula": line.indicator.formula_in(lang), "source": line.indicator.source} for line in summary.lines]
    return pd.DataFrame(rows)


def months_frame(comp: Computed, scope: str | None) -> pd.DataFrame:
    """One row per month, one column per KPI (its value that month)."""
    series = {i.key: monthly_series(comp, i.key, scope).set_index("month")["value"] for i in INDICATORS}
    out = pd.DataFrame(series)
    out.index = [f"{m:%Y-%m}" for m in out.index]
    return out.rename_axis("month").reset_index()


def score_frame(score: Score, lang: str) -> pd.DataFrame:
    """Decision 766 indicator by indicator, then each group and the total (points None: no data)."""
    data = score.as_dict(lang)
    groups = {g["key"]: g["name"] for g in data["groups"]}
    rows = [{"id": i["id"], "name": i["name"], "group": groups[i["group"]], "points": i["points"], "max": i["max"],
             "rate": i["rate"], "numerator": i["numerator"], "denominator": i["denominator"], "rule": i["rule"],
             "missing": "; ".join(i["missing"])} for i in data["indicators"]]
    rows += [{"id": "", "name": g["name"], "group": g["name"], "points": g["points"], "max": g["max"],
              "missing": f"{g['covered']:g} / {g['max']:g}"} for g in data["groups"]]
    grade = data["grade"]["name"] if data["grade"] else ""
    rows.append({"id": "", "name": grade, "group": "", "points": data["total"], "max": data["max"],
                 "missing": f"{data['covered']:g} / 100"})
    return pd.DataFrame(rows)


def workbook(comp: Computed, scope: str | None, key: str, lang: str, score: Score | None = None) -> bytes:
    """The view's sheets; with ``score``, a sheet of Decision 766's 100 points too."""
    head = _HEAD.get(lang, _HEAD["vi"])
    summary = summarize(comp, scope)
    ranking = ward_ranking(comp, key, None if scope in (None, "", "*") or _is_ward(comp, scope) else scope)
    ranking = ranking.rename(columns={"name": "ward"})
    adoption = pd.DataFrame(summary.as_dict(lang)["adoption"])
    sheets = {head["kpis"]: kpi_frame(summary, lang),
              f"{head['ranking']}"[:31]: ranking,
              head["months"]: months_frame(comp, scope), head["adoption"]: adoption}
    if score is not None:
        sheets[head["score766"]] = score_frame(score, lang)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            shown = safetext.frame(frame.rename(columns=lambda c: head.get(c, c)))   # names come from imported sheets
            shown.to_excel(writer, sheet_name=name, index=False, startrow=1)
            ws = writer.sheets[name]
            ws.cell(1, 1, safetext.cell(_title(summary, name, key, lang))).font = Font(bold=True, size=13)
            for i, col in enumerate(frame.columns, start=1):
                ws.column_dimensions[get_column_letter(i)].width = 14 if col not in ("name", "ward", "formula") else 46
    return buf.getvalue()


def _is_ward(comp: Computed, scope: str) -> bool:
    return scope in set(comp.inputs.wards["code"])


def _title(summary: Summary, sheet: str, key: str, lang: str) -> str:
    scope = ("toàn bộ phường/xã" if lang != "en" else "every ward") if summary.scope is None else summary.scope_name
    extra = f" — {indicator(key).name(lang)}" if sheet.startswith(("Xếp", "Ward")) else ""
    return f"{sheet}{extra} · {summary.period.label} · {scope} · {summary.as_of:%Y-%m-%d %H:%M}"
