-- mssql 16.0.4105.2
UPDATE [order] SET [group] = @p1 WHERE [group] = @p2
-- returns rows: false []
-- args: 2
string("vip")
string("std")
