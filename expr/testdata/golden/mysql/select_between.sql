-- mysql 8.0.36
SELECT id FROM users WHERE age BETWEEN ? AND ?
-- returns rows: true ["id"]
-- args: 2
int64(18)
int64(65)
