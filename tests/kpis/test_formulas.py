"""The formulas on a small constructed set with hand-computed answers, the "đúng hạn" rules one by one, points."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipelines.kpis.formulas import Ratio, adoption, counts, judge, level_mix, points_766, ratios, total
from pipelines.kpis.indicators import COUNTS, INDICATORS
from tests.kpis.support import dossier, frame, local

AS_OF = local("2025-02-01 00:00")   # the end of January, local time


def seven() -> pd.DataFrame:
    """A–G, all received in January 2025; the table in the test below is worked out by hand from these."""
    return frame([
        dossier(dossier_id="A", channel="online", end_to_end=True, fee_bearing=True, fee_amount=50000,
                paid_online=True, input_digitized=True, output_digitized=True, paper_result=True, e_result=True),
        dossier(dossier_id="B", fee_bearing=True, fee_amount=0, output_digitized=True, paper_result=True,
                resolved_at=local("2025-01-12 09:00")),                                   # late; fee exempted
        dossier(dossier_id="C", channel="online", fee_bearing=True, input_digitized=True, e_result=True,
                due_at=local("2025-01-20 17:00"), resolved_at=local("2025-01-22 10:00"), supplement_requests=1,
                supplement_wait_days=3.0),                                # late by date, on time after the wait
        dossier(dossier_id="D", channel="post", paper_result=True, due_at=local("2025-01-25 17:00"),
                resolved_at=None, status="in_progress"),                                   # past due at as_of
        dossier(dossier_id="E", channel="online", end_to_end=True, fee_bearing=True, fee_amount=30000,
                paid_online=True, input_digitized=True, output_digitized=True, paper_result=True, e_result=True,
                received_at=local("2025-01-30 09:00"), due_at=local("2025-02-10 17:00"),
                resolved_at=local("2025-02-05 09:00")),                  # ends after as_of: in progress then
        dossier(dossier_id="F", supplement_requests=2, due_at=local("2025-01-20 17:00"),
                resolved_at=local("2025-01-15 09:00"), complaint=True),                    # two requests: late
        dossier(dossier_id="G", e_result=True, reused_data=True, rated_unsatisfied=True),
    ])


EXPECTED = {"received": 7, "online": 3, "online_766": 2, "end_to_end": 2, "fee_due": 3, "paid_online": 2,
            "paper_result": 4, "e_result_paper": 1, "e_result": 3, "input_digitized": 3, "digitized_766": 3,
            "reused": 1, "resolved": 5, "resolved_on_time": 3, "output_digitized": 2, "on_time_766": 4,
            "overdue": 3, "satisfied_766": 4}


def test_counts_of_the_seven_dossiers_match_the_hand_computed_table() -> None:
    assert total(counts(judge(seven(), AS_OF))) == {k: float(v) for k, v in EXPECTED.items()}


def test_every_rate_is_its_exact_numerator_over_its_denominator() -> None:
    r = ratios(total(counts(judge(seven(), AS_OF))))
    assert (r["online_submission"].numerator, r["online_submission"].denominator) == (3, 7)
    assert (r["end_to_end_online"].numerator, r["end_to_end_online"].denominator) == (2, 7)
    assert (r["online_payment"].numerator, r["online_payment"].denominator) == (2, 3)   # the 0-fee dossier left out
    assert (r["input_digitization"].numerator, r["input_digitization"].denominator) == (3, 7)
    assert (r["output_digitization"].numerator, r["output_digitization"].denominator) == (2, 5)
    assert (r["on_time_766"].numerator, r["on_time_766"].denominator) == (4, 7)
    assert (r["resolved_on_time"].numerator, r["resolved_on_time"].denominator) == (3, 5)
    assert (r["overdue_rate"].numerator, r["overdue_rate"].denominator) == (3, 7)
    assert (r["online_submission_766"].numerator, r["online_submission_766"].denominator) == (2, 7)
    assert (r["result_digitization_766"].numerator, r["result_digitization_766"].denominator) == (1, 4)
    assert (r["result_digitization_portal"].numerator, r["result_digitization_portal"].denominator) == (3, 7)
    assert (r["dossier_digitization_766"].numerator, r["dossier_digitization_766"].denominator) == (3, 7)
    assert (r["data_reuse_766"].numerator, r["data_reuse_766"].denominator) == (1, 7)
    assert (r["satisfaction_766"].numerator, r["satisfaction_766"].denominator) == (4, 7)
    assert r["resolved_on_time"].value != r["on_time_766"].value     # two numbers, two names


def test_766_points_follow_the_decision() -> None:
    p = points_766(ratios(total(counts(judge(seven(), AS_OF)))))
    assert p["on_time_766"] == pytest.approx(20 * 4 / 7)
    assert p["online_payment"] == pytest.approx(4.0)
    assert p["online_submission_766"] == pytest.approx(min(6, 6 * (2 / 7) / 0.5))   # full points from 50%
    assert p["result_digitization_766"] == pytest.approx(1.5)
    assert p["dossier_digitization_766"] == pytest.approx(4 * 3 / 7)
    assert p["data_reuse_766"] == pytest.approx(2 * (1 / 7) / 0.8)
    assert p["satisfaction_766"] == pytest.approx(6 * (4 / 7) / 0.9)
    full = points_766({"data_reuse_766": Ratio(9, 10), "satisfaction_766": Ratio(95, 100)})
    assert full == {"data_reuse_766": 2.0, "satisfaction_766": 6.0}          # capped at the full mark
    assert sum(i.points.most for i in INDICATORS if i.points) == 50


@pytest.mark.parametrize(("kw", "on_time"), [
    ({"resolved_at": local("2025-01-10 17:00")}, True),                    # exactly the promised date
    ({"resolved_at": local("2025-01-10 17:01")}, False),
    ({"resolved_at": local("2025-01-12 17:00"), "supplement_wait_days": 2.0, "supplement_requests": 1}, True),
    ({"resolved_at": local("2025-01-08 10:00"), "supplement_requests": 2}, False),  # >1 request is late anyway
    ({"resolved_at": None, "due_at": local("2025-02-01 00:00")}, True),    # in progress, not past due at as_of
    ({"resolved_at": None, "due_at": local("2025-01-31 23:59")}, False),
    ({"resolved_at": local("2025-03-01 09:00"), "due_at": local("2025-02-15 00:00")}, True),  # later: pending then
])
def test_dung_han_rules(kw: dict[str, object], on_time: bool) -> None:
    judged = judge(frame([dossier(**kw)]), AS_OF)
    assert judged.loc[0, "on_time_766"] == int(on_time)
    assert judged.loc[0, "overdue"] == int(not on_time)


def test_as_of_may_differ_per_dossier() -> None:
    rows = frame([dossier(resolved_at=None, due_at=local("2025-01-20 17:00")),
                  dossier(resolved_at=None, due_at=local("2025-01-20 17:00"))])
    at = pd.Series(pd.to_datetime([local("2025-01-15 00:00"), local("2025-02-01 00:00")], utc=True))
    assert judge(rows, at)["on_time_766"].tolist() == [1, 0]


def test_no_dossiers_give_no_rate_not_zero() -> None:
    assert Ratio(0, 0).value is None
    assert set(COUNTS) == set(total(pd.DataFrame()))


def test_level_mix_of_the_dong_xoai_catalogue() -> None:
    catalogue = pd.DataFrame({"level": [2] * 67 + [3] * 148 + [4] * 140,
                              "online_service": ["none"] * 67 + ["partial"] * 148 + ["full"] * 140})
    mix = {(m["scheme"], m["key"]): (m["numerator"], m["denominator"]) for m in level_mix(catalogue)}
    assert mix[("level", "2")] == (67, 355) and mix[("level", "3")] == (148, 355) and mix[("level", "4")] == (140, 355)
    assert mix[("online_service", "full")] == (140, 355)


def test_adoption_rates_per_population_count_only_scopes_reporting_both() -> None:
    values = pd.DataFrame({"scope": ["h1", "h1", "h2", "h2", "h3"],
                           "indicator": ["population", "smartphone_owners", "population", "smartphone_owners",
                                         "smartphone_owners"],
                           "value": [1000, 898, 500, 337, 999]})   # h3 has no population: left out
    r = adoption(values)["smartphone_ownership"]
    assert (r.numerator, r.denominator) == (1235, 1500)
    assert math.isclose(r.value or 0, 1235 / 1500)
    assert adoption(values)["vneid_level2_rate"].value is None
