-- postgresql 15.6
SELECT name, CASE WHEN age < $1 THEN $2 WHEN age < $3 THEN $4 ELSE $5 END AS bracket FROM users WHERE CASE WHEN active THEN age END > $6
-- returns rows: true ["name" "bracket"]
-- args: 6
int64(18)
string("minor")
int64(65)
string("adult")
string("senior")
int64(3)
