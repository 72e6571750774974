#!/bin/sh
# build.sh - the build's own promises that a wrong answer would not show
# elsewhere: the fuzz harnesses are built for the checkout that asks for
# them.  A stand-in compiler records what it is asked to build, so no clang
# is needed.
set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

# the stand-in: writes its -o file and logs the -DPATTERNS_DIR it was given
cat >"$tmp/cc" <<'EOF'
#!/bin/sh
out= pat=
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift ;;
	-DPATTERNS_DIR=*) pat=${1#-DPATTERNS_DIR=} ;;
	esac
	shift
done
echo "$pat $out" >>"$CC_LOG"
: >"$out"
EOF
chmod +x "$tmp/cc"
export CC_LOG="$tmp/log"
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
