-- mssql 16.0.4105.2
SELECT id FROM users WHERE active = 1 AND NOT (active = 1) AND (active = 1 OR age > @p1) AND active = @p2
-- returns rows: true ["id"]
-- args: 2
int64(3)
bool(true)
