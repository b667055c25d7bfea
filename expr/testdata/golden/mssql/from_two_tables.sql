-- mssql 16.0.4105.2
SELECT users.name, [order].total FROM users, [order] WHERE [order].user_id = users.id
-- returns rows: true ["name" "total"]
-- args: 0
