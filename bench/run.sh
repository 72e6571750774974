#!/bin/sh
# bench/run.sh - how fast sipwhy reads big logs, against the tools a user
# would otherwise reach for, on the same files in the same run.
#
#   sh bench/run.sh          (or: make bench; from the repository top)
#
# Generates once, under $BENCH_DIR (default /tmp/sipwhy-bench): an
# AudioCodes syslog of 100 MB, 500 MB (and its gzip) and 1000 MB (only when
# the disk has room), and an Oracle sipmsg.log of 200 MB, with bench/gen.py.
# Each command is run 3 times in turn with its baseline; the best
# wall-clock time of each counts (the files are read once first so all of
# them come from the page cache); rg's is the best of it run with and
# without --no-mmap.  Prints a table with the targets and
# PASS or MISS, then the bound the summary's CPU time sets: the least
# wall-clock time any run could take on this machine's cores.  It
# measures, it does not gate: the exit status is always 0.
#
# Environment: SIPWHY (default ./sipwhy), BENCH_DIR, RUNS (default 3),
# BENCH_SIZES (default "100 500 1000"), BENCH_KEEP=0 deletes the generated
# files at the end.
set -u
cd "$(dirname "$0")/.." || exit 0
bin=${SIPWHY:-./sipwhy}
dir=${BENCH_DIR:-/tmp/sipwhy-bench}
runs=${RUNS:-3}
sizes=${BENCH_SIZES:-100 500 1000}
gen="python3 bench/gen.py"

if [ ! -x "$bin" ]; then
	echo "bench: $bin not built (run make first)"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "bench: python3 is needed by bench/gen.py"
	exit 0
fi
mkdir -p "$dir" || exit 0
# files made by another version of the generator are made again
sum=$(cksum <bench/gen.py)
if [ "$(cat "$dir/gen.cksum" 2>/dev/null)" != "$sum" ]; then
	rm -f "$dir"/ac-*.log "$dir"/ac-*.log.gz "$dir"/oracle-*.log
	echo "$sum" >"$dir/gen.cksum"
fi

# ---- tools: ripgrep and pigz from Debian when missing (as root) ----
need=""
command -v rg >/dev/null 2>&1 || need="$need ripgrep"
command -v pigz >/dev/null 2>&1 || need="$need pigz"
if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "bench: installing$need"
		apt-get install -y $need >/dev/null 2>&1 ||
			{ apt-get update >/dev/null 2>&1 && apt-get install -y $need >/dev/null 2>&1; }
	else
		echo "bench: missing$need (apt-get install -y$need); those rows are skipped"
	fi
fi
have_rg=0 have_pigz=0
command -v rg >/dev/null 2>&1 && have_rg=1
command -v pigz >/dev/null 2>&1 && have_pigz=1
gz() { if [ $have_pigz = 1 ]; then pigz -c "$1"; else gzip -c "$1"; fi; }

# ---- the files ----
avail_mb() { df -Pm "$dir" | awk 'NR==2 { print $4 }'; }
make_log() { # make_log FORMAT MB PATH
	[ -s "$3" ] && return 0
	echo "bench: generating $3"
	$gen --format "$1" "$2" "$3.tmp" && mv "$3.tmp" "$3"
}
sizes_made=""
for mb in $sizes; do
	f="$dir/ac-$mb.log"
	if [ ! -s "$f" ] && [ "$mb" -ge 1000 ]; then
		# the file, the annotated copy and a margin
		if [ "$(avail_mb)" -lt $((mb * 3 + 2048)) ]; then
			echo "bench: only $(avail_mb) MB free in $dir: no $mb MB file"
			continue
		fi
	fi
	make_log audiocodes "$mb" "$f" && sizes_made="$sizes_made $mb"
done
main=$dir/ac-500.log
[ -s "$main" ] || make_log audiocodes 500 "$main"
if [ ! -s "$main.gz" ]; then
	echo "bench: compressing $main"
	gz "$main" >"$main.gz.tmp" && mv "$main.gz.tmp" "$main.gz"
fi
oracle=$dir/oracle-200.log
make_log oracle 200 "$oracle"

