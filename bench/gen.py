#!/usr/bin/env python3
"""gen.py - write a large, realistic SBC log for benchmarking sipwhy.

    python3 bench/gen.py [--format audiocodes|oracle] [--seed N] MB OUTFILE

audiocodes: an AudioCodes Mediant syslog as rsyslog stores it, one line per
packet, the SIP message's line breaks written as " #012", the SBC's debug
lines around each message (AcSIPDialog, SIPTransaction, lgr_flow,
CALL_END), OPTIONS keepalives from Microsoft every few seconds, and calls
between a carrier (SIPInterface #1) and Teams Direct Routing (#2) that
overlap in time.

oracle: an Oracle (Acme Packet) sipmsg.log: a header line with the time,
the interface and the peer, the SIP message, and a line of 40 dashes.

About one call in 20 fails, in turn: Microsoft's 480 with
'Reason: Q.850;cause=31;text="<guid>;No callee endpoints were found."'
(relayed to the carrier), a 503 the SBC sends Microsoft (no route), and a
486 from the carrier (relayed to Teams).  Call-IDs are unique, time stamps
go forward.  MB is 10^6 bytes; the output is written in large chunks and
stops at the first call boundary past the size.  OUTFILE '-' is stdout.
The output is the same for the same seed and size.
"""

import argparse
import heapq
import random
import sys
import time as _time

CHUNK = 8 << 20
MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
       "Nov", "Dec")
MS_UA = "Microsoft.PSTNHub.SIPProxy v.2024.11.5.1 i.EUWE.4"
SBC_UA = "Mediant SW/v.7.20A.258.459"
SBC_FQDN = "sbc.contoso.example"
SBC_TEAMS_IP = "192.0.2.25"
SBC_CARRIER_IP = "192.0.2.26"
CARRIER_IP = "203.0.113.10"
MS_PROXIES = ("52.114.132.46", "52.114.20.35", "52.112.224.18",
              "52.114.76.76", "52.114.16.74")
MS_HOSTS = ("sip.pstnhub.microsoft.com", "sip2.pstnhub.microsoft.com",
            "sip3.pstnhub.microsoft.com", "sip-du-a-us.pstnhub.microsoft.com")


class Clock:
    """Epoch-free calendar arithmetic on milliseconds from Jan 1 of YEAR,
    with cached second prefixes (formatting dominates the run time)."""

    MDAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

    def __init__(self, year):
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        self.mdays = list(self.MDAYS)
        if leap:
            self.mdays[1] = 29
        self.cache_sec = -1
        self.cache = None

    def parts(self, ms):
        sec = ms // 1000
        if sec != self.cache_sec:
            day = sec // 86400
            rem = sec % 86400
            mon = 0
            while mon < 11 and day >= self.mdays[mon]:
                day -= self.mdays[mon]
                mon += 1
            hh, rem = divmod(rem, 3600)
            mm, ss = divmod(rem, 60)
            self.cache_sec = sec
            hms = "%02d:%02d:%02d" % (hh, mm, ss)
            self.cache = (MON[mon], day + 1, mon + 1, hms)
        return self.cache


def sdp(rng, ip, owner, crypto):
    port = rng.randrange(6000, 60000, 2)
    sid = rng.randrange(10**8, 10**9)
    lines = ["v=0", "o=%s %d %d IN IP4 %s" % (owner, sid, sid, ip),
             "s=Phone-Call", "c=IN IP4 %s" % ip, "t=0 0",
             "m=audio %d RTP/%s 8 0 101" % (port, "SAVP" if crypto else "AVP")]
    if crypto:
        lines.append("a=rtcp:%d" % (port + 1))
        lines.append("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%040x|2^31"
                     % rng.getrandbits(160))
    lines += ["a=rtpmap:8 PCMA/8000", "a=rtpmap:0 PCMU/8000",
              "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16",
              "a=ptime:20", "a=sendrecv"]
    # Content-Length counts the body as sent: CRLF line ends
    return lines, sum(len(x) + 2 for x in lines)


