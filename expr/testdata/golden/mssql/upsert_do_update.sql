-- mssql 16.0.4105.2
MERGE INTO users USING (VALUES (@p1, @p2, @p3, @p4)) AS excluded (id, name, age, status) ON users.id = excluded.id WHEN MATCHED THEN UPDATE SET name = excluded.name, age = excluded.age WHEN NOT MATCHED THEN INSERT (id, name, age, status) VALUES (excluded.id, excluded.name, excluded.age, excluded.status);
-- returns rows: false []
-- args: 4
int64(1)
string("ed")
int64(3)
string("new")
