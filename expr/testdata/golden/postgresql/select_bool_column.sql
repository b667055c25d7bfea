-- postgresql 15.6
SELECT users.id FROM users WHERE users.active AND NOT users.active AND (users.active OR users.age > $1) AND users.active = $2
-- returns rows: true ["id"]
-- args: 2
int64(3)
bool(true)
