#!/bin/sh
# deps.sh - make sure the Debian packages sipwhy needs are installed.
#   deps.sh build   libraries to build (pkg-config, PCRE2, zlib, minizip)
#   deps.sh check   also what the tests use (Check, jq, gzip, and the SIP
#                   software of the interop test: SIPp, Kamailio, tshark)
# Installs them with apt-get when run as root or with sudo; otherwise prints
# the exact command and fails.
set -u
what=${1:-build}
pkgs="build-essential pkg-config libpcre2-dev zlib1g-dev libminizip-dev"
need=""
have_pc() { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1"; }
command -v cc >/dev/null 2>&1 || need="$need build-essential"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
have_pc libpcre2-8 || need="$need libpcre2-dev"
have_pc zlib || need="$need zlib1g-dev"
have_pc minizip || need="$need libminizip-dev"
if [ "$what" = check ]; then
	pkgs="$pkgs check jq gzip time cmark-gfm bsdutils sip-tester kamailio tshark"
	have_pc check || need="$need check"
	command -v jq >/dev/null 2>&1 || need="$need jq"
	command -v gzip >/dev/null 2>&1 || need="$need gzip"
	[ -x /usr/bin/time ] || need="$need time"
	command -v cmark-gfm >/dev/null 2>&1 || need="$need cmark-gfm"
	command -v script >/dev/null 2>&1 || need="$need bsdutils"
	command -v sipp >/dev/null 2>&1 || need="$need sip-tester"
	command -v kamailio >/dev/null 2>&1 || need="$need kamailio"
	command -v tshark >/dev/null 2>&1 || need="$need tshark"
fi
[ -z "$need" ] && exit 0
echo "sipwhy: missing Debian packages:$need" >&2
if [ "$(id -u)" = 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo"
else
	echo "sipwhy: install them with:" >&2
	echo "    sudo apt-get update && sudo apt-get install -y$need" >&2
	exit 1
fi
echo "sipwhy: installing them with apt-get" >&2
$sudo apt-get update -qq >&2 &&
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $need >&2 || {
	echo "sipwhy: apt-get failed; install by hand:$need" >&2
	exit 1
}
