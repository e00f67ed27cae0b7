# runtime/step/build.mk — bin/container-step, linking only what it needs.
STEP_SRCS := $(wildcard runtime/step/*.c)
STEP_LIBS := inih
PROGRAMS += $(BIN)/container-step
HELPERS += container-step
$(BIN)/container-step: $(call objs,$(STEP_SRCS)) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(call objs,$(STEP_SRCS)) $(RTLIB) $(call pkg_libs,$(STEP_LIBS))
