-- mssql 16.0.4105.2
INSERT INTO tree DEFAULT VALUES
-- returns rows: false []
-- args: 0
