-- sqlite 3.45.1
INSERT INTO "order" (id, total, "group") VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET "group" = excluded."group", total = excluded.total
-- returns rows: false []
-- args: 3
int64(1)
float64(2.5)
string("g")
