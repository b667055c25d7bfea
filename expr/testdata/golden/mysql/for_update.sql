-- mysql 8.0.36
SELECT users.id FROM users WHERE users.id = ? FOR UPDATE
-- returns rows: true ["id"]
-- args: 1
int64(1)
