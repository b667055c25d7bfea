-- sqlite 3.45.1
SELECT id FROM users ORDER BY email NULLS FIRST, age DESC NULLS LAST
-- returns rows: true ["id"]
-- args: 0
