# runtime/step/build.mk — bin/container-step, linking only what it needs
# (inih for the unit spec and config.ini, libxxhash for container rootfs
# tree hashes; runtime/lib).  Every source but main.c also goes into the
# unit test program (tests/step/build.mk).
STEP_SRCS := $(filter-out runtime/step/main.c,$(wildcard runtime/step/*.c))
STEP_LIBS := inih libxxhash
PROGRAMS += $(BIN)/container-step
HELPERS += container-step
$(BIN)/container-step: $(call objs,runtime/step/main.c $(STEP_SRCS)) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(call objs,runtime/step/main.c $(STEP_SRCS)) $(RTLIB) $(call pkg_libs,$(STEP_LIBS))
