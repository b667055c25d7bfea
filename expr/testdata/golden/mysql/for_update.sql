-- mysql 8.0.36
SELECT id FROM users WHERE id = ? FOR UPDATE
-- returns rows: true ["id"]
-- args: 1
int64(1)
