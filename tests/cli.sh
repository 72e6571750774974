#!/bin/sh
# cli.sh - the command line as a user drives it: exit statuses, several
# inputs, stdin, gzip (multi-member, truncated, followed by junk), the
# lossless property through sed, the JSON contract checked with jq, and no
# control byte from a log reaching a terminal.
set -u
cd "$(dirname "$0")/.." || exit 2
bin=${SIPWHY:-./sipwhy}
fx=tests/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
check() { # check DESCRIPTION COMMAND...: the command must succeed
	d=$1; shift
	if "$@" >/dev/null 2>&1; then ok; else no "$d"; fi
}
status() { # status WANT DESCRIPTION COMMAND...
	want=$1 d=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" = "$want" ]; then ok; else no "$d: exit $got, want $want"; fi
}
strip() { sed '/^\[sipwhy\]/d'; }
# jqall SELECT TEST: some event matches SELECT and all of those pass TEST
jqall() { jq -e -s "map(select($1)) | length > 0 and all($2)" "$tmp/j" >/dev/null; }
# jtimes TZ ARG...: the failures' times, each followed by a space
jtimes() {
	z=$1
	shift
	TZ=$z "$bin" -o json -s none "$@" | jq -r .time | tr '\n' ' '
}


# exit status: 0 nothing failed, 1 failures, 2 usage or unreadable input
status 0 "empty input" "$bin" $fx/empty.log
status 1 "failures found" "$bin" $fx/oracle-sipmsg.log
status 2 "missing file" "$bin" /nonexistent.log $fx/oracle-sipmsg.log
grep -q 'FAILED 486' "$tmp/out" && ok || no "other inputs still processed after a missing one"
grep -q 'nonexistent.log: error' "$tmp/err" && ok || no "missing file named in the diagnostic"
status 2 "unknown option" "$bin" --no-such-option $fx/empty.log
status 2 "unknown output" "$bin" -o xml $fx/empty.log
status 2 "unknown format" "$bin" -F nosuch $fx/empty.log
status 2 "a directory as input" "$bin" tests
status 0 "help" "$bin" --help
# the usage names every long option and command of the man page's synopsis,
# and every kind of summary
"$bin" -h >"$tmp/h"
miss=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' man/sipwhy.1 |
	sed -n -e 's/.*Fl Fl \([a-z-]*\).*/--\1/p' -e 's/^\.Cm \(.*\)/\1/p' |
	while read -r w; do grep -qF -- "$w" "$tmp/h" || echo "$w"; done)
[ -z "$miss" ] && grep -qF -- '-s text|markdown|json|none' "$tmp/h" && ok || no "-h lacks: $(echo $miss)"
status 0 "version" "$bin" -V

# formats: listed, and -F forces one (the Oracle log read as generic still
# finds its failures, through the SIP text)
n=$("$bin" formats | wc -l)
[ "$n" -ge 5 ] && ok || no "formats lists $n formats"
"$bin" -F generic -o json -s none $fx/oracle-sipmsg.log >"$tmp/j"
grep -q '"format":"generic"' "$tmp/j" && ok || no "-F generic not applied"
# Cisco CUBE rejecting an INVITE before a call leg exists writes both in
# //-1/xxxxxxxxxxxx/ records: detected as CUBE, the 503 found with its time
{
	printf 'Nov 21 10:01:02.345: //-1/xxxxxxxxxxxx/SIP/Msg/ccsipDisplayMsg:\nReceived:\nINVITE sip:+15555550100@192.0.2.30:5060 SIP/2.0\nCall-ID: m1@203.0.113.10\nCSeq: 1 INVITE\nContent-Length: 0\n\n'
	printf 'Nov 21 10:01:02.350: //-1/xxxxxxxxxxxx/SIP/Msg/ccsipDisplayMsg:\nSent:\nSIP/2.0 503 Service Unavailable\nCall-ID: m1@203.0.113.10\nCSeq: 1 INVITE\nReason: Q.850;cause=34\nContent-Length: 0\n\n'
} >"$tmp/cube-minus1.log"
"$bin" --year 2025 -o json -s none "$tmp/cube-minus1.log" | jq -e -s 'length == 1 and .[0].format == "cisco-cube" and .[0].status == 503 and .[0].time == "2025-11-21T10:01:02.350Z" and .[0].direction == "out"' >/dev/null &&
	ok || no "CUBE //-1/ records: $("$bin" --year 2025 -o json -s none "$tmp/cube-minus1.log")"

# several inputs, stdin, and gzip detected by content not by name
cat $fx/oracle-sipmsg.log >"$tmp/a"
gzip -c $fx/audiocodes-viewer.log >"$tmp/b.log" # a gzip file named .log
"$bin" -o json -s none "$tmp/a" "$tmp/b.log" >"$tmp/j"
[ "$(grep -c '"event":"failure"' "$tmp/j")" = 6 ] && ok || no "two inputs: 6 failures"
"$bin" --year 2025 -o json - <$fx/oracle-sipmsg.log | sed 's/"file":"[^"]*"//' >"$tmp/j1"
gzip -c $fx/oracle-sipmsg.log | "$bin" --year 2025 -o json - | sed 's/"file":"[^"]*"//' >"$tmp/j2"
cmp -s "$tmp/j1" "$tmp/j2" && ok || no "gzip on stdin differs from plain"

# UTF-16 (Windows PowerShell's > and Notepad's "Unicode" write it), read as
# UTF-8: with a byte-order mark either way, without one, gzipped; the same
# failures, lines and annotated log as the UTF-8 file
for f in oracle-sipmsg.log audiocodes-viewer.log; do
	"$bin" --year 2025 -o json $fx/$f | sed 's/"file":"[^"]*"//' >"$tmp/j1"
	"$bin" --year 2025 $fx/$f >"$tmp/a1"
	for enc in LE BE; do
		{ printf '\376\377' | iconv -f UTF-16BE -t UTF-16$enc; iconv -f UTF-8 -t UTF-16$enc $fx/$f; } >"$tmp/u16"
		"$bin" --year 2025 -o json "$tmp/u16" | sed 's/"file":"[^"]*"//' >"$tmp/j2"
		cmp -s "$tmp/j1" "$tmp/j2" && ok || no "UTF-16$enc with a mark: $f read otherwise"
		"$bin" --year 2025 "$tmp/u16" | sed "s|$tmp/u16|$fx/$f|" | cmp -s "$tmp/a1" - &&
			ok || no "UTF-16$enc: $f annotated otherwise"
	done
	iconv -f UTF-8 -t UTF-16LE $fx/$f | gzip | "$bin" --year 2025 -o json - | sed 's/"file":"[^"]*"//' >"$tmp/j2"
	cmp -s "$tmp/j1" "$tmp/j2" && ok || no "UTF-16LE, no mark, gzipped on stdin: $f read otherwise"
done
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE $fx/oracle-sipmsg.log; printf 'x'; } >"$tmp/u16"
status 1 "UTF-16 with an odd last byte" "$bin" -o summary "$tmp/u16"
grep -q "u16: warning: UTF-16 text ends in half a character (an odd number of bytes, 30997)" "$tmp/err" &&
	grep -q '^  failed 3,' "$tmp/out" && ok || no "UTF-16: an odd last byte located, the rest analysed: $(cat "$tmp/err")"

# each input of one run gets its own format
"$bin" -o json -s none $fx/oracle-sipmsg.log $fx/audiocodes-oneline.log $fx/sngrep-export.txt >"$tmp/j"
[ "$(jq -r .format "$tmp/j" | uniq | tr '\n' ' ')" = "oracle-sipmsg audiocodes-syslog sngrep " ] &&
	ok || no "mixed inputs: each its own format"

# a log without years that runs from December into January takes its
# years from the file's time
{
	printf 'Dec 31 23:59:58.100 On [0:0]192.0.2.10:5060 received from 198.51.100.20:5060\n'
	printf 'SIP/2.0 486 Busy Here\nCall-ID: ny1\nCSeq: 1 INVITE\nContent-Length: 0\n\n----------------------------------------\n'
	printf 'Jan  1 00:00:03.200 On [0:0]192.0.2.10:5060 received from 198.51.100.20:5060\n'
	printf 'SIP/2.0 486 Busy Here\nCall-ID: ny2\nCSeq: 1 INVITE\nContent-Length: 0\n\n----------------------------------------\n'
} >"$tmp/newyear.log"
touch -d '2026-01-01 00:10:00' "$tmp/newyear.log"
[ "$(jtimes UTC "$tmp/newyear.log")" = "2025-12-31T23:59:58.100Z 2026-01-01T00:00:03.200Z " ] &&
	ok || no "year rollover from the file's time"
[ "$("$bin" --year 2030 -o json -s none - <"$tmp/newyear.log" | jq -r .time | tr '\n' ' ')" = "2030-12-31T23:59:58.100Z 2031-01-01T00:00:03.200Z " ] &&
	ok || no "year rollover with --year"

# timeout: an INVITE with no final response while the log goes on for
# more than 32 seconds; an answered one, or one too close to the end, is not
rec() { # rec TIME DIR MESSAGE-LINES...
	t=$1 d=$2; shift 2
	printf 'Nov 21 %s On [0:0]192.0.2.10:5060 %s 198.51.100.20:5060\n' "$t" "$d"
	for l in "$@"; do printf '%s\n' "$l"; done
	printf 'Content-Length: 0\n\n----------------------------------------\n'
}
{
	rec 10:00:00.000 'sent to' 'INVITE sip:+1555@h SIP/2.0' 'Call-ID: lost' 'From: <sip:+1444@x>;tag=1' 'To: <sip:+1555@y>' 'CSeq: 1 INVITE'
	rec 10:00:01.000 'sent to' 'INVITE sip:+1556@h SIP/2.0' 'Call-ID: answered' 'CSeq: 1 INVITE'
	rec 10:00:02.000 'received from' 'SIP/2.0 200 OK' 'Call-ID: answered' 'CSeq: 1 INVITE'
	rec 10:00:40.000 'sent to' 'INVITE sip:+1557@h SIP/2.0' 'Call-ID: late' 'CSeq: 1 INVITE'
	rec 10:00:50.000 'received from' 'OPTIONS sip:a SIP/2.0' 'Call-ID: o1' 'CSeq: 1 OPTIONS'
} >"$tmp/timeout.log"
"$bin" --year 2025 -o json "$tmp/timeout.log" >"$tmp/j"
jqall '.kind=="timeout"' '.call_id=="lost" and .status==null and .line==1 and .direction=="out" and .from=="+1444"' &&
	ok || no "timeout: the unanswered INVITE"
