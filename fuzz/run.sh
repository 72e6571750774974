#!/bin/sh
# fuzz/run.sh - build the libFuzzer harnesses, seed their corpora from the
# fixtures and patterns, replay the saved regression inputs, then fuzz each
# harness for FUZZ_SECONDS (default 60; 10 for the short CI pass).
#
#   sh fuzz/run.sh [harness ...]        (from the repository top)
#
# Environment: FUZZ_SECONDS, FUZZ_JOBS (harnesses run at once; default the
# number of cores), FUZZ_OUT (default /tmp/sipwhy-fuzz: binaries, corpora,
# crash artifacts, logs), CLANG.  To keep fuzzing past a bug already
# reported: SIPWHY_FUZZ_IGNORE=repeat,explain-tty,zip-name-tty turns those
# oracles off, failures-mode keeps fuzz_framer out of -o failures, and
# LSAN_OPTIONS=suppressions=FILE hides a known leak.  Exits 1 when a harness crashed, leaked,
# tripped a sanitizer or an oracle, or a regression input failed again.
set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
out=${FUZZ_OUT:-/tmp/sipwhy-fuzz}
secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
all="lines framer sip reason format kb csv input text zip json"
list=${*:-$all}
export FUZZ_OUT="$out"

if ! command -v "${CLANG:-clang}" >/dev/null 2>&1; then
	echo "fuzz: clang is missing: apt-get install -y clang libclang-rt-14-dev"
	exit 2
fi
make -s -C fuzz FUZZ_OUT="$out" || exit 2

fx=tests/fixtures
# seeds are made afresh for each run, in a directory of its own
seed=$out/seed.$$
trap 'rm -rf "$seed"' EXIT
trap 'exit 2' HUP INT TERM
mkdir -p "$seed" "$out/corpus" "$out/artifacts" "$out/log"
for h in $all; do mkdir -p "$seed/$h" "$out/corpus/$h" "$out/artifacts/$h"; done

# ---- seeds ----
oct() { printf "\\$(printf %03o "$1")"; }
for f in $fx/*; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	head -c 16384 "$f" >"$seed/lines/$b"
	head -c 16384 "$f" >"$seed/text/$b"
	# framer: format (255 = detect), mode, cap, calls, month, seed
	for m in 0 1 2 4 6 14; do
		{ oct 255; oct $m; oct 0; oct 16; oct 0; oct 1; oct 2; head -c 24576 "$f"; } >"$seed/framer/$b.$m"
	done
	# and with an end that dates stamps that are a time of day
	{ oct 255; oct 2; oct 0; oct 16; oct 40; oct 1; oct 2; head -c 24576 "$f"; } >"$seed/framer/$b.end"
	# input: the fixture gzipped by gzip(1) (mode 0, plain bytes), or
	# by the harness (mode 1 valid, 2 truncated, 3 junk, 4 two members;
	# +128 through a pipe, +64 read ahead by the reader thread)
	{ oct 0; oct 255; oct 255; oct 0; oct 0; gzip -c "$f"; } >"$seed/input/$b.gz"
	for m in 0 1 2 3 4 129 64 65 66 67; do
		{ oct $m; oct 16; oct 0; oct 3; oct 7; head -c 8192 "$f"; } >"$seed/input/$b.$m"
	done
	# and made UTF-16 by the harness (mode 6: aux bit 0 a byte-order
	# mark, bit 1 little-endian), or by iconv (mode 0, read ahead)
	for a in 0 1 2 3; do
		{ oct 6; oct 16; oct 0; oct 0; oct $a; head -c 4096 "$f" | iconv -f UTF-8 -t UTF-16LE 2>/dev/null; } >"$seed/input/$b.u$a"
	done
	{ oct 64; oct 16; oct 0; oct 0; oct 0; head -c 4096 "$f" | iconv -f UTF-8 -t UTF-16 2>/dev/null; } >"$seed/input/$b.u16"
	case $b in *.csv) cp "$f" "$seed/csv/$b" ;; esac
done
# UTF-16 beyond ASCII: two- and three-byte UTF-8, a surrogate pair
{ oct 6; oct 16; oct 0; oct 0; oct 3; printf 'From: "Zo\303\253" \342\202\254 \360\237\230\200\r\n' | iconv -f UTF-8 -t UTF-16LE; } >"$seed/input/utf16-wide"
# each Oracle record and each generic message alone, for sip_parse
awk -v d="$seed/sip" '/^-{40}$/ { n++; next } { print > (d "/oracle-" n) }' $fx/oracle-sipmsg.log
awk -v d="$seed/sip" '/^(SIP\/2\.0 [0-9]|[A-Z]+ [^ ]+ SIP\/2\.0)/ { n++ } n { print > (d "/generic-" n) }' $fx/generic.log
# Reason values: from plain logs, and from AudioCodes lines (#012)
i=0
for f in $fx/*; do
	[ -f "$f" ] || continue
	{ grep -i -o 'reason: *[^#]*' "$f" 2>/dev/null || true; } | sed 's/^[Rr][Ee][Aa][Ss][Oo][Nn]: *//' | sort -u |
	while IFS= read -r v; do
		i=$((i + 1))
		{ oct 0; printf '%s' "$v"; } >"$seed/reason/$(basename "$f").$i"
	done
