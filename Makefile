# sysrec build. `make` builds bin/sysrec and bin/sysreplay; `make test` runs
# every test and ends with "N passed, N failed"; `make SAN=address,undefined test`
# does the same with sanitizers (into .output/san). See README.md.

CC ?= cc
CLANG ?= clang
# A recursive variable: looked up each time a recipe uses it, so after deps
# has installed bpftool (it may be in /usr/sbin, outside a user's PATH).
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
ARCH := $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')

ifneq ($(SAN),)
OUT := .output/san
BIN := $(OUT)/bin
SANFLAGS := -fsanitize=$(SAN) -fno-omit-frame-pointer
else
OUT := .output
BIN := bin
SANFLAGS :=
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wundef -Wvla -Wimplicit-fallthrough -Wno-format-nonliteral
CFLAGS ?= -O2 -g
INC := -I. -I.output
override CFLAGS += -std=gnu11 $(WARN) $(SANFLAGS) -MMD -MP $(INC) -D_GNU_SOURCE
LDFLAGS += $(SANFLAGS)
LIBS := -lzstd -lyaml -lcjson -lz -lm -lcrypto -lpthread
REC_LIBS := -lbpf -lelf -lz -lpthread -lmicrohttpd
RPL_LIBS := -ledit
# the alert outputs (outputs/): webhooks, NATS, Kafka; in both binaries.
# libcurl and librdkafka are not linked: outputs/out_dl.c loads them when
# a webhook or Kafka output opens (their headers are still needed to build).
OUT_LIBS := -lnats -lpthread -ldl
# the test tools' peers: an HTTP receiver, NATS and Kafka clients
TOOL_LIBS := -lmicrohttpd -lrdkafka $(OUT_LIBS)

