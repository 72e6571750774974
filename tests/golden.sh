#!/bin/sh
# golden.sh - run sipwhy on every fixture in every output mode and compare
# with the expected output under tests/golden/.  UPDATE=1 rewrites them
# (review the diff before committing).
set -u
cd "$(dirname "$0")/.." || exit 2
bin=${SIPWHY:-./sipwhy}
pass=0 fail=0
for f in tests/fixtures/*; do
	[ -f "$f" ] || continue
	name=$(basename "$f")
	for mode in annotated failures json summary; do
		want=tests/golden/$name.$mode
		got=$("$bin" --year 2025 --color=never -o "$mode" "$f" 2>&1; echo "exit $?")
		if [ "${UPDATE:-0}" = 1 ]; then
			printf '%s\n' "$got" >"$want"
			continue
		fi
		if [ ! -f "$want" ]; then
			echo "FAIL $name -o $mode: no $want (run UPDATE=1 sh tests/golden.sh)"
			fail=$((fail + 1))
		elif printf '%s\n' "$got" | cmp -s - "$want"; then
			pass=$((pass + 1))
		else
			echo "FAIL $name -o $mode:"
			printf '%s\n' "$got" | diff -u "$want" - | head -20
			fail=$((fail + 1))
		fi
	done
done
[ "${UPDATE:-0}" = 1 ] && { echo "golden: rewrote tests/golden/"; exit 0; }
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
