#!/bin/sh
# follow.sh - live logs for real: a writer appends SIP traffic to a file
# and rotates it both ways (rename and create; copy and truncate) while
# sipwhy -f follows it.  Every failure must be reported exactly once, within
# a second of being written; signals and pipes are exercised too.
set -u
cd "$(dirname "$0")/.." || exit 2
bin=${SIPWHY:-./sipwhy}
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok $*"; }
no() { fail=$((fail + 1)); echo "FAIL $*"; }

# fail N [FILE]: append an Oracle-style record of a failed INVITE (486)
fail_rec() {
	printf 'Nov 21 10:00:%02d.000 On [0:0]192.0.2.10:5060 received from 198.51.100.20:5060\n' "$1"
	printf 'SIP/2.0 486 Busy Here\nCall-ID: live-%s\nCSeq: 1 INVITE\nReason: Q.850;cause=17\nContent-Length: 0\n\n' "$1"
	printf -- '----------------------------------------\n'
}
ok_rec() {
	printf 'Nov 21 10:00:%02d.500 On [0:0]192.0.2.10:5060 received from 198.51.100.20:5060\n' "$1"
	printf 'SIP/2.0 200 OK\nCall-ID: fine-%s\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n' "$1"
	printf -- '----------------------------------------\n'
}
# seen N: how many times call live-N was reported in $out
seen() { grep '"event":"failure"' "$out" 2>/dev/null | grep -c "\"call_id\":\"live-$1\"" || true; }
# within_1s N [TENTHS]: live-N is in the output within a second (or
# TENTHS tenths of one)
within_1s() {
	i=0
	while [ "$i" -lt "${2:-10}" ]; do
		[ "$(seen "$1")" -ge 1 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

log=$tmp/live.log out=$tmp/out.json
"$bin" -f -o json --year 2025 "$log" >"$out" 2>"$tmp/err" &
pid=$!
sleep 0.3
grep -q 'waiting for it to appear' "$tmp/err" && ok "waits for a file that is not there yet" ||
	no "no word about the missing file"
{ ok_rec 1; fail_rec 1; } >>"$log"
within_1s 1 && ok "failure 1 reported within a second" || no "failure 1 not reported in time"

# a message written in two pieces is one message
{ fail_rec 2; } >"$tmp/piece"
head -c 60 "$tmp/piece" >>"$log"
sleep 0.3
tail -c +61 "$tmp/piece" >>"$log"
within_1s 2 && ok "a message written in two pieces" || no "failure 2 (two pieces) not reported"

# rotation by rename: the new file is there at once (logrotate's create),
# but the writer goes on writing to the old one until it reopens (its
# postrotate signal comes later); then it writes to the new one, which
# is read once the old one has been quiet for 2 s
mv "$log" "$log.1"
: >"$log"
sleep 0.5
fail_rec 3 >>"$log.1"
sleep 0.3
fail_rec 4 >>"$log"
within_1s 3 && ok "the renamed file is drained, a late write too" || no "failure 3, written late to the renamed file, lost"
within_1s 4 30 && ok "the new file is read from its start" || no "failure 4 in the new file not reported"
grep -q 'live.log: warning: replaced by a new file (rotated); reading the new one from its start' "$tmp/err" &&
	ok "rotation by rename: said" || no "rotation by rename: no word: $(cat "$tmp/err")"

# copytruncate
sleep 0.3
cp "$log" "$log.2"
: >"$log"
sleep 0.3
fail_rec 5 >>"$log"
within_1s 5 && ok "after copytruncate, read again from the start" || no "failure 5 after truncation not reported"

# a write, then at once copytruncate (cp, then : >): the loop wakes on
# the write (inotify), not at its next tick, and reads it before the
# truncation takes it away; five times in a row
for n in 31 32 33 34 35; do
	fail_rec $n >>"$log"
	cp "$log" "$log.3"
	: >"$log"
	sleep 0.2
done
k=0
for n in 31 32 33 34 35; do [ "$(seen $n)" = 1 ] && k=$((k + 1)); done
[ "$k" = 5 ] && ok "a write copied and truncated at once is read first" ||
	no "a write truncated at once: $k of 5 read"

# SIGUSR1: a summary, and it goes on
kill -USR1 "$pid"
sleep 0.4
[ "$(grep -c '"event":"summary"' "$out")" -ge 1 ] && ok "SIGUSR1 prints a summary" || no "no summary on SIGUSR1"
fail_rec 6 >>"$log"
within_1s 6 && ok "and keeps following" || no "failure 6 after SIGUSR1 not reported"

# SIGINT: a last summary and the usual exit status
kill -INT "$pid"
wait "$pid"
rc=$?
pid=""
[ "$rc" = 1 ] && ok "SIGINT: exit status 1 (failures found)" || no "SIGINT: exit status $rc"
[ "$(tail -n1 "$out" | jq -r .event)" = summary ] && ok "SIGINT: ends with the summary" || no "SIGINT: no final summary"
[ "$(tail -n1 "$out" | jq .failed)" = 11 ] && ok "the summary counts 11 failures" || no "summary counts $(tail -n1 "$out" | jq .failed)"
for n in 1 2 3 4 5 6; do
	[ "$(seen $n)" = 1 ] && ok "failure $n reported once" || no "failure $n reported $(seen $n) times"
done

# a file followed from its end by default, from its start on request
fail_rec 7 >"$tmp/old.log"
"$bin" -f -o json -s none --year 2025 "$tmp/old.log" >"$tmp/o1" 2>/dev/null &
p1=$!
"$bin" -f --from-start -o json -s none --year 2025 "$tmp/old.log" >"$tmp/o2" 2>/dev/null &
p2=$!
sleep 0.5
kill -TERM "$p1" "$p2"
wait "$p1"
wait "$p2"
[ ! -s "$tmp/o1" ] && ok "starts at the end" || no "old lines reported without --from-start"
grep -q live-7 "$tmp/o2" && ok "--from-start reads what is there" || no "--from-start missed the old failure"

# a UTF-16 log (what Windows PowerShell's > writes): followed from its
# end, a unit and a record cut between writes, then truncated and begun
# again with its byte-order mark
u16() { iconv -f UTF-8 -t UTF-16LE; }
{ printf '\377\376'; ok_rec 10 | u16; } >"$tmp/w.log"
"$bin" -f -o json -s none --year 2025 "$tmp/w.log" >"$tmp/o5" 2>"$tmp/e5" &
p5=$!
sleep 0.3
fail_rec 10 | u16 >"$tmp/piece"
head -c 61 "$tmp/piece" >>"$tmp/w.log"
sleep 0.3
tail -c +62 "$tmp/piece" >>"$tmp/w.log"
out=$tmp/o5
within_1s 10 && ok "UTF-16: a failure written in two pieces, odd cut" || no "UTF-16: failure 10 not reported"
sleep 0.3
{ printf '\377\376'; fail_rec 11 | u16; } >"$tmp/w.log"
within_1s 11 && ok "UTF-16: truncated and written again" || no "UTF-16: failure 11 not reported"
kill -TERM "$p5"
wait "$p5"
[ "$(seen 10)" = 1 ] && [ "$(seen 11)" = 1 ] && [ "$(grep -c . "$tmp/o5")" = 2 ] &&
	ok "UTF-16: each failure once, nothing else" || no "UTF-16: $(cat "$tmp/o5")"
grep -v truncated "$tmp/e5" | grep -q . && no "UTF-16: $(cat "$tmp/e5")" || ok "UTF-16: no other diagnostic"
# an unpaired surrogate before the first line and an odd last byte: said
# when following ends, with the surrogate's offset in the file
{ printf '\377\376\000\330'; fail_rec 12 | u16; printf Z; } >"$tmp/w2.log"
"$bin" -f --from-start -o json -s none --year 2025 "$tmp/w2.log" >"$tmp/o6" 2>"$tmp/e6" &
p6=$!
out=$tmp/o6
within_1s 12 && ok "UTF-16: a failure after an unpaired surrogate" || no "UTF-16: failure 12 not reported"
kill -TERM "$p6"
wait "$p6"
grep -q 'w2.log: warning: 1 unpaired UTF-16 surrogates shown as U+FFFD, the first at byte offset 2$' "$tmp/e6" &&
	grep -q 'w2.log: warning: UTF-16 text ends in half a character' "$tmp/e6" &&
	ok "UTF-16: the surrogate and the odd byte said, located" || no "UTF-16: $(cat "$tmp/e6")"

# --summary-every
"$bin" -f --summary-every 1 -o json --year 2025 "$tmp/old.log" >"$tmp/o3" 2>/dev/null &
p3=$!
sleep 2.5
kill -TERM "$p3"
wait "$p3"
[ "$(grep -c '"event":"summary"' "$tmp/o3")" -ge 3 ] && ok "--summary-every 1: a summary each second, and at the end" ||
	no "--summary-every: $(grep -c '"event":"summary"' "$tmp/o3") summaries"

# a pipe on stdin: each failure comes out while the pipe is still open
mkfifo "$tmp/fifo"
"$bin" -o json -s none --year 2025 <"$tmp/fifo" >"$tmp/o4" &
p4=$!
exec 9>"$tmp/fifo"
fail_rec 8 >&9
out=$tmp/o4
within_1s 8 && ok "a pipe: the failure is out before the pipe closes" || no "pipe: failure 8 held back"
fail_rec 9 >&9
exec 9>&-
wait "$p4"
rc=$?
[ "$rc" = 1 ] && [ "$(seen 9)" = 1 ] && ok "a pipe: read to its end, exit 1" || no "pipe: exit $rc, failure 9 seen $(seen 9)"

# line numbers are the file's: counted from its start when following
# begins at its end, and from 1 again after it is truncated
for i in 1 2 3 4 5 6 7 8 9; do ok_rec $i; done >"$tmp/num.log"
"$bin" -f -o json -s none --year 2025 "$tmp/num.log" >"$tmp/o7" 2>/dev/null &
p7=$!
sleep 0.3
fail_rec 11 >>"$tmp/num.log"
out=$tmp/o7
within_1s 11 || true
: >"$tmp/num.log"
sleep 0.3
{ ok_rec 12; fail_rec 12; } >>"$tmp/num.log"
within_1s 12 || true
kill -INT $p7
wait $p7 2>/dev/null
# 9 records of 7 lines before live-11's; one before live-12's
[ "$(jq -r '[.call_id, .line] | @tsv' "$tmp/o7" | tr '\t\n' ': ')" = "live-11:64 live-12:8 " ] &&
	ok || no "-f: line numbers of the file: $(jq -c '[.call_id, .line]' "$tmp/o7" | tr '\n' ' ')"

# a regular file on standard input (sipwhy -f < sbc.log) is followed by
# its descriptor, as tail -f follows it: from its end, lines numbered as
# in the file, appended lines read, a truncation said and read again
for i in 1 2 3; do ok_rec $i; done >"$tmp/in.log"
"$bin" -f -o json -s none --year 2025 <"$tmp/in.log" >"$tmp/o8" 2>"$tmp/e8" &
p8=$!
sleep 0.3
fail_rec 21 >>"$tmp/in.log"
out=$tmp/o8
within_1s 21 && ok "-f < file: what is appended is read" || no "-f < file: failure 21 not reported"
: >"$tmp/in.log"
sleep 0.3
{ ok_rec 22; fail_rec 22; } >>"$tmp/in.log"
within_1s 22 && ok "-f < file: read again after a truncation" || no "-f < file: failure 22 not reported"
kill -INT $p8
wait $p8
rc=$?
[ "$rc" = 1 ] && ok "-f < file: SIGINT, exit status 1" || no "-f < file: exit status $rc"
[ "$(jq -r '[.call_id, .line] | @tsv' "$tmp/o8" | tr '\t\n' ': ')" = "live-21:22 live-22:8 " ] &&
	ok "-f < file: each failure once, at its line in the file" ||
	no "-f < file: $(jq -c '[.call_id, .line]' "$tmp/o8" | tr '\n' ' ')"
[ "$(cat "$tmp/e8")" = "sipwhy: (stdin): warning: truncated; reading it again from the start" ] &&
	ok "-f < file: the truncation said, nothing else" || no "-f < file: $(cat "$tmp/e8")"
# from where standard input stands, not from the file's start: with
# --from-start what is there and then what is appended, else what is
# appended alone, lines counted from there (a line is read away first)
{ fail_rec 23; fail_rec 24; } >"$tmp/in2.log"
{
	read -r _
	exec "$bin" -f --from-start -o json -s none --year 2025
} <"$tmp/in2.log" >"$tmp/o9" 2>&1 &
p9=$!
out=$tmp/o9
within_1s 24 || true
fail_rec 25 >>"$tmp/in2.log"
within_1s 25 || true
kill -INT $p9
wait $p9
# (the rest of live-23's record, its first line read away, is not one)
[ "$(jq -r '[.call_id, .line] | @tsv' "$tmp/o9" | tr '\t\n' ': ')" = "live-24:8 live-25:16 " ] &&
	ok "-f --from-start < file: from standard input's offset, then on" ||
	no "-f --from-start < file: $(cat "$tmp/o9")"
{ ok_rec 1; ok_rec 2; } >"$tmp/in3.log"
{
	read -r _
	exec "$bin" -f -o json -s none --year 2025
} <"$tmp/in3.log" >"$tmp/o11" 2>&1 &
p11=$!
out=$tmp/o11
sleep 0.3
fail_rec 26 >>"$tmp/in3.log"
within_1s 26 || true
kill -INT $p11
wait $p11
[ "$(jq -r '[.call_id, .line] | @tsv' "$tmp/o11" | tr '\t\n' ': ')" = "live-26:14 " ] &&
	ok "-f < file: from its end, lines counted from standard input's offset" ||
	no "-f < file past a line: $(cat "$tmp/o11")"
# a gzip file on standard input is read once, not followed
gzip -c "$tmp/in2.log" >"$tmp/in2.log.gz"
timeout 5 "$bin" -f -o json -s none --year 2025 <"$tmp/in2.log.gz" >"$tmp/o10" 2>"$tmp/e10"
rc=$?
out=$tmp/o10
[ "$rc" = 1 ] && [ "$(seen 23)" = 1 ] && [ "$(seen 24)" = 1 ] &&
	grep -q '^sipwhy: (stdin): warning: gzip-compressed: read once from its start, not followed$' "$tmp/e10" &&
	ok "-f < file.gz: read once, said, ends" || no "-f < file.gz: exit $rc: $(cat "$tmp/e10" "$tmp/o10")"

# follow_bg N FILE...: sipwhy -f on the FILEs in the background, begun;
# its output in $tmp/oN (and $out), its diagnostics in $tmp/eN.
# follow_end: SIGINT ends it
follow_bg() {
	fb=$1
	shift
	"$bin" -f -o json -s none --year 2025 "$@" >"$tmp/o$fb" 2>"$tmp/e$fb" &
	fpid=$!
	out=$tmp/o$fb
	sleep 0.3
}
follow_end() {
	kill -INT "$fpid"
	wait "$fpid" 2>/dev/null
}

# a gzip file given to -f is inflated and read once (it does not grow),
# not read as text; a plain file beside it is followed on
gzip -c tests/fixtures/oracle-sipmsg.log >"$tmp/old.log.gz"
: >"$tmp/plain.log"
follow_bg 8 "$tmp/old.log.gz" "$tmp/plain.log"
fail_rec 13 >>"$tmp/plain.log"
within_1s 13 && ok "-f with a gzip file: the plain file beside it is followed" || no "-f with a gzip file: failure 13 not reported"
follow_end
"$bin" -o json -s none --year 2025 tests/fixtures/oracle-sipmsg.log | jq -c '[.call_id, .line]' >"$tmp/want8"
grep -v live-13 "$tmp/o8" | jq -c '[.call_id, .line]' | cmp -s - "$tmp/want8" &&
	grep -q 'old.log.gz: warning: gzip-compressed: read once from its start, not followed' "$tmp/e8" &&
	ok || no "-f with a gzip file: its failures as without -f: $(cat "$tmp/o8" "$tmp/e8")"

# each file's quiet is its own: a message whole by Content-Length whose
# closing line has not come is closed after half a second of quiet in its
# file, while another file goes on getting traffic
: >"$tmp/qa.log"
: >"$tmp/qb.log"
follow_bg 9 "$tmp/qa.log" "$tmp/qb.log"
fail_rec 14 | sed '$d' >>"$tmp/qa.log"
n=0
while [ $n -lt 15 ] && [ "$(seen 14)" = 0 ]; do
	ok_rec $n >>"$tmp/qb.log"
	sleep 0.2
	n=$((n + 1))
done
[ "$(seen 14)" = 1 ] && [ $n -lt 10 ] &&
	ok "a quiet file's last message is closed while another file is busy" ||
	no "failure 14 waited for the busy file ($n writes of 0.2 s)"
follow_end

# Cisco CUBE over syslog: syslog drops the empty line after the headers,
# so the last message before a lull ends at its Content-Length: 0 line;
# it is reported after the quiet, not when the next message comes
: >"$tmp/cube.log"
follow_bg 10 "$tmp/cube.log"
cat tests/fixtures/cisco-cube-syslog.log >>"$tmp/cube.log"
i=0
while [ $i -lt 20 ] && [ "$(grep -c '"event":"failure"' "$tmp/o10")" -lt 4 ]; do sleep 0.1; i=$((i + 1)); done
"$bin" -o json -s none --year 2025 tests/fixtures/cisco-cube-syslog.log | jq -c '[.call_id, .status, .line]' >"$tmp/want10"
jq -c '[.call_id, .status, .line]' "$tmp/o10" | cmp -s - "$tmp/want10" &&
	ok "CUBE over syslog: the last message before a lull is reported in two seconds" ||
	no "CUBE over syslog, live: $(cat "$tmp/o10")"
follow_end

# a FIFO as the path (rsyslog's ompipe): no writer yet holds nothing up,
# a writer's lines are read as they come, and one that closes is no
# truncation; a later writer is read too
mkfifo "$tmp/pipe.fifo"
: >"$tmp/byfifo.log"
follow_bg 11 "$tmp/pipe.fifo" "$tmp/byfifo.log"
fail_rec 15 >>"$tmp/byfifo.log"
within_1s 15 && ok "a FIFO without a writer holds back no other file" || no "a FIFO without a writer blocks -f"
fail_rec 16 >"$tmp/pipe.fifo"
within_1s 16 && ok "a FIFO's writer is read" || no "failure 16 through the FIFO not reported"
sleep 0.3
fail_rec 17 >"$tmp/pipe.fifo"
within_1s 17 && ok "a FIFO's next writer is read" || no "failure 17 through the FIFO's next writer not reported"
follow_end
! grep -q truncated "$tmp/e11" && ok "a FIFO's writer that closes is no truncation" || no "FIFO: $(cat "$tmp/e11")"

# a followed file deleted: said once, as tail -F says it; a new file at
# the path is read from its start, and that is said too
fail_rec 19 >"$tmp/del.log"
follow_bg 13 "$tmp/del.log"
rm "$tmp/del.log"
sleep 0.5
[ "$(grep -c 'del.log: warning: No such file or directory: renamed away or deleted; reading on the open file until a new one appears' "$tmp/e13")" = 1 ] &&
	ok "a deleted file: said once" || no "a deleted file: $(cat "$tmp/e13")"
fail_rec 20 >"$tmp/del.log"
within_1s 20 30 && grep -q 'del.log: warning: replaced by a new file' "$tmp/e13" &&
	ok "a new file after a deletion: read, and said" || no "a new file after a deletion: $(cat "$tmp/o13" "$tmp/e13")"
follow_end

# several files followed, annotated: a marker line says whose lines
# follow each time the output moves from one file to the other
# (each record is closed by its file's quiet before the next is written)
ok_rec 0 >"$tmp/ha.log"
ok_rec 0 >"$tmp/hb.log"
"$bin" -f --from-start -s none --year 2025 "$tmp/ha.log" "$tmp/hb.log" >"$tmp/o14" 2>"$tmp/e14" &
hpid=$!
sleep 0.8
for w in ha hb hb ha; do
	ok_rec 1 >>"$tmp/$w.log"
	sleep 0.8
done
kill -INT $hpid
wait $hpid
printf '[sipwhy] ==> %s <==\n' "$tmp/ha.log" "$tmp/hb.log" "$tmp/ha.log" "$tmp/hb.log" "$tmp/ha.log" >"$tmp/want14"
grep '^\[sipwhy\] ==> ' "$tmp/o14" | cmp -s - "$tmp/want14" &&
	[ "$(sed '/^\[sipwhy\]/d' "$tmp/o14" | wc -l)" = "$(cat "$tmp/ha.log" "$tmp/hb.log" | wc -l)" ] &&
	ok "several files annotated: headed at each change" || no "several files annotated: $(grep '==>' "$tmp/o14")"

# a path that never appeared was never read: an input that could not be
# read, exit 2, said by name at the end; the one that appeared is not
: >"$tmp/came.log"
follow_bg 12 "$tmp/came.log" "$tmp/never.log"
fail_rec 18 >>"$tmp/came.log"
within_1s 18 || no "failure 18 not reported"
kill -INT "$fpid"
wait "$fpid"
rc=$?
[ "$rc" = 2 ] && grep -q 'never.log: error: never opened while followed (No such file or directory)' "$tmp/e12" &&
	! grep -q 'came.log: error' "$tmp/e12" &&
	ok "a path that never appeared: exit 2, said" || no "a path that never appeared: exit $rc: $(cat "$tmp/e12")"

# int_ends PID NAME: SIGINT ends sipwhy PID within a second
int_ends() {
	kill -INT "$1"
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 10 ]; do sleep 0.1; i=$((i + 1)); done
	if kill -0 "$1" 2>/dev/null; then
		no "$2: SIGINT did not end sipwhy within a second"
		kill -9 "$1"
	else
		ok "$2: SIGINT ends sipwhy"
	fi
	wait "$1" 2>/dev/null
}

# a few bytes on a stdin pipe that stays open hold nothing back: a file
# followed beside it is read, and SIGINT ends sipwhy at once
mkfifo "$tmp/fifo2"
: >"$tmp/beside.log"
"$bin" -f -o json -s none --year 2025 - "$tmp/beside.log" <"$tmp/fifo2" >"$tmp/o5" 2>"$tmp/e5" &
p5=$!
exec 9>"$tmp/fifo2"
echo hello >&9
sleep 0.3
fail_rec 10 >>"$tmp/beside.log"
out=$tmp/o5
within_1s 10 && ok "a few bytes on stdin: the file beside it is followed" || no "a few bytes on stdin hold back the file beside it"
int_ends $p5 "a few bytes on stdin"
exec 9>&-
# ... nor bytes that might be the start of UTF-16 (each other one zero),
# on stdin alone: SIGINT ends the wait for more, without a diagnostic
mkfifo "$tmp/fifo3"
"$bin" -o json -s none <"$tmp/fifo3" >"$tmp/o6" 2>"$tmp/e6" &
p6=$!
exec 9>"$tmp/fifo3"
printf 'S\000I\000' >&9
sleep 0.3
int_ends $p6 "half a UTF-16 start on stdin"
exec 9>&-
[ ! -s "$tmp/e6" ] && ok "half a UTF-16 start on stdin: no diagnostic for a stop" || no "stop on stdin: $(cat "$tmp/e6")"

# ends_within PID TENTHS PATTERN [GROW]: 0 when PID ends within TENTHS
# tenths of a second, while a fixture is appended to GROW at each tick;
# else 1, and the sipwhy whose command line holds PATTERN is killed
ends_within() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt "$2" ]; do
		[ -z "${4:-}" ] || cat tests/fixtures/audiocodes-viewer.log >>"$4"
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		pkill -f "$3" 2>/dev/null
		wait "$1" 2>/dev/null
		return 1
	fi
	wait "$1" 2>/dev/null
	return 0
}

