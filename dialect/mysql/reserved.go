package mysql

import "github.com/go-alchemy/alchemy/dialect"

// reservedCommon are the words both MySQL 8.x and MariaDB 10.x/11.x reserve.
const reservedCommon = `
accessible add all alter analyze and as asc asensitive before between bigint binary
blob both by call cascade case change char character check collate column condition
constraint continue convert create cross current_date current_time current_timestamp
current_user cursor database databases day_hour day_microsecond day_minute day_second
dec decimal declare default delayed delete desc describe deterministic distinct
distinctrow div double drop dual each else elseif enclosed escaped except exists exit
explain false fetch float float4 float8 for force foreign from fulltext grant group
having high_priority hour_microsecond hour_minute hour_second if ignore in index infile
inner inout insensitive insert int int1 int2 int3 int4 int8 integer intersect interval
into is iterate join key keys kill leading leave left like limit linear lines load
localtime localtimestamp lock long longblob longtext loop low_priority
master_ssl_verify_server_cert match maxvalue mediumblob mediumint mediumtext middleint
minute_microsecond minute_second mod modifies natural not no_write_to_binlog null
numeric on optimize option optionally or order out outer outfile over partition
precision primary procedure purge range read reads read_write real recursive references
regexp release rename repeat replace require resignal restrict return revoke right rlike
row_number rows schema schemas second_microsecond select sensitive separator set show
signal smallint spatial specific sql sqlexception sqlstate sqlwarning sql_big_result
sql_calc_found_rows sql_small_result ssl starting straight_join table terminated then
tinyblob tinyint tinytext to trailing trigger true undo union unique unlock unsigned
update usage use using utc_date utc_time utc_timestamp values varbinary varchar
varcharacter varying when where while window with write xor year_month zerofill
`

// reservedMySQLOnly are reserved by MySQL 8.0 to 8.4 and not by MariaDB.
const reservedMySQLOnly = `
cube cume_dist dense_rank empty first_value function generated get grouping groups
io_after_gtids io_before_gtids json_table lag last_value lateral lead manual
master_bind nth_value ntile of optimizer_costs parallel percent_rank qualify rank
row stored system tablesample virtual
`

// reservedMariaDBOnly are reserved by MariaDB 10.x/11.x and not by MySQL.
const reservedMariaDBOnly = `
current_role delete_domain_id do_domain_ids general ignore_domain_ids
ignore_server_ids master_demote_to_replica master_demote_to_slave
master_heartbeat_period offset page_checksum parse_vcol_expr portion position
ref_system_id returning slow stats_auto_recalc stats_persistent stats_sample_pages
`

var (
	mysqlQuoter = dialect.Quoter{
		Open: '`', Close: '`',
		Reserved: dialect.Words(reservedCommon + reservedMySQLOnly),
	}
	mariadbQuoter = dialect.Quoter{
		Open: '`', Close: '`',
		Reserved: dialect.Words(reservedCommon + reservedMariaDBOnly),
	}
)
