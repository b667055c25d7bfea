-- mssql 16.0.4105.2
SELECT name FROM users WHERE active = @p1 AND users.age > @p2 AND name <> @p3
-- returns rows: true ["name"]
-- args: 3
bool(true)
int(18)
string("z")
