-- mssql 16.0.4105.2
SELECT users.id FROM users WHERE (users.id = @p1 OR users.id = @p2) AND (users.age = @p3 OR users.age = @p4)
-- returns rows: true ["id"]
-- args: 4
int64(1)
int64(2)
int64(3)
int64(4)
