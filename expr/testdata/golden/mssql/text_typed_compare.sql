-- mssql 16.0.4105.2
SELECT name FROM users WHERE id = (select max(id) from users)
-- returns rows: true ["name"]
-- args: 0
