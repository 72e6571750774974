#!/bin/sh
# interop.sh - sipwhy against logs written by real SIP software.
#
# On loopback only: SIPp's UAC (tests/interop/uac.xml) calls through a
# Kamailio stateful proxy (tests/interop/kamailio.cfg) to SIPp's UAS
# (tests/interop/uas.xml), which fails four calls in known ways and answers
# a fifth; tshark captures the three UDP ports.  Then sipwhy reads each
# artefact on its own (Kamailio's xlog on stderr, the sipdump text file, the
# SIPp UAC and UAS message traces, tshark -V with SIP as raw text) and must
# find exactly the four failed calls, each once, with the right SIP status,
# Q.850 cause and Microsoft code:
#
#   (a) 480, Microsoft's proxy, Q.850 31, phrase -> Microsoft code 10037
#   (b) 403, Microsoft's proxy, Q.850 ;cause=63 ;text= -> 10500
#   (c) 486, a carrier, Q.850 17, no Microsoft code
#   (d) 404, a carrier, Q.850 1, no Microsoft code
#   (e) 200 OK then BYE: not a failure
#
# Run from the top of the tree: sh tests/interop.sh (uses ./sipwhy, or
# $SIPWHY).  One line per assertion (ok/FAIL), then
# "interop: N passed, M failed"; exit 0 only when nothing failed.  Without
# sipp, kamailio, tshark or jq it prints "interop: skipped (missing: ...)"
# and exits 0 when SIPWHY_INTEROP_OPTIONAL=1, 1 otherwise.
# SIPWHY_INTEROP_KEEP=1 keeps the temporary directory with the artefacts.
set -u
cd "$(dirname "$0")/.." || exit 2
bin=${SIPWHY:-./sipwhy}
here=tests/interop
PATH=$PATH:/usr/sbin:/sbin
export PATH

missing=
for t in sipp kamailio tshark jq timeout; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
	echo "interop: skipped (missing:$missing)"
	[ "${SIPWHY_INTEROP_OPTIONAL:-}" = 1 ] && exit 0
	exit 1
fi
if ! [ -x "$bin" ]; then
	echo "interop: $bin is not built (make)" >&2
	exit 1
