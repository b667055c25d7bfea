-- mssql 16.0.4105.2
SELECT name, upper(users.name) AS shout, @p1 AS suffix FROM users WHERE id > @p2
-- returns rows: true ["name" "shout" "suffix"]
-- args: 2
string("!")
int64(0)
