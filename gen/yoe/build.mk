# gen/yoe/build.mk — the project model (builtins, loader, modules, registry,
# provides, closure, DAG, unit keys) linked into bin/yoe.  The pure-C part
# (no interpreter) is also linked into the model unit tests.
YOE_MODEL_SRCS := gen/yoe/util.c gen/yoe/registry.c gen/yoe/provides.c gen/yoe/closure.c \
                  gen/yoe/dag.c gen/yoe/unitkey.c gen/yoe/json.c
YOE_MODEL_OBJS := $(call objs,$(YOE_MODEL_SRCS))
YOE_OBJS += $(call objs,$(sort $(wildcard gen/yoe/*.c)))
YOE_LIBS += openssl libxxhash
