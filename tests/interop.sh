#!/bin/sh
# interop.sh - sipwhy against logs written by real SIP software.
#
# On loopback only: SIPp's UAC (tests/interop/uac.xml) calls through a
# Kamailio stateful proxy (tests/interop/kamailio.cfg) to SIPp's UAS
# (tests/interop/uas.xml), which fails four calls in known ways and answers
# a fifth; tshark captures the three UDP ports.  Then sipwhy reads each
# artefact on its own (Kamailio's xlog on stderr, the sipdump text file, the
# SIPp UAC and UAS message traces, tshark -V with SIP as raw text) and must
# find exactly the four failed calls, each once (a relayed response is seen
# twice by the proxy and on both hops of the capture), with the right SIP
# status, Q.850 cause and Microsoft code:
#
#   (a) 480, Microsoft's proxy, Q.850 31, phrase -> Microsoft code 10037
#   (b) 403, Microsoft's proxy, Q.850 ;cause=63 ;text= -> 10500
#   (c) 486, a carrier, Q.850 17, no Microsoft code
#   (d) 404, a carrier, Q.850 1, no Microsoft code
#   (e) 200 OK then BYE: not a failure
#
# Before asking sipwhy, every artefact is grepped for the responses the
# UAS sent, so a failing assertion points at sipwhy, not at the setup.
#
# Run from the top of the tree: sh tests/interop.sh (uses ./sipwhy, or
# $SIPWHY).  One line per assertion (ok/FAIL), comments (#), then
# "interop: N passed, M failed"; exit 0 only when nothing failed.  Without
# sipp, kamailio, tshark or jq it prints "interop: skipped (missing: ...)"
# and exits 0 when SIPWHY_INTEROP_OPTIONAL=1, 1 otherwise.
# SIPWHY_INTEROP_KEEP=1 keeps the temporary directory with the artefacts.
# shellcheck disable=SC2317 # functions called through wait_for and trap
set -u
cd "$(dirname "$0")/.." || exit 2
top=$PWD
bin=${SIPWHY:-./sipwhy}
here=$top/tests/interop
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
case $bin in /*) ;; *) bin=$top/$bin ;; esac
if ! [ -x "$bin" ]; then
	echo "interop: $bin is not built (make)" >&2
	exit 1
fi

# the whole test ends within a minute: every step gets what is left
deadline=$(($(date +%s) + 55))
left() { # left CAP: seconds for the next step, at most CAP, at least 1
	l=$((deadline - $(date +%s)))
	[ "$l" -gt "$1" ] && l=$1
	[ "$l" -lt 1 ] && l=1
	echo "$l"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sipwhy-interop.XXXXXX") || exit 2
chmod 755 "$tmp"
# Each long-running program runs under timeout(1), which gives it its own
# process group: TERM to that timeout's pid reaches the program and its
# children (Kamailio's workers, tshark's dumpcap), KILL follows 3 s later.
pids=
stop() { # stop PID...: TERM, then reap
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
same() { # same GOT WANT OK-TEXT FAIL-TEXT
	if [ "$1" = "$2" ]; then ok "$3"; else no "$4"; fi
}
finish() {
	echo "interop: $pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit $?
}
oneline() { head -c "${2:-300}" "$1" 2>/dev/null | tr '\n' ' '; }

gone() { # gone PID: the process has exited (absent or a zombie)
	! [ -d "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}
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

# ---- ports: free UDP ports on 127.0.0.1 (from /proc/net/udp*) ----
port_busy() {
	hex=$(printf '%04X' "$1")
	cat /proc/net/udp /proc/net/udp6 2>/dev/null |
		awk -v h="$hex" 'NR > 1 { n = split($2, a, ":"); if (a[n] == h) f = 1 } END { exit !f }'
}
ready() { # ready PORT PID: the port is bound, or the process is gone
	port_busy "$1" || gone "$2"
}
P='' U='' S=''
for base in 15060 25060 35060 45060 55060; do
	p=$base u=$((base + 10)) s=$((base + 30))
	if ! port_busy $p && ! port_busy $u && ! port_busy $s; then
		P=$p U=$u S=$s
		break
	fi
done
if [ -z "$P" ]; then
	no "no free UDP ports for the proxy, the UAC and the UAS"
	finish
fi
note "ports: kamailio 127.0.0.1:$P, UAC $U, UAS $S; temp dir $tmp"

# ---- tshark: the three ports on lo ----
: >"$tmp/tshark-capture.log"
timeout -k 3 "$(left 50)" tshark -n -i lo -F pcap -w "$tmp/capture.pcap" \
	-f "udp and host 127.0.0.1 and (port $P or port $U or port $S)" \
	>"$tmp/tshark-capture.log" 2>&1 &
tshark_pid=$!
pids="$pids $tshark_pid"
capturing() { grep -q 'Capturing on' "$tmp/tshark-capture.log" || gone "$tshark_pid"; }
if wait_for 50 capturing && ! gone "$tshark_pid"; then
	capture=yes
else
	capture=no
	note "tshark is not capturing: $(oneline "$tmp/tshark-capture.log")"
fi

# ---- kamailio: stateful proxy, xlog to stderr, sipdump if available ----
moddir=
for d in /usr/lib/x86_64-linux-gnu/kamailio/modules /usr/lib/*/kamailio/modules \
	/usr/lib64/kamailio/modules /usr/lib/kamailio/modules \
	/usr/local/lib64/kamailio/modules /usr/local/lib/kamailio/modules; do
	[ -f "$d/tm.so" ] && { moddir=$d; break; }
