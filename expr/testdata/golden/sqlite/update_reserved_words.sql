-- sqlite 3.45.1
UPDATE "order" SET "group" = ? WHERE "group" = ?
-- returns rows: false []
-- args: 2
string("vip")
string("std")
