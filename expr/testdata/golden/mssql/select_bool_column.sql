-- mssql 16.0.4105.2
SELECT users.id FROM users WHERE users.active = 1 AND NOT (users.active = 1) AND (users.active = 1 OR users.age > @p1) AND users.active = @p2
-- returns rows: true ["id"]
-- args: 2
int64(3)
bool(true)
