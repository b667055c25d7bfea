-- mysql 8.0.36
SELECT users.id FROM users WHERE users.age > ? ORDER BY users.id LIMIT ? FOR UPDATE SKIP LOCKED
-- returns rows: true ["id"]
-- args: 2
int64(1)
int64(1)
