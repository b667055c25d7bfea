-- mssql 16.0.4105.2
SELECT id FROM users WHERE email IS NULL AND manager_id IS NOT NULL
-- returns rows: true ["id"]
-- args: 0
