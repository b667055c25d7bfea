-- mssql 16.0.4105.2
UPDATE users SET age = (users.age + @p1) WHERE users.active = @p2 AND (users.id = @p3 OR users.id = @p4)
-- returns rows: false []
-- args: 4
int64(1)
bool(true)
int64(1)
int64(2)
