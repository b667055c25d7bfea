-- mssql 16.0.4105.2
UPDATE users SET active = @p1
-- returns rows: false []
-- args: 1
bool(false)
