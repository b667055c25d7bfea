-- mysql 8.0.36
UPDATE users SET active = ?
-- returns rows: false []
-- args: 1
bool(false)
