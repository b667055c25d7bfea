-- mssql 16.0.4105.2
SELECT users.name FROM users WHERE users.id = (select max(id) from users)
-- returns rows: true ["name"]
-- args: 0
