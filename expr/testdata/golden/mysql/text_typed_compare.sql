-- mysql 8.0.36
SELECT name FROM users WHERE id = (select max(id) from users)
-- returns rows: true ["name"]
-- args: 0
