-- mssql 16.0.4105.2
UPDATE users SET age = (age + @p1) WHERE active = @p2 AND (id = @p3 OR id = @p4)
-- returns rows: false []
-- args: 4
int64(1)
bool(true)
int64(1)
int64(2)
