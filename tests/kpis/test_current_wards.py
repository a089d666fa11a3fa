"""Figures of merged old wards roll up to the new ward through the mapping: pure, and end to end in the database."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from click.testing import CliRunner

from layers.ward_mapping import read_mapping, roll_up
from pipelines.kpis.current_wards import to_current_wards
from smartward.cli import cli
from tests.kpis.support import MAPPING, add_mapping, add_procedure, add_ward, csv_text, dossier, local


def test_old_ward_counts_go_to_their_new_ward_and_split_wards_by_share() -> None:
    mapping = read_mapping(MAPPING)
    frame = pd.DataFrame({
        "ward_code": ["25210", None, None, None, None],
        "old_city": [None, "Thành phố Đồng Xoài", "Thành phố Đồng Xoài", "Thành phố Bến Cát", "Nowhere"],
        "old_ward": [None, "Phường Tiến Thành", "Phường Tân Phú", "Phường Mỹ Phước", "Phường X"],
        "received": [10.0, 4.0, 6.0, 8.0, 3.0], "online": [5.0, 2.0, 3.0, 4.0, 1.0]})
    out = to_current_wards(frame, mapping).set_index("ward", drop=False)
    assert out.loc["25210", "received"] == 14          # its own 10 + Tiến Thành's 4
    assert out.loc["25195", "received"] == 6           # Tân Phú merged into Bình Phước
    # Mỹ Phước was split between Bến Cát and Long Nguyên: equal shares, and the rate is unchanged
    assert out.loc["25813", "received"] == 4 and out.loc["25840", "received"] == 4
    assert out.loc["25813", "online"] / out.loc["25813", "received"] == 0.5
    unmapped = out[out["ward"].isna()]
    assert unmapped["received"].sum() == 3             # an unknown old ward is kept, not dropped
    assert out["received"].sum() == frame["received"].sum()
    # the same apportioning as layers.ward_mapping.roll_up (and so as the SQL view)
    old = frame[frame["ward_code"].isna()].rename(columns={"received": "value"})
    reference = roll_up(old, mapping)
    assert reference.by_ward["25813"] == 4 and reference.by_ward["25195"] == 6


@pytest.fixture
def two_wards(db: psycopg.Connection) -> psycopg.Connection:
    add_ward(db, "25210", "Phường Đồng Xoài", lon=106.9)
    add_ward(db, "25195", "Phường Bình Phước", lon=106.95)
    add_mapping(db)
    add_procedure(db)
    return db


def test_summary_of_a_new_ward_includes_the_dossiers_of_its_old_wards(two_wards: psycopg.Connection, db_url: str,
                                                                     tmp_path: Path) -> None:
    rows = [dossier(dossier_id="old-1", ward_code=None, old_city="Thành phố Đồng Xoài", old_ward="Phường Tiến Thành",
                    received_at=local("2025-03-03 09:00"), channel="online"),
            dossier(dossier_id="old-2", ward_code=None, old_city="Thành phố Đồng Xoài",
                    old_ward="Xã Tân Thành", received_at=local("2025-04-03 09:00")),
            dossier(dossier_id="old-3", ward_code=None, old_city="Thành phố Đồng Xoài", old_ward="Phường Tân Phú",
                    received_at=local("2025-05-03 09:00")),
            dossier(dossier_id="new-1", received_at=local("2025-08-03 09:00"), channel="online")]
    path = tmp_path / "dossiers.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    runner = CliRunner()
    imported = runner.invoke(cli, ["--database-url", db_url, "kpis", "import", str(path)])
    assert imported.exit_code == 0, imported.output

    def line(ward: str) -> dict[str, object]:
        result = runner.invoke(cli, ["--database-url", db_url, "kpis", "summary", "--period", "2025", "--ward", ward,
                                     "--json", "--now", "2026-02-01T00:00:00+07:00"])
        assert result.exit_code == 0, result.output
        return next(k for k in json.loads(result.output)["kpis"] if k["key"] == "online_submission")

    assert (line("25210")["numerator"], line("25210")["denominator"]) == (2, 3)   # two old wards + its own
    assert (line("25195")["numerator"], line("25195")["denominator"]) == (0, 1)   # Tân Phú went to Bình Phước
