# parity — build, test, run, install.
#
#   make            build build/parity (checks dependencies first)
#   make deps       install missing Debian packages (root or sudo)
#   make check      deps + build + unit and command-line tests
#   make run        deps + build + the workstation demo into results/
#   make help       every target
#
# Overridable: CC, MPICC, CFLAGS, LDFLAGS, PREFIX, DESTDIR, BUILD, V=1.
# The flags parity needs (OpenMP, MPI, HDF5, -ffp-contract=off) are always
# added, before yours, so `make CFLAGS=-O2` cannot drop them.

PARITY_VERSION := 0.1.0

# MPI=openmpi (default) or MPI=mpich: which MPI and which parallel HDF5 to
# build against.  The MPICH build (Debian mpich + libhdf5-mpich-dev) lands in
# its own folder, build-mpich/, and installs as parity-mpich, so both builds
# live side by side; run it with MPICH's launcher, mpiexec.mpich.
MPI     ?= openmpi
ifeq ($(MPI),mpich)
MPICC   ?= mpicc.mpich
BUILD   ?= build-mpich
HDF5_PKG := hdf5-mpich
BIN_NAME := parity-mpich
else ifeq ($(MPI),openmpi)
HDF5_PKG := hdf5-openmpi
BIN_NAME := parity
else
$(error MPI=$(MPI): choose openmpi (default) or mpich)
endif

CC      ?= cc
MPICC   ?= mpicc
CFLAGS  ?= -O3 -march=native -g
LDFLAGS ?=
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build

# Required flags.  -ffp-contract=off: no implicit fused multiply-adds, so a
# vectorised loop body and its scalar remainder round alike and results are
# bitwise identical across decompositions (kernels that want FMA call fma()
# explicitly).  Never -ffast-math: it licenses reassociation.
# -fno-math-errno only lets sqrt() vectorise (it is correctly rounded either
# way; parity never reads errno after libm calls).
HDF5_CFLAGS := $(shell pkg-config --cflags $(HDF5_PKG) 2>/dev/null)
HDF5_LIBS   := $(shell pkg-config --libs $(HDF5_PKG) 2>/dev/null)
# Optional OpenBLAS (Debian libopenblas-dev), the reference for `matmul
# --variant blas`: found by pkg-config, else that variant refuses to run.
# `make HAVE_BLAS=` builds without it even where it is installed.
HAVE_BLAS   ?= $(shell pkg-config --exists openblas 2>/dev/null && echo 1)
HAVE_BLAS   := $(HAVE_BLAS)
BLAS_CFLAGS := $(if $(HAVE_BLAS),-DPARITY_HAVE_BLAS $(shell pkg-config --cflags openblas))
BLAS_LIBS   := $(if $(HAVE_BLAS),$(shell pkg-config --libs openblas))
REQ_CFLAGS  := -std=gnu11 -Iinclude -fopenmp -ffp-contract=off -fno-fast-math -fno-math-errno -Wall -Wextra \
               -Wno-unknown-pragmas $(HDF5_CFLAGS) $(BLAS_CFLAGS)
# The one flag family that breaks the product's promise (it licenses
# reassociation, so sums stop being bitwise reproducible): refused, not
# silently overridden by the -fno-fast-math above.
UNSAFE_MATH := $(filter -ffast-math -Ofast -funsafe-math-optimizations -fassociative-math,$(CFLAGS))
ifneq ($(UNSAFE_MATH),)
$(error parity: CFLAGS has $(UNSAFE_MATH): it reorders floating-point sums and breaks the bitwise promise; build without it)
endif
ALL_CFLAGS  := $(REQ_CFLAGS) $(CFLAGS) $(SANITIZE)
ALL_LDFLAGS := -fopenmp $(LDFLAGS) $(SANITIZE)
# nettle: the SHA-256 of a plugin's file, recorded in its result files.
NETTLE_LIBS := $(shell pkg-config --libs nettle 2>/dev/null || echo -lnettle)
LIBS        := $(HDF5_LIBS) $(BLAS_LIBS) $(NETTLE_LIBS) -ldl -lm
# The kernel API's functions (api/*.c) are exported from the parity
# executable, and only they: a plugin's calls to parity_param() or the repro
# sums resolve against parity's own code when it is dlopen()ed, so a plugin
# links no library and cannot carry a stale copy of the sums.
EXPORTS     := api/exports.list

