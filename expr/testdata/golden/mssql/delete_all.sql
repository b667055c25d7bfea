-- mssql 16.0.4105.2
DELETE FROM [order]
-- returns rows: false []
-- args: 0
