-- mssql 16.0.4105.2
SELECT users.id FROM users WHERE users.id IN (@p1, @p2, @p3) AND users.name IN (@p4)
-- returns rows: true ["id"]
-- args: 4
int64(1)
int64(2)
int64(3)
string("a")
