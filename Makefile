# Makefile for the mlops PostgreSQL extension (PGXS)

EXTENSION = mlops
EXTVERSION = 0.1.0

MODULE_big = mlops
OBJS = \
	src/mlops.o \
	src/linalg.o \
	src/preprocess.o \
	src/artifact.o \
	src/featurespec.o \
	src/algorithm.o \
	src/algo_linear.o \
	src/algo_linear_train.o \
	src/algo_linear_gram.o \
	src/algo_logistic.o \
	src/algo_kmeans.o \
	src/evalmetrics.o \
	src/algo_elastic_net.o \
	src/algo_pca.o \
	src/algo_naive_bayes.o \
	src/algo_xgboost.o \
	src/xgboost.o \
	src/xgb_json.o \
	src/pass.o \
	src/pass_state.o \
	src/sqlexec.o \
	src/catalog.o \
	src/roles.o \
	src/acl.o \
	src/resolve.o \
	src/views.o \
	src/cache.o \
	src/predict.o \
	src/inspect.o \
	src/metrics.o \
	src/evaluate.o \
	src/train.o \
	src/registry.o

DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql
DATA = $(wildcard sql/$(EXTENSION)--*--*.sql)

TESTS = $(sort $(wildcard test/sql/*.sql))
REGRESS = $(patsubst test/sql/%.sql,%,$(TESTS))
REGRESS_OPTS = --inputdir=test --load-extension=$(EXTENSION)

EXTRA_CLEAN = tmp_check bench/results build

OPTFLAGS ?=
# OpenBLAS is not linked: src/linalg.c loads it by its soname the first time
# training needs it, so that parallel workers, which load every library
# their leader has, do not relocate it for statements that never call it.
BLAS_SONAME := $(shell objdump -p $(shell pkg-config --variable=libdir openblas)/libopenblas.so 2>/dev/null | sed -n 's/^ *SONAME *//p')
# XGBoost (tree models) is loaded the same way, by src/xgboost.c.
XGBOOST_SONAME := $(shell objdump -p /usr/lib/$(shell gcc -print-multiarch 2>/dev/null)/libxgboost.so 2>/dev/null | sed -n 's/^ *SONAME *//p')
PG_CPPFLAGS = -I$(srcdir)/include $(shell pkg-config --cflags openblas) \
	$(if $(BLAS_SONAME),-DMLOPS_BLAS_LIBRARY='"$(BLAS_SONAME)"') \
	$(if $(XGBOOST_SONAME),-DMLOPS_XGBOOST_LIBRARY='"$(XGBOOST_SONAME)"')
PG_CFLAGS += $(OPTFLAGS) -ftree-vectorize -fno-trapping-math
SHLIB_LINK += -lm

PG_CONFIG ?= pg_config

# The README's commands set up what is missing first, then run the suites
# in throwaway clusters.  They are kept out of PGXS, whose own "check"
# target (a temporary installation) does not apply to extensions.
SETUP_GOALS = demo check bench deps fuzz valgrind soak
ifneq ($(filter $(SETUP_GOALS),$(MAKECMDGOALS)),)

.PHONY: $(SETUP_GOALS)
deps:
	@test/scripts/install-deps.sh
demo: deps
	@test/scripts/demo.sh
check: deps
	@test/scripts/check.sh
bench: deps
	@bench/run.sh
fuzz: deps
	@test/fuzz/run.sh
valgrind: deps
	@test/scripts/valgrind.sh
soak: deps
	@test/scripts/soak.sh

else

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

sql/$(EXTENSION)--$(EXTVERSION).sql: sql/$(EXTENSION).sql
	cp $< $@

# TAP tests live in test/t (PGXS only looks in t/).
.PHONY: prove_installcheck
prove_installcheck:
	rm -rf '$(CURDIR)'/tmp_check
	cd $(srcdir) && TESTDIR='$(CURDIR)' PATH="$(bindir):$$PATH" PGPORT='6$(DEF_PGPORT)' \
	  PG_REGRESS='$(top_builddir)/src/test/regress/pg_regress' \
	  $(PROVE) $(PG_PROVE_FLAGS) -I test/t $(PROVE_FLAGS) \
	  $(if $(PROVE_TESTS),$(PROVE_TESTS),test/t/*.pl)

endif
