-- Alarm rules name an owner department by code (data/alarms/default_rules.yaml); the two the default rules use that
-- the report departments did not hold, so /alarms shows every owner by its name, not its code.
INSERT INTO report_departments (code, name_vi, name_en) VALUES
    ('environment', 'Bộ phận quan trắc môi trường', 'Environmental monitoring unit'),
    ('it_ops', 'Tổ kỹ thuật vận hành IOC', 'IOC technical operations team')
ON CONFLICT (code) DO NOTHING;
