-- mssql 16.0.4105.2
SELECT id FROM users WHERE (name = @p1 OR (age < @p2 AND NOT (email = @p3)) OR NOT (id = @p4 OR id = @p5)) AND age > @p6
-- returns rows: true ["id"]
-- args: 6
string("a")
int64(10)
string("x@y")
int64(1)
int64(2)
int64(1)
