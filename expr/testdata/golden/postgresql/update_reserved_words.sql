-- postgresql 15.6
UPDATE "order" SET "group" = $1 WHERE "group" = $2
-- returns rows: false []
-- args: 2
string("vip")
string("std")