# ---- timing ----
# once VAR SINK CMD: runs CMD (through sh -c) with its standard output to
# SINK and keeps the best wall-clock seconds in VAR_s.  grep's and rg's
# SINK is a file, not /dev/null: GNU grep stops at the first match when
# its output is /dev/null, which would time nothing.  A command that
# writes a file ($fresh) starts with the last run's copy deleted and
# flushed (sync), not timed: otherwise the kernel writes the last 500 MB
# back to disk during the next run, and on this VM's disk that alone moved
# a plain cat of the file to a file between 0.17 s and 0.79 s.  Its input
# ($src, see warm) is read again first, also untimed.
once() {
	var=$1 sink=$2
	shift 2
	if [ -n "${fresh:-}" ]; then
		rm -f "$fresh"
		sync
	fi
	[ -n "${src:-}" ] && cat "$src" >/dev/null
	s=$(date +%s%N)
	sh -c "$*" >"$sink" 2>/dev/null
	e=$(date +%s%N)
	t=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	eval "best=\${${var}_s:-}"
	if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
		eval "${var}_s=\$t"
	fi
}
tmpt=$(mktemp)
trap 'rm -f "$tmpt" "$dir/annotated.out" "$dir/stdout.out"' EXIT
# pair VAR1 SINK1 CMD1 VAR2 SINK2 CMD2: the two commands RUNS times in
# turn, so that a busy moment of the machine falls on both alike; each
# keeps its best time.  Each ratio has a VAR of its own: the best of its
# own RUNS runs against the best of its baseline's.
pair() {
	i=0
	while [ $i -lt "$runs" ]; do
		once "$1" "$2" "$3"
		once "$4" "$5" "$6"
		i=$((i + 1))
	done
}
# peak RSS of sipwhy itself, not of the sh that runs it
rss_of() { # rss_of VAR FILE [OPTIONS]: best-of-RUNS peak RSS of sipwhy
	var=$1 f=$2
	shift 2
	m=""
	i=0
	while [ $i -lt "$runs" ]; do
		/usr/bin/time -f '%M' -o "$tmpt" "$bin" "$@" "$f" >/dev/null 2>&1
		k=$(tail -n1 "$tmpt")
		if [ -z "$m" ] || [ "$k" -gt "$m" ]; then m=$k; fi
		i=$((i + 1))
	done
	eval "${var}=\$m"
}
# cpu_of VAR FILE: the least CPU time (user + system, seconds) of RUNS
# runs of sipwhy's summary of FILE, all its threads on one core (taskset):
# the work itself.  Threads running at once on this VM's two cores took
# a third to a half more CPU time for the same work, so the work is
# measured on one.  Divided by the
# cores, it is the shortest wall-clock time any run could take, however
# the work were spread over them.  The runs take the cores in turn: one
# of this VM's cores is at times a third slower than the other.
pin=""
command -v taskset >/dev/null 2>&1 && pin="taskset -c"
cpu_of() {
	var=$1 f=$2
	m=""
	i=0
	while [ $i -lt "$runs" ]; do
		cat "$f" >/dev/null
		/usr/bin/time -f '%U %S' -o "$tmpt" ${pin:+$pin $((i % $(nproc)))} "$bin" -o summary "$f" >/dev/null 2>&1
		k=$(tail -n1 "$tmpt" | awk '{ printf "%.2f", $1 + $2 }')
		if [ -z "$m" ] || awk -v a="$k" -v b="$m" 'BEGIN { exit !(a < b) }'; then m=$k; fi
		i=$((i + 1))
	done
	eval "${var}=\$m"
}
bounds=""
bound() { # bound NAME CPU GREP RG: the least wall time CPU allows
	b=$(awk -v c="$2" -v n="$(nproc)" 'BEGIN { printf "%.3f", c / n }')
	bounds="$bounds$(printf 'bound:   %s: %s s of CPU%s, so at best %s s on %s cores: %s x grep' "$1" "$2" "${pin:+ on one core}" "$b" "$(nproc)" \
		"$(awk -v a="$b" -v g="$3" 'BEGIN { printf "%.2f", a / g }')")"
	[ -n "$4" ] && bounds="$bounds$(printf ', %s x rg' "$(awk -v a="$b" -v r="$4" 'BEGIN { printf "%.2f", a / r }')")"
	bounds="$bounds
"
}

# warm FILE: the input of the commands timed next, read into the page
# cache, and read again (untimed) before each of them: this VM's page
# cache drops 1 to 4 MB a second of a file read once, with 23 GB free,
# and a run would read those pages from the disk.
warm() {
	src=$1
	cat "$1" >/dev/null
}

# vsrg VAR RGVAR FILE: sipwhy's summary of FILE against rg in turn,
# RUNS times.  rg maps a single file into memory by default and reads it
# with read(2) given --no-mmap; which is faster depends on the machine
# (on this VM, where page faults are dear, --no-mmap takes a third of the
# time), so rg runs both ways and its best time of either is the baseline.
vsrg() {
	i=0
	while [ $i -lt "$runs" ]; do
		once "$1" /dev/null "'$bin' -o summary '$3'"
		once "$2" "$dir/stdout.out" "rg -c -i 'reason:' '$3'"
		once "$2" "$dir/stdout.out" "rg --no-mmap -c -i 'reason:' '$3'"
		i=$((i + 1))
	done
}

rows=""
row() { # row TEST SIPWHY BASELINE TARGET-RATIO
	ratio=$(awk -v a="$2" -v b="$3" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }')
	verdict=$(awk -v r="$ratio" -v t="$4" 'BEGIN { print (r + 0 <= t + 0 && r != "inf") ? "PASS" : "MISS" }')
	rows="$rows$(printf '%-44s %9s %9s %7s %8s  %s' "$1" "$2" "$3" "$ratio" "<= $4" "$verdict")
"
}
rowmem() { # rowmem TEST KIB TARGET-TEXT VERDICT
	rows="$rows$(printf '%-44s %9s %9s %7s %8s  %s' "$1" "$2" "-" "-" "$3" "$4")
"
}

