-- mysql 8.0.36
SELECT id FROM users ORDER BY name, id DESC
-- returns rows: true ["id"]
-- args: 0