done
if [ -z "$moddir" ]; then
	no "kamailio's modules (tm.so) not found"
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
# Kamailio runs as root as well as any user (ports above 1024, files in $tmp)
(cd "$tmp" && exec timeout -k 3 "$(left 50)" kamailio -DD -E -m 32 -M 4 \
	-f "$here/kamailio.cfg" -P "$tmp/kamailio.pid" -Y "$tmp" -w "$tmp" \
	-A "MODULES_DIR=\"$moddir\"" -A "PROXY_LISTEN=udp:127.0.0.1:$P" \
	-A "UAS_DST=\"sip:127.0.0.1:$S\"" "$@" \
	>"$tmp/kamailio-stdout.log" 2>"$tmp/kamailio-stderr.log") &
kamailio_pid=$!
pids="$pids $kamailio_pid"
if wait_for 50 ready "$P" "$kamailio_pid" && ! gone "$kamailio_pid"; then
	sleep 0.5 # the workers start after the socket is bound
else
	no "kamailio is not listening on 127.0.0.1:$P: $(grep -E 'ERROR|CRITICAL' "$tmp/kamailio-stderr.log" | head -3 | tr '\n' ' ')"
	finish
fi

# ---- SIPp: the UAS (ends by itself after 5 calls), then the UAC ----
timeout -k 3 "$(left 50)" sipp -nostdin -sf "$here/uas.xml" -i 127.0.0.1 -p "$S" -m 5 \
	-trace_msg -message_file "$tmp/sipp-uas-messages.log" \
	-trace_err -error_file "$tmp/sipp-uas-errors.log" \
	>"$tmp/sipp-uas.out" 2>&1 &
uas_pid=$!
pids="$pids $uas_pid"
if ! wait_for 50 ready "$S" "$uas_pid" || gone "$uas_pid"; then
	no "the SIPp UAS is not listening on 127.0.0.1:$S: $(oneline "$tmp/sipp-uas-errors.log") $(oneline "$tmp/sipp-uas.out")"
	finish
fi

timeout -k 3 "$(left 20)" sipp -nostdin -sf "$here/uac.xml" -inf "$here/calls.csv" \
	-i 127.0.0.1 -p "$U" -m 5 -l 1 -r 10 -timeout 15s \
	-trace_msg -message_file "$tmp/sipp-uac-messages.log" \
	-trace_err -error_file "$tmp/sipp-uac-errors.log" \
	"127.0.0.1:$P" >"$tmp/sipp-uac.out" 2>&1
rc=$?
same "$rc" 0 "sipp UAC: 5 calls completed as scripted" \
	"sipp UAC exit $rc, want 0 (every call as scripted): $(oneline "$tmp/sipp-uac-errors.log")"