# mpicc wraps $(CC): Open MPI reads OMPI_CC, MPICH reads MPICH_CC.
COMPILE = OMPI_CC=$(CC) MPICH_CC=$(CC) $(MPICC)

GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell \
                git diff --quiet HEAD 2>/dev/null || echo -dirty)
FLAGS_TEXT := $(strip $(ALL_CFLAGS))
# The build facts go into one object, drivers/build_info.o, so a new commit
# recompiles that file only (before, the commit was in every object's -D and
# each commit rebuilt everything).  PARITY_VERSION stays global while
# analysis/report_write.c reads the macro; it changes only with a release.
DEFINES := -DPARITY_VERSION='"$(PARITY_VERSION)"'
BUILD_INFO_DEFINES := -DPARITY_GIT_COMMIT='"$(GIT_COMMIT)"' \
                      -DPARITY_CFLAGS='"$(subst ',,$(subst ",,$(FLAGS_TEXT)))"'

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Every kernel folder is picked up: adding a kernel needs no change here.
LIB_SRCS  := $(wildcard api/*.c) $(wildcard common/*.c) $(wildcard kernels/*.c) $(wildcard kernels/*/*.c) \
             $(filter-out drivers/main.c,$(wildcard drivers/*.c)) $(wildcard analysis/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ  := $(BUILD)/obj/drivers/main.o
TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tests/%)

.PHONY: all deps depcheck check test check-asan run install uninstall clean help cross tsan mpich-build test-mpich test-tools
.DEFAULT_GOAL := all

all: $(BUILD)/parity

help:
	@sed -n '3,12p' Makefile | sed 's/^# \{0,1\}//'
	@echo
	@echo "targets:"
	@echo "  all          build $(BUILD)/parity (default)"
	@echo "  deps         install missing packages with apt-get (root/sudo), else print the command"
	@echo "  check        deps, build, run unit (cmocka) and command-line (bats) tests under prove"
	@echo "  test         the tests only, without installing anything"
	@echo "  test-mpich   the MPI tests again with the MPICH build (build-mpich/, mpiexec.mpich)"
	@echo "  MPI=mpich    (with all/install) build against MPICH into build-mpich/, install as parity-mpich"
	@echo "  check-asan   the tests again, built with AddressSanitizer + UBSan in build-asan/"
	@echo "  cross        build-x86/parity (gcc -O1 -march=x86-64) and build-clang/parity (clang -O3"
	@echo "               -march=native): repro results must be bitwise those of build/parity"
	@echo "  tsan         build-tsan/parity: clang + libomp + ThreadSanitizer (Archer), for races.bats"
	@echo "  run          deps, build, the workstation demo (jobs/demo.sh) into results/"
	@echo "  install      install parity, the kernel API headers and parity.pc under \$$(DESTDIR)\$$(PREFIX) (PREFIX=$(PREFIX))"
	@echo "  uninstall    remove it again"
	@echo "  clean        remove build outputs (never results/)"

deps:
	@tools/deps.sh install all

# One clear line instead of a wall of compiler errors when a package is missing.
depcheck:
	@tools/deps.sh check $(if $(filter mpich,$(MPI)),mpich,build)

# Objects rebuild when the flags change, not only when sources do.
$(BUILD)/flags: FORCE | depcheck
	@mkdir -p $(@D)
	@echo '$(subst ',,$(FLAGS_TEXT) $(ALL_LDFLAGS))' | cmp -s - $@ || \
	  echo '$(subst ',,$(FLAGS_TEXT) $(ALL_LDFLAGS))' > $@
FORCE:

# The commit (and -dirty) the build is made from: only build_info.o needs it.
$(BUILD)/commit: FORCE | depcheck
	@mkdir -p $(@D)
	@echo '$(GIT_COMMIT)' | cmp -s - $@ || echo '$(GIT_COMMIT)' > $@
$(BUILD)/obj/drivers/build_info.o: $(BUILD)/commit
$(BUILD)/obj/drivers/build_info.o: DEFINES += $(BUILD_INFO_DEFINES)

$(BUILD)/obj/%.o: %.c $(BUILD)/flags
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(COMPILE) $(ALL_CFLAGS) $(DEFINES) -MMD -MP -c $< -o $@

$(BUILD)/libparity.a: $(LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/parity: $(MAIN_OBJ) $(BUILD)/libparity.a $(EXPORTS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(COMPILE) $(ALL_LDFLAGS) -Wl,--dynamic-list=$(EXPORTS) -o $@ $(MAIN_OBJ) $(BUILD)/libparity.a $(LIBS)
	@$(if $(HAVE_BLAS),:,echo "  note    built without OpenBLAS: matmul --variant blas refuses to run (install libopenblas-dev and rebuild)")

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libparity.a $(BUILD)/flags
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(COMPILE) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(BUILD)/libparity.a $(ALL_LDFLAGS) $(TEST_LDFLAGS) $(LIBS) -lcmocka

# test_cli_parsing hands options.c kernels with fewer modes than the table
# through its own kernel_find (the registry's stays reachable as __real_).
$(BUILD)/tests/test_cli_parsing: TEST_LDFLAGS := -Wl,--wrap=kernel_find

$(BUILD)/tests/%: tests/tools/%.c $(BUILD)/flags
	@mkdir -p $(@D)
	$(Q)$(COMPILE) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) $(LIBS)

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_BINS:=.d)

# Fault injection for tests/cli/faults.bats: an LD_PRELOAD shim that makes
# the Nth write/rename/fsync/H5Dwrite fail.  Built without sanitizers: it is
# preloaded into the ASan build as well.
FAULT_SHIM := $(BUILD)/tests/faultshim.so
$(FAULT_SHIM): tests/fault/faultshim.c
	@mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Wextra -shared -fPIC -o $@ $< -ldl
test: $(FAULT_SHIM)

# The README's test command.  Installs what is missing, then runs the tests
# (with the MPICH build beside the default one, so tests/cli/mpich.bats can
# verify the two against each other), then the MPI tests with MPICH.
check:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory mpich-build
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory test-mpich

# The second MPI: the bats files that launch MPI, run with the MPICH build
# (build-mpich/) under MPICH's own launcher.  Skipped, saying why, where
# MPICH or its parallel HDF5 is not installed.
MPICH_TESTS := tests/cli/modes.bats tests/cli/kernels.bats tests/cli/errors.bats
HAVE_MPICH = pkg-config --exists hdf5-mpich && command -v mpicc.mpich >/dev/null && \
             command -v mpiexec.mpich >/dev/null
mpich-build:
	@if $(HAVE_MPICH); then $(MAKE) --no-print-directory MPI=mpich BUILD=build-mpich all test-tools; \
	else echo "mpich: not built: MPICH or libhdf5-mpich-dev missing (make deps)"; fi

# MPICH busy-polls where Open MPI yields when oversubscribed; OpenMP threads
# that spin in barriers too made these tests 3x slower on 2 shared cores.
# OMP_WAIT_POLICY changes no result bit, only how idle threads wait.
test-mpich: mpich-build
	@if $(HAVE_MPICH); then \
	  PARITY_BUILD=$(abspath build-mpich) PARITY_MPIEXEC="mpiexec.mpich -n" OMP_WAIT_POLICY=passive \
	    TESTS="$(MPICH_TESTS)" tests/run-all.sh; \
	else echo "test-mpich: SKIP: MPICH or libhdf5-mpich-dev missing (make deps)"; fi

test-tools: $(TOOL_BINS)

test: $(BUILD)/parity $(TEST_BINS) $(TOOL_BINS) cross tsan
	@PARITY_BUILD=$(abspath $(BUILD)) PARITY_X86=$(abspath $(X86_BIN)) \
	  PARITY_CLANG=$(abspath $(CLANG_BIN)) PARITY_TSAN=$(abspath $(TSAN_BIN)) \
	  tests/run-all.sh $(TEST_BINS)

# Other builds of the same sources (issue 8: bitwise across builds; issue 9:
# race detection).  The lane counts of the reproducible sums are fixed in the
# code, not by the vector width, so a baseline-ISA -O1 gcc build and a clang
# build must give the default build's repro bits: tests/cli/crossbuild.bats
# checks it with `parity verify`.  clang's mpicc: COMPILE passes CC through
# OMPI_CC.  SANITIZE= and LDFLAGS= keep check-asan's flags out of them.
X86_BIN   := build-x86/parity
CLANG_BIN := build-clang/parity
TSAN_BIN  := build-tsan/parity
CLANG     ?= clang
GCC       ?= gcc
cross:
	@$(MAKE) --no-print-directory BUILD=build-x86 CC=$(GCC) \
	  CFLAGS="-O1 -march=x86-64 -g" SANITIZE= LDFLAGS= $(X86_BIN)
	@$(MAKE) --no-print-directory BUILD=build-clang CC=$(CLANG) \
	  CFLAGS="-O3 -march=native -g" SANITIZE= LDFLAGS= $(CLANG_BIN)

# ThreadSanitizer needs every thread's synchronisation instrumented: clang's
# libomp is not, so Archer (libarcher.so, an OMPT tool shipped with
# libomp-14-dev) tells TSan what OpenMP's barriers, locks and reductions
# order; tests/cli/races.bats loads it with OMP_TOOL_LIBRARIES.
tsan:
	@$(MAKE) --no-print-directory BUILD=build-tsan CC=$(CLANG) \
	  CFLAGS="-O1 -g -fno-omit-frame-pointer" SANITIZE=-fsanitize=thread LDFLAGS= $(TSAN_BIN)

# Open MPI, PMIx and HDF5 keep allocations until exit; tests/lsan.supp names
# those libraries (never parity's code).  Full unwinding and keeping MPI's
# plugins loaded give the leak reports frames that the suppressions can match.
check-asan: export ASAN_OPTIONS = fast_unwind_on_malloc=0:detect_leaks=1
check-asan: export LSAN_OPTIONS = suppressions=$(abspath tests/lsan.supp):print_suppressions=0
check-asan: export UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1
check-asan: export OMPI_MCA_mca_base_component_disable_dlclose = 1
check-asan:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory test BUILD=build-asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	  SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=undefined"

run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@PARITY=$(abspath $(BUILD))/parity jobs/demo.sh

# install: the command, the kernel API headers and a pkg-config file, so a
# plugin builds with `cc $(pkg-config --cflags parity) -fPIC -shared k.c`.
# No library: the API's functions are exported from the parity executable
# (EXPORTS above).  The pc file carries the bitwise flags and, as the
# variable mpicc, the MPI compiler parity was built with.  The MPICH build
# installs parity-mpich and parity-mpich.pc beside them (same headers).
API_HEADERS := $(wildcard include/parity/*.h)
PC_FILE     := $(BUILD)/$(BIN_NAME).pc
$(PC_FILE): FORCE
	@mkdir -p $(@D)
	@printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$${prefix}/include' \
	  'bindir=$${prefix}/bin' 'parity=$${bindir}/$(BIN_NAME)' 'mpicc=$(MPICC)' \
	  'api_version='$$(sed -n 's/^#define PARITY_KERNEL_API_VERSION \([0-9]*\)/\1/p' include/parity/kernel.h) '' \
	  'Name: $(BIN_NAME)' 'Description: parity kernel API, for out-of-tree kernels (plugins)' \
	  'Version: $(PARITY_VERSION)' \
	  'Cflags: -I$${includedir} -ffp-contract=off -fno-fast-math' 'Libs:' > $@

install: $(BUILD)/parity $(PC_FILE)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include/parity \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 0755 $(BUILD)/parity $(DESTDIR)$(PREFIX)/bin/$(BIN_NAME)
	install -m 0644 $(API_HEADERS) $(DESTDIR)$(PREFIX)/include/parity/
	install -m 0644 $(PC_FILE) $(DESTDIR)$(PREFIX)/lib/pkgconfig/$(BIN_NAME).pc

# Removes what install put, and the headers' folder only if it is then empty
# (the other MPI's build may still use the headers).
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/$(BIN_NAME) $(DESTDIR)$(PREFIX)/lib/pkgconfig/$(BIN_NAME).pc
	@if [ ! -e $(DESTDIR)$(PREFIX)/bin/$(if $(filter parity,$(BIN_NAME)),parity-mpich,parity) ]; then \
	  echo "rm -f $(addprefix $(DESTDIR)$(PREFIX)/include/parity/,$(notdir $(API_HEADERS)))"; \
	  rm -f $(addprefix $(DESTDIR)$(PREFIX)/include/parity/,$(notdir $(API_HEADERS))); \
	  rmdir $(DESTDIR)$(PREFIX)/include/parity 2>/dev/null || true; fi

clean:
	rm -rf build build-asan build-fuzz build-x86 build-clang build-tsan build-mpich build-avx2 $(BUILD)

# ---- reader fuzzer (tests/fuzz): clang, libFuzzer, ASan + UBSan --------------
#   make fuzz [FUZZ_SECONDS=600]   build build-fuzz/fuzz_reader and run it on a
#                                  tests/fuzz/corpus (new inputs land in
#                                  build-fuzz/corpus; crashes, kept going
#                                  past in fork mode, in build-fuzz/artifacts:
#                                  libhdf5 1.10.8's own over-reads on
#                                  malformed headers show up there too)
# The saved corpus is replayed by tests/unit/test_fuzz_replay.c in every
# `make test` and `make check-asan`.  Clang builds go through Open MPI's
# wrapper with OMPI_CC=clang.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := $(REQ_CFLAGS) -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_OBJS    := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_COMPILE  = OMPI_CC=$(FUZZ_CC) MPICH_CC=$(FUZZ_CC) $(MPICC)

.PHONY: fuzz
# clang 14 with glibc has no CMPLX (glibc defines it for GCC only); the
# builtin it stands for is the same value.
$(FUZZ_BUILD)/obj/kernels/mandelbrot/mandelbrot.o: FUZZ_CFLAGS += '-DCMPLX(x,y)=__builtin_complex((double)(x),(double)(y))'
$(FUZZ_BUILD)/obj/drivers/build_info.o: DEFINES += $(BUILD_INFO_DEFINES)
$(FUZZ_BUILD)/obj/%.o: %.c | depcheck
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_COMPILE) $(FUZZ_CFLAGS) $(DEFINES) -c $< -o $@

$(FUZZ_BUILD)/fuzz_reader: tests/fuzz/fuzz_reader.c $(FUZZ_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_COMPILE) $(REQ_CFLAGS) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LIBS)

# allocator_may_return_null: a huge malloc fails with NULL as it does in the
# real build (libhdf5 asks for sizes read from a corrupt header), instead of
# ASan stopping the run on it.
fuzz: $(FUZZ_BUILD)/fuzz_reader
	@mkdir -p $(FUZZ_BUILD)/corpus $(FUZZ_BUILD)/artifacts
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	  $(FUZZ_BUILD)/fuzz_reader -max_total_time=$(FUZZ_SECONDS) -close_fd_mask=3 -print_final_stats=1 \
	  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
	  -max_len=262144 -timeout=20 -rss_limit_mb=4096 \
	  -artifact_prefix=$(FUZZ_BUILD)/artifacts/ $(FUZZ_BUILD)/corpus tests/fuzz/corpus
