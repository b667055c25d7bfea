-- mssql 16.0.4105.2
DELETE FROM users WHERE (id = @p1 OR id = @p2) AND age < @p3
-- returns rows: false []
-- args: 3
int64(1)
int64(2)
int64(3)
