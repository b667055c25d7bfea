-- sqlite 3.45.1
SELECT users.name FROM users WHERE users.id = (select max(id) from users)
-- returns rows: true ["name"]
-- args: 0