[ "$(jq -s '[.[] | select(.kind=="timeout")] | length' "$tmp/j")" = 1 ] && ok || no "timeout: only the one"
[ "$(tail -n1 "$tmp/j" | jq .timeout)" = 1 ] && ok || no "timeout: counted in the summary"
"$bin" --year 2025 "$tmp/timeout.log" | grep -q '^\[sipwhy\] TIMEOUT no final response to INVITE' && ok || no "timeout: annotated"
# a provisional response ends Timer B: a call that rings 45 s and is
# answered is no failure, though other messages pass 32 s meanwhile; one
# that rings with no final response times out 3 minutes after its last
# provisional response (Timer C), and says so
{
	rec 10:00:00.000 'sent to' 'INVITE sip:+1555@h SIP/2.0' 'Call-ID: rings' 'CSeq: 1 INVITE'
	rec 10:00:00.100 'received from' 'SIP/2.0 180 Ringing' 'Call-ID: rings' 'CSeq: 1 INVITE'
	rec 10:00:02.000 'sent to' 'INVITE sip:+1556@h SIP/2.0' 'Call-ID: forever' 'CSeq: 1 INVITE'
	rec 10:00:02.500 'received from' 'SIP/2.0 100 Trying' 'Call-ID: forever' 'CSeq: 1 INVITE'
	rec 10:00:10.000 'received from' 'SIP/2.0 183 Session Progress' 'Call-ID: forever' 'CSeq: 1 INVITE'
	rec 10:00:40.000 'received from' 'OPTIONS sip:a SIP/2.0' 'Call-ID: o1' 'CSeq: 1 OPTIONS'
	rec 10:00:45.000 'received from' 'SIP/2.0 200 OK' 'Call-ID: rings' 'CSeq: 1 INVITE'
	rec 10:03:09.000 'received from' 'OPTIONS sip:a SIP/2.0' 'Call-ID: o2' 'CSeq: 1 OPTIONS'
	rec 10:03:11.000 'received from' 'OPTIONS sip:a SIP/2.0' 'Call-ID: o3' 'CSeq: 1 OPTIONS'
} >"$tmp/ring.log"
"$bin" --year 2025 -o json "$tmp/ring.log" >"$tmp/j"
[ "$(jq -s -c '[.[] | select(.event=="failure") | [.kind, .call_id]]' "$tmp/j")" = '[["timeout","forever"]]' ] &&
	ok || no "timeout: only the call with no final response: $(cat "$tmp/j")"
jqall '.kind=="timeout"' '.cause | test("provisional response \\(183\\).*Timer C")' && ok || no "timeout: after Timer C, said"
"$bin" --year 2025 "$tmp/ring.log" | awk '/^Call-ID: o[23]/ { o[$2] = NR } /^\[sipwhy\] TIMEOUT/ { t = NR }
	END { exit !(t > o["o3"] && o["o3"] > o["o2"]) }' &&
	ok || no "timeout: reported where the log passed 3 minutes after the 183"
# a proxy that fails over: 503 from the first gateway, 486 from the
# second, relayed to the caller; both failures, the relay a repeat
{
	rec 10:00:00.000 'sent to' 'INVITE sip:+1555@gw1 SIP/2.0' 'Call-ID: fo' 'CSeq: 1 INVITE'
	rec 10:00:00.100 'received from' 'SIP/2.0 503 Service Unavailable' 'Call-ID: fo' 'CSeq: 1 INVITE'
	rec 10:00:00.200 'sent to' 'INVITE sip:+1555@gw2 SIP/2.0' 'Call-ID: fo' 'CSeq: 1 INVITE'
	rec 10:00:00.300 'received from' 'SIP/2.0 486 Busy Here' 'Call-ID: fo' 'CSeq: 1 INVITE'
	rec 10:00:00.400 'sent to' 'SIP/2.0 486 Busy Here' 'Call-ID: fo' 'CSeq: 1 INVITE'
} >"$tmp/failover.log"
[ "$("$bin" --year 2025 -o json -s none "$tmp/failover.log" | jq -s -c '[.[] | [.status, .line]]')" = '[[503,8],[486,22]]' ] &&
	ok || no "failover: both gateways' failures: $("$bin" --year 2025 -o json -s none "$tmp/failover.log" | jq -s -c '[.[] | [.status, .line]]')"
"$bin" --year 2025 "$tmp/failover.log" | grep -q 'same failure as line 22' && ok || no "failover: the relayed 486 is a repeat"
# ... both gateways answering 503: told apart by their To tags
{
	rec 10:00:00.000 'sent to' 'INVITE sip:+1555@gw1 SIP/2.0' 'Call-ID: fo' 'CSeq: 1 INVITE'
	rec 10:00:00.100 'received from' 'SIP/2.0 503 Service Unavailable' 'Call-ID: fo' 'CSeq: 1 INVITE' 'To: <sip:+1555@gw1>;tag=g1'
	rec 10:00:00.200 'sent to' 'INVITE sip:+1555@gw2 SIP/2.0' 'Call-ID: fo' 'CSeq: 1 INVITE'
	rec 10:00:00.300 'received from' 'SIP/2.0 503 Service Unavailable' 'Call-ID: fo' 'CSeq: 1 INVITE' 'To: <sip:+1555@gw2>;tag=g2'
	rec 10:00:00.400 'sent to' 'SIP/2.0 503 Service Unavailable' 'Call-ID: fo' 'CSeq: 1 INVITE' 'To: <sip:+1555@gw2>;tag=g2'
} >"$tmp/failover2.log"
[ "$("$bin" --year 2025 -o json -s none "$tmp/failover2.log" | jq -s -c '[.[] | .line]')" = '[8,23]' ] &&
	"$bin" --year 2025 "$tmp/failover2.log" | grep -q 'same failure as line 23' &&
	ok || no "failover: two gateways' 503s, each reported, the relay a repeat"
# the SBC answers an INVITE when Timer B ends on its next hop, a moment
# after 32 s: that answer is the failure, with no timeout besides
{
	rec 10:00:00.000 'received from' 'INVITE sip:+1555@h SIP/2.0' 'Call-ID: fwd' 'CSeq: 1 INVITE'
	rec 10:00:32.400 'received from' 'OPTIONS sip:a SIP/2.0' 'Call-ID: o1' 'CSeq: 1 OPTIONS'
	rec 10:00:32.500 'sent to' 'SIP/2.0 408 Request Timeout' 'Call-ID: fwd' 'CSeq: 1 INVITE'
	rec 10:00:40.000 'received from' 'OPTIONS sip:a SIP/2.0' 'Call-ID: o2' 'CSeq: 1 OPTIONS'
} >"$tmp/fwd.log"
[ "$("$bin" --year 2025 -o json -s none "$tmp/fwd.log" | jq -s -c '[.[] | .kind]')" = '["failed"]' ] &&
	ok || no "timeout: an answer just after 32 s is not a timeout too"
sed 's/10:03:11.000/10:03:09.900/' "$tmp/ring.log" >"$tmp/ring2.log"
status 0 "timeout: none before 3 minutes after the last provisional response" "$bin" --year 2025 "$tmp/ring2.log"

# a capture (source -> destination, no direction): whatever talks to
# Microsoft's SIP proxy is the SBC, so a failure sent to Microsoft is
# 'out' with Microsoft as its peer, and one from Microsoft is 'in'; a
# capture with no Microsoft end keeps the sender as peer and no direction
cap() { # cap SECONDS SRC DST MESSAGE-LINES...
	t=$1 a=$2 d=$3; shift 3
	printf '2025/11/21 10:00:%s.000000 %s -> %s\n' "$t" "$a" "$d"
	for l in "$@"; do printf '%s\n' "$l"; done
	printf 'Content-Length: 0\n\n'
}
{
	cap 01 52.114.20.35:5061 192.0.2.25:5061 'INVITE sip:+1555@sbc SIP/2.0' 'Call-ID: m1' 'CSeq: 1 INVITE'
	cap 02 192.0.2.25:5061 52.114.20.35:5061 'SIP/2.0 486 Busy Here' 'Call-ID: m1' 'CSeq: 1 INVITE'
	cap 03 192.0.2.25:5061 52.114.20.35:5061 'INVITE sip:+1666@sip.pstnhub.microsoft.com SIP/2.0' 'Call-ID: m2' 'CSeq: 1 INVITE'
	cap 04 52.114.20.35:5061 192.0.2.25:5061 'SIP/2.0 404 Not Found' 'Call-ID: m2' 'CSeq: 1 INVITE'
	cap 05 192.0.2.25:5060 198.51.100.7:5060 'INVITE sip:+1777@carrier SIP/2.0' 'Call-ID: m3' 'CSeq: 1 INVITE'
	cap 06 198.51.100.7:5060 192.0.2.25:5060 'SIP/2.0 503 Service Unavailable' 'Call-ID: m3' 'CSeq: 1 INVITE'
} >"$tmp/cap.txt"
"$bin" -o json "$tmp/cap.txt" >"$tmp/j"
[ "$(jq -s -c '[.[] | select(.event=="failure") | [.call_id, .direction, .peer]]' "$tmp/j")" = \
	'[["m1","out","52.114.20.35:5061"],["m2","in","52.114.20.35:5061"],["m3",null,"198.51.100.7:5060"]]' ] &&
	[ "$(tail -n1 "$tmp/j" | jq -c .by_direction)" = '{"in":1,"out":1,"unknown":1}' ] &&
	ok || no "capture: direction and peer from Microsoft's end: $(cat "$tmp/j")"