class Leg:
    """One side of a call: the dialog identifiers and who is where."""

    def __init__(self, rng, n, teams, inbound_to_sbc, caller, callee):
        self.teams = teams
        if teams and inbound_to_sbc:       # Microsoft's proxy calls
            self.callid = "%032x" % rng.getrandbits(128)
        elif inbound_to_sbc:               # the carrier calls
            self.callid = "%024x@%s" % (rng.getrandbits(96), CARRIER_IP)
        else:                              # the SBC calls out on this leg
            self.callid = "%010d%d@%s" % (
                rng.randrange(10**9, 10**10), n,
                SBC_TEAMS_IP if teams else SBC_CARRIER_IP)
        self.ftag = "%x" % rng.getrandbits(40)
        self.ttag = "%x" % rng.getrandbits(48)
        self.branch = "z9hG4bK%x" % rng.getrandbits(48)
        self.cseq = rng.randrange(1, 200) if not teams else 1
        self.caller, self.callee = caller, callee
        if teams:
            self.peer_ip = rng.choice(MS_PROXIES)
            self.peer = "%s:%d" % (self.peer_ip, rng.choice((5061, 7131, 6914,
                                                             11320)))
            self.host = rng.choice(MS_HOSTS)
            self.iface = "SIPInterface #2 (Teams) TLS TO(#%d) SocketID(%d)" % (
                rng.randrange(100, 200), rng.randrange(200, 260))
        else:
            self.peer_ip = CARRIER_IP
            self.peer = CARRIER_IP + ":5060"
            self.host = CARRIER_IP
            self.iface = "SIPInterface #1 (Carrier) UDP TO(#1)"
        self.dlg = rng.randrange(10, 999)


def hdr_case(teams_sent, name):
    # Microsoft's proxy writes header names in capitals
    return name.upper() if teams_sent else name


def sip_text(lines):
    return " #012".join(lines) + " #012"


def request(leg, method, from_ms, rng, body=None, cseq=None, reason=None):
    """A request on LEG; FROM_MS: Microsoft sent it (else the SBC or the
    carrier, by the leg)."""
    H = (lambda s: s.upper()) if from_ms else (lambda s: s)
    if leg.teams:
        ruri = ("sip:%s@%s:5061;user=phone;transport=tls" % (leg.callee, SBC_FQDN)
                if from_ms else
                "sip:%s@%s:5061;user=phone" % (leg.callee, leg.host))
        via = ("SIP/2.0/TLS %s:5061;branch=%s" % (leg.peer_ip, leg.branch)
               if from_ms else
               "SIP/2.0/TLS %s:5061;alias;branch=%s" % (SBC_FQDN, leg.branch))
        fhost = leg.host + ":5061" if from_ms else SBC_FQDN + ":5061"
        thost = SBC_FQDN + ":5061" if from_ms else leg.host + ":5061"
    else:
        ruri = "sip:%s@%s:5060;user=phone" % (leg.callee, SBC_CARRIER_IP
                                             if leg.callid.endswith(CARRIER_IP)
                                             else CARRIER_IP)
        sender = CARRIER_IP if leg.callid.endswith(CARRIER_IP) else SBC_CARRIER_IP
        via = "SIP/2.0/UDP %s:5060;branch=%s" % (sender, leg.branch)
        fhost = sender
        thost = SBC_CARRIER_IP if sender == CARRIER_IP else CARRIER_IP
    n = leg.cseq if cseq is None else cseq
    ttag = "" if method == "INVITE" else ";tag=" + leg.ttag
    out = ["%s %s SIP/2.0" % (method, ruri),
           H("Via") + ": " + via,
           H("Max-Forwards") + ": " + ("70" if from_ms else "69"),
           H("From") + ": <sip:%s@%s;user=phone>;tag=%s" % (leg.caller, fhost,
                                                             leg.ftag),
           H("To") + ": <sip:%s@%s;user=phone>%s" % (leg.callee, thost, ttag),
           H("Call-ID") + ": " + leg.callid,
           H("CSeq") + ": %d %s" % (n, method)]
    if method == "INVITE":
        out.append(H("Contact") + ": <sip:%s@%s;transport=%s>" % (
            leg.caller, fhost, "tls" if leg.teams else "udp"))
        out.append(H("Allow") + ": INVITE,ACK,OPTIONS,CANCEL,BYE,NOTIFY,"
                   "PRACK,REFER,INFO,SUBSCRIBE,UPDATE")
        out.append(H("Supported") + ": timer,replaces")
        out.append(H("P-Asserted-Identity") + ": <sip:%s@%s;user=phone>" % (
            leg.caller, fhost))
        if leg.teams and not from_ms:
            out.append("X-MS-SBC: Audiocodes/" + SBC_UA)
    if reason:
        out.append(H("Reason") + ": " + reason)
    out.append(H("User-Agent") + ": " + (MS_UA if from_ms else SBC_UA))
    if body:
        out.append(H("Content-Type") + ": application/sdp")
        out.append(H("Content-Length") + ": %d" % body[1])
        out.append("")
        out += body[0]
    else:
        out.append(H("Content-Length") + ": 0")
        out.append("")
    return out


