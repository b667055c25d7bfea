-- mssql 16.0.4105.2
INSERT INTO tree OUTPUT inserted.id DEFAULT VALUES
-- returns rows: true ["id"]
-- args: 0
