-- postgresql 15.6
DELETE FROM users WHERE (id = $1 OR id = $2) AND age < $3
-- returns rows: false []
-- args: 3
int64(1)
int64(2)
int64(3)
