-- postgresql 15.6
SELECT users.name FROM users WHERE users.active = $1 AND users.age > $2 AND users.name <> $3
-- returns rows: true ["name"]
-- args: 3
bool(true)
int(18)
string("z")
