# soak.awk -v n=CALLS: a long stream of Oracle records, one call a second
# of log time; every 20th call fails, the others are answered and ended.
function rec(t, text) {
	printf "%s On [0:0]192.0.2.10:5060 received from 198.51.100.20:5060\n%sContent-Length: 0\n\n----------------------------------------\n", t, text
}
BEGIN {
	for (i = 0; i < n; i++) {
		s = i % 86400; d = 1 + int(i / 86400)
		t = sprintf("Nov %2d %02d:%02d:%02d.000", d, int(s / 3600), int(s % 3600 / 60), s % 60)
		rec(t, sprintf("INVITE sip:+1555%07d@192.0.2.10 SIP/2.0\nCall-ID: soak-%d\nCSeq: 1 INVITE\n", i, i))
		if (i % 20 == 0) {
			rec(t, sprintf("SIP/2.0 486 Busy Here\nCall-ID: soak-%d\nCSeq: 1 INVITE\n", i))
		} else {
			rec(t, sprintf("SIP/2.0 200 OK\nCall-ID: soak-%d\nCSeq: 1 INVITE\n", i))
			rec(t, sprintf("BYE sip:a SIP/2.0\nCall-ID: soak-%d\nCSeq: 2 BYE\n", i))
		}
	}
}
