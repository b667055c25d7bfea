-- sqlite 3.45.1
UPDATE users SET active = ?
-- returns rows: false []
-- args: 1
bool(false)
