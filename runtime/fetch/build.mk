# runtime/fetch/build.mk — bin/fetch-and-verify, linking only what it needs.
# Everything but main.c is a library the tests (and later `yoe`) link.
FETCH_SRCS := $(wildcard runtime/fetch/*.c)
FETCH_LIB_SRCS := $(filter-out runtime/fetch/main.c,$(FETCH_SRCS))
FETCH_LIBS := libcurl libgit2 openssl libarchive
PROGRAMS += $(BIN)/fetch-and-verify
HELPERS += fetch-and-verify
$(BIN)/fetch-and-verify: $(call objs,$(FETCH_SRCS)) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(call objs,$(FETCH_SRCS)) $(RTLIB) $(call pkg_libs,$(FETCH_LIBS))
