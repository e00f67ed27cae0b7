# tests/image/build.mk — tests of image-assemble: C unit tests of its parts
# (spec, sizes, manifest order, partition tables, path safety) and the
# end-to-end script that builds real images as an ordinary user.
UNIT_TESTS += test-image
SCRIPT_TESTS += tests/image/test-image.sh
BENCHES += tests/image/bench-image.sh
$(BIN)/test-image: $(call objs,tests/image/test_image.c) $(IMAGE_OBJS) $(APKLIB) $(TEST_OBJ) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pkg_libs,$(sort $(IMAGE_LIBS))) -pthread
