# -DVITCNN_SANITIZE=ON (./build_wasm.sh test configures it as build-asan/): every target of the tree is compiled
# with AddressSanitizer + UndefinedBehaviorSanitizer, any report aborts (-fno-sanitize-recover=all), and every
# library carries libFuzzer's coverage instrumentation (fuzzer-no-link) so the tests/fuzz targets see the code they
# reach; ui_tests runs the same libraries without libFuzzer's driver. clang only (Debian: clang-14 and
# libclang-rt-14-dev, which holds libFuzzer and the sanitizer runtimes).
if(EMSCRIPTEN OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "VITCNN_SANITIZE=ON needs clang natively (-DCMAKE_CXX_COMPILER=clang++-14 "
                      "-DCMAKE_C_COMPILER=clang-14), not ${CMAKE_CXX_COMPILER_ID}")
endif()
# Line tables only: symbolized reports at a fraction of full debug info's size (the binaries travel to other
# machines for the long runs, tools/fuzz/run_long.sh).
set(VITCNN_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
                          -gline-tables-only)
# -O1 whatever the build type (it comes after CMAKE_CXX_FLAGS_<TYPE>, so it wins): the usual level for fuzzing,
# and it keeps this tree's build short on a 2-core machine.
add_compile_options(${VITCNN_SANITIZE_FLAGS} -fsanitize=fuzzer-no-link -O1)
add_link_options(${VITCNN_SANITIZE_FLAGS})
