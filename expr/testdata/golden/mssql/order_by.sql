-- mssql 16.0.4105.2
SELECT id FROM users ORDER BY name, id DESC
-- returns rows: true ["id"]
-- args: 0
