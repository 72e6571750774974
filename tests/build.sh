#!/bin/sh
# build.sh - the build's own promises that a wrong answer would not show
# elsewhere: objects built with other flags are built again, and the fuzz
# harnesses are built for the checkout that asks for them.  A stand-in
# compiler records what it is asked to build, so no clang is needed.
set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

# the stand-in: writes its -o file and logs the -DPATTERNS_DIR (or the
# -DFLAG...) it was given
cat >"$tmp/cc" <<'EOF'
#!/bin/sh
out= pat=
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift ;;
	-DPATTERNS_DIR=* | -DFLAG*) pat=${1#-DPATTERNS_DIR=} ;;
	esac
	shift
done
echo "$pat $out" >>"$CC_LOG"
: >"$out"
EOF
chmod +x "$tmp/cc"
export CC_LOG="$tmp/log"

# sipwhy's objects follow what they are built with: other CFLAGS (or
# another compiler, LDFLAGS, DATADIR) build them all again
mkdir -p "$tmp/m"
cp -pR Makefile src include scripts "$tmp/m/"
mainmake() { # mainmake ARGS...: build sipwhy in the copy
	make -s -C "$tmp/m" CC="$tmp/cc" "$@" sipwhy >/dev/null 2>&1
}
nobj=$(ls src/*.c | wc -l)
objs() { grep -c "^${1-}"'.*build/[a-z0-9_]*\.o$' "$CC_LOG"; }
: >"$CC_LOG"
mainmake
[ "$(objs)" -eq "$nobj" ] && ok || no "all $nobj objects built: $(objs)"
: >"$CC_LOG"
mainmake
[ ! -s "$CC_LOG" ] && ok || no "nothing built again with the same flags: $(head -3 "$CC_LOG")"
: >"$CC_LOG"
mainmake CFLAGS='-O1 -DFLAG_A'
[ "$(objs -DFLAG_A)" -eq "$nobj" ] && grep -q ' sipwhy$' "$CC_LOG" && ok ||
	no "every object built again with new CFLAGS, and linked: $(head -3 "$CC_LOG")"
: >"$CC_LOG"
mainmake
[ "$(objs ' ')" -eq "$nobj" ] && ok ||
	no "back to the default CFLAGS, every object built again: $(head -3 "$CC_LOG")"
: >"$CC_LOG"
mainmake PREFIX=/opt/sipwhy-build-test
[ "$(objs)" -eq "$nobj" ] && ok || no "another PREFIX builds the objects again: $(objs)"
fuzzmake() { # fuzzmake TREE: build TREE's harnesses into the shared FUZZ_OUT
	make -s -C "$1/fuzz" CLANG="$tmp/cc" FUZZ_OUT="$tmp/out" >/dev/null 2>&1
}

# a second checkout, its files older than the first one's build
mkdir -p "$tmp/b"
cp -pR src include fuzz "$tmp/b/"
touch -d '2000-01-01' $(find "$tmp/b" -type f)
: >"$CC_LOG"
fuzzmake "$top"
grep -q "\"$top/patterns\" .*/bin/fuzz_sip" "$CC_LOG" && ok ||
	no "fuzz harnesses built for this checkout: $(head -3 "$CC_LOG")"
: >"$CC_LOG"
fuzzmake "$top"
[ ! -s "$CC_LOG" ] && ok || no "nothing built again for the same checkout: $(head -3 "$CC_LOG")"
: >"$CC_LOG"
fuzzmake "$tmp/b"
grep -q "\"$tmp/b/patterns\" .*/bin/fuzz_sip" "$CC_LOG" && ok ||
	no "another checkout's harnesses built again with its own patterns"
grep -q "\"$top/patterns\"" "$CC_LOG" && no "the other checkout got this one's patterns" || ok

echo "build: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