def response(leg, code, phrase, method, from_ms, server, reason=None,
             body=None, via_sbc=None):
    H = (lambda s: s.upper()) if from_ms else (lambda s: s)
    if leg.teams:
        via = (via_sbc or "SIP/2.0/TLS %s:5061;alias;branch=%s;received=%s" %
               (SBC_FQDN, leg.branch, SBC_TEAMS_IP))
        if via_sbc is None and not from_ms:
            via = "SIP/2.0/TLS %s:5061;branch=%s" % (leg.peer_ip, leg.branch)
    else:
        via = "SIP/2.0/UDP %s:5060;branch=%s" % (
            CARRIER_IP if leg.callid.endswith(CARRIER_IP) else SBC_CARRIER_IP,
            leg.branch)
    out = ["SIP/2.0 %d %s" % (code, phrase),
           H("Via") + ": " + via,
           H("From") + ": <sip:%s@%s;user=phone>;tag=%s" % (
               leg.caller, leg.host, leg.ftag),
           H("To") + ": <sip:%s@%s;user=phone>%s" % (
               leg.callee, SBC_FQDN, "" if code == 100 else ";tag=" + leg.ttag),
           H("Call-ID") + ": " + leg.callid,
           H("CSeq") + ": %d %s" % (leg.cseq, method)]
    if from_ms and code >= 180:
        out.append("CONTACT: <sip:api-du-b-euwe.pstnhub.microsoft.com:443;"
                   "x-i=%s>" % leg.callid)
    if reason:
        out.append(H("Reason") + ": " + reason)
    if server:
        out.append(H("Server") + ": " + server)
    if body:
        out.append(H("Content-Type") + ": application/sdp")
        out.append(H("Content-Length") + ": %d" % body[1])
        out.append("")
        out += body[0]
    else:
        out.append(H("Content-Length") + ": 0")
        out.append("")
    return out


def guid(rng):
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


# ---------------------------------------------------------------- a call

