-- sqlite 3.45.1
SELECT count(*), count(id), count(DISTINCT user_id), sum(total), avg(total), min(total), max(total) FROM "order"
-- returns rows: true ["" "" "" "" "" "" ""]
-- args: 0