# dropped: a BYE whose Reason says the call ended abnormally, once even
# when a proxy relays it; a normal hang-up is not, nor a cause whose text
# says the call was cleared normally (FreeSWITCH sends cause=127 so)
{
	rec 10:00:00.000 'received from' 'BYE sip:a SIP/2.0' 'Call-ID: drop1' 'CSeq: 2 BYE' 'From: <sip:+1444@x>;tag=1' 'Reason: Q.850;cause=41;text="media timeout"'
	rec 10:00:00.010 'sent to' 'BYE sip:a SIP/2.0' 'Call-ID: drop1' 'CSeq: 2 BYE' 'Reason: Q.850;cause=41;text="media timeout"'
	rec 10:00:05.000 'received from' 'BYE sip:a SIP/2.0' 'Call-ID: fine1' 'CSeq: 2 BYE' 'REASON: Q.850;cause=16;text="7924f078-9d30-4ac2-a95f-eeb3b8ea8c26;CallEndReasonLocalUserInitiated"'
	rec 10:00:06.000 'received from' 'BYE sip:a SIP/2.0' 'Call-ID: drop2' 'CSeq: 3 BYE' 'Reason: SIP;cause=408;text="Session timer expired"'
	rec 10:00:07.000 'received from' 'BYE sip:a SIP/2.0' 'Call-ID: fine2' 'CSeq: 2 BYE' 'Reason: Q.850;cause=127;text="NORMAL_CLEARING"'
} >"$tmp/bye.log"
"$bin" --year 2025 -o json "$tmp/bye.log" >"$tmp/j"
[ "$(jq -r 'select(.kind=="dropped") | .call_id' "$tmp/j" | tr '\n' ' ')" = "drop1 drop2 " ] && ok || no "dropped: the abnormal BYEs, once each"
jqall '.call_id=="drop1"' '.method=="BYE" and .status==null and .q850==41 and .q850_name=="Temporary failure"' && ok || no "dropped: fields"
[ "$(tail -n1 "$tmp/j" | jq .dropped)" = 2 ] && ok || no "dropped: counted in the summary"

# calls: a log of failing responses alone (one direction captured) still
# holds as many calls as failures
for i in 1 2 3; do
	printf 'SIP/2.0 486 Busy Here\r\nCall-ID: only-%s@192.0.2.9\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' $i
done >"$tmp/resp.log"
"$bin" -o summary -s json "$tmp/resp.log" | jq -e '.failed == 3 and .calls == 3' >/dev/null &&
	ok || no "calls: responses to INVITEs whose request is not in the log are calls"

# filters, applied before anything is written or counted
f=$fx/audiocodes-oneline.log
[ "$("$bin" --year 2025 -o json -s none --status 4xx --kind failed --peer 52.114 $f | jq -r .status | tr '\n' ' ')" = "480 403 " ] &&
	ok || no "filters: --status 4xx --kind failed --peer 52.114"
[ "$("$bin" --year 2025 -o json -s none --since 2025-11-21T09:16:00 --until 'Nov 21 09:16:35' $f | jq -r .status | tr '\n' ' ')" = "487 487 403 403 " ] &&
	ok || no "filters: --since (ISO 8601) and --until (as the log writes time)"
"$bin" --year 2025 -o summary -s json --ms-code 10037,510482 $f | jq -e '.failed == 2 and .canceled == 0 and (.groups | length) == 2' >/dev/null &&
	ok || no "filters: --ms-code, and the summary counts only what passed"
[ "$("$bin" --year 2025 -o json -s none --status 503,480 --kind failed $f | jq -r .status | sort | tr '\n' ' ')" = "480 480 503 " ] &&
	ok || no "filters: a list of statuses"
status 2 "a bad --status" "$bin" --status 4yy $f
status 2 "a bad --since" "$bin" --since yesterday $f
status 2 "a --since with more after the time" "$bin" --since '2025-11-21T09:16:00+1' $f

# stamps with a zone come out in UTC, and --since may name one (the
# fixture is at +01:00; its goldens are in UTC)
k=$fx/kamailio-syslog-rfc3339.log
sed 's/+01:00 /+02:00 /' $k >"$tmp/k1.log"
[ "$(jtimes UTC "$tmp/k1.log")" = "2025-11-21T12:05:07.194Z 2025-11-21T12:05:11.342Z " ] &&
	ok || no "zones: an RFC 3339 stamp at +01:00 is written in UTC"
[ "$("$bin" -o json -s none --since 2025-11-21T13:05:10+01:00 "$tmp/k1.log" | jq -r .status)" = "486" ] &&
	ok || no "zones: --since with an offset"
[ "$("$bin" -o json -s none --until 2025-11-21T12:05:10Z "$tmp/k1.log" | jq -r .status)" = "480" ] &&
	ok || no "zones: --until in UTC"
sed 's/Z sbc01/-05:00 sbc01/' $fx/ribbon-syslog.log >"$tmp/r5.log"
[ "$("$bin" -o json -s none "$tmp/r5.log" | jq -r .time | sort -u | head -n1)" = "2025-11-21T15:01:03.101Z" ] &&
	ok || no "zones: a Ribbon RFC 5424 stamp at -05:00 is written in UTC"
# Ribbon over syslog splits an entry over 1800 bytes into entries that
# repeat only its time stamp and sequence: joined into one message, cut
# mid-line, mid-escape or right after a line break, with the entries of
# another trace point around them
rbs() { # rbs K: the 480's entry cut after K bytes of its text
	awk -v k="$1" 'BEGIN {
		h = "<147>1 2025-11-21T10:00:14.402117Z sbc01 SBC - - - 900 11212025 100014.402117:1.01.00.88125.MAJOR .SIPSG:"
		m = "SIP/2.0 480 Temporarily Unavailable#012Via: SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bK1#012From: <sip:+15555550101@192.0.2.10>;tag=1#012To: <sip:+15555550199@sip.pstnhub.microsoft.com>;tag=2#012Call-ID: rb-split@192.0.2.9#012CSeq: 1 INVITE#012Reason: Q.850;cause=31;text=\"5e19725b-7fad-4e89-bae3-dfc5df88bb96;No callee endpoints were found.\"#012Content-Length: 0#012#012"
		print "<150>1 2025-11-21T10:00:14.400000Z sbc01 SBC - - - 99 11212025 100014.400000:1.01.00.88124.Info .TRM: *TrmRouteLookup: gcid:0x2C04"
		print h "FILTER=TEAMS_TG GCID=0x00002C04: EXTRA INFO: Ingress: received msg for CallId:rb-split@192.0.2.9 gcid:0x2C04 from IP/port:52.114.20.35/5061, Local IP/port:192.0.2.10/5061#012RAW PDU:#012" substr(m, 1, k)
		print h substr(m, k + 1)
		print "<150>1 2025-11-21T10:00:14.500000Z sbc01 SBC - - - 99 11212025 100014.500000:1.01.00.88126.Info .CAM: *CamCallRelease: gcid:0x2C04 cause:31"
	}'
}
# in Reason's text; inside a #012 (CSeq's), right after it, right before it;
# in Call-ID's, in the status line
for k in 300 223 225 221 200 20; do
	rbs $k >"$tmp/rbs.log"
	[ "$("$bin" -o json -s none "$tmp/rbs.log" | jq -c '[.format, .line, .method, .status, .q850, .ms_code, .peer]')" = \
		'["ribbon-syslog",2,"INVITE",480,31,10037,"52.114.20.35:5061"]' ] &&
		[ "$("$bin" -s none "$tmp/rbs.log" | sed -n 4p)" = '[sipwhy] FAILED 480 Temporarily Unavailable to INVITE ('"$tmp"'/rbs.log line 2, call rb-split@192.0.2.9) received from 52.114.20.35:5061' ] &&
		ok || no "Ribbon syslog, a split entry cut after $k bytes: $("$bin" -o json -s none "$tmp/rbs.log")"
done
sed 's/2025-11-21T10:02:14.250Z/2025-11-21 11:02:14.25+01:00/' $fx/teams-export.csv >"$tmp/te.csv"
[ "$("$bin" -o json -s none "$tmp/te.csv" | jq -r 'select(.status == 480) | .time')" = "2025-11-21T10:02:14.250Z" ] &&
	ok || no "zones: a Teams export time with an offset is written in UTC"
# a Teams call log row marked failed although its final SIP code is 200:
# the call was answered, then failed; no "FAILED 200"
# Microsoft subcode 0 is no code: its one row (408 Establishment timeout)
# explains a 408, not a 503 or 487 that also carries 0
for s in '503,0,Service Unavailable' '408,0,Establishment timeout'; do
	sed "s/,No,\(+15555550100,+442079460188,ByotIn,EU,EU\),480,10037,[^,]*,/,No,\1,$s,/" $fx/teams-export.csv
done >"$tmp/t0.csv"
"$bin" -o json -s none "$tmp/t0.csv" | jq -c 'select(.call_id == "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d") | [.status, .ms_code, .ms_phrase]' >"$tmp/o"
printf '%s\n' '[503,0,null]' '[408,0,"Establishment timeout"]' | cmp -s - "$tmp/o" &&
	ok || no "Teams export: subcode 0 picks its row by SIP status: $(cat "$tmp/o")"
sed 's/,No,\(+15555550100,+442079460188,ByotIn,EU,EU\),480,10037,[^,]*,/,No,\1,200,,,/' $fx/teams-export.csv >"$tmp/t200.csv"
"$bin" --color=never "$tmp/t200.csv" >"$tmp/o" 2>&1
grep -q '^\[sipwhy\] DROPPED call failed after answer (SIP 200) to INVITE' "$tmp/o" && ! grep -q 'FAILED 200' "$tmp/o" &&
	ok || no "Teams export: Success No with SIP 200 is a call dropped after answer"
"$bin" -o summary -s json "$tmp/t200.csv" | jq -e '.dropped == 1 and ([.groups[] | select(.status == 200)][0].phrase == "failed after answer")' >/dev/null &&
	ok || no "Teams export: answered and failed, counted as dropped, grouped as failed after answer"
