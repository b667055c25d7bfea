-- mssql 16.0.4105.2
SELECT id FROM users WHERE (id IS NULL AND 1 != 1)
-- returns rows: true ["id"]
-- args: 0
