-- sqlite 3.45.1
SELECT name FROM users WHERE id = (select max(id) from users)
-- returns rows: true ["name"]
-- args: 0
