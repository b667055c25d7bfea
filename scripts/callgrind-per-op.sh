#!/bin/bash
# Instructions per benchmark iteration, under valgrind (see BENCHMARKS.md): the
# difference of two iteration counts cancels start-up. GOGC=off keeps the runtime's
# background workers from contending for a lock valgrind cannot emulate (RDTSCP).
# usage: callgrind-per-op.sh <test binary> <bench regexp> [n1 n2] ; prints instructions per op
bin=$1; re=$2; n1=${3:-2000}; n2=${4:-12000}
ir() { GOGC=off GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out.$$ "$bin" -test.run '^$' -test.bench "$re" -test.benchtime ${1}x >/dev/null 2>/tmp/cg.err.$$; grep -E '^summary|^totals' /tmp/cg.out.$$ | head -1 | awk '{print $2}'; rm -f /tmp/cg.out.$$; }
a=$(ir $n1); b=$(ir $n2)
echo "$re $(( (b - a) / (n2 - n1) )) instr/op"
