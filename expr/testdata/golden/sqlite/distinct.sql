-- sqlite 3.45.1
SELECT DISTINCT name FROM users WHERE age > ?
-- returns rows: true ["name"]
-- args: 1
int64(3)