if wait_for 30 gone "$uas_pid"; then
	wait "$uas_pid"
	rc=$?
	same "$rc" 0 "sipp UAS: 5 calls answered as scripted" \
		"sipp UAS exit $rc, want 0: $(oneline "$tmp/sipp-uas-errors.log")"
else
	no "sipp UAS still running 3 s after the UAC ended"
fi
# let Kamailio's sipdump writer and the capture catch up, then stop all
sleep 1
stop $kamailio_pid $tshark_pid $uas_pid
pids=

# ---- the artefacts ----
dump=
if [ "$sipdump" = yes ]; then
	for f in "$tmp"/kamailio-sipdump-*.data; do
		[ -f "$f" ] && dump="$dump $f"
	done
	if [ -n "$dump" ]; then
		ok "sipdump wrote$(for f in $dump; do printf ' %s' "${f##*/}"; done)"
	else
		no "sipdump wrote no file in $tmp"
	fi
fi
if [ "$capture" = yes ] && [ -s "$tmp/capture.pcap" ]; then
	timeout "$(left 10)" tshark -n -r "$tmp/capture.pcap" -V -o sip.display_raw_text:TRUE \
		-d "udp.port==$P,sip" -d "udp.port==$U,sip" -d "udp.port==$S,sip" \
		-Y sip >"$tmp/tshark.txt" 2>"$tmp/tshark-read.log"
	rc=$?
	if [ "$rc" = 0 ] && [ -s "$tmp/tshark.txt" ]; then
		ok "tshark rendered the capture ($(grep -c '^Frame ' "$tmp/tshark.txt") SIP frames)"
	else
		no "tshark -r exit $rc: $(oneline "$tmp/tshark-read.log")"
	fi
elif [ "$(id -u)" != 0 ]; then
	# capturing needs root (or the wireshark group): CI runs as root
	note "tshark cannot capture on lo as this user: the capture part is skipped"
else
	no "no capture (tshark must be allowed to capture on lo: root, or the wireshark group)"
fi

# the call behind each case, from what the UAC sent (number -> Call-ID)
awk '/^INVITE sip:/ { sub(/^INVITE sip:/, ""); sub(/@.*/, ""); num = $0; next }
	num != "" && tolower($0) ~ /^call-id:/ { sub(/^[^:]*:[ \t]*/, ""); sub(/\r$/, ""); print num, $0; num = "" }' \
	"$tmp/sipp-uac-messages.log" 2>/dev/null | sort -u >"$tmp/calls"
cid() { awk -v n="$1" '$1 ~ n "$" { print $2; exit }' "$tmp/calls"; }
cid_a=$(cid 480) cid_b=$(cid 403) cid_c=$(cid 486) cid_d=$(cid 404) cid_e=$(cid 200)
if [ -n "$cid_a" ] && [ -n "$cid_b" ] && [ -n "$cid_c" ] && [ -n "$cid_d" ] && [ -n "$cid_e" ] &&
	[ "$(wc -l <"$tmp/calls")" = 5 ]; then
	ok "UAC trace: the five calls are $cid_a (a) $cid_b (b) $cid_c (c) $cid_d (d) $cid_e (e)"
else
	no "UAC trace: not five INVITEs with their Call-IDs: $(oneline "$tmp/calls")"
fi

# artefact_sane ART FILE: the failures and the answered call are really in
# the artefact (extended regular expressions)
artefact_sane() {
	a=$1 f=$2 lack=
	while IFS='|' read -r what re; do
		grep -qE -- "$re" "$f" 2>/dev/null || lack="$lack; $what"
	done <<'EOF'
(a) the 480|SIP/2.0 480 Temporarily Unavailable
(a) Microsoft's Reason|REASON: Q\.850;cause=31;text="6f1c2a9e-3b7d-4e58-a0c4-9d2e81b7f305;No callee endpoints were found\."
(a) Microsoft's Server|SERVER: Microsoft\.PSTNHub\.SIPProxy v\.2024\.11\.5\.1 i\.EUWE\.4
(a) Microsoft's Contact|CONTACT: <sip:api-du-b-euwe\.pstnhub\.microsoft\.com:443;x-i=6f1c2a9e-3b7d-4e58-a0c4-9d2e81b7f305>
(b) the 403|SIP/2.0 403 Forbidden
(b) Microsoft's Reason|REASON: Q\.850 ;cause=63 ;text="a83d5f07-c2e1-4b96-8f3a-17e6d04c92bb;Current call site state prevents fork to this entity\."
(c) the 486|SIP/2.0 486 Busy Here
(c) the carrier's Reason|Reason: Q\.850;cause=17([^0-9]|$)
(d) the 404|SIP/2.0 404 Not Found
(d) the carrier's Reason|Reason: Q\.850;cause=1([^0-9]|$)
(e) the 200 OK|SIP/2.0 200 OK
(e) the BYE|BYE sip:
EOF
	if [ -z "$lack" ]; then
		ok "$a: the artefact holds the four failures and the answered call ($(wc -l <"$f") lines)"
	else
		no "$a: the artefact lacks${lack#;}"
	fi
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

# check ART FILE FORMAT: sipwhy on the artefact alone
check() {
	a=$1 f=$2 wantfmt=$3
	j="$tmp/$a.json"
	artefact_sane "$a" "$f"
	timeout "$(left 10)" "$bin" -o json -s none "$f" >"$j" 2>"$tmp/$a.err"
	rc=$?
	same "$rc" 1 "$a: sipwhy exits 1 (failures found)" \
		"$a: sipwhy exit $rc, want 1: $(oneline "$tmp/$a.err" 200)"
	n=$(jq -s '[.[] | select(.event == "failure")] | length' "$j" 2>/dev/null)
	same "$n" 4 "$a: 4 failures" \
		"$a: ${n:-no} failures, want 4: $(jq -r -s '[.[] | select(.event == "failure") | "\(.status)@\(.call_id)"] | join(" ")' "$j" 2>/dev/null)"
	ids=$(jq -r 'select(.event == "failure") | .call_id // "null"' "$j" 2>/dev/null | sort -u | tr '\n' ' ')
	want=$(printf '%s\n' "$cid_a" "$cid_b" "$cid_c" "$cid_d" | sort -u | tr '\n' ' ')
	same "$ids" "$want" "$a: the failed calls are the four expected" \
		"$a: failed calls [$ids], want [$want]"
	expect "$a" "$j" "(a) 480 Microsoft" "$cid_a" \
		'{"status":480,"q850":31,"ms_code":10037,"ms_code_source":"phrase"}'
	expect "$a" "$j" "(b) 403 Microsoft" "$cid_b" '{"status":403,"q850":63,"ms_code":10500}'
	expect "$a" "$j" "(c) 486 carrier" "$cid_c" '{"status":486,"q850":17,"ms_code":null}'
	expect "$a" "$j" "(d) 404 carrier" "$cid_d" '{"status":404,"q850":1,"ms_code":null}'
	n=$(jq -s --arg id "$cid_e" '[.[] | select(.event == "failure" and .call_id == $id)] | length' "$j" 2>/dev/null)
	same "$n" 0 "$a: (e) the answered call $cid_e is no failure" \
		"$a: (e) the answered call $cid_e: ${n:-?} failures, want 0"
	fmt=$(jq -r 'select(.event == "failure") | .format' "$j" 2>/dev/null | sort -u | tr '\n' ' ')
	fmt=${fmt% }
	note "$a: format reported by sipwhy: ${fmt:-none}"
	same "$fmt" "$wantfmt" "$a: format $fmt" "$a: format '${fmt}', want $wantfmt"
}

check kamailio-stderr "$tmp/kamailio-stderr.log" kamailio-xlog
if [ "$sipdump" = yes ]; then
	for f in $dump; do
		check "sipdump:${f##*/}" "$f" kamailio-sipdump
	done
else
	note "sipdump: skipped (kamailio's sipdump module not available)"
fi
check sipp-uac "$tmp/sipp-uac-messages.log" sipp-trace
check sipp-uas "$tmp/sipp-uas-messages.log" sipp-trace
[ -s "$tmp/tshark.txt" ] && check tshark "$tmp/tshark.txt" tshark-raw

finish