echo "bench: timing (best of $runs, each command in turn with its baseline)"
warm "$main"
pair sum /dev/null "'$bin' -o summary '$main'" \
	grep "$dir/stdout.out" "grep -c -i 'reason:' '$main'"
row "summary vs grep -c -i (500 MB)" "$sum_s" "$grep_s" 1.0
if [ $have_rg = 1 ]; then
	vsrg sumr rg "$main"
	row "summary vs rg -c -i (500 MB)" "$sumr_s" "$rg_s" 2.0
fi
warm "$main.gz"
if [ $have_pigz = 1 ]; then
	pair sgz /dev/null "'$bin' -o summary '$main.gz'" \
		pz /dev/null "pigz -dc '$main.gz'"
	row "summary .gz vs pigz -dc (500 MB)" "$sgz_s" "$pz_s" 1.15
else
	pair sgz /dev/null "'$bin' -o summary '$main.gz'" \
		pz /dev/null "gzip -dc '$main.gz'"
	row "summary .gz vs gzip -dc (500 MB)" "$sgz_s" "$pz_s" 1.15
fi
warm "$main"
i=0
while [ $i -lt "$runs" ]; do
	fresh=$dir/annotated.out
	once ann /dev/null "'$bin' '$main' >'$dir/annotated.out'"
	fresh=
	once suma /dev/null "'$bin' -o summary '$main'"
	i=$((i + 1))
done
row "annotated (to a file) vs summary (500 MB)" "$ann_s" "$suma_s" 1.5
rm -f "$dir/annotated.out"
warm "$oracle"
pair osum /dev/null "'$bin' -o summary '$oracle'" \
	ogrep "$dir/stdout.out" "grep -c -i 'reason:' '$oracle'"
row "oracle summary vs grep -c -i (200 MB)" "$osum_s" "$ogrep_s" 1.0
if [ $have_rg = 1 ]; then
	vsrg osumr org "$oracle"
	row "oracle summary vs rg -c -i (200 MB)" "$osumr_s" "$org_s" 2.0
fi

# what the CPU the summary takes allows on this machine's cores
cpu_of cpu "$main"
bound "summary (500 MB)" "$cpu" "$grep_s" "$([ $have_rg = 1 ] && echo "$rg_s")"
cpu_of cpu "$oracle"
bound "oracle summary (200 MB)" "$cpu" "$ogrep_s" "$([ $have_rg = 1 ] && echo "$org_s")"

# peak RSS: summary mode at each size, annotated at 500 MB
lo="" hi=""
for mb in $sizes; do
	f="$dir/ac-$mb.log"
	[ -s "$f" ] || continue
	warm "$f"
	rss_of kb "$f" -o summary
	v=PASS
	[ "$kb" -lt 32768 ] || v=MISS
	rowmem "peak RSS KiB, summary ($mb MB)" "$kb" "< 32768" "$v"
	[ -z "$lo" ] && lo=$kb
	hi=$kb
done
rss_of kb "$main"
v=PASS
[ "$kb" -lt 32768 ] || v=MISS
rowmem "peak RSS KiB, annotated (500 MB)" "$kb" "< 32768" "$v"
rss_of kb "$main.gz" -o summary
v=PASS
[ "$kb" -lt 32768 ] || v=MISS
rowmem "peak RSS KiB, summary .gz (500 MB)" "$kb" "< 32768" "$v"
if [ -n "$lo" ] && [ -n "$hi" ]; then
	growth=$((hi - lo))
	v=PASS
	# "not growing": within 2 MiB from the smallest to the largest input
	[ "$growth" -le 2048 ] || v=MISS
	rowmem "RSS growth KiB, smallest to largest input" "$growth" "<= 2048" "$v"
fi

# ---- report ----
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "sipwhy benchmark  $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)"
echo "tools:   $("$bin" -V) ($bin built $(date -u -r "$bin" "+%Y-%m-%d %H:%M")), $(grep --version | sed -n 1p), $( [ $have_rg = 1 ] && rg --version | sed -n 1p || echo 'no rg'), $( [ $have_pigz = 1 ] && pigz --version 2>&1 | sed -n 1p || echo 'no pigz'), $(python3 --version 2>&1)"
echo "locale:  LANG=${LANG:-} LC_ALL=${LC_ALL:-}; files in $dir; best of $runs, wall-clock seconds, warm page cache"
[ $have_rg = 1 ] && echo "rg:      the best of rg and rg --no-mmap (its mmap mode is the slower one on some machines)"
echo "inputs:  $(for f in "$dir"/ac-*.log "$main.gz" "$oracle"; do [ -s "$f" ] && printf '%s %s MB; ' "${f##*/}" "$(($(stat -c %s "$f") / 1000000))"; done)"
echo
printf '%-44s %9s %9s %7s %8s  %s\n' test sipwhy baseline ratio target result
printf '%s' "$rows"
echo
printf '%s' "$bounds"
if [ "${BENCH_KEEP:-1}" = 0 ]; then
	rm -f "$dir"/ac-*.log "$dir"/ac-*.log.gz "$dir"/oracle-*.log
fi
exit 0
