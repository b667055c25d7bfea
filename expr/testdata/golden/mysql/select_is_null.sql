-- mysql 8.0.36
SELECT id FROM users WHERE email IS NULL AND manager_id IS NOT NULL
-- returns rows: true ["id"]
-- args: 0
