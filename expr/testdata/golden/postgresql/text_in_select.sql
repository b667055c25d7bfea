-- postgresql 15.6
SELECT name, upper(users.name) AS shout, $1 AS suffix FROM users WHERE id > $2
-- returns rows: true ["name" "shout" "suffix"]
-- args: 2
string("!")
int64(0)