def make_call(rng, n, kind):
    """The events of one call: (ms offset, sid-relative event).  An event is
    ('sip', leg, 'in'|'out', lines) or ('dbg', text) or ('end', text)."""
    carrier_to_teams = kind in ("ok-in", "480", "ok-in-long")
    if kind in ("ok-out", "503", "486"):
        carrier_to_teams = False
    caller = "+1555555%04d" % rng.randrange(10000)
    callee = "+4420794%05d" % rng.randrange(100000)
    if not carrier_to_teams:
        caller, callee = callee, caller
    if carrier_to_teams:
        a = Leg(rng, n, False, True, caller, callee)   # carrier -> SBC
        b = Leg(rng, n, True, False, caller, callee)   # SBC -> Teams
    else:
        a = Leg(rng, n, True, True, caller, callee)    # Teams -> SBC
        b = Leg(rng, n, False, False, caller, callee)  # SBC -> carrier
    a_from_ms = a.teams
    ev = []
    t = 0

    def step(lo, hi):
        nonlocal t
        t += rng.randrange(lo, hi)
        return t

    d = a.dlg
    body_a = sdp(rng, CARRIER_IP if not a.teams else "52.112.140.%d" %
                 rng.randrange(1, 250), "CarrierSBC" if not a.teams else "-",
                 a.teams)
    ev.append((t, ("sip", a, "in", request(a, "INVITE", a_from_ms, rng,
                                            body_a))))
    ev.append((step(1, 3), ("dbg", "AcSIPDialog(#%d)::ProcessIncomingRequest"
                            " - INVITE" % d)))
    ev.append((step(1, 3), ("flow", "#0:INVITE_RECEIVED (Call-ID %s)" %
                            a.callid)))
    ev.append((step(1, 3), ("dbg", "Classification Succeeded - Source IP Group"
                            " #%d (%s), SRD #0 (DefaultSRD), Classification "
                            "Rule #%d" % ((2, "Teams", 2) if a.teams else
                                          (1, "Carrier", 1)))))
    ev.append((step(1, 4), ("sip", a, "out",
                            response(a, 100, "Trying", "INVITE", False, None,
                                     via_sbc=None))))
    ev.append((step(1, 3), ("dbg", "SIPTransaction(#%d)::SendResponse - 100 "
                            "sent" % d)))
    if kind == "503":
        ev.append((step(1, 3), ("dbg", "SBCRoutesIterator::GetNextRoute: "
                                "Routing Rule #1 (Teams-to-Carrier): Dest IP "
                                "Group #1 (Carrier) is unavailable (Proxy "
                                "Keep-Alive failure), no alternative route")))
        ev.append((step(1, 3), ("flow", "#0:RELEASE_CALL (no route, Q.850 "
                                "cause 34)")))
        ev.append((step(1, 3), ("sip", a, "out",
                                response(a, 503, "Service Unavailable",
                                         "INVITE", False, SBC_UA,
                                         reason="Q.850;cause=34"))))
        ev.append((step(1, 3), ("dbg", "SIPTransaction(#%d)::SendResponse - "
                                "503 sent" % d)))
        ev.append((step(60, 120), ("sip", a, "in",
                                   request(a, "ACK", True, rng))))
        ev.append((step(1, 3), ("dbg", "AcSIPDialog(#%d)::ProcessIncomingRequest"
                                " - ACK" % d)))
        ev.append((step(1, 3), ("end", a, "RMT", "LCL",
                                "GWAPP_NO_CIRCUIT_CHANNEL_AVAILABLE",
                                "FAILED", 503)))
        return ev
    ev.append((step(1, 3), ("dbg", "SBCRoutesIterator::GetNextRoute: Routing "
                            "Rule #%d matched, Dest IP Group #%d" % (
                                (2, 2) if b.teams else (1, 1)))))
    ev.append((step(1, 3), ("flow", "#1:SEND_INVITE (leg 1 -> IP Group #%d)"
                            % (2 if b.teams else 1))))
    body_b = sdp(rng, SBC_TEAMS_IP if b.teams else SBC_CARRIER_IP,
                 "AudiocodesGW", b.teams)
    ev.append((step(1, 3), ("sip", b, "out", request(b, "INVITE", False, rng,
                                                      body_b))))
    ev.append((step(1, 2), ("dbg", "AcSIPDialog(#%d)::SendRequest - INVITE" % d)))
    b_ms = b.teams
    ev.append((step(20, 80), ("sip", b, "in",
                              response(b, 100, "Trying", "INVITE", b_ms, None))))
    ev.append((step(1, 2), ("dbg", "SIPTransaction(#%d)::ProcessResponse - "
                            "received 100" % d)))
    if kind in ("480", "486"):
        if kind == "480":
            code, phrase = 480, "Temporarily Unavailable"
            reason_b = ('Q.850;cause=31;text="%s;No callee endpoints were '
                        'found."' % guid(rng))
            cause = 31
            srv = MS_UA
        else:
            code, phrase = 486, "Busy Here"
            reason_b = "Q.850;cause=17"
            cause = 17
            srv = "CarrierSwitch/9.1.4"
        ev.append((step(300, 2500), ("sip", b, "in",
                                     response(b, code, phrase, "INVITE", b_ms,
                                              srv, reason=reason_b))))
        ev.append((step(1, 2), ("dbg", "SIPTransaction(#%d)::ProcessResponse - "
                                "received %d" % (d, code))))
        ev.append((step(1, 3), ("sip", b, "out",
                                request(b, "ACK", False, rng, cseq=b.cseq))))
        ev.append((step(1, 2), ("flow", "#1:RELEASE_CALL_EVENT (SIP %d, Q.850 "
                                "cause %d)" % (code, cause))))
        ev.append((step(1, 3), ("sip", a, "out",
                                response(a, code, phrase, "INVITE", False,
                                         SBC_UA,
                                         reason="Q.850;cause=%d" % cause))))
        ev.append((step(1, 2), ("dbg", "SIPTransaction(#%d)::SendResponse - "
                                "%d sent" % (d, code))))
        ev.append((step(30, 90), ("sip", a, "in",
                                  request(a, "ACK", a_from_ms, rng))))
        ev.append((step(1, 2), ("end", a, "RMT", "RMT",
                                "GWAPP_NORMAL_UNSPECIFIED"
                                if code == 480 else "GWAPP_USER_BUSY",
                                "FAILED", code)))
        ev.append((step(1, 2), ("end", b, "LCL", "RMT",
                                "GWAPP_NORMAL_UNSPECIFIED"
                                if code == 480 else "GWAPP_USER_BUSY",
                                "FAILED", code)))
        return ev
    # a call that is answered
    ev.append((step(200, 1500), ("sip", b, "in",
                                 response(b, 180, "Ringing", "INVITE", b_ms,
                                          MS_UA if b_ms else None))))
    ev.append((step(1, 3), ("sip", a, "out",
                            response(a, 180, "Ringing", "INVITE", False,
                                     SBC_UA))))
    ev.append((step(1, 2), ("flow", "#0:SEND_ALERTING")))
    ans_b = sdp(rng, "52.112.140.%d" % rng.randrange(1, 250) if b_ms
                else CARRIER_IP, "-" if b_ms else "CarrierSBC", b_ms)
    ev.append((step(2000, 15000), ("sip", b, "in",
                                   response(b, 200, "OK", "INVITE", b_ms,
                                            MS_UA if b_ms else None,
                                            body=ans_b))))
    ev.append((step(1, 3), ("sip", b, "out",
                            request(b, "ACK", False, rng, cseq=b.cseq))))
    ans_a = sdp(rng, SBC_CARRIER_IP if not a.teams else SBC_TEAMS_IP,
                "AudiocodesGW", a.teams)
    ev.append((step(1, 3), ("sip", a, "out",
                            response(a, 200, "OK", "INVITE", False, SBC_UA,
                                     body=ans_a))))
    ev.append((step(20, 80), ("sip", a, "in",
                              request(a, "ACK", a_from_ms, rng))))
    ev.append((step(1, 2), ("flow", "#0:CALL_CONNECTED")))
    dur = rng.randrange(5000, 240000)
    ev.append((step(dur, dur + 1), ("sip", a, "in",
                                    request(a, "BYE", a_from_ms, rng,
                                            cseq=a.cseq + 1,
                                            reason="Q.850;cause=16"))))
    ev.append((step(1, 2), ("flow", "#0:BYE_RECEIVED (Q.850 cause 16)")))
    ev.append((step(1, 3), ("sip", a, "out",
                            response(a, 200, "OK", "BYE", False, SBC_UA))))
    ev.append((step(1, 3), ("sip", b, "out",
                            request(b, "BYE", False, rng, cseq=b.cseq + 1,
                                    reason="Q.850;cause=16"))))
    ev.append((step(20, 80), ("sip", b, "in",
                              response(b, 200, "OK", "BYE", b_ms,
                                       MS_UA if b_ms else None))))
    ev.append((step(1, 2), ("end", a, "RMT", "RMT", "GWAPP_NORMAL_CALL_CLEAR",
                            "NORMAL_CALL_CLEAR", 16)))
    ev.append((step(1, 2), ("end", b, "LCL", "RMT", "GWAPP_NORMAL_CALL_CLEAR",
                            "NORMAL_CALL_CLEAR", 16)))
    return ev