# a reader that went away, with SIGPIPE ignored (as some supervisors
# start programs): writes fail, and sipwhy stops following instead of
# reading on for ever
cp tests/fixtures/audiocodes-viewer.log "$tmp/gone.log"
(
	trap '' PIPE
	"$bin" -f --from-start "$tmp/gone.log" 2>"$tmp/gone.err" | head -c 10 >/dev/null
) &
gp=$!
if ends_within $gp 50 "$tmp/gone.log" "$tmp/gone.log"; then
	ok "closed pipe with SIGPIPE ignored: stops"
else
	no "closed pipe with SIGPIPE ignored: still following after 5 s"
fi

# a reader that went away from a quiet log (sipwhy -f log | head -1):
# nothing more is written, and sipwhy still ends at once, by SIGPIPE, as
# a write would have ended it
cp tests/fixtures/audiocodes-viewer.log "$tmp/quiet.log"
(
	{
		"$bin" -f --from-start "$tmp/quiet.log" 2>/dev/null
		echo $? >"$tmp/quiet.rc"
	} | head -1 >/dev/null
) &
hp=$!
if ends_within $hp 30 "$tmp/quiet.log"; then
	[ "$(cat "$tmp/quiet.rc")" = 141 ] && ok "-f | head -1 on a quiet log: ends when head does, by SIGPIPE" ||
		no "-f | head -1 on a quiet log: exit $(cat "$tmp/quiet.rc"), want 141"
