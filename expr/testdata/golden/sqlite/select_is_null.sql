-- sqlite 3.45.1
SELECT id FROM users WHERE email IS NULL AND manager_id IS NOT NULL
-- returns rows: true ["id"]
-- args: 0