def options_ping(rng, n):
    leg = Leg(rng, n, True, True, "", "")
    leg.ftag = "%08x" % rng.getrandbits(32)
    host = rng.choice(MS_HOSTS)
    req = ["OPTIONS sip:%s:5061;transport=tls SIP/2.0" % SBC_FQDN,
           "FROM: <sip:%s:5061>;tag=%s" % (host, leg.ftag),
           "TO: <sip:%s>" % SBC_FQDN,
           "CSEQ: 1 OPTIONS",
           "CALL-ID: " + leg.callid,
           "MAX-FORWARDS: 70",
           "VIA: SIP/2.0/TLS %s:5061;branch=%s" % (leg.peer_ip, leg.branch),
           "CONTACT: <sip:%s:5061;transport=tls>" % host,
           "CONTENT-LENGTH: 0",
           "USER-AGENT: " + MS_UA,
           "ALLOW: INVITE,ACK,OPTIONS,CANCEL,BYE,NOTIFY",
           ""]
    resp = ["SIP/2.0 200 OK",
            "Via: SIP/2.0/TLS %s:5061;branch=%s" % (leg.peer_ip, leg.branch),
            "From: <sip:%s:5061>;tag=%s" % (host, leg.ftag),
            "To: <sip:%s>;tag=%x" % (SBC_FQDN, rng.getrandbits(44)),
            "Call-ID: " + leg.callid,
            "CSeq: 1 OPTIONS",
            "Contact: <sip:%s:5061;transport=tls>" % SBC_FQDN,
            "Allow: REGISTER,OPTIONS,INVITE,ACK,CANCEL,BYE,NOTIFY,PRACK,REFER,"
            "INFO,SUBSCRIBE,UPDATE",
            "Accept: application/sdp, application/simple-message-summary, "
            "message/sipfrag",
            "Supported: em,timer,replaces,path",
            "Server: " + SBC_UA,
            "Content-Length: 0",
            ""]
    return [(0, ("sip", leg, "in", req)),
            (1, ("dbg", "AcSIPDialog(#%d)::ProcessIncomingRequest - OPTIONS"
                 % leg.dlg)),
            (3, ("sip", leg, "out", resp)),
            (3, ("dbg", "SIPTransaction(#%d)::SendResponse - 200 sent" %
                 leg.dlg)),
            (4, ("dbg", "AcSIPDialog(#12)::OnTerminate - OPTIONS dialog "
                 "released"))]


