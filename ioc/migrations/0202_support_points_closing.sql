-- Support points are edited on a staff page (issue 19): a point that stops operating is closed, not deleted, so
-- the audit log's "support_point_close" still names a row; the residents' page shows open points only. Points the
-- demo makes up are marked synthetic.
ALTER TABLE support_points
    ADD COLUMN closed_at    timestamptz,
    ADD COLUMN closed_by    text,
    ADD COLUMN synthetic    boolean NOT NULL DEFAULT false;
