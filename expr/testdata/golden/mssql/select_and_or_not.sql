-- mssql 16.0.4105.2
SELECT users.id FROM users WHERE (users.name = @p1 OR (users.age < @p2 AND NOT (users.email = @p3)) OR NOT (users.id = @p4 OR users.id = @p5)) AND users.age > @p6
-- returns rows: true ["id"]
-- args: 6
string("a")
int64(10)
string("x@y")
int64(1)
int64(2)
int64(1)
