-- postgresql 15.6
UPDATE users SET age = (users.age + $1) WHERE users.active = $2 AND (users.id = $3 OR users.id = $4)
-- returns rows: false []
-- args: 4
int64(1)
bool(true)
int64(1)
int64(2)