fi
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sipwhy-interop.XXXXXX") || exit 2
chmod 755 "$tmp"
pids=
stop() { # stop PID...: TERM (timeout passes it on to its whole step), then wait
	for p; do kill -TERM "$p" 2>/dev/null; done
	for p; do wait "$p" 2>/dev/null; done
}
cleanup() {
	# shellcheck disable=SC2086
	[ -n "$pids" ] && stop $pids
	pids=
	if [ "${SIPWHY_INTEROP_KEEP:-}" = 1 ]; then
		echo "# artefacts kept in $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 2' HUP INT TERM

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok $*"; }
no() { fail=$((fail + 1)); echo "FAIL $*"; }
note() { echo "# $*"; }
finish() {
	echo "interop: $pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit $?
}

# ---- ports: free UDP ports on 127.0.0.1 (checked in /proc/net/udp*) ----
port_busy() {
	hex=$(printf '%04X' "$1")
	cat /proc/net/udp /proc/net/udp6 2>/dev/null |
		awk -v h="$hex" 'NR > 1 { n = split($2, a, ":"); if (a[n] == h) f = 1 } END { exit !f }'
}
P= U= S=
for base in 15060 25060 35060 45060 55060; do
	p=$base u=$((base + 10)) s=$((base + 30))
	if ! port_busy $p && ! port_busy $u && ! port_busy $s; then
		P=$p U=$u S=$s
		break
	fi
done
if [ -z "$P" ]; then
	no "no free UDP ports for the proxy, UAC and UAS"
	finish
fi
note "ports: kamailio 127.0.0.1:$P, UAC $U, UAS $S; temp dir $tmp"

wait_for() { # wait_for TENTHS COMMAND...: poll until the command succeeds
	n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
# every long-running step: its own process group under timeout, killed by
# the pid of that timeout at the end at the latest
life=45

# ---- tshark: the three ports on lo ----
timeout -k 3 $life tshark -n -i lo -F pcap -w "$tmp/capture.pcap" \
	-f "udp and host 127.0.0.1 and (port $P or port $U or port $S)" \
	>"$tmp/tshark-capture.log" 2>&1 &
tshark_pid=$!
pids="$pids $tshark_pid"
if wait_for 100 grep -q 'Capturing on' "$tmp/tshark-capture.log"; then
	capture=yes
else
	capture=no
	note "tshark did not start capturing: $(head -c 300 "$tmp/tshark-capture.log" | tr '\n' ' ')"
fi

# ---- kamailio: stateful proxy, xlog to stderr, sipdump if available ----
moddir=
for d in /usr/lib/x86_64-linux-gnu/kamailio/modules \
	/usr/lib/"$(gcc -print-multiarch 2>/dev/null)"/kamailio/modules \
	/usr/lib/*/kamailio/modules /usr/lib64/kamailio/modules \
	/usr/lib/kamailio/modules /usr/local/lib64/kamailio/modules \
	/usr/local/lib/kamailio/modules; do
	[ -f "$d/tm.so" ] && { moddir=$d; break; }
done
if [ -z "$moddir" ]; then
	no "kamailio modules (tm.so) not found"
	finish
fi
if [ -f "$moddir/sipdump.so" ]; then
	sipdump=yes
	set -- -A WITH_SIPDUMP -A "SIPDUMP_DIR=\"$tmp\""
else
	sipdump=no
	set --
	note "kamailio's sipdump module is not in $moddir: the sipdump part is skipped"
fi
(cd "$tmp" && exec timeout -k 3 $life kamailio -DD -E -m 32 -M 4 \
	-f "$OLDPWD/$here/kamailio.cfg" -P "$tmp/kamailio.pid" -Y "$tmp" -w "$tmp" \
	-A "MODULES_DIR=\"$moddir\"" -A "PROXY_LISTEN=udp:127.0.0.1:$P" \
	-A "UAS_DST=\"sip:127.0.0.1:$S\"" "$@" \
	>"$tmp/kamailio-stdout.log" 2>"$tmp/kamailio-stderr.log") &
kamailio_pid=$!
pids="$pids $kamailio_pid"
alive_or_bound() { # the port is bound, or the process is gone (stop waiting)
	port_busy "$1" || ! kill -0 "$2" 2>/dev/null
}
if wait_for 100 alive_or_bound "$P" "$kamailio_pid" && port_busy "$P"; then
	sleep 0.5 # the tm workers start after the socket is bound
else
	no "kamailio did not listen on 127.0.0.1:$P: $(grep -m3 -E 'ERROR|CRITICAL' "$tmp/kamailio-stderr.log" | tr '\n' ' ')"
	finish
fi

# ---- SIPp: UAS then UAC ----
timeout -k 3 $life sipp -nostdin -sf "$here/uas.xml" -i 127.0.0.1 -p "$S" -m 5 \
	-trace_msg -message_file "$tmp/sipp-uas-messages.log" \
	-trace_err -error_file "$tmp/sipp-uas-errors.log" \
	>"$tmp/sipp-uas.out" 2>&1 &
uas_pid=$!
pids="$pids $uas_pid"
if ! wait_for 50 port_busy "$S"; then
	no "the SIPp UAS is not listening on $S: $(cat "$tmp/sipp-uas-errors.log" "$tmp/sipp-uas.out" 2>/dev/null | head -c 300 | tr '\n' ' ')"
	finish
fi

timeout -k 3 25 sipp -nostdin -sf "$here/uac.xml" -inf "$here/calls.csv" \
	-i 127.0.0.1 -p "$U" -m 5 -l 1 -r 10 -timeout 20s \
	-trace_msg -message_file "$tmp/sipp-uac-messages.log" \
	-trace_err -error_file "$tmp/sipp-uac-errors.log" \
	"127.0.0.1:$P" >"$tmp/sipp-uac.out" 2>&1
rc=$?
[ "$rc" = 0 ] && ok "sipp UAC: 5 calls completed as scripted" ||
	no "sipp UAC exit $rc (0: every call as scripted; see sipp-uac-errors.log)"

# the UAS ends by itself after its 5 calls
if wait_for 50 sh -c "! kill -0 $uas_pid 2>/dev/null"; then
	wait "$uas_pid"
	rc=$?
	[ "$rc" = 0 ] && ok "sipp UAS: 5 calls answered as scripted" ||
		no "sipp UAS exit $rc (see sipp-uas-errors.log)"
else
	no "sipp UAS still running after the UAC ended"
fi
# let Kamailio's sipdump writer and the capture catch up, then stop
sleep 1
stop $kamailio_pid $tshark_pid $uas_pid
pids=

# ---- the artefacts ----
dump=
if [ "$sipdump" = yes ]; then
	for f in "$tmp"/kamailio-sipdump-*.data; do
		[ -f "$f" ] && dump="$dump $f"
	done
	[ -n "$dump" ] && ok "sipdump wrote$(for f in $dump; do printf ' %s' "${f##*/}"; done)" ||
		no "sipdump wrote no file in $tmp"
fi
if [ "$capture" = yes ] && [ -s "$tmp/capture.pcap" ]; then
	timeout 20 tshark -n -r "$tmp/capture.pcap" -V -o sip.display_raw_text:TRUE \
		-d "udp.port==$P,sip" -d "udp.port==$U,sip" -d "udp.port==$S,sip" \
		-Y sip >"$tmp/tshark.txt" 2>"$tmp/tshark-read.log"
	rc=$?
	[ "$rc" = 0 ] && [ -s "$tmp/tshark.txt" ] && ok "tshark rendered the capture ($(grep -c '^Frame ' "$tmp/tshark.txt") SIP frames)" ||
		no "tshark -r exit $rc"
else
	no "no capture (tshark needs the right to capture on lo)"
fi

# the call behind each case, from what the UAC sent (number -> Call-ID)
awk '/^INVITE sip:/ { sub(/^INVITE sip:/, ""); sub(/@.*/, ""); num = $0; next }
	num != "" && tolower($0) ~ /^call-id:/ { sub(/^[^:]*:[ \t]*/, ""); sub(/\r$/, ""); print num, $0; num = "" }' \
	"$tmp/sipp-uac-messages.log" 2>/dev/null | sort -u >"$tmp/calls"
cid() { awk -v n="$1" '$1 ~ n "$" { print $2; exit }' "$tmp/calls"; }
cid_a=$(cid 480) cid_b=$(cid 403) cid_c=$(cid 486) cid_d=$(cid 404) cid_e=$(cid 200)
if [ -n "$cid_a" ] && [ -n "$cid_b" ] && [ -n "$cid_c" ] && [ -n "$cid_d" ] && [ -n "$cid_e" ]; then
	ok "UAC trace: the five calls are $cid_a (a) $cid_b (b) $cid_c (c) $cid_d (d) $cid_e (e)"
else
	no "UAC trace: not five INVITEs with their Call-IDs: $(tr '\n' ' ' <"$tmp/calls")"
fi

# has ART FILE WHAT STRING: the artefact holds the string (SIP software did its part)
has() {
	if grep -qF -- "$4" "$2" 2>/dev/null; then
		return 0
	fi
	no "$1: the artefact lacks $3 ($4)"
	return 1
}
# artefact_sane ART FILE: the failures and the answered call are really there
artefact_sane() {
	a=$1 f=$2 good=1
	has "$a" "$f" "(a) the 480" 'SIP/2.0 480 Temporarily Unavailable' || good=0
	has "$a" "$f" "(a) Microsoft's Reason" 'REASON: Q.850;cause=31;text="6f1c2a9e-3b7d-4e58-a0c4-9d2e81b7f305;No callee endpoints were found."' || good=0
	has "$a" "$f" "(a) Microsoft's Server" 'SERVER: Microsoft.PSTNHub.SIPProxy v.2024.11.5.1 i.EUWE.4' || good=0
	has "$a" "$f" "(b) the 403" 'SIP/2.0 403 Forbidden' || good=0
	has "$a" "$f" "(b) Microsoft's Reason" 'REASON: Q.850 ;cause=63 ;text="a83d5f07-c2e1-4b96-8f3a-17e6d04c92bb;Current call site state prevents fork to this entity."' || good=0
	has "$a" "$f" "(c) the 486" 'SIP/2.0 486 Busy Here' || good=0
	has "$a" "$f" "(c) the carrier's Reason" 'Reason: Q.850;cause=17' || good=0
	has "$a" "$f" "(d) the 404" 'SIP/2.0 404 Not Found' || good=0
	has "$a" "$f" "(d) the carrier's Reason" 'Reason: Q.850;cause=1' || good=0
	has "$a" "$f" "(e) the 200 OK" 'SIP/2.0 200 OK' || good=0
	has "$a" "$f" "(e) the BYE" 'BYE sip:' || good=0
	[ "$good" = 1 ] && ok "$a: the SIP software wrote the four failures and the answered call ($(wc -l <"$f") lines)"
}

# expect ART JSON CASE CALLID WANT: exactly one failure for the call, with
# the fields of WANT (a JSON object)
expect() {
	a=$1 j=$2 c=$3 id=$4 want=$5
	if [ -z "$id" ]; then
		no "$a: $c: no Call-ID known for the call"
		return
	fi
	got=$(jq -c -s --arg id "$id" --argjson want "$want" '
		[.[] | select(.event == "failure" and .call_id == $id)] as $f
		| if ($f | length) == 1
		  then ($f[0] | with_entries(select(.key as $k | $want | has($k)))) as $g
		       | if $g == $want then "=" else $g end
		  else "\($f | length) failures for the call" end' "$j" 2>&1)
	if [ "$got" = '"="' ]; then
		ok "$a: $c: call $id: $want"
	else
		no "$a: $c: call $id: want $want, got $got"
	fi
}

# check ART FILE FORMAT-WORD: sipwhy on the artefact alone
check() {
	a=$1 f=$2 word=$3
	j="$tmp/$a.json"
	artefact_sane "$a" "$f"
	"$bin" -o json -s none "$f" >"$j" 2>"$tmp/$a.err"
	rc=$?
	[ "$rc" = 1 ] && ok "$a: sipwhy exits 1 (failures found)" ||
		no "$a: sipwhy exit $rc, want 1 ($(head -c 200 "$tmp/$a.err"))"
	n=$(jq -s '[.[] | select(.event == "failure")] | length' "$j" 2>/dev/null)
	[ "$n" = 4 ] && ok "$a: 4 failures" ||
		no "$a: ${n:-no} failures, want 4: $(jq -r -s '[.[] | select(.event == "failure") | "\(.status)@\(.call_id)"] | join(" ")' "$j" 2>/dev/null)"
	ids=$(jq -r 'select(.event == "failure") | .call_id // "null"' "$j" 2>/dev/null | sort -u | tr '\n' ' ')
	want=$(printf '%s\n' "$cid_a" "$cid_b" "$cid_c" "$cid_d" | sort -u | tr '\n' ' ')
	[ "$ids" = "$want" ] && ok "$a: the failed calls are the four expected" ||
		no "$a: failed calls [$ids], want [$want]"
	expect "$a" "$j" "(a) 480 Microsoft" "$cid_a" \
		'{"status":480,"q850":31,"ms_code":10037,"ms_code_source":"phrase"}'
	expect "$a" "$j" "(b) 403 Microsoft" "$cid_b" '{"status":403,"q850":63,"ms_code":10500}'
	expect "$a" "$j" "(c) 486 carrier" "$cid_c" '{"status":486,"q850":17,"ms_code":null}'
	expect "$a" "$j" "(d) 404 carrier" "$cid_d" '{"status":404,"q850":1,"ms_code":null}'
	n=$(jq -s --arg id "$cid_e" '[.[] | select(.event == "failure" and .call_id == $id)] | length' "$j" 2>/dev/null)
	[ "$n" = 0 ] && ok "$a: (e) the answered call $cid_e is no failure" ||
		no "$a: (e) the answered call $cid_e: ${n:-?} failures"
	fmt=$(jq -r 'select(.event == "failure") | .format' "$j" 2>/dev/null | sort -u | tr '\n' ' ')
	fmt=${fmt% }
	note "$a: format reported by sipwhy: ${fmt:-none}"
	case $fmt in
	*' '* | '') no "$a: format: want one format for the whole file, got '${fmt}'" ;;
	generic) no "$a: format: the generic fallback, want a $word format" ;;
	*"$word"*) ok "$a: format $fmt" ;;
	*) no "$a: format: $fmt, want a $word format" ;;
	esac
}

check kamailio-stderr "$tmp/kamailio-stderr.log" kamailio
if [ "$sipdump" = yes ]; then
	for f in $dump; do
		check "sipdump:${f##*/}" "$f" sipdump
	done
else
	note "sipdump: skipped (module not available)"
fi
check sipp-uac "$tmp/sipp-uac-messages.log" sipp
check sipp-uas "$tmp/sipp-uas-messages.log" sipp
[ -s "$tmp/tshark.txt" ] && check tshark "$tmp/tshark.txt" tshark

finish
