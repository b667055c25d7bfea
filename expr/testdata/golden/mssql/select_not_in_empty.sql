-- mssql 16.0.4105.2
SELECT id FROM users WHERE (id IS NULL OR 1 = 1)
-- returns rows: true ["id"]
-- args: 0
