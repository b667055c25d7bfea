-- mssql 16.0.4105.2
SELECT users.id FROM users EXCEPT SELECT [order].user_id FROM [order]
-- returns rows: true ["id"]
-- args: 0
