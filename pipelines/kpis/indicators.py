"""Every KPI the IOC reports: its exact numerator and denominator (count names), its names and its source.

A KPI is always ``numerator ÷ denominator`` of two *counts*. Counts come from dossiers (:mod:`.formulas` says
how each dossier is judged) or from monthly aggregate sheets of units that report totals only, so both sources
give the same numbers. Where a provincial report and Decision 766 define a rate differently, both are here under
different names and keys: two different numbers never share a name.

Sources: Decision 766/QĐ-TTg (23 June 2022) on the public-service index (§ numbers below), Decree 42/2022/NĐ-CP
Art. 11 (toàn trình / một phần), and the provincial conventions of the Bình Dương 2025 targets.
"""

from __future__ import annotations

from dataclasses import dataclass

# Count names, as columns of dossier counts and keys of a monthly aggregate sheet.
COUNTS: tuple[str, ...] = (
    "received", "online", "online_766", "end_to_end", "fee_due", "paid_online", "paper_result", "e_result_paper",
    "e_result", "input_digitized", "digitized_766", "reused", "resolved", "resolved_on_time", "output_digitized",
    "on_time_766", "overdue", "satisfied_766",
)


@dataclass(frozen=True)
class Points:
    """766 points: ``min(most, most × rate / full_at)``; ``full_at`` 1 is plain ``most × rate``."""

    most: float
    full_at: float = 1.0

    def of(self, rate: float) -> float:
        return min(self.most, self.most * rate / self.full_at)


@dataclass(frozen=True)
class Indicator:
    key: str
    numerator: str
    denominator: str
    name_vi: str
    name_en: str
    source: str
    formula: str
    lower_is_better: bool = False
    points: Points | None = None

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi

    def formula_in(self, lang: str) -> str:
        return self.formula if lang == "en" else FORMULAS_VI.get(self.key, self.formula)


