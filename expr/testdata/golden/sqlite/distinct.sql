-- sqlite 3.45.1
SELECT DISTINCT users.name FROM users WHERE users.age > ?
-- returns rows: true ["name"]
-- args: 1
int64(3)
