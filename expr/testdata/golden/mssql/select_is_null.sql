-- mssql 16.0.4105.2
SELECT users.id FROM users WHERE users.email IS NULL AND users.manager_id IS NOT NULL
-- returns rows: true ["id"]
-- args: 0
