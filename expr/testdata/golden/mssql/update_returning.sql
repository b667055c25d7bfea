-- mssql 16.0.4105.2
UPDATE users SET name = @p1 OUTPUT inserted.id, inserted.name WHERE id = @p2
-- returns rows: true ["id" "name"]
-- args: 2
string("ed")
int64(5)
