"""The demo's synthetic feed and the provider commands: a week of plausible, labelled mentions, stored once however
often it runs, with its fake authors stripped like a real provider's."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from ioc.config import Settings
from pipelines.social import demo
from smartward.cli import main
from tests.dashboards import seed
from tests.social.support import NOW, TZ


def test_a_week_of_the_feed_is_plausible_labelled_and_idempotent(db: psycopg.Connection) -> None:
    seed.load_wards(db)
    first = demo.load(db, NOW - timedelta(days=7), NOW, TZ)
    assert 250 < first < 700                                      # a few an hour
    assert demo.load(db, NOW - timedelta(days=7), NOW, TZ) == 0   # each hour's draw is fixed
    rows = db.execute("""SELECT count(*), count(*) FILTER (WHERE synthetic), count(DISTINCT topic),
                                count(*) FILTER (WHERE sentiment = 'negative')::float / count(*),
                                count(*) FILTER (WHERE ward_how = 'given'), count(*) FILTER (WHERE ward_how = 'point'),
                                count(*) FILTER (WHERE ward_how = 'unknown'), max(reach), percentile_disc(0.5)
                                WITHIN GROUP (ORDER BY reach)
                         FROM social_mentions""").fetchone()
    assert rows is not None
    total, synthetic, topics, negative, given, point, unknown, top, median = rows
    assert total == synthetic == first and topics == 7 and 0.4 < negative < 0.75
    assert given > point > 0 and unknown > 0 and top > 5000 and 200 < median < 2000
    stored = db.execute("SELECT string_agg(summary || url, ' ') FROM social_mentions").fetchone()
    assert stored is not None and "Mô Phỏng" not in stored[0] and "0912 345 678" not in stored[0]
    assert "mophong_demo" not in stored[0] and stored[0].count("(mô phỏng)") == total
    assert db.execute("SELECT count(*) FROM social_mentions WHERE url NOT LIKE 'https://mo-phong.invalid/%'") \
        .fetchone() == (0,)


def test_provider_commands(db: psycopg.Connection, settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    url = settings.database_url or ""
    assert main(["--database-url", url, "social", "providers", "add", "acme"]) == 0
    secret = capsys.readouterr().out.split("webhook secret ")[1].split()[0]
    assert len(secret) >= 32 and db.execute("SELECT secret FROM social_providers").fetchone() == (secret,)
    assert main(["--database-url", url, "social", "providers", "add", "acme"]) == 2
    assert "exists; --replace" in capsys.readouterr().err
    assert main(["--database-url", url, "social", "providers", "add", "Bad Name"]) == 2
    assert main(["--database-url", url, "social", "providers", "list"]) == 0
    assert "acme" in capsys.readouterr().out
    db.execute("""INSERT INTO social_mentions (provider, source, url, published_at, topic, sentiment, reach, ward_how)
                  VALUES ('acme', 'news', 'https://x.vn/1', now() - interval '400 days', 'other', 'neutral', 1,
                          'unknown')""")
    assert main(["--database-url", url, "social", "purge"]) == 0
    assert "1 mention(s) older than 365 days deleted" in capsys.readouterr().out
