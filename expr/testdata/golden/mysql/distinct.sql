-- mysql 8.0.36
SELECT DISTINCT name FROM users WHERE age > ?
-- returns rows: true ["name"]
-- args: 1
int64(3)
