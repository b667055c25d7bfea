-- mssql 16.0.4105.2
SELECT id FROM users WHERE (id = @p1 OR id = @p2) AND (age = @p3 OR age = @p4)
-- returns rows: true ["id"]
-- args: 4
int64(1)
int64(2)
int64(3)
int64(4)
