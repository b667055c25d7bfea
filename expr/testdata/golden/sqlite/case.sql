-- sqlite 3.45.1
SELECT name, CASE WHEN age < ? THEN ? WHEN age < ? THEN ? ELSE ? END AS bracket FROM users WHERE CASE WHEN active THEN age END > ?
-- returns rows: true ["name" "bracket"]
-- args: 6
int64(18)
string("minor")
int64(65)
string("adult")
string("senior")
int64(3)
