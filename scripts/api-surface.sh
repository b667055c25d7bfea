#!/bin/bash
# api-surface.sh [dir]: measures the root package's API as `go doc -all` shows it:
# lines, top-level funcs, methods, types, exported const/var names, and their total.
# A const in an iota block is counted only when its line carries more than its name.
cd "${1:-.}" || exit 1
d=$(go doc -all .)
lines=$(echo "$d" | wc -l)
funcs=$(echo "$d" | grep -cE '^func [A-Z]')
methods=$(echo "$d" | grep -cE '^func \([^)]*\) [A-Z]')
types=$(echo "$d" | grep -cE '^type [A-Z]')
cv=$(echo "$d" | awk '/^(const|var) \(/{inb=1;next} inb&&/^\)/{inb=0} inb&&/^\t[A-Z][A-Za-z0-9]* /{n++} /^(const|var) [A-Z]/{n++} END{print n+0}')
echo "lines=$lines funcs=$funcs methods=$methods types=$types constvar=$cv total=$((funcs+methods+types+cv))"
