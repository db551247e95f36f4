# phimilter - one plain GNU Makefile.
#
#   make            phimilter, phictl, detectors/libphidetect.a   (build/ objects)
#   make SAN=1      the same with AddressSanitizer + UBSan          (build/asan/)
#   make deps       install every Debian package the build, tests and `make run` need
#   make check      deps, sanitizer build, every test; ends "N passed, N failed"
#   make test       every test against the current build (no deps, no rebuild of SAN)
#   make run        deps, build, private Postfix + phimilter in the foreground
#   make eval       score phictl on ../shared/corpus when present
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each
#   make bench      benchmarks (stand-alone)
#   make soak       20 000 messages through a private Postfix (tests/soak/run.sh)
#   make valgrind   memcheck over phictl scan of the corpus and fuzz seeds

VERSION   := 0.1.0
CC        ?= cc
SAN       ?= 0
# BUILD: where objects go. Parallel developers each use their own
# (make BUILD=/tmp/me BIN=/tmp/me) so their builds do not race.
BUILD     ?= build

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wpointer-arith -Wvla -Wno-format-nonliteral
CSTD      := -std=c11 -D_GNU_SOURCE
INCS      := -Iinclude -Idetectors -Imilter
DEFS      := -DPHI_VERSION='"$(VERSION)"'

ifeq ($(SAN),1)
  B       := $(BUILD)/asan
  OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  LDSAN   := -fsanitize=address,undefined
  BIN     ?= $(B)
else
  B       := $(BUILD)/rel
  OPT     := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
  LDSAN   := -pie -Wl,-z,relro,-z,now
  BIN     ?= .
endif

CFLAGS_ALL := $(CSTD) $(WARN) $(OPT) $(INCS) $(DEFS) $(CFLAGS)
LIBS       := -lpcre2-8 -lcrypto -lz -lpthread -lm
MILTERLIB  := -lmilter