# Stamps that are a time of day take a date: from freeswitch.log's own
# dated lines, else from the log's end (its file's last write, local time)
fsmsg() { # fsmsg TIME STATUS CALLID: a sofia trace of a failing response
	printf 'recv 300 bytes from udp/[203.0.113.20]:5060 at %s:\n%s\n' "$1" \
		------------------------------------------------------------------------
	printf 'SIP/2.0 %s\nVia: SIP/2.0/UDP 192.0.2.60;branch=z9hG4bK%s\nFrom: <sip:a@192.0.2.60>;tag=1\nTo: <sip:b@203.0.113.20>;tag=2\nCall-ID: %s\nCSeq: 1 INVITE\nContent-Length: 0\n\n' "$2" "$3" "$3"
}
{
	echo '2025-12-31 23:59:58.100000 [NOTICE] switch_channel.c:1142 New Channel sofia/external/a@203.0.113.20 [7f3e]'
	fsmsg 23:59:59.500000 '486 Busy Here' fs1
	fsmsg 00:00:01.250000 '503 Service Unavailable' fs2
} >"$tmp/fs.log"
TZ=UTC touch -d '2027-06-01 12:00' "$tmp/fs.log"
[ "$(jtimes UTC "$tmp/fs.log")" = "2025-12-31T23:59:59.500Z 2026-01-01T00:00:01.250Z " ] &&
	ok || no "FreeSWITCH: a time of day is dated by the dated line before it, across midnight"
{
	echo '2025-12-31 10:00:00.000000 [INFO] mod_sofia.c:6001 trace on'
	for t in 18:00 02:00 09:00 20:00; do fsmsg "$t:00.000000" '486 Busy Here' "fs$t"; done
} >"$tmp/fs.log"
[ "$(jtimes UTC "$tmp/fs.log")" = "2025-12-31T18:00:00.000Z 2026-01-01T02:00:00.000Z 2026-01-01T09:00:00.000Z 2026-01-01T20:00:00.000Z " ] &&
	ok || no "FreeSWITCH: each dated stamp dates the next, for a day and more without a dated line"
{ fsmsg 23:50:00.000000 '486 Busy Here' fs1; fsmsg 00:10:00.000000 '480 Temporarily Unavailable' fs2; } >"$tmp/fs.log"
TZ=UTC touch -d '2025-03-02 00:30' "$tmp/fs.log"
[ "$(jtimes UTC "$tmp/fs.log")" = "2025-03-01T23:50:00.000Z 2025-03-02T00:10:00.000Z " ] &&
	ok || no "FreeSWITCH: without a dated line, the log's last write dates it"
[ "$(jtimes EST5 "$tmp/fs.log")" = "2025-02-28T23:50:00.000Z 2025-03-01T00:10:00.000Z " ] &&
	ok || no "FreeSWITCH: the last write is read in local time, as the stamps are"
[ "$(TZ=UTC "$bin" -o json -s none --since 2025-03-02 "$tmp/fs.log" | jq -r .status)" = "480" ] &&
	ok || no "filters: --since on stamps dated from the log's end"
cp $fx/freeswitch-old.log "$tmp/fso.log"
TZ=UTC touch -d '2025-11-21 23:00' "$tmp/fso.log"
[ "$(TZ=UTC "$bin" -o json -s none --since 2025-11-21T10:02:30 --until '2025-11-21 10:03:47.6' "$tmp/fso.log" | jq -r .status)" = "488" ] &&
	ok || no "filters: --since and --until on FreeSWITCH stamps"
[ "$(TZ=UTC "$bin" -o json -s none --until 2025-11-20T10:02:30 "$tmp/fso.log" | jq -r .status)" = "" ] &&
	ok || no "filters: a FreeSWITCH stamp's date counts, not only its time of day"
status 2 "a bad --kind" "$bin" --kind weird $f

# merge: the summary of several runs' JSON summaries is the summary of one
# run over all their inputs, in every summary format
set -- $fx/audiocodes-oneline.log $fx/oracle-sipmsg.log $fx/audiocodes-viewer.log $fx/ribbon-trc.TRC $fx/teams-export.csv $fx/kamailio-sipdump.data
i=0
for f in "$@"; do
	i=$((i + 1))
	"$bin" --year 2025 -o summary -s json "$f" >"$tmp/part$i.json"
done
for s in json text markdown; do
	"$bin" -s $s merge "$tmp"/part*.json >"$tmp/merged.$s"
	"$bin" --year 2025 -o summary -s $s "$@" >"$tmp/one.$s"
	cmp -s "$tmp/merged.$s" "$tmp/one.$s" && ok || no "merge -s $s differs from one run"
done
"$bin" --year 2025 -o json "$fx/oracle-sipmsg.log" >"$tmp/lines.json" # a summary as the last JSON line
"$bin" -s json merge "$tmp/lines.json" | jq -e '.failed == 3' >/dev/null && ok || no "merge reads the last line of -o json"
status 2 "merge of something else" "$bin" merge $fx/generic.log
# a summary that is not what sipwhy writes (a negative count, a count no
# double holds, a code out of range) is refused by name, the others merged
sed 's/"calls":[0-9]*/"calls":-5/' "$tmp/part1.json" >"$tmp/bad1.json"
sed 's/"failed":[0-9]*/"failed":1e300/' "$tmp/part1.json" >"$tmp/bad2.json"
sed 's/"status":[0-9]*/"status":4800/' "$tmp/part1.json" >"$tmp/bad3.json"
status 2 "merge of a summary with a negative count" "$bin" -s json merge "$tmp/bad1.json" "$tmp/bad2.json" "$tmp/bad3.json" "$tmp/part2.json"
grep -qF "$tmp/bad1.json: error: not a sipwhy summary: calls is not a count" "$tmp/err" &&
	grep -qF "$tmp/bad2.json: error: not a sipwhy summary: failed is not a count" "$tmp/err" &&
	grep -qF "$tmp/bad3.json: error: not a sipwhy summary: groups[0].status is not a number from -1 to 999 or null" "$tmp/err" &&
	ok || no "merge names the member it refuses: $(cat "$tmp/err")"
