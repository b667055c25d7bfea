-- mssql 16.0.4105.2
SELECT id FROM users WHERE 1 = 1 AND 1 = 0
-- returns rows: true ["id"]
-- args: 0
