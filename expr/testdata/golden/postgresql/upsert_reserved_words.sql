-- postgresql 15.6
INSERT INTO "order" (id, total, "group") VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET "group" = excluded."group", total = excluded.total
-- returns rows: false []
-- args: 3
int64(1)
float64(2.5)
string("g")