"$bin" -s json merge "$tmp/part2.json" >"$tmp/merged.2"
cmp -s "$tmp/out" "$tmp/merged.2" && ok || no "merge: a refused summary adds nothing"
# the summary keeps texts escaped for a terminal, and groups them so: a
# an IPv6 peer whose port the format logs apart keeps it, in brackets as
# SIP writes them ([2001:db8::5]:5061), not dropped
for fp in freeswitch-new.log:52.114.7.24:5061 drachtio.log:52.114.76.76:5061 \
	ribbon-trc.TRC:52.114.20.35:5061 kamailio-sipdump.data:203.0.113.44:5060; do
	f=${fp%%:*} ip=${fp#*:}
	sed "s/${ip%:*}/2001:db8::5/g" $fx/$f >"$tmp/v6"
	[ "$("$bin" --year 2025 -o json -s none $fx/$f | jq -r .peer | sort -u | grep -c "^$ip$")" = 1 ] &&
		[ "$("$bin" --year 2025 -o json -s none "$tmp/v6" | jq -r .peer | sort -u | grep -c "^\[2001:db8::5\]:${ip##*:}$")" = 1 ] &&
		ok || no "$f: IPv6 peer: $("$bin" --year 2025 -o json -s none "$tmp/v6" | jq -r .peer | sort -u | tr '\n' ' ')"
done
# peer with a control byte in it is one peer, however often it fails
sed 's/52\.114\.20\.35:5061/52.114.20.35\x1b:5061/g' $fx/audiocodes-viewer.log >"$tmp/escpeer.log"
"$bin" -o summary -s json "$tmp/escpeer.log" >"$tmp/escpeer.json"
jq -e '[.by_peer[] | select(.peer | startswith("52.114.20.35"))] | length == 1 and .[0].count == 2 and .[0].peer == "52.114.20.35\\x1b:5061"' "$tmp/escpeer.json" >/dev/null &&
	ok || no "summary: a peer with an escape is one peer: $(jq -c .by_peer "$tmp/escpeer.json")"
"$bin" -s json merge "$tmp/escpeer.json" | cmp -s - "$tmp/escpeer.json" && ok || no "merge: escaped texts merge to themselves"
# what merge reads is made safe as a run's own texts are
printf '%s\n' '{"event":"summary","failed":1,"groups":[{"status":480,"count":1,"phrase":"a\u001b]0;x\u0007\u009b2J\ud800","action":"b\u001b[2J","doc":"c\r","examples":[{"call_id":"d\u001b[1m"}]}],"by_peer":[{"peer":"e\u0007","count":1}]}' >"$tmp/hostile.json"
for s in text markdown json; do
	"$bin" -s $s merge "$tmp/hostile.json" >"$tmp/hm.$s"
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$tmp/hm.$s" ||
		grep -q "$(printf '\302[\200-\237]')" "$tmp/hm.$s" || ! iconv -f UTF-8 -t UTF-8 "$tmp/hm.$s" >/dev/null 2>&1; then
		no "merge -s $s: control bytes or invalid UTF-8 from the JSON: $(cat -v "$tmp/hm.$s" | head -5)"
	else
		ok
	fi
done
grep -qF 'a\x1b]0;x\x07\xc2\x9b2J' "$tmp/hm.text" && ok || no "merge: escapes shown: $(cat "$tmp/hm.text")"

# one call's story: every message of all its legs, a ladder, the reasons
f=$fx/audiocodes-oneline.log
status 1 "--call: a failed call" "$bin" --year 2025 --call 9749451804872649230846@192.0.2.25 $f
grep -q 'legs (Call-IDs): 9749451804872649230846@192.0.2.25 23332726ec3e16a122e76e44@203.0.113.10' "$tmp/out" &&
	ok || no "--call: the other leg is linked by the SID"
grep -q '|<480 Temporarily Un--|' "$tmp/out" && grep -q '|-------INVITE------->|' "$tmp/out" &&
	ok || no "--call: the ladder"
[ "$(grep -c '^--- 2025-11-21T09:14' "$tmp/out")" = 8 ] && ok || no "--call: the 8 messages of both legs"
grep -q 'microsoft code 10037' "$tmp/out" && ok || no "--call: why it failed"
status 1 "--call by Microsoft's GUID" "$bin" --year 2025 --call a93f9cc8-605f-433a-9072-2a26e0fad066 $f
grep -qx '  legs (Call-IDs): 9749451804872649230846@192.0.2.25 23332726ec3e16a122e76e44@203.0.113.10' "$tmp/out" &&
	ok || no "--call: the GUID finds both legs, and is not one: $(grep legs "$tmp/out")"
# Cisco CUBE: the legs share the <guid> of //<id>/<guid>/ (the first 12
# hex digits of Cisco-Guid); the carrier's INVITE, logged before the legs
# exist (//-1/xxxxxxxxxxxx/), is tied in by its Call-ID
for id in 9BE56BBC-91B8C4D0-F461AF3D-4922517B@192.0.2.31 94cee44703f533ebda0238e4@203.0.113.10; do
	"$bin" --call $id $fx/cisco-cube-console.log >"$tmp/cs" 2>&1
	[ "$(grep -c '^--- ' "$tmp/cs")" = 4 ] && grep -q "^--- .*line 6)$" "$tmp/cs" &&
		grep -q '^  legs (Call-IDs): .*9BE56BBC-91B8C4D0-F461AF3D-4922517B@192.0.2.31' "$tmp/cs" &&
		grep -q '^  legs (Call-IDs): .*94cee44703f533ebda0238e4@203.0.113.10' "$tmp/cs" &&
		ok || no "--call $id on Cisco: both legs: $(grep -e legs -e '^---' "$tmp/cs")"
done
"$bin" --call 5f6dd9727aec95c1fb87e35d@203.0.113.10 $fx/cisco-cube-console.log 2>&1 | grep -q -e 9BE56BBC -e C8F7AEB6 -e 94cee447 -e 894fe45e &&
	no "--call on Cisco: another call's legs linked" || ok
"$bin" --year 2025 -s markdown --call 3951116519364836564792@192.0.2.25 $f >"$tmp/story.md"
cmark-gfm "$tmp/story.md" 2>/dev/null | grep -q 'class="language-mermaid"' && grep -q 'P2->>P1: 403 Forbidden' "$tmp/story.md" &&
	ok || no "--call -s markdown: a Mermaid sequence diagram"
status 2 "--call: not found" "$bin" --call no-such-call $f
# --call tells a timeout as the normal run does, and only for a call the
# log goes on past (Timer B, or Timer C after a provisional response)
status 1 "--call: an INVITE with no answer" "$bin" --year 2025 --call lost "$tmp/timeout.log"
grep -q '^\[sipwhy\] TIMEOUT no final response to INVITE (.*timeout.log line 1, call lost)' "$tmp/out" &&
	ok || no "--call: the timeout told: $(cat "$tmp/out")"
status 0 "--call: the log ends before Timer B" "$bin" --year 2025 --call late "$tmp/timeout.log"
status 0 "--call: an answered call" "$bin" --year 2025 --call answered "$tmp/timeout.log"
status 1 "--call: ringing with no answer past Timer C" "$bin" --year 2025 --call forever "$tmp/ring.log"
grep -q 'provisional response (183).*Timer C' "$tmp/out" && ok || no "--call: Timer C told"
status 0 "--call: rang 45 s and was answered" "$bin" --year 2025 --call rings "$tmp/ring.log"
! grep -q TIMEOUT "$tmp/out" && ok || no "--call: no timeout for an answered call"
status 2 "--call with -f" "$bin" -f --call x $f
grep -qF -- "--call reads whole files twice: it cannot follow (-f)" "$tmp/err" && ok || no "--call -f: said why"
# a story shows nothing raw: the file's name and a Call-ID with escapes;
# and a body line of backticks does not end its Markdown block
e=$(printf '\033')
story="$tmp/call$e]0;x.log"
printf 'INVITE sip:+1@h SIP/2.0\nCall-ID: f%s[1m`n\nCSeq: 1 INVITE\nContent-Length: 19\n\n```\n# Injected\n```\n\nSIP/2.0 480 Temporarily Unavailable\nCall-ID: f%s[1m`n\nCSeq: 1 INVITE\nContent-Length: 0\n\n' "$e" "$e" >"$story"
for s in text markdown; do
	"$bin" -s $s --call "f$e[1m\`n" "$story" >"$tmp/st.$s" 2>&1
	! grep -q "$e" "$tmp/st.$s" && grep -qF 'f\x1b[1m`n' "$tmp/st.$s" && grep -qF 'call\x1b]0;x.log line 1' "$tmp/st.$s" &&
		ok || no "--call -s $s: escapes shown, not sent: $(cat -v "$tmp/st.$s" | head -5)"
done
grep -qF '## The call ``f\x1b[1m`n``' "$tmp/st.markdown" && ok || no "--call -s markdown: a backtick in the Call-ID"
if command -v cmark-gfm >/dev/null 2>&1; then
	cmark-gfm "$tmp/st.markdown" | grep -q '<h1>Injected' && no "--call -s markdown: a body ended its block" || ok
	# the status phrase and the peers in its headings and lines are text
	{
		printf 'Nov 21 10:02:00.081 On [0:0]192.0.2.10:5060 received from <b>p</b>:5060\n'
		printf 'SIP/2.0 480 [x](https://e.example) **b**\nCall-ID: mdc\nCSeq: 1 INVITE\nContent-Length: 0\n\n\n'
		printf -- '----------------------------------------\n'
	} >"$tmp/mdc.log"
	"$bin" --year 2025 -s markdown --call mdc "$tmp/mdc.log" | cmark-gfm --unsafe -e autolink -e strikethrough >"$tmp/mdc.html"
	grep -q '<h3>480 \[x\](https://e.example) \*\*b\*\* (' "$tmp/mdc.html" && grep -q '&lt;b&gt;p&lt;/b&gt;:5060' "$tmp/mdc.html" &&
		! grep -q '<a \|<strong>\|<b>' "$tmp/mdc.html" &&
		ok || no "--call -s markdown: markup from the log shows as written: $(cat "$tmp/mdc.html")"
fi
# a Call-ID with a NUL in it is found by the form sipwhy shows it in
printf 'INVITE sip:+1@h SIP/2.0\nCall-ID: ab\000cd@x\nCSeq: 1 INVITE\nContent-Length: 0\n\nSIP/2.0 480 Temporarily Unavailable\nCall-ID: ab\000cd@x\nCSeq: 1 INVITE\nContent-Length: 0\n\n' >"$tmp/nulid.log"
status 1 "--call: a Call-ID holding a NUL, as shown" "$bin" --call 'ab\x00cd@x' "$tmp/nulid.log"
grep -qx '  legs (Call-IDs): ab\\x00cd@x' "$tmp/out" && [ "$(grep -c '^--- ' "$tmp/out")" = 2 ] &&
	ok || no "--call: the NUL Call-ID's two messages and its leg: $(cat -v "$tmp/out")"
status 2 "--call: the part before a NUL is not the Call-ID" "$bin" --call ab "$tmp/nulid.log"
status 2 "--call: stdin cannot be read twice" "$bin" --call x - <$f

# lossless: the annotated output minus marker lines is the input, plain or
# gzip, for every fixture that ends with a line end
for f in $fx/*; do
	[ -s "$f" ] || continue
	[ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || continue
	"$bin" "$f" 2>/dev/null | strip | cmp -s - "$f" && ok || no "lossless: $f"
	gzip -c "$f" >"$tmp/z.gz"
	"$bin" "$tmp/z.gz" 2>/dev/null | strip | cmp -s - "$f" && ok || no "lossless gzip: $f"
done

# several inputs annotated: a marker line heads each input's lines, as
# tail heads them, right before its first line; the log lines are still
# the inputs, in order; a single input has no such line
cat $fx/oracle-sipmsg.log $fx/sngrep-export.txt >"$tmp/two.want"
"$bin" $fx/oracle-sipmsg.log $fx/sngrep-export.txt >"$tmp/two" 2>/dev/null
grep '^\[sipwhy\] ==> ' "$tmp/two" >"$tmp/two.heads"
printf '[sipwhy] ==> %s <==\n' $fx/oracle-sipmsg.log $fx/sngrep-export.txt | cmp -s - "$tmp/two.heads" &&
	ok || no "several inputs: each headed once, in order: $(cat "$tmp/two.heads")"
[ "$(sed -n 1p "$tmp/two")" = "[sipwhy] ==> $fx/oracle-sipmsg.log <==" ] &&
	[ "$(awk '/^\[sipwhy\] ==> .*sngrep-export.txt <==$/ { getline; print; exit }' "$tmp/two")" = "$(head -1 $fx/sngrep-export.txt)" ] &&
	ok || no "several inputs: a header right before its input's first line"
strip <"$tmp/two" | cmp -s - "$tmp/two.want" && ok || no "several inputs: the log lines are the inputs"
"$bin" $fx/oracle-sipmsg.log 2>/dev/null | grep -q '^\[sipwhy\] ==> ' && no "a single input headed" || ok
# ... a Teams export among them too
"$bin" $fx/generic.log $fx/teams-export.csv 2>/dev/null >"$tmp/two"
[ "$(awk '/^\[sipwhy\] ==> .*teams-export.csv <==$/ { getline; print; exit }' "$tmp/two")" = "$(head -1 $fx/teams-export.csv)" ] &&
	ok || no "several inputs: a Teams export headed: $(grep '==>' "$tmp/two")"

# a file read as it is stored: its lines do not cross sipwhy's threads,
# the thread that writes reads them again from the file (the kernel copies
# them to an output file; to a pipe, or a file opened to append, they are
# read and written).  The output, the diagnostics among it (sequence gaps)
# and the status are those of the same bytes through a pipe, which cross
# as bytes.  Standard input redirected from a file is read from where it
# stands.
for i in 1 2 3 4 5 6; do cat $fx/audiocodes-740.log $fx/audiocodes-oneline.log; done >"$tmp/sp.log"
printf 'Nov 21 09:15:00 sbc01 [S=1] (N 1) the last line, without its end' >>"$tmp/sp.log"
cat "$tmp/sp.log" | "$bin" --year 2025 >"$tmp/sp.want" 2>&1
echo "status $?" >>"$tmp/sp.want"
sp() { # sp DESCRIPTION: $tmp/sp.out against $tmp/sp.want
	sed "s|$tmp/sp.log|(stdin)|g" "$tmp/sp.out" | cmp -s - "$tmp/sp.want" &&
		ok || no "a file's lines read again: $1 differs from a pipe's"
}
"$bin" --year 2025 "$tmp/sp.log" >"$tmp/sp.out" 2>&1
echo "status $?" >>"$tmp/sp.out"
sp "to a file"
{ "$bin" --year 2025 "$tmp/sp.log" 2>&1; echo "status $?"; } | cat >"$tmp/sp.out"
sp "to a pipe"
echo "status 1" >"$tmp/sp.out"
"$bin" --year 2025 "$tmp/sp.log" >>"$tmp/sp.out" 2>&1
echo "status $?" >>"$tmp/sp.out"
sed 1d "$tmp/sp.out" >"$tmp/sp.o2" && mv "$tmp/sp.o2" "$tmp/sp.out"
sp "appended to a file"
"$bin" --year 2025 <"$tmp/sp.log" >"$tmp/sp.out" 2>&1
echo "status $?" >>"$tmp/sp.out"
sp "from standard input"
sed 1d "$tmp/sp.log" | "$bin" --year 2025 >"$tmp/sp.want" 2>&1
echo "status $?" >>"$tmp/sp.want"
{ read -r _; "$bin" --year 2025; } <"$tmp/sp.log" >"$tmp/sp.out" 2>&1
echo "status $?" >>"$tmp/sp.out"
sp "from standard input past its first line"
# ... and a file cut short before the writer has read its lines again:
# what is missing is said, exit 2.  The writer waits on the pipe, full
# after its first write; its first batch came after 1 MB of the log.
if [ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ]; then
	i=0 # 8 MB, no diagnostic (one would make the writer catch up)
	while [ $i -lt 1200 ]; do cat $fx/oracle-sipmsg.log; i=$((i + 1)); done >"$tmp/cut.log"
	size=$(wc -c <"$tmp/cut.log")
	{ "$bin" --year 2025 "$tmp/cut.log" 2>"$tmp/cut.err"; echo $? >"$tmp/cut.rc"; } |
		{ dd bs=1 count=1 2>/dev/null; truncate -s 100000 "$tmp/cut.log"; cat; } >"$tmp/cut.out"
	[ "$(cat "$tmp/cut.rc")" = 2 ] &&
		grep -q "cut.log: error: [0-9]* bytes of the log are missing from the annotated output" "$tmp/cut.err" &&
		[ "$(strip <"$tmp/cut.out" | wc -c)" -lt "$size" ] &&
		ok || no "a file cut short while read: status $(cat "$tmp/cut.rc"), $(cat "$tmp/cut.err")"
fi

# gzip: concatenated members read whole; a truncated one reported by name,
# exit 2, with the failures before the damage still annotated
gzip -c $fx/oracle-sipmsg.log >"$tmp/m.gz"
gzip -c $fx/sngrep-export.txt >>"$tmp/m.gz"
cat $fx/oracle-sipmsg.log $fx/sngrep-export.txt >"$tmp/m"
"$bin" "$tmp/m.gz" | strip | cmp -s - "$tmp/m" && ok || no "multi-member gzip"
gzip -c $fx/audiocodes-oneline.log >"$tmp/t.gz"
size=$(wc -c <"$tmp/t.gz")
head -c $((size * 3 / 4)) "$tmp/t.gz" >"$tmp/trunc.gz"
status 2 "truncated gzip" "$bin" "$tmp/trunc.gz"
grep -q 'trunc.gz: error: truncated gzip' "$tmp/err" && ok || no "truncation diagnostic"
grep -q '^\[sipwhy\] FAILED 480' "$tmp/out" && ok || no "failures before the damage reported"
strip <"$tmp/out" | cmp -s - $fx/audiocodes-oneline.log 2>/dev/null
[ $? = 1 ] && ok || no "truncated output is a prefix, not the whole"
{ cat "$tmp/t.gz"; printf 'garbage after the gzip data'; } >"$tmp/junk.gz"
status 1 "gzip then junk" "$bin" "$tmp/junk.gz"
grep -q 'trailing data' "$tmp/err" && ok || no "trailing junk warned about"
strip <"$tmp/out" | cmp -s - $fx/audiocodes-oneline.log && ok || no "data before junk kept"
: >"$tmp/empty.gz"
status 0 "empty file named .gz" "$bin" "$tmp/empty.gz"

# JSON Lines: every line is JSON, failures carry exactly the contract's
# fields, the last line is the summary
"$bin" -o json $fx/audiocodes-oneline.log $fx/audiocodes-viewer.log >"$tmp/j"
jq -e . "$tmp/j" >/dev/null && ok || no "json: not valid JSON"
keys='["action","call_id","cause","cseq","direction","doc","event","file","format","from","generated_by","kind","line","method","ms_candidates","ms_code","ms_code_source","ms_phrase","peer","q850","q850_name","reasons","status","status_phrase","time","to"]'
bad=$(jq -c "select(.event==\"failure\") | keys | select(. != $keys)" "$tmp/j" | head -1)
[ -z "$bad" ] && ok || no "json: failure keys differ: $bad"
[ "$(tail -n1 "$tmp/j" | jq -r .event)" = summary ] && ok || no "json: last line not the summary"
[ "$(jq -s '[.[] | select(.event=="failure")] | length' "$tmp/j")" = "$(tail -n1 "$tmp/j" | jq '.failed + .canceled')" ] &&
	ok || no "json: summary counts match the events"
jqall '.ms_code==10037' '.ms_code_source=="phrase" and .generated_by=="microsoft" and .q850==31 and (.reasons[0].guid|length)==36' &&
	ok || no "json: 480/10037 joined by phrase"
jqall '.ms_code==560503' '.ms_code_source=="sbc-560" and .generated_by=="sbc" and .direction=="out"' &&
	ok || no "json: 560 rule"
jqall '.status==504' '.ms_code==null and (.ms_candidates|length)==3' &&
	ok || no "json: ambiguous phrase gives candidates"
jqall '.kind=="canceled"' '.status==487' && ok || no "json: canceled kind"
"$bin" -o summary -s json $fx/oracle-sipmsg.log | jq -e '.event=="summary" and .failed==3 and (.groups|length)==3' >/dev/null &&
	ok || no "summary as JSON"
"$bin" -s none $fx/oracle-sipmsg.log | grep -q 'sipwhy summary' && no "-s none still prints a summary" || ok

# the Markdown summary renders as tables with a real Markdown renderer
"$bin" -o summary -s markdown $fx/audiocodes-oneline.log $fx/oracle-sipmsg.log >"$tmp/md"
head -3 "$tmp/md" | grep -q 'No failure stands out: 10 causes occur once each; the first in the table is \*\*' &&
	ok || no "markdown: no opening paragraph"
# the paragraph names the most frequent failure only when one leads; the
# cancels (487) are left out of the race
fail() { # fail CALL-ID STATUS PHRASE: an INVITE and its failure
	rec 10:00:00.000 'sent to' 'INVITE sip:+1555@h SIP/2.0' "Call-ID: $1" 'CSeq: 1 INVITE'
	rec 10:00:00.100 'received from' "SIP/2.0 $2 $3" "Call-ID: $1" 'CSeq: 1 INVITE'
}
mdpara() { "$bin" --year 2025 -o summary -s markdown "$1" | sed -n 3p; }
{ fail a 503 'Service Unavailable'; fail b 486 'Busy Here'; } >"$tmp/tie.log"
mdpara "$tmp/tie.log" | grep -q '^2 failures in 2 calls .* No failure stands out: 2 causes occur once each; the first in the table is \*\*' &&
	ok || no "markdown: a tie is not called the most frequent: $(mdpara "$tmp/tie.log")"
{ fail a 503 'Service Unavailable'; fail b 486 'Busy Here'; fail c 503 'Service Unavailable'; fail d 486 'Busy Here'; } >"$tmp/tie2.log"
mdpara "$tmp/tie2.log" | grep -q 'No failure stands out: 2 causes occur twice each' &&
	ok || no "markdown: a tie of two each: $(mdpara "$tmp/tie2.log")"
{ fail a 503 'Service Unavailable'; fail b 486 'Busy Here'; fail c 503 'Service Unavailable'; } >"$tmp/lead.log"
mdpara "$tmp/lead.log" | grep -q 'The most frequent failure is \*\*503 Service Unavailable\*\* (2, 66.7%)' &&
	ok || no "markdown: the leader named: $(mdpara "$tmp/lead.log")"
{ fail a 487 'Request Terminated'; fail b 487 'Request Terminated'; fail c 503 'Service Unavailable'; } >"$tmp/lead487.log"
mdpara "$tmp/lead487.log" | grep -q 'The most frequent failure is \*\*503 Service Unavailable\*\* (1, 33.3%)' &&
	ok || no "markdown: cancels left out: $(mdpara "$tmp/lead487.log")"
if command -v cmark-gfm >/dev/null 2>&1; then
	cmark-gfm -e table "$tmp/md" >"$tmp/md.html"
	[ "$(grep -c '<table>' "$tmp/md.html")" = 4 ] && ok || no "markdown: $(grep -c '<table>' "$tmp/md.html") tables, want 4"
	[ "$(grep -c '<tr>' "$tmp/md.html")" -ge 20 ] && ok || no "markdown: too few table rows"
	grep -q '<td>480/10037</td>' "$tmp/md.html" && ok || no "markdown: the 480/10037 row"
else
	no "markdown: cmark-gfm is missing (Debian package cmark-gfm)"
fi
printf 'SIP/2.0 486 Busy | Here\r\nCall-ID: a|b\r\nCSeq: 1 INVITE\r\nReason: Q.850;cause=17;text="x | y"\r\n\r\n' >"$tmp/pipe.log"
"$bin" -o summary -s markdown "$tmp/pipe.log" | cmark-gfm -e table 2>/dev/null | grep -q 'a|b</code></td>' &&
	ok || no "markdown: a | in a cell is escaped"
# Markdown and HTML in a Reason text, a peer and a Call-ID show as written:
# no link, image, tag, emphasis or code from the log in the ticket
{
	printf 'Nov 21 10:02:00.081 On [0:0]192.0.2.10:5060 received from <b>peer</b>:5060\n'
	printf 'SIP/2.0 480 Temporarily Unavailable\nCall-ID: t`ick``s|x\nCSeq: 1 INVITE\n'
	printf 'Reason: Q.850;cause=18;text="[click](https://evil.example) www.evil.example <img src=x> **b** _e_ ~~s~~ &lt; NORMAL_CLEARING `c`"\n'
	printf 'Content-Length: 0\n\n\n----------------------------------------\n'
} >"$tmp/mdh.log"
"$bin" -o summary -s markdown "$tmp/mdh.log" | cmark-gfm --unsafe -e table -e strikethrough -e autolink >"$tmp/mdh.html" 2>/dev/null
grep -q '<td>\[click\](https://evil.example) www.evil.example &lt;img src=x&gt; \*\*b\*\* _e_ ~~s~~ &amp;lt; NORMAL_CLEARING `c`</td>' "$tmp/mdh.html" &&
	grep -q '<td><code>t`ick``s|x</code></td>' "$tmp/mdh.html" && grep -q '<td>&lt;b&gt;peer&lt;/b&gt;:5060</td>' "$tmp/mdh.html" &&
	! grep -q '<a \|<img\|<em>\|<del>\|<b>' "$tmp/mdh.html" &&
	ok || no "markdown: text from the log shows as written: $(cat "$tmp/mdh.html")"

# hostile text: control bytes and escape sequences from a log never reach a
# terminal raw; piped output stays byte for byte
printf 'x \033]0;pwned\007 \033[2J\r\n' >"$tmp/evil.log"
printf 'SIP/2.0 486 Busy \033[31mHere\r\nCall-ID: \033[2Jabc\r\nCSeq: 1 INVITE\r\nReason: Q.850;cause=17;text="\033]8;;x\033\\\\evil\233"\r\nContent-Length: 0\r\n\r\n' >>"$tmp/evil.log"
"$bin" "$tmp/evil.log" | strip | cmp -s - "$tmp/evil.log" && ok || no "hostile: pipe not lossless"
if command -v script >/dev/null 2>&1; then
	NO_COLOR=1 script -qfec "$bin $tmp/evil.log" /dev/null >"$tmp/tty" 2>&1
	if tr -d '\r\n' <"$tmp/tty" | od -An -tx1 | grep -qE ' (1b|07|9b)'; then
		no "hostile: control bytes reached the terminal"
	else ok; fi
	grep -q 'FAILED 486' "$tmp/tty" && ok || no "hostile: failure still reported on a terminal"
fi

# colour: the markers are coloured on a terminal unless NO_COLOR is set
# and not empty; --color=always and never win over both (no-color.org)
colored() { # colored WANT ENV ARGS: WANT 1 if the markers are coloured
	e=$1 v=$2; shift 2
	env "$v" script -qfec "$bin $* $fx/oracle-sipmsg.log" /dev/null >"$tmp/tty" 2>&1 </dev/null
	if grep -q "$(printf '\033')\[36m\[sipwhy\]" "$tmp/tty"; then g=1; else g=0; fi
	[ "$g" = "$e" ] && ok || no "colour with $v $*: got $g, want $e"
}
if command -v script >/dev/null 2>&1; then
	colored 1 X=1
	colored 0 NO_COLOR=1
	colored 1 NO_COLOR=
	colored 1 NO_COLOR=1 --color=always
	colored 0 X=1 --color=never
fi
"$bin" --color=always $fx/oracle-sipmsg.log | grep -q "$(printf '\033')\[36m\[sipwhy\]" &&
	ok || no "--color=always colours a pipe too"
"$bin" $fx/oracle-sipmsg.log | grep -q "$(printf '\033')" && no "no colour on a pipe by default" || ok

# every row of the Microsoft table, sent the way its generator sends it,
# comes back as its code (or among the candidates when Microsoft shares the
# phrase between codes): Microsoft's proxy puts a GUID and the phrase with
# a period in the Reason text; the SBC answers Microsoft (560 rule)
awk -F '\t' '!/^#/ && $1 != "ms_code" && $2 >= 300 {
	n++
	printf "SIP/2.0 %s Failure\r\nCALL-ID: row-%d-%s\r\nCSEQ: 1 INVITE\r\n", $2, n, $1
	if ($4 == "sbc") {
		printf "Via: SIP/2.0/TLS sip.pstnhub.microsoft.com:5061;branch=z9hG4bKx\r\n"
		printf "Server: Mediant SW/v.7.40A\r\n"
	} else {
		printf "SERVER: Microsoft.PSTNHub.SIPProxy v.2024.11.5.1 i.EUWE.4\r\n"
		printf "REASON: Q.850;cause=31;text=\"5e19725b-7fad-4e89-bae3-dfc5df88bb96;%s.\"\r\n", $3
	}
	printf "CONTENT-LENGTH: 0\r\n\r\n"
}' patterns/microsoft.tsv >"$tmp/rows.log"
"$bin" -o json -s none "$tmp/rows.log" >"$tmp/j"
rows=$(grep -c '^SIP/2.0' "$tmp/rows.log")
found=$(jq -r 'select((.call_id|split("-")[2]|tonumber) as $c | .ms_code==$c or (.ms_candidates|index($c))) | .call_id' "$tmp/j" | wc -l)
[ "$rows" -ge 60 ] && [ "$found" = "$rows" ] && ok || no "join: $found of $rows table rows found again through a log"

# explain: every row of the Microsoft table is found again from its code
# and from its phrase as Microsoft's proxy sends it (with a period)
rows=0 miss=0
while IFS='	' read -r code sip phrase rest; do
	case $code in ''|'#'*|ms_code) continue ;; esac
	rows=$((rows + 1))
	"$bin" explain "$code" | grep -qF -- "$phrase" || { miss=$((miss + 1)); echo "  explain $code: no '$phrase'"; }
	"$bin" explain "$sip/$code" | grep -qF -- "Microsoft code $code with SIP $sip: $phrase" || { miss=$((miss + 1)); echo "  explain $sip/$code"; }
	"$bin" explain "$phrase." | grep -qF -- "Microsoft code $code" || { miss=$((miss + 1)); echo "  explain '$phrase.'"; }
done <patterns/microsoft.tsv
[ "$rows" -ge 60 ] && [ "$miss" = 0 ] && ok || no "explain: $miss of $rows table rows not found again"
# and every entry of Microsoft's articles, when the reference list is beside us
ref=../shared/reference/microsoft-codes.tsv
if [ -f "$ref" ]; then
	miss=0
	while IFS='	' read -r code sip phrase rest; do
		case $code in ''|'#'*|ms_code) continue ;; esac
		"$bin" explain "$sip/$code" | grep -qF -- "$phrase" || { miss=$((miss + 1)); echo "  reference $sip/$code $phrase"; }
	done <"$ref"
	[ "$miss" = 0 ] && ok || no "explain: $miss reference entries not answered"
fi
"$bin" explain 560487 >"$tmp/e"
grep -q 'By the 560' "$tmp/e" && grep -q '^SIP 487 Request Terminated' "$tmp/e" && ok || no "explain 560487: the 560 rule"
# 560 + something that is no SIP failure status is no 560 code
status 1 "explain 560999" "$bin" explain 560999
"$bin" explain 560999 | grep -q '999 is not a SIP failure status' && ! "$bin" explain 560999 | grep -q 'By the 560' &&
	ok || no "explain 560999: not read by the 560 rule"
"$bin" explain 560200 | grep -q '200 is not a SIP failure status' && ok || no "explain 560200: not read by the 560 rule"
"$bin" explain 999/560999 >"$tmp/e"
[ "$(grep -c '^Microsoft code 560999' "$tmp/e")" = 1 ] && grep -q '^SIP 999: not a SIP status' "$tmp/e" &&
	ok || no "explain 999/560999: each half said once: $(cat "$tmp/e")"
"$bin" explain q850:31 | grep -q '^Q.850 cause 31: Normal, unspecified' && ok || no "explain q850:31"
"$bin" explain 480 | grep -q 'Microsoft codes: 10037, 10140, 10191' && ok || no "explain 480 lists its Microsoft codes"
"$bin" explain 499 | grep -q 'by its class a client error' && ok || no "explain an unregistered status by its class"
"$bin" explain "Unable to deliver INVITE: Invalid Request/Response line" | grep -q 'matches 3 Microsoft codes' && ok || no "explain an ambiguous phrase"
status 1 "explain an unknown phrase" "$bin" explain "nothing like this at all"
# JSON Lines end with the JSON summary: a text one asked for is refused
for s in text markdown; do
	"$bin" -o json -s $s "$fx/oracle-sipmsg.log" >"$tmp/o" 2>"$tmp/e"
	rc=$?
	[ "$rc" = 2 ] && [ ! -s "$tmp/o" ] && grep -q '^sipwhy: -o json ends with a JSON summary; use -s json or -s none$' "$tmp/e" &&
		ok || no "-o json -s $s: exit $rc: $(cat "$tmp/e")"
done
# an unlisted code of Microsoft's length, six digits or fewer (its table
# has 1106 and 10037), is a Microsoft service's; a longer one is no code
"$bin" explain 12345 1106 >"$tmp/e" && grep -q '^Microsoft code 12345: not in the table.  It does not start with 560, so a Microsoft service' "$tmp/e" &&
	grep -q '^Microsoft code 1106 with SIP 408' "$tmp/e" && ok || no "explain 12345: $(cat "$tmp/e")"
status 1 "explain 1234567" "$bin" explain 1234567
"$bin" explain 1234567 | grep -q 'longer than Microsoft.s codes (six digits at most): check the code' && ok || no "explain 1234567: not a code"
status 2 "explain without a code" "$bin" explain

# kb check: the shipped tables are clean; every kind of problem is located
status 0 "kb check on the shipped tables" "$bin" kb check
mkdir -p "$tmp/bad"
printf 'ms_code\tsip_code\tphrase\tgenerated_by\tcause\taction\tdoc\tcolour\n' >"$tmp/bad/microsoft.tsv"
printf '560404\t403\tNot found here\tmicrosoft\tc\ta\thttp://x\tred\n' >>"$tmp/bad/microsoft.tsv"
printf '10037\t480\tNo callee\tmicrosoft\tc\ta\thttps://x\tred\n10037\t480\tno callee.\tmicrosoft\tc\ta\thttps://x\tred\n' >>"$tmp/bad/microsoft.tsv"
printf '1\t2\n' >>"$tmp/bad/microsoft.tsv"
printf 'cause\tname\tsip\tmeaning\taction\n31\tx\t999\tm\ta\n31\ty\t480\tm\ta\n' >"$tmp/bad/q850.tsv"
status 1 "kb check on broken tables" "$bin" kb check "$tmp/bad"
for want in "microsoft.tsv:1: error: unknown column 'colour'" \
	"microsoft.tsv:2: error: code 560404 means the SBC answered SIP 404, but sip_code is 403" \
	"microsoft.tsv:2: error: code 560404 starts with 560, so generated_by must be sbc" \
	"microsoft.tsv:2: error: doc is not an https:// address" \
	"microsoft.tsv:4: error: duplicate of line 3" \
	"microsoft.tsv:5: error: 2 fields, the header has 8" \
	"q850.tsv:2: error: sip must be empty or a SIP status" \
	"q850.tsv:3: error: duplicate of line 2"; do
	grep -qF "$want" "$tmp/err" && ok || no "kb check: missing '$want'"
done

# text from tables, format files, articles and arguments reaches the
# terminal escaped, as a log's does: a -K table's phrase and action in
# explain, a format's description, kb check, kb import's defects, and a
# usage error quoting its argument
esc=$(printf '\033')
mkdir -p "$tmp/escdir/formats"
printf 'ms_code\tsip_code\tphrase\tgenerated_by\tcause\taction\tdoc\n599001\t499\tGadget %s]0;t\007 busy\tmicrosoft\tc\tWait %s[31m\thttps://x\n' "$esc" "$esc" >"$tmp/escdir/microsoft.tsv"
sed "s/^description .*/description  shown $esc[2J here/" patterns/formats/generic.fmt >"$tmp/escdir/formats/generic.fmt"
"$bin" -K "$tmp/escdir" explain 599001 >"$tmp/e" 2>&1
grep -qF 'Gadget \x1b]0;t\x07 busy' "$tmp/e" && grep -qF 'action: Wait \x1b[31m' "$tmp/e" && ! grep -q "$esc" "$tmp/e" &&
	ok || no "explain: a table's text escaped: $(cat -v "$tmp/e")"
"$bin" -K "$tmp/escdir" formats >"$tmp/e" 2>&1
grep -qF 'shown \x1b[2J here' "$tmp/e" && ! grep -q "$esc" "$tmp/e" && ok || no "formats: a description escaped: $(cat -v "$tmp/e")"
status 1 "kb check: a control character in a table" "$bin" kb check "$tmp/escdir"
grep -qF "microsoft.tsv:2: error: column 'phrase' holds a control character or invalid UTF-8 (kept escaped)" "$tmp/err" &&
	grep -qF "microsoft.tsv:2: error: column 'action' holds" "$tmp/err" && ! grep -q "$esc" "$tmp/err" &&
	ok || no "kb check: control characters located: $(cat -v "$tmp/err")"
mkdir -p "$tmp/escart"
printf '# SIP response code 499\n\n## 599001 499 Gadget busy\n\n- Microsoft response code: **599001**\n- SIP response code: **499**\n- Error message: **Other %s[2J thing**\n- Suggested actions:\n  - Wait.\n' "$esc" >"$tmp/escart/microsoft-sip-response-codes-499.md"
status 1 "kb import: a defect quoting an escape" "$bin" kb import "$tmp/escart/microsoft-sip-response-codes-499.md"
grep -qF 'the error message "Other \x1b[2J thing" differs' "$tmp/err" && ! grep -q "$esc" "$tmp/err" &&
	ok || no "kb import: the defect escaped: $(cat -v "$tmp/err")"
# a tab or a line end in an article's name still makes a table that loads
nl='
'
tab=$(printf '\t')
mkdir -p "$tmp/escart/k"
cp "$tmp/escart/microsoft-sip-response-codes-499.md" "$tmp/escart/odd${tab}name${nl}x-microsoft-sip-response-codes-499.md"
"$bin" kb import "$tmp/escart/odd${tab}name${nl}x-microsoft-sip-response-codes-499.md" >"$tmp/escart/k/microsoft.tsv" 2>/dev/null
"$bin" -K "$tmp/escart/k" explain 599001 >"$tmp/e" 2>&1 && grep -q '^Microsoft code 599001 with SIP 499: Gadget busy' "$tmp/e" &&
	ok || no "kb import: an odd file name breaks the table: $(cat -v "$tmp/e" | head -3)"
status 2 "-o with an escape" "$bin" -o "x$esc]0;t" $fx/generic.log
grep -qF "unknown output 'x\x1b]0;t'" "$tmp/err" && ! grep -q "$esc" "$tmp/err" && ok || no "-o: the argument escaped: $(cat -v "$tmp/err")"

# kb import: articles in Microsoft's Markdown shape become a table, and
# every kind of defect is reported where it is
status 1 "kb import reports defects" "$bin" kb import tests/articles/microsoft-sip-response-codes-499.md tests/articles/microsoft-sip-response-codes-498.md
a=tests/articles/microsoft-sip-response-codes-499.md b=tests/articles/microsoft-sip-response-codes-498.md
for want in "$a:10: defect: heading says 599499 but the body's code line says 599498" \
	"$a:26: defect: entry 599412 412 is filed in the article for SIP 499" \
	"$a:15: defect: an editor's note was left in the text; removed" \
	"$a:16: defect: mojibake (UTF-8 read as Windows-1252) repaired" \
	"$a:20: defect: code line of 10099 not in bold" \
	"$a:18: defect: the error message differs from the heading's phrase by a trailing period" \
	"$a:1: defect: the introduction names 599001, which no entry has" \
	"$b:7: defect: duplicate of the entry at $a:10" \
	"$b:14: defect: the phrase is also listed under code 10099 at $a:18" \
	"$b:21: defect: code 10099 is also listed with SIP 499 at $a:18" \
	"kb import: 6 entries, 11 defects"; do
	grep -qF -- "$want" "$tmp/err" && ok || no "kb import: missing '$want'"
done
grep -q "^599499	499	Widget refused the call	microsoft	This error indicates that the widget is off.	Turn the widget on. Check the widget's cable.	https://.*-499	599498	" "$tmp/out" &&
	ok || no "kb import: row with its alias, the note removed and the mojibake repaired"
grep -q '(Kim:' "$tmp/out" && no "kb import: editor's note kept" || ok
mkdir -p "$tmp/imp" && cp "$tmp/out" "$tmp/imp/microsoft.tsv"
"$bin" -K "$tmp/imp" explain 599498 | grep -q 'Widget refused the call' && ok || no "kb import: the table loads, aliases work"
status 2 "kb import of a missing file" "$bin" kb import /nonexistent.md

# a user's own format and table under -K, as sipwhy-patterns(5) shows
mkdir -p "$tmp/k/formats"
cat >"$tmp/k/formats/acme.fmt" <<'FMT'
name         acme-proxy
description  ACME proxy message log
literal      \x20RX\x20
start        ^(?<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) (?<dir>RX|TX) (?<peer>\S+)$
end          ^====$
time-format  %Y-%m-%d %H:%M:%S.%f
FMT
printf 'q850.tsv has a user row\n' >/dev/null
printf 'cause\tname\tsip\tmeaning\taction\n17\tUser busy (site rule)\t486\tBusy by local rule.\tCheck the local rule.\n' >"$tmp/k/q850.tsv"
printf '2025-11-21 10:00:01.123 RX 198.51.100.7:5060\nSIP/2.0 486 Busy Here\nCall-ID: a1\nCSeq: 1 INVITE\nReason: Q.850;cause=17\n====\n' >"$tmp/acme.log"
"$bin" -K "$tmp/k" -o json -s none "$tmp/acme.log" >"$tmp/j"
jqall '.format=="acme-proxy"' '.direction=="in" and .peer=="198.51.100.7:5060" and .time=="2025-11-21T10:00:01.123Z" and .q850_name=="User busy (site rule)"' &&
	ok || no "-K: user format and table"
# a formats directory with no format in it adds none (sanitizers: no
# NULL list sorted)
mkdir -p "$tmp/k0/formats"
"$bin" -K "$tmp/k0" -o json -s none "$tmp/acme.log" >"$tmp/j" 2>"$tmp/err"
[ $? -eq 1 ] && [ ! -s "$tmp/err" ] &&
	jqall '.status==486' '.format=="generic" and .q850==17' && ok ||
	no "-K: an empty formats directory, the built-in formats still used"
printf 'name bad\nstart (\n' >"$tmp/k/formats/bad.fmt"
status 2 "-K: a broken format stops the run" "$bin" -K "$tmp/k" "$tmp/acme.log"
grep -q 'bad.fmt:2: error: regex' "$tmp/err" && ok || no "-K: broken format located"

# The time range counts every message, those only counted too (a 100 and
# a 180 here, first and last, whose text does not travel to the analysis):
# a file, whose month gives the year, and a pipe with --year agree.
pad=$(awk 'BEGIN { for (i = 0; i < 40; i++) printf "X-Pad-%02d: abcdefgh #012", i }')
acm() { # acm SEQ DIR STARTLINE TIME
	printf '<134>Dec 19 10:00:00 sbc [S=%s] [SID=a:1:%s] (N %s) ---- %s SIP Message from 192.0.2.1:5060 to SIPInterface #0 (Carrier) UDP TO(#1) SocketID(1) ---- #012%s #012Call-ID: range-1@192.0.2.1 #012CSeq: 1 INVITE #012%s#012 [Time:%s]\n' \
		"$1" "$1" "$1" "$2" "$3" "$pad" "$4"
}
{
	acm 1 Incoming 'SIP/2.0 100 Trying' '19-12@10:00:00.000'
	acm 2 Incoming 'SIP/2.0 480 Temporarily Unavailable' '19-12@10:00:01.000'
	acm 3 Incoming 'SIP/2.0 180 Ringing' '19-12@10:00:09.500'
} >"$tmp/range.log"
touch -d '2025-12-20 12:00:00' "$tmp/range.log"
"$bin" -o summary -s json "$tmp/range.log" >"$tmp/r1"
"$bin" --year 2025 -o summary -s json <"$tmp/range.log" >"$tmp/r2"
for r in r1 r2; do
	[ "$(jq -r '.time_first + " " + .time_last + " " + (.sip_messages|tostring)' "$tmp/$r")" = \
		"2025-12-19T10:00:00.000Z 2025-12-19T10:00:09.500Z 3" ] &&
		ok || no "time range with counted messages ($r): $(cat "$tmp/$r")"
done

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
