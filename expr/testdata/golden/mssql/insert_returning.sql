-- mssql 16.0.4105.2
INSERT INTO users (name, status) OUTPUT inserted.id, inserted.name VALUES (@p1, @p2)
-- returns rows: true ["id" "name"]
-- args: 2
string("ed")
string("new")