else
	no "-f | head -1 on a quiet log: still running after 3 s"
fi

# memory stays flat over a long stream: ten times the calls, the same
# peak (finished calls leave the table as log time passes)
if [ -x /usr/bin/time ]; then
	for n in 20000 200000; do
		awk -v n=$n -f tests/soak.awk |
			/usr/bin/time -f %M -o "$tmp/rss.$n" "$bin" -o summary -s json >"$tmp/soak.$n"
	done
	a=$(tail -n1 "$tmp/rss.20000") b=$(tail -n1 "$tmp/rss.200000")
	[ "$(jq .calls "$tmp/soak.200000")" = 200000 ] && [ "$(jq .failed "$tmp/soak.200000")" = 10000 ] &&
		ok "soak: 200000 calls read, 10000 failures" || no "soak: $(cat "$tmp/soak.200000")"
	if [ -n "${SIPWHY_SANITIZED:-}" ]; then
		# AddressSanitizer keeps freed memory in quarantine: its peak
		# says nothing about sipwhy's own
		echo "# soak: memory not compared under the sanitizers (${a} and ${b} KiB)"
	elif [ "$b" -le $((a * 5 / 4)) ]; then
		ok "soak: peak memory ${a} KiB for 20000 calls, ${b} KiB for 200000"
	else
		no "soak: memory grows: ${a} KiB for 20000 calls, ${b} KiB for 200000"
	fi
else
	no "soak: /usr/bin/time is missing (Debian package time)"
fi

echo "follow: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
