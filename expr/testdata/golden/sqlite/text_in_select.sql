-- sqlite 3.45.1
SELECT name, upper(users.name) AS shout, ? AS suffix FROM users WHERE id > ?
-- returns rows: true ["name" "shout" "suffix"]
-- args: 2
string("!")
int64(0)
