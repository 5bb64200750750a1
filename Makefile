# pgops: one Makefile. `make` builds every program as a static musl binary in
# build/bin; `make check` runs the test suite; see README.md.
PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
SANITIZE ?= 0
FUZZ_SECONDS ?= 60

PROGS = gzverify prune-backups healthprobe s3put s3cat s3ls s3rm pgdump-stream pgrestore-stream migrate-apply agecrypt
UNITS = unit-parse unit-enc unit-hash unit-trailer unit-log unit-gz unit-outfile unit-io unit-deadline unit-progress unit-retention unit-sigv4 unit-sql unit-sqlscan unit-rowsum unit-age
HELPERS = gzwrite pgquery gendump httpget pgcopy sigv4sign

ifeq ($(SANITIZE),1)
# The sanitizer build: glibc gcc with ASan+UBSan, same sources, same tests.
OUT = build/san
CC = gcc
DEPS = build/deps/host
OPT = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDOPT = -fsanitize=address,undefined
else
OUT = build
CC = musl-gcc
DEPS = build/deps/musl
OPT = -O2
LDOPT = -static -s
endif

CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $(OPT) -Ilib -I$(DEPS)/include -MMD -MP
LIBS = -L$(DEPS)/lib -lpq -lpgcommon_shlib -lpgport_shlib -lbearssl -ldeflate -lz -lpthread

