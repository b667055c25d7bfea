-- mssql 16.0.4105.2
SELECT id FROM users WHERE id IN (@p1, @p2, @p3) AND name IN (@p4)
-- returns rows: true ["id"]
-- args: 4
int64(1)
int64(2)
int64(3)
string("a")
