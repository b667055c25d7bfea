-- mssql 16.0.4105.2
DELETE FROM users OUTPUT deleted.id, deleted.name WHERE id = @p1
-- returns rows: true ["id" "name"]
-- args: 1
int64(1)
