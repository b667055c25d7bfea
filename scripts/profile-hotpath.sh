#!/bin/bash
# CPU and allocation profiles of the hot paths issue 17 measures (BENCHMARKS.md,
# "Issue 17"): the pool's checkout+checkin, a PostgreSQL and a MariaDB SELECT 1
# through the engine's default configuration, and SQLite's 10-row select into
# structs. For each it prints the top of the CPU profile (cumulative, so the
# layers show) and the allocation sites per operation.
#
# usage: scripts/profile-hotpath.sh [outdir]   (needs the test servers' env:
#        eval "$(bash scripts/test-servers.sh env)")
set -euo pipefail
out=${1:-/tmp/alchemy-profiles}
mkdir -p "$out"
cd "$(dirname "$0")/../bench"
go test -c -o "$out/bench.test" .

# name|benchmark regexp|iterations
runs=(
	"pool|Checkout/impl=alchemy\$/g=64\$|3000000x"
	"postgresql|PostgresSelectOne/impl=alchemy\$/g=16\$|60000x"
	"mariadb|MariaDBSelectOne/impl=alchemy\$/g=16\$|60000x"
	"sqlite|SQLiteSelect10Users/alchemy-text\$|20000x"
)
for r in "${runs[@]}"; do
	IFS='|' read -r name re n <<<"$r"
	echo "=== $name: $re ($n)"
	"$out/bench.test" -test.run '^$' -test.bench "$re" -test.benchtime "$n" -test.benchmem \
		-test.cpuprofile "$out/$name.cpu" -test.memprofile "$out/$name.mem" -test.memprofilerate 512 | grep Benchmark
	echo "--- cpu (cumulative share of samples)"
	go tool pprof -top -cum -nodecount 25 "$out/bench.test" "$out/$name.cpu" 2>/dev/null | sed -n '4,32p'
	echo "--- allocations (objects, sampled)"
	go tool pprof -top -sample_index=alloc_objects -nodecount 12 "$out/bench.test" "$out/$name.mem" 2>/dev/null | sed -n '4,18p'
done
