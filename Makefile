# sipwhy - plain make.  User CFLAGS/LDFLAGS are kept apart from the flags
# the build needs; libraries come through pkg-config.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/sipwhy
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
VERSION = 0.1

CC ?= cc
CFLAGS ?= -O3 -g
PKG_CONFIG ?= pkg-config
# deferred (=): evaluated after scripts/deps.sh has installed what is missing
DEP_CFLAGS = $(shell $(PKG_CONFIG) --cflags libpcre2-8 zlib minizip)
DEP_LIBS = $(shell $(PKG_CONFIG) --libs libpcre2-8 zlib minizip) -pthread
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check)
CHECK_LIBS = $(shell $(PKG_CONFIG) --libs check)
WARN = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
       -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
REQ_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -pthread -Iinclude $(WARN) \
	     -DSIPWHY_VERSION='"$(VERSION)"' -DSIPWHY_DATADIR='"$(DATADIR)/patterns"'

SRC = src/util.c src/input.c src/lines.c src/format.c src/framer.c \
      src/sip.c src/reason.c src/logtime.c src/kb.c src/calls.c \
      src/event.c src/esc.c src/summary.c src/run.c src/explain.c src/export.c src/import.c src/follow.c src/json.c src/story.c \
      src/handoff.c src/utf16.c
OBJ = $(SRC:src/%.c=build/%.o)
TESTS = tests/check_main.c tests/check_util.c tests/check_input.c \
	tests/check_lines.c tests/check_format.c tests/check_framer.c \
	tests/check_sip.c tests/check_reason.c tests/check_kb.c \
	tests/check_calls.c tests/check_event.c tests/check_esc.c \
	tests/check_run.c tests/check_export.c tests/check_utf16.c
HDR = $(wildcard include/*.h)

all: sipwhy

build/deps.stamp: scripts/deps.sh
	@mkdir -p build
	@sh scripts/deps.sh build
	@touch $@

build/check-deps.stamp: scripts/deps.sh
	@mkdir -p build
	@sh scripts/deps.sh check
	@touch $@

build/%.o: src/%.c $(HDR) | build/deps.stamp
	$(CC) $(REQ_CFLAGS) $(DEP_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# What the objects were built with (compiler, flags, DATADIR): the stamp is
# rewritten when any of it changes, and everything built from it follows, so
# `make CFLAGS=...` or another PREFIX never links objects built otherwise.
CONFIG = $(CC) $(REQ_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)
shquote = '$(subst ','\'',$(1))'
build/config.stamp: FORCE
	@mkdir -p build
	@printf '%s\n' $(call shquote,$(CONFIG)) | cmp -s - $@ 2>/dev/null || \
		printf '%s\n' $(call shquote,$(CONFIG)) >$@

build/main.o $(OBJ) tests/check_sipwhy: build/config.stamp

sipwhy: build/main.o $(OBJ)
	$(CC) $(LDFLAGS) -o $@ build/main.o $(OBJ) $(DEP_LIBS)

tests/check_sipwhy: $(TESTS) $(OBJ) tests/check.h | build/check-deps.stamp
	$(CC) $(REQ_CFLAGS) -iquote tests $(DEP_CFLAGS) $(CHECK_CFLAGS) $(CPPFLAGS) \
		$(CFLAGS) -DFIXTURES='"tests/fixtures"' -o $@ $(TESTS) $(OBJ) \
		$(LDFLAGS) $(DEP_LIBS) $(CHECK_LIBS)

# Unit tests (Check), golden and command-line tests, then real SIP software
# (SIPp through Kamailio, captured by tshark) writing logs for sipwhy.
check: sipwhy tests/check_sipwhy
	./tests/check_sipwhy
	sh tests/golden.sh
	sh tests/cli.sh
	sh tests/hostile.sh
	sh tests/follow.sh
	sh tests/interop.sh
	sh tests/build.sh

# The whole suite again under AddressSanitizer and UBSan, in its own tree.
# Check's timeouts are there to stop a hung test, not to time one: under
# the sanitizers the slowest unit tests take 2.6 s to 3.4 s of Check's
# default 4 s, so their timeouts are ten times as long.
check-asan:
	$(MAKE) clean-objs
	CK_TIMEOUT_MULTIPLIER=10 SIPWHY_SANITIZED=1 $(MAKE) check CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined'
	$(MAKE) clean-objs

# What runs threads (the handoff and reader units, and the suites that run
# sipwhy on files: reader, analysis and writer threads) under
# ThreadSanitizer (clang), in its own tree.
TSAN_FLAGS = -O1 -g -fsanitize=thread -fno-omit-frame-pointer
check-tsan:
	$(MAKE) clean-objs
	$(MAKE) sipwhy tests/check_sipwhy CC=clang CFLAGS='$(TSAN_FLAGS)' \
		LDFLAGS='-fsanitize=thread'
	TSAN_OPTIONS='halt_on_error=1 exitcode=98' CK_TIMEOUT_MULTIPLIER=10 CK_RUN_SUITE=util ./tests/check_sipwhy
	TSAN_OPTIONS='halt_on_error=1 exitcode=98' CK_TIMEOUT_MULTIPLIER=10 CK_RUN_SUITE=input ./tests/check_sipwhy
	TSAN_OPTIONS='halt_on_error=1 exitcode=98' sh tests/golden.sh
	TSAN_OPTIONS='halt_on_error=1 exitcode=98' sh tests/cli.sh
	TSAN_OPTIONS='halt_on_error=1 exitcode=98' HOSTILE_VALGRIND=0 sh tests/hostile.sh
	$(MAKE) clean-objs

# Speed and memory against grep, rg and pigz on generated logs (prints
# ratios; it measures, it does not gate).
bench: sipwhy
	sh bench/run.sh

# libFuzzer over every entry point that reads input (clang); fuzz-ci is the
# short pass CI runs.
fuzz:
	sh fuzz/run.sh

fuzz-ci:
	FUZZ_SECONDS=10 sh fuzz/run.sh

demo: sipwhy
	@sh scripts/demo.sh

lint: sipwhy
	clang-format --dry-run --Werror src/*.c include/*.h
	mandoc -Tlint -W warning man/sipwhy.1 man/sipwhy-patterns.5
	sh -n scripts/deps.sh scripts/demo.sh tests/golden.sh tests/cli.sh tests/hostile.sh tests/follow.sh tests/interop.sh tests/build.sh bench/run.sh fuzz/run.sh .ci/run
	./sipwhy -F generic /dev/null >/dev/null

install: sipwhy
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/patterns/formats \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	cp sipwhy $(DESTDIR)$(BINDIR)/sipwhy
	cp patterns/*.tsv $(DESTDIR)$(DATADIR)/patterns/
	cp patterns/formats/*.fmt $(DESTDIR)$(DATADIR)/patterns/formats/
	cp man/sipwhy.1 $(DESTDIR)$(MANDIR)/man1/sipwhy.1
	cp man/sipwhy-patterns.5 $(DESTDIR)$(MANDIR)/man5/sipwhy-patterns.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sipwhy $(DESTDIR)$(MANDIR)/man1/sipwhy.1 \
		$(DESTDIR)$(MANDIR)/man5/sipwhy-patterns.5
	rm -rf $(DESTDIR)$(DATADIR)

clean-objs:
	rm -f build/*.o sipwhy tests/check_sipwhy

clean: clean-objs
	rm -rf build tests/out

FORCE:

.PHONY: FORCE all bench fuzz fuzz-ci check check-asan check-tsan demo lint install uninstall clean clean-objs
