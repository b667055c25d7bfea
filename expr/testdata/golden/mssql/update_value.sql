-- mssql 16.0.4105.2
UPDATE users SET name = @p1, email = @p2 WHERE id = @p3
-- returns rows: false []
-- args: 3
string("ed")
<nil>(<nil>)
int64(5)
