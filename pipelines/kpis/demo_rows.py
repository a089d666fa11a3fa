"""Row makers of the synthetic demo (see :mod:`pipelines.kpis.demo` and ``data/kpis/model.yaml``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pipelines.kpis import periods

if TYPE_CHECKING:
    from pipelines.kpis.demo import Place

# Real procedure names for the most used procedures of a field; the rest are numbered "Thủ tục … số n".
_KNOWN = {
    "Hộ tịch": ["Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử", "Cấp bản sao trích lục hộ tịch",
                "Cấp Giấy xác nhận tình trạng hôn nhân"],
    "Chứng thực": ["Chứng thực bản sao từ bản chính", "Chứng thực chữ ký", "Chứng thực hợp đồng, giao dịch"],
    "Đất đai": ["Đăng ký biến động quyền sử dụng đất", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu"],
    "Xây dựng": ["Cấp giấy phép xây dựng nhà ở riêng lẻ"],
    "Đăng ký kinh doanh": ["Đăng ký thành lập hộ kinh doanh", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh"],
    "Lao động – Thương binh và Xã hội": ["Trợ cấp xã hội hằng tháng", "Công nhận hộ nghèo, hộ cận nghèo"],
}
DOSSIER_FILE_COLUMNS = [
    "dossier_id", "procedure_code", "unit", "ward_code", "old_city", "old_ward", "received_at", "channel",
    "end_to_end", "fee_bearing", "fee_amount", "paid_online", "input_digitized", "output_digitized", "paper_result",
    "e_result", "due_at", "resolved_at", "status", "supplement_requests", "supplement_wait_days", "reused_data",
    "rated_unsatisfied", "complaint"]


def procedure_names(fields: np.ndarray) -> list[str]:
    used: dict[str, int] = {}
    out = []
    for f in fields:
        i = used.get(str(f), 0)
        used[str(f)] = i + 1
        known = _KNOWN.get(str(f), [])
        out.append(known[i] if i < len(known) else f"Thủ tục lĩnh vực {f} số {i + 1 - len(known)}")
    return out


def month_of_dossiers(model: dict[str, Any], cat: pd.DataFrame, place: Place, month: date, n: int,
                      rates: dict[str, float], rng: np.random.Generator, tz: ZoneInfo) -> pd.DataFrame:
    o = model["other"]
    proc = cat.iloc[rng.choice(len(cat), n, p=cat["weight"].to_numpy())].reset_index(drop=True)
    level, paper = proc["level"].to_numpy(), proc["paper_result"].to_numpy()
    days = (periods.add_months(month, 1) - month).days
    online = (level >= 3) & (rng.random(n) < rates["online"])
    hour = np.where(online, rng.uniform(0, 24, n), rng.uniform(7.5, 17, n))   # online dossiers come at any hour
    local = pd.Timestamp(month) + pd.to_timedelta(rng.integers(0, days, n), "D") + pd.to_timedelta(hour, "h")
    received = pd.DatetimeIndex(local).tz_localize(tz).floor("min")
    post = ~online & (rng.random(n) < 0.05)
    fee = proc["fee_bearing"].to_numpy()
    zero = rng.random(n) < o["fee_zero_share"]
    pay_p = np.where(online, rates["pay_online"], rates["pay_online"] * 0.35)
    r = rng.random(n)
    requests = np.where(r < o["two_supplements"], 2, np.where(r < o["two_supplements"] + o["one_supplement"], 1, 0))
    wait = np.where(requests > 0, np.round(rng.uniform(1, 7, n) * requests, 1), 0.0)
    due_days = proc["due_days"].to_numpy()
    late = rng.random(n) < rates["late"]
    duration = np.where(late, due_days + wait + rng.uniform(0.5, 10, n), due_days * rng.uniform(0.2, 1.0, n) + wait)
    fate = rng.random(n)
    status = np.where(fate < o["rejected"], "rejected",
                      np.where(fate < o["rejected"] + o["withdrawn"], "withdrawn", "resolved"))
    done = status == "resolved"
    old = _old_wards(place, month, model, n, rng)
    return pd.DataFrame({
        "dossier_id": [f"DEMO-{place.code}-{month:%Y%m}-{i:05d}" for i in range(n)],
        "procedure_code": proc["code"], "unit": [f"Bộ phận một cửa {w or place.name}" for w in old[1]],
        "ward_code": [None if w else place.code for w in old[1]], "old_city": old[0], "old_ward": old[1],
        "received_at": received, "channel": np.where(online, "online", np.where(post, "post", "in_person")),
        "end_to_end": online & (level == 4) & (rng.random(n) < rates["end_to_end"]),
        "fee_bearing": fee, "fee_amount": np.where(fee, np.where(zero, 0, proc["fee"]), np.nan),
        "paid_online": fee & ~zero & (rng.random(n) < pay_p),
        "input_digitized": rng.random(n) < np.where(online, np.minimum(1, rates["input_digitized"] + 0.1),
                                                      rates["input_digitized"]),
        "output_digitized": done & (rng.random(n) < rates["output_digitized"]), "paper_result": paper,
        "e_result": done & (rng.random(n) < np.where(paper, rates["e_result"], 0.97)),
        "due_at": received + pd.to_timedelta(due_days, "D"),
        "resolved_at": (received + pd.to_timedelta(duration, "D")).floor("min"),
        "status": status, "supplement_requests": requests, "supplement_wait_days": wait,
        "reused_data": rng.random(n) < rates["reused"], "rated_unsatisfied": rng.random(n) < o["unsatisfied"],
        "complaint": rng.random(n) < o["complaint"]})[DOSSIER_FILE_COLUMNS]


def _old_wards(place: Place, month: date, model: dict[str, Any], n: int,
               rng: np.random.Generator) -> tuple[list[str | None], list[str | None]]:
    """Before the merger a dossier names the old ward that received it; after it, none."""
    if not place.old_wards or month >= date.fromisoformat(str(model["merger"])):
        return [None] * n, [None] * n
    pick = rng.integers(0, len(place.old_wards), n)
    return [place.old_wards[i][0] for i in pick], [place.old_wards[i][1] for i in pick]


def as_of(frame: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """The dossiers as the registry would hold them at ``now``: none received later, none ended later."""
    out = frame[frame["received_at"] <= now].copy()
    pending = out["resolved_at"] > now
    out.loc[pending, "resolved_at"] = pd.NaT
    out.loc[pending, "status"] = np.where(out.loc[pending, "supplement_requests"] > 0, "supplement", "in_progress")
    out.loc[pending, ["output_digitized", "e_result"]] = False
    return out.reset_index(drop=True)


def sheet_row(model: dict[str, Any], place: Place, month: date, n: int, rates: dict[str, float],
              rng: np.random.Generator) -> dict[str, Any]:
    """One unit's month as counts that obey the sheet's checks (a part never exceeds its whole)."""
    def b(total: int, p: float) -> int:
        return int(rng.binomial(total, float(np.clip(p, 0, 1))))

    pre = place.old_wards and month < date.fromisoformat(str(model["merger"]))
    overdue = b(n, rates["late"])
    resolved = b(n, 0.93)
    online = b(n, rates["online"] * 0.8)
    fee_due, paper = b(n, 0.4), b(n, 0.85)
    e_paper = b(paper, rates["e_result"] * 0.9)
    inputs = b(n, rates["input_digitized"])
    return {"unit": f"{model['monthly_sheets']['unit']} – {place.name}",
            "ward_code": None if pre else place.code, "old_city": place.old_wards[0][0] if pre else None,
            "old_ward": place.old_wards[0][1] if pre else None, "month": f"{month:%Y-%m}",
            "received": n, "online": online, "online_766": b(online, 0.9), "end_to_end": b(online, rates["end_to_end"]),
            "fee_due": fee_due, "paid_online": b(fee_due, rates["pay_online"]), "paper_result": paper,
            "e_result_paper": e_paper, "e_result": e_paper + b(n - paper, 0.9), "input_digitized": inputs,
            "digitized_766": b(inputs, 0.9), "reused": b(n, rates["reused"]), "resolved": resolved,
            "resolved_on_time": b(resolved, 1 - rates["late"]), "output_digitized": b(resolved,
                                                                                      rates["output_digitized"]),
            "on_time_766": n - overdue, "overdue": overdue, "satisfied_766": b(n, 0.95)}


def _quarters(first: str, now: datetime, tz: ZoneInfo) -> list[periods.Period]:
    start, today = periods.parse(first).start, now.astimezone(tz).date()
    out = []
    while start <= today:
        p = periods.parse(f"{start.year}-Q{(start.month - 1) // 3 + 1}")
        out.append(p)
        start = p.end
    return out


def adoption_rows(model: dict[str, Any], places: list[Place], now: datetime, tz: ZoneInfo) -> list[dict[str, Any]]:
    a, rows, seen = model["adoption"], [], set()
    measures = ("smartphone_owners", "payment_accounts", "vneid_level2_accounts")
    for place in places:
        rng = np.random.default_rng([model["seed"], int(place.code), 4])
        population = int(rng.uniform(*a["population"]))
        params = {m: (rng.uniform(*a[m]["start"]), rng.uniform(*a[m]["trend"])) for m in measures}
        k = int(rng.integers(a["hamlets"][0], a["hamlets"][1] + 1)) if place.code in a["hamlets_in"] else 0
        split = rng.dirichlet(np.full(k, 4.0)) if k else np.array([1.0])
        scopes = [f"{place.code}/Khu phố {i + 1}" for i in range(k)] if k else [place.code]
        for q, p in enumerate(_quarters(str(model["start"])[:4] + "-Q1", now, tz)):
            for scope, share in zip(scopes, split, strict=True):
                people = int(round(population * share * (1 + 0.004 * q)))
                rows.append(_ind("population", "người", scope, p.label, people))
                for m, (start, trend) in params.items():
                    rate = float(np.clip(start + trend * q + rng.normal(0, 0.01), 0, 1))
                    rows.append(_ind(m, "người", scope, p.label, int(round(people * rate))))
        for city, ward in (w for w in place.old_wards if w not in seen):
            seen.add((city, ward))     # a split old ward reports once, not once per new ward
            share = 1 / len(place.old_wards)
            rows.append(_ind("population", "người", f"old:{city}/{ward}", a["old_wards_quarter"],
                             int(population * share)))
            for m, (start, _trend) in params.items():
                rows.append(_ind(m, "người", f"old:{city}/{ward}", a["old_wards_quarter"],
                                 int(population * share * (start - 0.02))))
    return rows


def other_rows(model: dict[str, Any], places: list[Place], now: datetime, tz: ZoneInfo) -> list[dict[str, Any]]:
    years = range(int(str(model["start"])[:4]), now.astimezone(tz).year + 1)
    rows = []
    for i, spec in enumerate(model["indicators"]):
        scopes = [p.code for p in places] if spec["scope"] == "ward" else sorted({p.province for p in places})
        for scope in scopes:
            rng = np.random.default_rng([model["seed"], 5, i, sum(map(ord, scope))])
            base = rng.uniform(*spec["range"])
            for y, year in enumerate(years):
                rows.append(_ind(spec["indicator"], spec["unit"], scope, str(year),
                                 round(float(base + spec["trend"] * y + rng.normal(0, 0.2)), 2)))
    return rows


def _ind(indicator: str, unit: str, scope: str, period: str, value: float) -> dict[str, Any]:
    return {"indicator": indicator, "unit": unit, "scope": scope, "period": period, "value": value}