# detectors/: every .c below it is the library (no libmilter, no syslog).
DET_SRC    := $(sort $(shell find detectors -name '*.c'))
# milter/: files named phimilter.c or mlfi*.c use libmilter and link only into
# the daemon; phictl.c and ctl_*.c only into phictl; everything else is the
# shared core linked into both and into the tests.
MIL_ALL    := $(sort $(wildcard milter/*.c))
DAEMON_SRC := $(filter milter/phimilter.c milter/mlfi%.c,$(MIL_ALL))
CTL_SRC    := $(filter milter/phictl.c milter/ctl_%.c,$(MIL_ALL))
CORE_SRC   := $(filter-out $(DAEMON_SRC) $(CTL_SRC),$(MIL_ALL))
UNIT_SRC   := $(sort $(wildcard tests/unit/t_*.c))
TLIB_SRC   := $(sort $(wildcard tests/lib/*.c))
# gateways/libphiscan: the scan-socket client library (phictl, tests, other gateways).
SCANCL_SRC := $(sort $(wildcard gateways/libphiscan/*.c))

# portal/: phiportal, the secure portal (libmicrohttpd). Everything but its
# main is libphiportal.a, which the portal's unit tests link too.
PORTAL_SRC := $(sort $(wildcard portal/*.c))
PORTAL_LIB := $(B)/libphiportal.a
MHDLIB     := -lmicrohttpd

NPROC     := $(shell nproc 2>/dev/null || echo 2)

obj = $(patsubst %.c,$(B)/%.o,$(1))

DET_LIB    := $(B)/libphidetect.a
CORE_LIB   := $(B)/libphicore.a
SCANCL_LIB := $(B)/libphiscan.a
UNIT_BIN   := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))

.PHONY: all deps check test unit run eval fuzz bench soak valgrind clean deb install
all: $(BIN)/phimilter $(BIN)/phictl $(BIN)/phiportal $(DET_LIB) $(SCANCL_LIB) $(UNIT_BIN) $(if $(filter build,$(BUILD)),detectors/libphidetect.a)

# The contract names the library detectors/libphidetect.a; it is a copy of
# the one for the current build flavour.
detectors/libphidetect.a: $(DET_LIB)
	@cp $< $@

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(DET_LIB): $(call obj,$(DET_SRC))
	@mkdir -p $(dir $@); rm -f $@
	@ar rcs $@ $^

$(CORE_LIB): $(call obj,$(CORE_SRC))
	@mkdir -p $(dir $@); rm -f $@
	@ar rcs $@ $^

$(SCANCL_LIB): $(call obj,$(SCANCL_SRC))
	@mkdir -p $(dir $@); rm -f $@
	@ar rcs $@ $^

$(BIN)/phimilter: $(call obj,$(DAEMON_SRC)) $(CORE_LIB) $(DET_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(MILTERLIB) $(LIBS)

$(BIN)/phictl: $(call obj,$(CTL_SRC)) $(SCANCL_LIB) $(CORE_LIB) $(DET_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(LIBS)

$(B)/tests/%: tests/unit/%.c $(call obj,$(TLIB_SRC)) $(SCANCL_LIB) $(CORE_LIB) $(DET_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/lib -o $@ $< $(call obj,$(TLIB_SRC)) $(SCANCL_LIB) $(CORE_LIB) $(DET_LIB) $(LDSAN) $(LIBS)

$(PORTAL_LIB): $(call obj,$(filter-out portal/phiportal.c,$(PORTAL_SRC)))
	@mkdir -p $(dir $@); rm -f $@
	@ar rcs $@ $^

$(BIN)/phiportal: $(call obj,portal/phiportal.c) $(PORTAL_LIB) $(CORE_LIB) $(DET_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(MHDLIB) $(LIBS)

# the portal's unit tests (a shorter stem than the rule above: this one wins)
$(B)/tests/t_portal_%: tests/unit/t_portal_%.c $(call obj,$(TLIB_SRC)) $(PORTAL_LIB) $(SCANCL_LIB) $(CORE_LIB) $(DET_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/lib -Iportal -o $@ $< $(call obj,$(TLIB_SRC)) $(PORTAL_LIB) $(SCANCL_LIB) $(CORE_LIB) $(DET_LIB) $(LDSAN) $(MHDLIB) $(LIBS)

-include $(shell find $(B) -name '*.d' 2>/dev/null)

deps:
	@sh packaging/deps.sh

# check: the whole suite once, in the sanitizer build (unit, e2e, eval gate).
check: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@$(MAKE) --no-print-directory -j$(NPROC) SAN=1 all
	@sh tests/run.sh build/asan

# test: the suite against the plain build, no package installs.
test: all
	@sh tests/run.sh .

unit: all
	@sh tests/run.sh . unit

run: deps all
	@sh packaging/run-demo.sh

eval: $(BIN)/phictl
	@sh tests/eval.sh $(BIN)/phictl

FUZZ_SECONDS ?= 60
fuzz:
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: all
	@sh tests/bench/run.sh

# soak: >= 20 000 messages through a private Postfix (tests/soak/run.sh; not in check)
soak: all
	@PHIMILTER=$(abspath $(BIN))/phimilter sh tests/soak/run.sh

# valgrind: memcheck over phictl scan of ../shared/corpus and the fuzz seeds (plain build)
valgrind: all
	@PHICTL=$(abspath $(BIN))/phictl sh tests/valgrind.sh

# install: the two programs, man pages and the configuration tree
# (packaging/install-conf.sh keeps an existing phimilter.conf). The Debian
# package installs through this with PREFIX=/usr and DESTDIR.
PREFIX  ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
CONFDIR ?= /etc/phimilter
install: $(BIN)/phimilter $(BIN)/phictl
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BIN)/phimilter $(BIN)/phictl $(DESTDIR)$(SBINDIR)/
	install -m 0644 packaging/man/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 packaging/man/*.5 $(DESTDIR)$(MANDIR)/man5/
	$(if $(DESTDIR),PHI_CONF_FORCE=1) sh packaging/install-conf.sh conf $(DESTDIR)$(CONFDIR)

# deb: the Debian package from packaging/debian, built in a copy of the tree
# (packaging/debian/mkdeb.sh); the .deb lands in $(BUILD)/deb/.
deb:
	@sh packaging/debian/mkdeb.sh $(abspath $(BUILD))/deb

clean:
	rm -rf build phimilter phictl phiportal detectors/libphidetect.a
