-- sqlite 3.45.1
SELECT users.id FROM users ORDER BY users.email NULLS FIRST, users.age DESC NULLS LAST
-- returns rows: true ["id"]
-- args: 0
