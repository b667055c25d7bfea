-- postgresql 15.6
DELETE FROM users WHERE (users.id = $1 OR users.id = $2) AND users.age < $3
-- returns rows: false []
-- args: 3
int64(1)
int64(2)
int64(3)
