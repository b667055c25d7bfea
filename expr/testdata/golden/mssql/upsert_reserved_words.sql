-- mssql 16.0.4105.2
MERGE INTO [order] USING (VALUES (@p1, @p2, @p3)) AS excluded (id, total, [group]) ON [order].id = excluded.id WHEN MATCHED THEN UPDATE SET [group] = excluded.[group], total = excluded.total WHEN NOT MATCHED THEN INSERT (id, total, [group]) VALUES (excluded.id, excluded.total, excluded.[group]);
-- returns rows: false []
-- args: 3
int64(1)
float64(2.5)
string("g")