LIB_SRC := $(wildcard common/*.c format/*.c scap/*.c state/*.c fields/*.c filter/*.c rules/*.c outputs/*.c)
REC_SRC := $(wildcard record/*.c)
RPL_SRC := $(wildcard replay/*.c)
# fleet/: NATS JetStream publishing and reading (sysrec and sysreplay only)
FLEET_SRC := $(wildcard fleet/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
TOOL_SRC := $(wildcard tests/tools/*.c)
BENCH_SRC := $(wildcard bench/*.c)
FUZZ_SRC := $(filter-out tests/fuzz/fuzz_replay_main.c,$(wildcard tests/fuzz/fuzz_*.c))

# The default rule files compiled into the library (rules/rule_embed.h), so
# a copied or installed binary still has them.
RULES_DEFAULT := $(sort $(wildcard rules/default/*.yaml))
EMBED_SRC := .output/gen/rule_default_data.c
EMBED_OBJ := $(OUT)/gen/rule_default_data.o
LIB_OBJ := $(LIB_SRC:%.c=$(OUT)/%.o) $(EMBED_OBJ)
REC_OBJ := $(REC_SRC:%.c=$(OUT)/%.o)
RPL_OBJ := $(RPL_SRC:%.c=$(OUT)/%.o)
FLEET_OBJ := $(FLEET_SRC:%.c=$(OUT)/%.o)
FLEET_LIBS := -lnats -lpthread
LIB := $(OUT)/libsysrec.a
# record/ without its main: sysrec and the unit tests link it.
REC_LIB_OBJ := $(filter-out $(OUT)/record/rec_main.o,$(REC_OBJ))
REC_LIB := $(OUT)/librecord.a

UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(OUT)/tests/%)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(OUT)/tools/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(OUT)/bench/%)
# Fuzz targets linked with a plain driver that replays their corpus (runs in make test).
FUZZ_REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(OUT)/fuzz-replay/%)

BPF_SRC := probe/sysrec.bpf.c
BPF_OBJ := .output/sysrec.bpf.o
SKEL := .output/sysrec.skel.h
VMLINUX := .output/vmlinux.h

.PHONY: all deps test test-root fuzz bench clean format format-check fixtures main-job \
	install uninstall
all: $(BIN)/sysrec $(BIN)/sysreplay

# The goals that install missing packages first (scripts/deps.sh). With -j,
# make would otherwise start compiling (or bpftool) beside deps, before the
# tools exist: every rule that runs a tool waits for deps (order-only), and
# only when such a goal was asked for (a plain `make` installs nothing).
DEPS_GOALS := test main-job fuzz
WAIT_DEPS := $(if $(filter deps $(DEPS_GOALS),$(MAKECMDGOALS)),deps)
deps:
	@scripts/deps.sh

$(OUT)/%.o: %.c | $(WAIT_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(EMBED_SRC): $(RULES_DEFAULT) scripts/embed-rules.sh
	@mkdir -p $(@D)
	scripts/embed-rules.sh $@ $(RULES_DEFAULT)

$(EMBED_OBJ): $(EMBED_SRC)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# ---- probe: vmlinux.h from the running kernel's BTF, then object, then skeleton ----
$(VMLINUX): | $(WAIT_DEPS)
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(BPF_OBJ): $(BPF_SRC) $(VMLINUX) $(wildcard probe/*.h) format/evt_abi.h format/evt_schema.def
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I.output -I. -Wall -Werror \
		-c $(BPF_SRC) -o $@
	llvm-strip -g $@ 2>/dev/null || true

$(SKEL): $(BPF_OBJ)
	$(BPFTOOL) gen skeleton $< name sysrec_bpf > $@.tmp && mv $@.tmp $@

$(REC_OBJ): $(SKEL)

$(REC_LIB): $(REC_LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BIN)/sysrec: $(OUT)/record/rec_main.o $(REC_LIB) $(FLEET_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(OUT)/record/rec_main.o $(REC_LIB) $(FLEET_OBJ) $(LIB) $(LIBS) \
		$(REC_LIBS) $(OUT_LIBS) $(FLEET_LIBS)

$(BIN)/sysreplay: $(RPL_OBJ) $(FLEET_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(RPL_OBJ) $(FLEET_OBJ) $(LIB) $(LIBS) $(RPL_LIBS) $(OUT_LIBS) \
		$(FLEET_LIBS)

$(OUT)/tests/%: tests/unit/%.c $(REC_LIB) $(LIB) | $(WAIT_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(REC_LIB) $(LIB) $(LIBS) $(LDFLAGS) $(OUT_LIBS)

# rec_metrics.c serves HTTP: its unit test links the server library
$(OUT)/tests/test_metrics: LIBS += -lmicrohttpd
$(OUT)/tests/test_evidence: LIBS += -lcrypto
# replay/ builds no library: the count table's unit test links its one object
$(OUT)/tests/test_rpl_count: $(OUT)/replay/rpl_count.o
$(OUT)/tests/test_rpl_count: LIBS += $(OUT)/replay/rpl_count.o

$(OUT)/tools/%: tests/tools/%.c $(LIB) | $(WAIT_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LIBS) $(LDFLAGS) $(TOOL_LIBS)

$(OUT)/bench/%: bench/%.c $(LIB) | $(WAIT_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LIBS) $(LDFLAGS) -lpthread

# The target is compiled on its own so its dependency file lists what it
# includes (the record/ sources compiled into fuzz_procnet and fuzz_procfs).
# The replay driver is compiled once, by the generic rule, for every target
# (and kept: make would otherwise delete it as an intermediate file).
FUZZ_MAIN_OBJ := $(OUT)/tests/fuzz/fuzz_replay_main.o
.SECONDARY: $(FUZZ_MAIN_OBJ)
$(OUT)/fuzz-replay/%: tests/fuzz/%.c $(FUZZ_MAIN_OBJ) $(LIB) | $(WAIT_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MF $@.src.d -MT $@ -c $< -o $@.o
	$(CC) $(CFLAGS) -o $@ $@.o $(FUZZ_MAIN_OBJ) $(LIB) $(LIBS) $(LDFLAGS) $(OUT_LIBS)

# libFuzzer builds: make fuzz FUZZ_SECONDS=60 runs each target for that long;
# FUZZ_ONLY="fuzz_procnet fuzz_procfs" runs only those. Crash inputs go to
# .output/fuzz/<target>-crash-*.
FUZZ_SECONDS ?= 30
FUZZ_ONLY ?=
FUZZ_RUN := $(if $(FUZZ_ONLY),$(filter $(FUZZ_ONLY:%=tests/fuzz/%.c),$(FUZZ_SRC)),$(FUZZ_SRC))
# The library is instrumented once (fuzzer-no-link) and shared by every target,
# rather than recompiled from source into each of them.
FUZZ_FLAGS := -g -O1 $(INC) -D_GNU_SOURCE
FUZZ_LIB := .output/fuzz/libsysrec.a
.output/fuzz/obj/%.o: %.c | $(WAIT_DEPS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c $< -o $@
.output/fuzz/obj/gen/%.o: .output/gen/%.c
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@
$(FUZZ_LIB): $(LIB_SRC:%.c=.output/fuzz/obj/%.o) .output/fuzz/obj/gen/rule_default_data.o
	rm -f $@ && ar rcs $@ $^
fuzz: deps $(FUZZ_LIB)
	@for f in $(FUZZ_RUN); do n=$$(basename $$f .c); \
	  $(CLANG) $(FUZZ_FLAGS) -fsanitize=fuzzer,address,undefined \
	    -o .output/fuzz/$$n $$f $(FUZZ_LIB) $(LIBS) $(OUT_LIBS) || exit 1; \
	  mkdir -p tests/fuzz/corpus/$$n .output/fuzz/corpus-$$n; \
	  .output/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -artifact_prefix=.output/fuzz/$$n- \
	    .output/fuzz/corpus-$$n tests/fuzz/corpus/$$n 2>&1 | tail -3; \
	done

tools: $(TOOL_BIN)
test: deps all $(UNIT_BIN) $(TOOL_BIN) $(FUZZ_REPLAY_BIN) $(BENCH_BIN)
	@BIN=$(BIN) OUT=$(OUT) tests/run.sh

bench: all $(BENCH_BIN) $(TOOL_BIN)
	@OUT=$(OUT) BIN=$(BIN) bench/run.sh

# The README's first command: record this machine briefly, replay through the default rules.
main-job: deps all
	@scripts/main-job.sh

fixtures: all $(TOOL_BIN)
	tests/fixtures/regenerate.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')
format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

# ---- install: make install [PREFIX=/usr/local] [DESTDIR=/tmp/stage] ----
# Binaries, the default rules (found beside the binary: rules/rule_default.c),
# and, as later commits add them, man pages, bash completion, the sample
# config and the systemd unit. make uninstall removes exactly this list.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
RULESDIR ?= $(DATADIR)/sysrec/rules
MANDIR ?= $(DATADIR)/man
COMPDIR ?= $(DATADIR)/bash-completion/completions
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
CONFIG := $(SYSCONFDIR)/sysrec/sysrec.yaml
# The sample config with this installation's paths filled in.
SED_PATHS := sed -e 's|@RULESDIR@|$(RULESDIR)|g' -e 's|@BINDIR@|$(BINDIR)|g' \
	-e 's|@CONFIG@|$(CONFIG)|g'
INSTALL ?= install
MAN_PAGES := $(sort $(wildcard man/*.[1-8]))
MAN_DEST := $(foreach m,$(MAN_PAGES),$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(RULESDIR)
	$(INSTALL) -m 0755 $(BIN)/sysrec $(BIN)/sysreplay $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 $(RULES_DEFAULT) $(DESTDIR)$(RULESDIR)/
	$(foreach m,$(MAN_PAGES),$(INSTALL) -D -m 0644 $(m) \
		$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)) &&) true
	$(INSTALL) -D -m 0644 dist/sysrec.bash-completion $(DESTDIR)$(COMPDIR)/sysreplay
	$(INSTALL) -D -m 0644 dist/sysrec.bash-completion $(DESTDIR)$(COMPDIR)/sysrec
	$(INSTALL) -d $(DESTDIR)$(UNITDIR)
	$(SED_PATHS) dist/sysrec.service >$(DESTDIR)$(UNITDIR)/sysrec.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/sysrec.service
	@# an existing config is the administrator's: never replaced
	$(INSTALL) -d $(DESTDIR)$(SYSCONFDIR)/sysrec
	if [ -e $(DESTDIR)$(CONFIG) ]; then echo "keeping $(DESTDIR)$(CONFIG)"; else \
		$(SED_PATHS) dist/sysrec.yaml >$(DESTDIR)$(CONFIG) && chmod 0644 $(DESTDIR)$(CONFIG); fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sysrec $(DESTDIR)$(BINDIR)/sysreplay
	rm -f $(addprefix $(DESTDIR),$(MAN_DEST))
	rm -f $(DESTDIR)$(COMPDIR)/sysreplay $(DESTDIR)$(COMPDIR)/sysrec
	rm -f $(DESTDIR)$(UNITDIR)/sysrec.service
	@# the config goes only when it is still the one installed
	if $(SED_PATHS) dist/sysrec.yaml | cmp -s - $(DESTDIR)$(CONFIG); then \
		rm -f $(DESTDIR)$(CONFIG); else [ ! -e $(DESTDIR)$(CONFIG) ] || \
		echo "keeping $(DESTDIR)$(CONFIG): changed since installed"; fi
	-rmdir $(DESTDIR)$(SYSCONFDIR)/sysrec 2>/dev/null
	rm -f $(addprefix $(DESTDIR)$(RULESDIR)/,$(notdir $(RULES_DEFAULT)))
	-rmdir $(DESTDIR)$(RULESDIR) $(DESTDIR)$(DATADIR)/sysrec 2>/dev/null

clean:
	rm -rf .output bin

-include $(shell find .output -name '*.d' 2>/dev/null)
