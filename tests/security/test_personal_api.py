"""Camera snapshot URLs in the read API are personal data: an API key (a client, not a person) never sees them."""

from __future__ import annotations

from ioc.security.personal import redact_snapshots


def test_snapshots_are_blanked_for_a_caller_without_the_right() -> None:
    rows = [{"device_id": "cam-1", "snapshot_url": "https://cam.example/1.jpg"}, {"device_id": "cam-2",
                                                                                   "snapshot_url": None}]
    assert redact_snapshots(rows, None) == [{"device_id": "cam-1", "snapshot_url": None},
                                            {"device_id": "cam-2", "snapshot_url": None}]
