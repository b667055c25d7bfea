-- postgresql 15.6
UPDATE users SET age = (age + $1) WHERE active = $2 AND (id = $3 OR id = $4)
-- returns rows: false []
-- args: 4
int64(1)
bool(true)
int64(1)
int64(2)