KINDS_OK = ("ok-in", "ok-out")
KINDS_FAIL = ("480", "503", "486")


class Writer:
    def __init__(self, fp, limit):
        self.fp = fp
        self.limit = limit
        self.parts = []
        self.pending = 0
        self.total = 0

    def add(self, s):
        self.parts.append(s)
        self.pending += len(s)
        if self.pending >= CHUNK:
            self.flush()

    def flush(self):
        if self.parts:
            data = "".join(self.parts).encode("ascii")
            self.fp.write(data)
            self.total += len(data)
            self.parts = []
            self.pending = 0

    def full(self):
        return self.total + self.pending >= self.limit


def schedule(rng, limit_calls=None):
    """Yields (absolute ms, sid, event) in time order: calls that overlap,
    OPTIONS every few seconds, kinds chosen so one call in 20 fails."""
    heap = []
    seq = 0
    t_call = 0
    t_opt = 0
    n = 0
    fail_i = 0
    sidn = 10447
    while True:
        # keep the heap primed with calls and pings starting before the
        # earliest pending event
        while not heap or t_call <= heap[0][0] or t_opt <= heap[0][0]:
            if t_opt <= t_call:
                sidn += 1
                for off, e in options_ping(rng, n):
                    heapq.heappush(heap, (t_opt + off, seq, sidn, e))
                    seq += 1
                t_opt += rng.randrange(2500, 6000)
            else:
                n += 1
                sidn += 1
                if n % 20 == 7:
                    kind = KINDS_FAIL[fail_i % 3]
                    fail_i += 1
                else:
                    kind = KINDS_OK[n % 2]
                for off, e in make_call(rng, n, kind):
                    heapq.heappush(heap, (t_call + off, seq, sidn, e))
                    seq += 1
                t_call += rng.randrange(300, 2500)
        t, _, sid, e = heapq.heappop(heap)
        yield t, sid, e


