-- mysql 8.0.36
DELETE FROM users WHERE (id = ? OR id = ?) AND age < ?
-- returns rows: false []
-- args: 3
int64(1)
int64(2)
int64(3)
