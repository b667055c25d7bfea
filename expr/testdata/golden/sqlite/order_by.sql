-- sqlite 3.45.1
SELECT id FROM users ORDER BY name, id DESC
-- returns rows: true ["id"]
-- args: 0