def gen_audiocodes(w, rng, year, start_ms):
    clock = Clock(year)
    s_no = 2290418
    n_no = 3317406
    calls_done = 0
    for t, sid, e in schedule(rng):
        ms = start_ms + t
        mon, day, monn, hms = clock.parts(ms)
        stamp = "%s %2d %s sbc01 " % (mon, day, hms)
        dev = " [Time:%02d-%02d@%s.%03d]\n" % (day, monn, hms, ms % 1000)
        s_no += 1
        head = "%s[S=%d] [SID=7e41c2:31:%d] " % (stamp, s_no, sid)
        k = e[0]
        if k == "sip":
            _, leg, d, lines = e
            n_no += rng.randrange(1, 4)
            if d == "in":
                mark = ("---- Incoming SIP Message from %s to %s ----"
                        % (leg.peer, leg.iface))
            else:
                mark = ("---- Outgoing SIP Message to %s from %s ----"
                        % (leg.peer, leg.iface))
            w.add("%s(N %d) %s #012%s%s" % (head, n_no, mark,
                                            sip_text(lines), dev))
        elif k == "dbg":
            n_no += rng.randrange(1, 4)
            w.add("%s(N %d) %s%s" % (head, n_no, e[1], dev))
        elif k == "flow":
            w.add("%s( lgr_flow)( %6d) | %s%s" % (head, rng.randrange(100000,
                                                                     999999),
                                                  e[1], dev))
        else:  # CALL_END
            _, leg, side, who, term, res, code = e
            local = SBC_TEAMS_IP if leg.teams else SBC_CARRIER_IP
            w.add("%sCALL_END |SBC |%s |7e41c2:31:%d |%s |%s |%s |%s |%s |%s "
                  "|%s |%s |0 |%s |%s |%s |%d |%s" % (
                      head, leg.callid, sid, side, leg.peer_ip,
                      leg.peer.split(":")[1], local,
                      "5061" if leg.teams else "5060",
                      "TLS" if leg.teams else "UDP",
                      leg.caller, leg.callee, who, term, res, code, dev))
            calls_done += 1
            if calls_done % 2 == 0 and w.full():
                break
    w.flush()


def gen_oracle(w, rng, year, start_ms):
    clock = Clock(year)
    w.add("File opened.\n")
    mon, day, _, hms = clock.parts(start_ms)
    for i, ifc in enumerate(("192.0.2.10:5060", "10.20.0.10:5060")):
        w.add("%s %2d %s.%03d UDP[%d:0]%s OPENED\n" % (mon, day, hms,
                                                       start_ms % 1000, i, ifc))
    dash = "-" * 40
    calls_done = 0
    for t, sid, e in schedule(rng):
        if e[0] == "end":
            calls_done += 1
            if calls_done % 2 == 0 and w.full():
                break
            continue
        if e[0] != "sip":
            continue
        _, leg, d, lines = e
        ms = start_ms + t
        mon, day, _, hms = clock.parts(ms)
        local = "[0:0]192.0.2.10:5060" if leg.teams else "[1:0]10.20.0.10:5060"
        w.add("%s %2d %s.%03d On %s %s %s\n%s\n\n%s\n" % (
            mon, day, hms, ms % 1000, local,
            "received from" if d == "in" else "sent to", leg.peer,
            "\n".join(lines), dash))
    w.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--format", choices=("audiocodes", "oracle"),
                    default="audiocodes")
    ap.add_argument("--seed", type=int, default=20251121)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("mb", type=float, help="size in MB (10^6 bytes)")
    ap.add_argument("out", help="output file, or - for stdout")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    limit = int(a.mb * 1000000)
    fp = sys.stdout.buffer if a.out == "-" else open(a.out, "wb")
    w = Writer(fp, limit)
    start_ms = ((sum(Clock(a.year).mdays[:10]) + 20) * 86400 + 9 * 3600) * 1000
    t0 = _time.time()
    if a.format == "audiocodes":
        gen_audiocodes(w, rng, a.year, start_ms)
    else:
        gen_oracle(w, rng, a.year, start_ms)
    if fp is not sys.stdout.buffer:
        fp.close()
    sys.stderr.write("gen.py: %s %d bytes in %.1f s\n" % (
        a.out, w.total, _time.time() - t0))


if __name__ == "__main__":
    main()
