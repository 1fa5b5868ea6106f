# Front door. The real build is CMake; this file only sequences the steps.
#   make        build build/spoor (release with debug info)
#   make run    install missing Debian packages, build, start the shell
#   make test   install missing Debian packages, build, run every test,
#               then build and run the whole suite under ASan + UBSan
#   make bench  run the benchmarks in bench/ (see docs/benchmarks.md)

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build run test test-asan bench docs clean

all: build

deps:
	@sh scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: deps build
	./$(BUILD)/spoor

test: deps build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) test-asan

test-asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSPOOR_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS)

bench: deps build
	sh bench/run.sh
	sh bench/run-tables.sh

docs: build
	./$(BUILD)/spoor --table_docs > docs/tables.md

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
