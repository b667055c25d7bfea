-- postgresql 15.6
SELECT name FROM users WHERE active = $1 AND users.age > $2 AND name <> $3
-- returns rows: true ["name"]
-- args: 3
bool(true)
int(18)
string("z")