done
printf '\000Q.850;cause=31;text="5e19725b-7fad-4e89-bae3-dfc5df88bb96;No callee endpoints were found."' >"$seed/reason/ms"
printf '\002SIP;cause=404;text="Not Found", Q.850 ;cause=1 ;text=unquoted' >"$seed/reason/multi"
# formats: each with a log after "%%"
for fmt in patterns/formats/*.fmt; do
	n=$(basename "$fmt" .fmt)
	cp "$fmt" "$seed/format/$n"
	for f in $fx/*; do
		[ -s "$f" ] || continue
		{ cat "$fmt"; printf '\n%%%%\n'; head -c 3000 "$f"; } >"$seed/format/$n+$(basename "$f")"
	done
done
# tables: selector byte = table (0 microsoft, 1 sip-status, 2 q850) +
# 4 strict + 8 over the shipped tables
t=0
for tb in microsoft sip-status q850; do
	for s in 0 4 8; do
		{ oct $((t + s)); cat "patterns/$tb.tsv"; } >"$seed/kb/$tb.$s"
	done
	t=$((t + 1))
done
# zips: the saved hostile ones, and the export fixture zipped
cp tests/hostile/*.zip "$seed/zip/" 2>/dev/null
if command -v zip >/dev/null 2>&1; then
	(cd $fx && zip -q -X "$seed/zip/teams-export.zip" teams-export.csv)
fi
printf 'Correlation ID,Success,Final SIP code,Final Microsoft subcode,Final SIP phrase\n1,No,480,10037,"No callee, ""quoted"""\n2,Yes,200,0,OK\n' >"$seed/csv/small.csv"
# text: time stamps and explain arguments (selector 0x30)
printf '\000%%b %%e %%H:%%M:%%S.%%f|Nov 21 09:14:02.108' >"$seed/text/time1"
printf '\000%%Y-%%m-%%dT%%H:%%M:%%S.%%f|2025-11-21T09:14:05.647123456' >"$seed/text/time2"
printf '\000%%s|1732180445.123' >"$seed/text/time3"
printf '\060560487' >"$seed/text/explain1"
printf '\060q850:31' >"$seed/text/explain2"
printf '\060480/10037' >"$seed/text/explain3"
printf '\060No callee endpoints were found.' >"$seed/text/explain4"
printf '\017x \033]0;t\007 \033[2J\r\n\302\233 #012\\r\\n.' >"$seed/text/controls"

# json: the summaries sipwhy wrote for the golden tests, and the values
# merge must take apart: escapes, surrogates, big and negative numbers
for g in tests/golden/*.summary-json; do
	cp "$g" "$seed/json/$(basename "$g")"
done
printf '{"event":"summary","failed":1e300,"calls":-5,"groups":[{"status":1e300,"ms_code":-1e300,"q850":"x","count":3,"phrase":"a\\u001b[2J\\ud800\\udc00\\udfff\\u0000b","examples":[{"call_id":"c\\u009b1"}]}],"by_peer":[{"peer":"p|q","count":2}],"by_direction":{"in":1}}' >"$seed/json/hostile"
printf '[{"a":[1,2.5e-3,true,false,null,"\\/"]}, {}]' >"$seed/json/values"

# ---- regression inputs saved from earlier runs ----
rc=0
for h in $list; do
	d=tests/hostile/fuzz/$h
	regs="$d/*"
	# the zips tests/hostile.sh runs are regression inputs of fuzz_zip
	[ "$h" = zip ] && regs="$regs tests/hostile/*.zip"
	for r in $regs; do
		[ -f "$r" ] || continue
		if "$out/bin/fuzz_$h" "$r" >"$out/log/regress-$h.log" 2>&1; then
			echo "fuzz: $h: regression $r passes"
		else
			echo "fuzz: $h: regression $r FAILS (see $out/log/regress-$h.log)"
			rc=1
		fi
	done
done

# ---- fuzzing ----
maxlen() {
	case $1 in
	framer) echo 32768 ;;
	input) echo 65536 ;;
	format) echo 8192 ;;
	kb) echo 65536 ;;
	zip) echo 65536 ;;
	*) echo 16384 ;;
	esac
}
run_one() {
	h=$1
	"$out/bin/fuzz_$h" "$out/corpus/$h" "$seed/$h" \
		-dict=fuzz/sip.dict -max_total_time="$secs" -timeout=25 \
		-rss_limit_mb=2048 -max_len="$(maxlen "$h")" -close_fd_mask=3 \
		-print_final_stats=1 -artifact_prefix="$out/artifacts/$h/" \
		>"$out/log/$h.log" 2>&1
	s=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log/$h.log")
	cov=$(grep -E '^#[0-9]+.*cov:' "$out/log/$h.log" | tail -n1 | sed 's/.*cov: \([0-9]*\).*/\1/')
	if [ $s = 0 ]; then
		echo "fuzz: $h: ok, ${execs:-?} runs in ${secs}s, cov ${cov:-?}"
	else
		a=$(ls -t "$out/artifacts/$h/" 2>/dev/null | head -n1)
		echo "fuzz: $h: FAILED (exit $s), input $out/artifacts/$h/$a, log $out/log/$h.repro.log"
		# again with stderr open, for the oracle's message
		[ -n "$a" ] && "$out/bin/fuzz_$h" "$out/artifacts/$h/$a" >"$out/log/$h.repro.log" 2>&1
		grep -m2 -E 'ERROR: |fuzz oracle failed|runtime error|SUMMARY' "$out/log/$h.repro.log" | sed 's/^/fuzz:   /'
		echo fail >"$out/log/$h.failed"
	fi
}
rm -f "$out"/log/*.failed
running=0
for h in $list; do
	run_one "$h" &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
ls "$out"/log/*.failed >/dev/null 2>&1 && rc=1
echo "fuzz: corpora in $out/corpus, crash inputs in $out/artifacts"
exit $rc
