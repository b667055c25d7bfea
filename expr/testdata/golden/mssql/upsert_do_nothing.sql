-- mssql 16.0.4105.2
MERGE INTO users USING (VALUES (@p1, @p2, @p3)) AS excluded (id, name, status) ON users.id = excluded.id WHEN NOT MATCHED THEN INSERT (id, name, status) VALUES (excluded.id, excluded.name, excluded.status);
-- returns rows: false []
-- args: 3
int64(1)
string("ed")
string("new")
