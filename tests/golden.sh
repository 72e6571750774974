#!/bin/sh
# golden.sh - run sipwhy on every fixture in every output mode and compare
# with the expected output under tests/golden/.  UPDATE=1 rewrites them
# (review the diff before committing).
set -u
cd "$(dirname "$0")/.." || exit 2
bin=${SIPWHY:-./sipwhy}
pass=0 fail=0
# Stamps that are a time of day (FreeSWITCH, Oracle from tail) are dated
# from the log's end, its file's last write, in local time: the same on
# every checkout and machine.
export TZ=UTC
touch -d '2025-11-21 23:00:00' tests/fixtures/*
for f in tests/fixtures/*; do
	[ -f "$f" ] || continue
	name=$(basename "$f")
	for mode in annotated failures json summary summary-md summary-json; do
		want=tests/golden/$name.$mode
		case $mode in
		summary-md) args="-o summary -s markdown" ;;
		summary-json) args="-o summary -s json" ;;
		*) args="-o $mode" ;;
		esac
		# shellcheck disable=SC2086
		got=$("$bin" --year 2025 --color=never $args "$f" 2>&1; echo "exit $?")
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
# one call's story, as text and as Markdown
for story in "audiocodes-oneline.log 9749451804872649230846@192.0.2.25" \
	"ribbon-trc.TRC 0gQAAC8WAAACBAAAn8J1ZTCc+UOKUkYw7JUkqULZjFXs@192.0.2.20"; do
	set -- $story
	for s in text markdown; do
		want=tests/golden/$1.call.$s
		got=$("$bin" --year 2025 -s $s --call "$2" "tests/fixtures/$1" 2>&1; echo "exit $?")
		if [ "${UPDATE:-0}" = 1 ]; then
			printf '%s\n' "$got" >"$want"
		elif printf '%s\n' "$got" | cmp -s - "$want"; then
			pass=$((pass + 1))
		else
			echo "FAIL $1 --call $2 -s $s:"
			printf '%s\n' "$got" | diff -u "$want" - | head -20
			fail=$((fail + 1))
		fi
	done
done
[ "${UPDATE:-0}" = 1 ] && { echo "golden: rewrote tests/golden/"; exit 0; }
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
