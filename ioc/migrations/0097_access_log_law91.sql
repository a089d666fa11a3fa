-- Law 91/2025/QH15 on personal data protection (Luật Bảo vệ dữ liệu cá nhân) is in force since 2026-01-01 and
-- replaces Decree 13/2023/NĐ-CP. Each access-log row says under which law the view was made; views logged before
-- the law took effect (Vietnam time) keep the decree that applied then.
ALTER TABLE personal_data_access ADD COLUMN legal_basis text NOT NULL DEFAULT 'Law 91/2025/QH15';
UPDATE personal_data_access SET legal_basis = 'Decree 13/2023/NĐ-CP' WHERE at < '2026-01-01 00:00:00+07';
COMMENT ON TABLE personal_data_access IS
    'Every view of personal data (Law 91/2025/QH15 on personal data protection): who, role, what, why (purpose), when';
