-- sqlite 3.45.1
SELECT count(*), count("order".id), count(DISTINCT "order".user_id), sum("order".total), avg("order".total), min("order".total), max("order".total) FROM "order"
-- returns rows: true ["" "" "" "" "" "" ""]
-- args: 0
