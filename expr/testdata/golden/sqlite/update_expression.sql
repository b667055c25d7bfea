-- sqlite 3.45.1
UPDATE users SET age = (age + ?) WHERE active = ? AND (id = ? OR id = ?)
-- returns rows: false []
-- args: 4
int64(1)
bool(true)
int64(1)
int64(2)
