-- mssql 16.0.4105.2
SELECT count(*), count([order].id), count(DISTINCT [order].user_id), sum([order].total), avg([order].total), min([order].total), max([order].total) FROM [order]
-- returns rows: true ["" "" "" "" "" "" ""]
-- args: 0