LIBSRC = $(wildcard lib/*.c)
LIBOBJ = $(LIBSRC:%.c=$(OUT)/obj/%.o) $(OUT)/obj/gen/builtin_ta.o
# The CA bundle compiled into TLS-capable binaries, for FROM scratch images.
CA_BUNDLE ?= $(firstword $(wildcard /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem))
BINS = $(PROGS:%=$(OUT)/bin/%)
UNITBINS = $(UNITS:%=$(OUT)/tests/%)
TESTBINS = $(UNITBINS) $(HELPERS:%=$(OUT)/tests/%)
DEPSTAMP = $(DEPS)/VERSIONS

all: $(BINS)

# Dependencies: fetched once with apt-get source, built with the compiler of
# this build; rebuilt only when the pins or the script change.
build/deps/src/.stamp: ci/deps.versions ci/deps.sh
	sh ci/prereqs.sh build
	sh ci/deps.sh fetch build/deps/src
	touch $@

build/deps/musl/VERSIONS: build/deps/src/.stamp
	sh ci/deps.sh build build/deps/src musl-gcc $(CURDIR)/build/deps/musl

build/deps/host/VERSIONS: build/deps/src/.stamp
	sh ci/deps.sh build build/deps/src cc $(CURDIR)/build/deps/host

$(OUT)/obj/%.o: %.c | $(DEPSTAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

# ChaCha20-Poly1305 is the CPU cost of agecrypt and of s3put --recipient;
# at -O3 GCC keeps more of the eight-block state in registers (agecrypt -j1
# encrypts 1 GiB in 0.77 s of CPU instead of 0.85 here).
$(OUT)/obj/lib/chacha.o $(OUT)/obj/lib/chacha_avx512.o: CFLAGS += -O3

$(OUT)/gen/ta-gen: $(OUT)/obj/ci/ta-gen.o $(OUT)/obj/lib/tls_certs.o $(OUT)/obj/lib/xmem.o $(OUT)/obj/lib/log.o
	@mkdir -p $(@D)
	$(CC) $(LDOPT) -o $@ $^ $(LIBS)

$(OUT)/gen/builtin_ta.c: $(OUT)/gen/ta-gen $(CA_BUNDLE)
	$(OUT)/gen/ta-gen $(CA_BUNDLE) >$@.tmp && mv $@.tmp $@

$(OUT)/obj/gen/builtin_ta.o: $(OUT)/gen/builtin_ta.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Wno-missing-field-initializers -c $< -o $@

$(OUT)/libpgops.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

# Programs that grew into a folder: bin/NAME/*.c.
FOLDER_PROGS = healthprobe pgdump-stream pgrestore-stream migrate-apply agecrypt
define folder_prog
$$(OUT)/bin/$(1): $$(patsubst %.c,$$(OUT)/obj/%.o,$$(wildcard bin/$(1)/*.c)) $$(OUT)/libpgops.a
	@mkdir -p $$(@D)
	$$(CC) $$(LDOPT) -o $$@ $$(filter %.o,$$^) $$(OUT)/libpgops.a $$(LIBS)
endef
$(foreach p,$(FOLDER_PROGS),$(eval $(call folder_prog,$(p))))

$(OUT)/bin/%: $(OUT)/obj/bin/%.o $(OUT)/libpgops.a
	@mkdir -p $(@D)
	$(CC) $(LDOPT) -o $@ $< $(OUT)/libpgops.a $(LIBS)

# Unit tests: TAP helpers from tests/support, for them alone.
$(OUT)/obj/tests/unit/%.o $(OUT)/obj/tests/support/%.o: CFLAGS += -Itests/support

$(OUT)/tests/%: $(OUT)/obj/tests/unit/%.o $(OUT)/obj/tests/support/tap.o $(OUT)/libpgops.a
	@mkdir -p $(@D)
	$(CC) $(LDOPT) -o $@ $< $(OUT)/obj/tests/support/tap.o $(OUT)/libpgops.a $(LIBS)

$(OUT)/tests/%: $(OUT)/obj/tests/helpers/%.o $(OUT)/libpgops.a
	@mkdir -p $(@D)
	$(CC) $(LDOPT) -o $@ $< $(OUT)/libpgops.a $(LIBS)

$(OUT)/tests/%: $(OUT)/obj/tests/bench/%.o $(OUT)/libpgops.a
	@mkdir -p $(@D)
	$(CC) $(LDOPT) -o $@ $< $(OUT)/libpgops.a $(LIBS)

tests: $(BINS) $(TESTBINS)

check: tests
	@sh ci/prereqs.sh test
	PGOPS_BIN=$(CURDIR)/$(OUT)/bin PGOPS_TESTBIN=$(CURDIR)/$(OUT)/tests PGOPS_SANITIZE=$(SANITIZE) \
		prove -j2 --timer $(UNITBINS) tests/*.t

# The fixture round trips on every supported server version, 13 to 18, the
# globals round trip, the other programs' basic paths on each, and the
# upgrade paths (make check runs them on 13 and 18, the globals on 13, 15
# and 18).
check-versions: tests
	@sh ci/prereqs.sh test
	PGOPS_BIN=$(CURDIR)/$(OUT)/bin PGOPS_TESTBIN=$(CURDIR)/$(OUT)/tests PGOPS_SANITIZE=$(SANITIZE) \
		PGOPS_VERSIONS="13 14 15 16 17 18" prove --timer tests/pgdump-versions.t tests/programs-versions.t tests/pgdump-globals.t

# The whole life of a service database on throwaway local servers.
demo: all
	@sh ci/prereqs.sh test
	PGOPS_BIN=$(CURDIR)/$(OUT)/bin bash share/demo.sh

# libFuzzer targets: clang, the lib sources, the host-built dependencies.
FUZZERS = fuzz-gz fuzz-http fuzz-pem fuzz-nametime fuzz-httpreq fuzz-s3answers fuzz-sql fuzz-sqlscan fuzz-dumpfilter \
	fuzz-sqllint fuzz-age fuzz-plan
FUZZCFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Ilib -Ibuild/deps/host/include
FUZZLIBS = -Lbuild/deps/host/lib -lpq -lpgcommon_shlib -lpgport_shlib -lbearssl -ldeflate -lz -lpthread
# Each target links the lib sources it exercises (and their helpers).
FUZZSRC_fuzz-gz = lib/gz_read.c lib/gz_tail.c lib/gz_write.c lib/pool.c lib/hash.c lib/xmem.c lib/log.c lib/sig.c
FUZZSRC_fuzz-http = lib/http_parse.c
FUZZSRC_fuzz-pem = lib/tls_certs.c lib/xmem.c lib/log.c
FUZZSRC_fuzz-nametime = lib/nametime.c lib/retention.c lib/xmem.c lib/log.c
FUZZSRC_fuzz-httpreq = lib/http_parse.c
FUZZSRC_fuzz-s3answers = lib/xml.c lib/json.c lib/ini.c lib/enc.c lib/s3_answer.c
FUZZSRC_fuzz-sql = lib/sql.c lib/sbuf.c lib/xmem.c lib/log.c
FUZZSRC_fuzz-sqlscan = lib/sqlscan.c lib/sbuf.c lib/xmem.c lib/log.c
FUZZSRC_fuzz-dumpfilter = lib/dumpfilter.c
FUZZSRC_fuzz-sqllint = lib/sqllint.c lib/sbuf.c lib/xmem.c lib/log.c
FUZZSRC_fuzz-age = lib/age.c lib/age_header.c lib/age_armor.c lib/aead.c lib/chacha.c lib/chacha_avx512.c lib/bech32.c lib/scrypt.c \
	lib/enc.c lib/hash.c lib/xmem.c lib/log.c
FUZZSRC_fuzz-plan = bin/pgrestore-stream/plan.c
FUZZINC_fuzz-plan = -Ibin/pgrestore-stream
build/fuzz/fuzz-plan: bin/pgrestore-stream/plan.c bin/pgrestore-stream/pgrestore.h
build/fuzz/%: tests/fuzz/%.c $(LIBSRC) $(wildcard lib/*.h) build/deps/host/VERSIONS
	@mkdir -p $(@D)
	clang $(FUZZCFLAGS) $(FUZZINC_$*) -o $@ $< $(FUZZSRC_$*) $(FUZZLIBS)

fuzz:
	@sh ci/prereqs.sh fuzz
	$(MAKE) $(FUZZERS:%=build/fuzz/%) $(OUT)/tests/gzwrite $(OUT)/bin/agecrypt
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZERS)

bench: all tests
	@sh ci/prereqs.sh bench
	PGOPS_BIN=$(CURDIR)/$(OUT)/bin PGOPS_TESTBIN=$(CURDIR)/$(OUT)/tests sh tests/bench/run.sh

# The regression database round trip for pgdump-stream (minutes; not in check).
fidelity: all
	@sh ci/prereqs.sh test
	PGOPS_BIN=$(CURDIR)/$(OUT)/bin PGOPS_TESTBIN=$(CURDIR)/$(OUT)/tests sh tests/pgdump/regression.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(PROGS:%=man/man1/%.1) $(DESTDIR)$(MANDIR)/man1/
	install -d $(DESTDIR)$(PREFIX)/share/pgops
	install -m 755 share/examples/pg-backup.sh share/examples/restore-drill.sh $(DESTDIR)$(PREFIX)/share/pgops/
	install -m 644 share/examples/pgops-lib.sh $(DESTDIR)$(PREFIX)/share/pgops/

clean:
	rm -rf build/bin build/obj build/gen build/tests build/libpgops.a build/san build/fuzz

distclean:
	rm -rf build

.PHONY: all tests check check-versions demo fuzz bench fidelity install clean distclean
.SECONDARY:

-include $(LIBOBJ:.o=.d) $(wildcard $(OUT)/obj/bin/*.d $(OUT)/obj/bin/*/*.d $(OUT)/obj/tests/*/*.d)
