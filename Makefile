# Makefile — builds yoe (the `yoe` front end and its runtime helpers) and runs
# its tests.  Each component describes itself in a `build.mk` fragment next to
# its sources (gen/*/build.mk, runtime/*/build.mk, tests/*/build.mk); this file
# holds only the shared machinery, so components can grow without touching it.
#
#   make                 build bin/yoe and the helpers
#   make check           every test, then the unit tests again under ASan/UBSan
#   make demo            the end-to-end demo project
#   make bench           benchmarks (figures, never pass/fail on timing)
#   make install PREFIX=/usr/local [DESTDIR=...]
#
# OUT selects the build tree: `.` for the normal build, `.san` for the
# sanitizer build that `make check` makes with a recursive call.

OUT      ?= .
PREFIX   ?= /usr/local
CC       ?= cc
PKG_CONFIG ?= pkg-config

# $(call pkg_cflags,pkgs...) / $(call pkg_libs,pkgs...) — pkg-config flags.
pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pkg_libs   = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

CFLAGS   ?= -O2 -g
WARN      = -Wall -Wextra -Wno-unused-parameter
BASEFLAGS = -std=c17 -D_GNU_SOURCE $(WARN) -MMD -MP -Igen -Iruntime -Itests/lib
ifeq ($(OUT),.san)
SANFLAGS  = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
ifdef WERROR
BASEFLAGS += -Werror
endif
# Include paths of every library are harmless everywhere; links stay per binary.
LIBS_ALL  = libgit2 libcurl openssl libarchive libxxhash inih
PKG_CFLAGS := $(call pkg_cflags,$(LIBS_ALL))
ALL_CFLAGS = $(BASEFLAGS) $(PKG_CFLAGS) $(SANFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

# $(call objs,srcs...) — object files for sources, inside $(OUT)/obj.
objs = $(patsubst %.c,$(OUT)/obj/%.o,$(1))

BIN       = $(OUT)/bin
RTLIB     = $(OUT)/obj/librt.a   # runtime/lib, see runtime/lib/build.mk
TEST_OBJ  = $(OUT)/obj/tests/lib/test.o  # main() of C unit tests
YOE_OBJS :=          # objects of bin/yoe, appended by gen/*/build.mk
YOE_LIBS :=          # pkg-config libs bin/yoe links
PROGRAMS :=          # bin/yoe and the helpers (installed)
HELPERS  :=          # helper names installed to libexec/yoe
UNIT_TESTS :=        # C test programs (names in $(BIN)); also run under sanitizers
SCRIPT_TESTS :=      # shell/python test scripts, run with YOE_BIN=bin
BENCHES  :=          # scripts run by `make bench`
CLEAN    :=

.PHONY: all check check-fast demo bench install clean deps
all: deps-build programs

# Fragments, in a fixed order so the build is the same everywhere.
include $(sort $(wildcard gen/*/build.mk runtime/*/build.mk tests/*/build.mk))

# bin/yoe is linked here, after every gen/*/build.mk had its say.
PROGRAMS += $(BIN)/yoe
$(BIN)/yoe: $(YOE_OBJS) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(YOE_OBJS) $(RTLIB) $(call pkg_libs,$(sort $(YOE_LIBS))) -lm

.PHONY: programs
programs: $(PROGRAMS)

# V=1 shows full compiler command lines.
ifeq ($(V),1)
Q :=
else
Q := @
endif
$(OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

-include $(shell find $(OUT)/obj -name '*.d' 2>/dev/null)

# install-deps is a no-op (no network) when everything is present.
.PHONY: deps-build
deps-build:
	@scripts/install-deps --build
deps:
	@scripts/install-deps

# The test programs are built in both trees, then tests/run-tests runs them
# and prints one overall `N passed, N failed` line.  T=pattern narrows it.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) programs $(addprefix bin/,$(UNIT_TESTS))
	@$(MAKE) --no-print-directory -j$(JOBS) OUT=.san programs $(addprefix .san/bin/,$(UNIT_TESTS))
	@tests/run-tests --bin $(abspath bin) --san-bin $(abspath .san/bin) \
	  --unit "$(UNIT_TESTS)" --scripts "$(SCRIPT_TESTS)" $(if $(T),--only '$(T)')

# check-fast: the normal tree only (for quick iteration on one component).
check-fast: deps-build
	@$(MAKE) --no-print-directory -j$(JOBS) programs $(addprefix bin/,$(UNIT_TESTS))
	@tests/run-tests --bin $(abspath bin) \
	  --unit "$(UNIT_TESTS)" --scripts "$(SCRIPT_TESTS)" $(if $(T),--only '$(T)')

demo: deps programs
	@scripts/demo

bench: deps programs
	@tests/run-benches $(BENCHES)

install: programs
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/yoe
	install -m 0755 $(BIN)/yoe $(DESTDIR)$(PREFIX)/bin/yoe
	for h in $(HELPERS); do install -m 0755 $(BIN)/$$h $(DESTDIR)$(PREFIX)/libexec/yoe/$$h || exit 1; done
	# module-core and the init templates, found by `yoe init` as ../share/yoe
	install -d $(DESTDIR)$(PREFIX)/share/yoe
	cp -R modules templates $(DESTDIR)$(PREFIX)/share/yoe/

clean:
	rm -rf obj bin .san $(CLEAN)
