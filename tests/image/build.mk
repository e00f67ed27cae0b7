# tests/image/build.mk — tests of image-assemble: C unit tests of its parts
# (spec, sizes, manifest order, partition tables, path safety) and the
# end-to-end script that builds real images as an ordinary user; the
# initramfs built from kernel modules (test-initrd.sh boots it in QEMU).
UNIT_TESTS += test-image
SCRIPT_TESTS += tests/image/test-image.sh tests/image/test-initrd.sh
BENCHES += tests/image/bench-image.sh
$(BIN)/test-image: $(call objs,tests/image/test_image.c) $(IMAGE_OBJS) $(APKLIB) $(TEST_OBJ) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pkg_libs,$(sort $(IMAGE_LIBS))) -pthread
UNIT_TESTS += test-initrd-parts
$(BIN)/test-initrd-parts: $(call objs,tests/image/test_initrd.c) $(IMAGE_OBJS) $(APKLIB) $(TEST_OBJ) $(RTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pkg_libs,$(sort $(IMAGE_LIBS))) -pthread
