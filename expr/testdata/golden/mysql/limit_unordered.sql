-- mysql 8.0.36
SELECT id FROM users LIMIT ? OFFSET ?
-- returns rows: true ["id"]
-- args: 2
int64(1)
int64(1)
