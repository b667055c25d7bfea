-- mssql 16.0.4105.2
SELECT users.name FROM users WHERE users.active = @p1 AND users.age > @p2 AND users.name <> @p3
-- returns rows: true ["name"]
-- args: 3
bool(true)
int(18)
string("z")
