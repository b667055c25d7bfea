-- mssql 16.0.4105.2
SELECT id FROM users INTERSECT SELECT user_id FROM [order]
-- returns rows: true ["id"]
-- args: 0
