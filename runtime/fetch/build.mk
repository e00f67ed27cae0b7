# runtime/fetch/build.mk — bin/fetch-and-verify, linking only what it needs.
FETCH_SRCS := $(wildcard runtime/fetch/*.c)
FETCH_LIBS := libcurl libgit2 openssl libarchive
PROGRAMS += $(BIN)/fetch-and-verify
HELPERS += fetch-and-verify
$(BIN)/fetch-and-verify: $(call objs,$(FETCH_SRCS)) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(call objs,$(FETCH_SRCS)) $(RTLIB) $(call pkg_libs,$(FETCH_LIBS))