INDICATORS: tuple[Indicator, ...] = (
    Indicator("online_submission", "online", "received",
              "Tỷ lệ hồ sơ nộp trực tuyến", "Online submission rate",
              "provincial convention (Bình Dương 2025 target ≥ 80%)",
              "dossiers submitted online ÷ dossiers received"),
    Indicator("end_to_end_online", "end_to_end", "received",
              "Tỷ lệ hồ sơ xử lý trực tuyến toàn trình", "End-to-end online rate",
              "Decree 42/2022 Art. 11 (toàn trình); Bình Dương 2025 target > 50%",
              "dossiers handled end-to-end online ÷ dossiers received"),
    Indicator("online_payment", "paid_online", "fee_due",
              "Tỷ lệ thanh toán trực tuyến", "Online payment rate",
              "766 §3.6; Bình Dương 2025 target ≥ 80%",
              "fee-bearing dossiers paid online ÷ (dossiers of fee-bearing procedures − those whose fee is 0)",
              points=Points(6)),
    Indicator("input_digitization", "input_digitized", "received",
              "Tỷ lệ số hóa hồ sơ đầu vào", "Input digitization rate",
              "provincial convention (Bình Dương 2025 target > 60%)",
              "dossiers whose inputs were digitized ÷ dossiers received"),
    Indicator("output_digitization", "output_digitized", "resolved",
              "Tỷ lệ số hóa kết quả giải quyết", "Output digitization rate",
              "provincial convention (Bình Dương 2025 target > 90%)",
              "resolved dossiers whose result was digitized ÷ dossiers resolved"),
    Indicator("on_time_766", "on_time_766", "received",
              "Tỷ lệ hồ sơ đúng hạn (766 §2.1)", "On-time rate (766 §2.1)",
              "766 §2.1",
              "(resolved early or on time + in progress and not past the promised date at period end) "
              "÷ dossiers received", points=Points(20)),
    Indicator("resolved_on_time", "resolved_on_time", "resolved",
              "Tỷ lệ giải quyết đúng hạn (cách tính của tỉnh)", "Resolved on time (provincial)",
              "provincial report convention; NOT the 766 on-time rate",
              "dossiers resolved on time ÷ dossiers resolved"),
    Indicator("overdue_rate", "overdue", "received",
              "Hồ sơ quá hạn", "Overdue dossiers",
              "complement of 766 §2.1",
              "(resolved late + in progress past the promised date at period end) ÷ dossiers received",
              lower_is_better=True),
    Indicator("online_submission_766", "online_766", "received",
              "Chỉ số nộp trực tuyến (766 §3.3)", "Online submission (766 §3.3)",
              "766 §3.3",
              "dossiers submitted online, with an electronic result where the procedure returns a paper one "
              "÷ dossiers received", points=Points(6, 0.5)),  # the portal: full points from 50% ("All 100 points")
    Indicator("result_digitization_766", "e_result_paper", "paper_result",
              "Số hóa kết quả (766 §4.1)", "Result digitization (766 §4.1)",
              "766 §4.1",
              "dossiers of paper-result procedures with an electronic result ÷ dossiers of paper-result procedures",
              points=Points(6)),
    Indicator("result_digitization_portal", "e_result", "received",
              "Số hóa kết quả (cách tính hiện tại của Cổng DVC quốc gia)", "Result digitization (portal's current way)",
              "National Public Service Portal's current convention for 766 §4.1",
              "dossiers with an electronic result ÷ dossiers received"),
    Indicator("dossier_digitization_766", "digitized_766", "received",
              "Số hóa hồ sơ (766 §4.2)", "Dossier digitization (766 §4.2)",
              "766 §4.2",
              "dossiers with inputs digitized and an electronic result where one is due ÷ dossiers received",
              points=Points(4)),
    Indicator("data_reuse_766", "reused", "received",
              "Tái sử dụng dữ liệu số hóa (766 §4.3)", "Reuse of digitized data (766 §4.3)",
              "766 §4.3",
              "dossiers reusing at least one digitized component ÷ dossiers received",
              points=Points(2, 0.8)),
    Indicator("satisfaction_766", "satisfied_766", "received",
              "Mức độ hài lòng (766 §5.4)", "Satisfaction with handling (766 §5.4)",
              "766 §5.4",
              "(received − rated unsatisfied − with a complaint − handled late) ÷ dossiers received",
              points=Points(6, 0.9)),
)
BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}
FORMULAS_VI: dict[str, str] = {
    "online_submission": "hồ sơ nộp trực tuyến ÷ hồ sơ tiếp nhận",
    "end_to_end_online": "hồ sơ xử lý trực tuyến toàn trình ÷ hồ sơ tiếp nhận",
    "online_payment": "hồ sơ có phí đã thanh toán trực tuyến ÷ (hồ sơ của TTHC có phí − hồ sơ được miễn, phí bằng 0)",
    "input_digitization": "hồ sơ được số hóa thành phần đầu vào ÷ hồ sơ tiếp nhận",
    "output_digitization": "hồ sơ đã giải quyết có kết quả được số hóa ÷ hồ sơ đã giải quyết",
    "on_time_766": "(giải quyết trước hạn, đúng hạn + đang giải quyết chưa quá hạn tại cuối kỳ) ÷ hồ sơ tiếp nhận",
    "resolved_on_time": "hồ sơ giải quyết đúng hạn ÷ hồ sơ đã giải quyết",
    "overdue_rate": "(giải quyết quá hạn + đang giải quyết đã quá hạn tại cuối kỳ) ÷ hồ sơ tiếp nhận",
    "online_submission_766": "hồ sơ nộp trực tuyến, có kết quả điện tử nếu TTHC trả kết quả giấy ÷ hồ sơ tiếp nhận",
    "result_digitization_766": "hồ sơ của TTHC trả kết quả giấy có kết quả điện tử ÷ hồ sơ của TTHC trả kết quả giấy",
    "result_digitization_portal": "hồ sơ có kết quả điện tử ÷ hồ sơ tiếp nhận",
    "dossier_digitization_766": "hồ sơ số hóa đầu vào và có kết quả điện tử khi phải có ÷ hồ sơ tiếp nhận",
    "data_reuse_766": "hồ sơ tái sử dụng ít nhất một thành phần đã số hóa ÷ hồ sơ tiếp nhận",
    "satisfaction_766": "(tiếp nhận − không hài lòng − có phản ánh về giải quyết − giải quyết trễ hạn) "
                        "÷ hồ sơ tiếp nhận",
}
# The cards leaders see first: the Bình Dương 2025 targets, then the 766 progress indicators.
HEADLINE: tuple[str, ...] = ("online_submission", "end_to_end_online", "online_payment", "input_digitization",
                             "output_digitization", "on_time_766", "resolved_on_time", "overdue_rate")
POINTS_MAX = sum(i.points.most for i in INDICATORS if i.points)

# Adoption indicators of the indicator sheets: rate key -> (numerator indicator, names); denominator population.
POPULATION = "population"
ADOPTION: dict[str, tuple[str, str, str]] = {
    "smartphone_ownership": ("smartphone_owners", "Tỷ lệ người dân có điện thoại thông minh",
                             "Smartphone ownership"),
    "payment_account_rate": ("payment_accounts", "Tỷ lệ người dân có tài khoản thanh toán trực tuyến",
                             "Online payment accounts"),
    "vneid_level2_rate": ("vneid_level2_accounts", "Tỷ lệ người dân có định danh điện tử mức 2 (VNeID)",
                          "VNeID level-2 e-ID"),
}


def indicator(key: str) -> Indicator:
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown KPI {key!r}; expected one of {', '.join(BY_KEY)}") from None
