#!/usr/bin/env bash
# ViT vs CNN Lab: install what is missing, build, then serve or test.
#   ./build_wasm.sh          install, build the web page, serve it on http://127.0.0.1:8000 (PORT=... to change)
#   ./build_wasm.sh build    install and build: the page in build-wasm/web/ (its threaded module from build-wasm-mt/),
#                            the desktop app build/vitcnn-lab
#   ./build_wasm.sh test     install, build both trees, run every test (native, wasm under node, an ASan + UBSan
#                            tree against Dear ImGui 1.86 with 20 s fuzz runs, headless Chromium, desktop under
#                            Xvfb); exits non-zero on any failure
#   ./build_wasm.sh deps     install only
# Dependencies: Debian packages listed in tools/apt-packages.txt, npm packages pinned in web/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")"
readonly JOBS=${JOBS:-2}
readonly PORT=${PORT:-8000}
# Emscripten 3.1.6 finds Debian's acorn only through NODE_PATH (docs/toolchain.md, E1).
export NODE_PATH=/usr/share/nodejs

log() { printf '\n== %s\n' "$*"; }

install_deps() {
  local wanted missing=() sudo=()
  [[ $(id -u) == 0 ]] || sudo=(sudo)
  wanted=$(sed 's/#.*//' tools/apt-packages.txt | tr -s ' \t' '\n' | grep -v '^$')
  for pkg in $wanted; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    log "apt: installing ${missing[*]}"
    "${sudo[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
  fi
  # NodeSource's nodejs bundles npm; Debian's own nodejs ships it as the separate package npm.
  if ! command -v npm >/dev/null; then
    log "apt: installing npm (Debian's nodejs comes without it)"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends npm
  fi
  # npm's own record of the last install is older than the lockfile when node_modules is stale.
  if [[ ! -f web/node_modules/.package-lock.json || web/package-lock.json -nt web/node_modules/.package-lock.json ]]
  then
    log "npm ci (web/)"
    (cd web && npm ci --no-audit --no-fund)
  fi
}

build_native() {
  log "native build (build/)"
  cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j "$JOBS"
}

# The page's two modules (docs/threads.md): the threaded one (-pthread) in build-wasm-mt/, then the single-thread
# tree build-wasm/, whose page (build-wasm/web/) ships both. Arguments: the single-thread tree's targets (default all).
# The threaded tree builds the module and the tests of what threads change (kernels, models).
build_wasm() {
  log "wasm build (build-wasm-mt/: the threaded module; build-wasm/: the page)"
  # emcmake's default test emulator passes a flag Node 20 rejects (docs/toolchain.md, E4).
  # The parity goldens are shared with the native tree (PyTorch computes them once: CMakeLists.txt, models_goldens).
  local common=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CROSSCOMPILING_EMULATOR="$(command -v node)"
                -DVITCNN_GOLDENS_DIR="$PWD/build/goldens")
  local mt_targets=(vitcnn-lab)
  [[ $# == 0 ]] && mt_targets+=(kernels_tests models_tests)
  emcmake cmake "${common[@]}" -S . -B build-wasm-mt -DVITCNN_WASM_THREADS=ON &&
    cmake --build build-wasm-mt -j "$JOBS" --target "${mt_targets[@]}" &&
    emcmake cmake "${common[@]}" -S . -B build-wasm -DVITCNN_WASM_MT_DIR="$PWD/build-wasm-mt" &&
    cmake --build build-wasm -j "$JOBS" "$@"
}

# The sanitizer tree (cmake/sanitize.cmake): the libFuzzer targets of tests/fuzz, ui_tests and the desktop app under
# ASan + UBSan, against Debian's upstream Dear ImGui 1.86 (the other trees use the npm fork): this proves the UI
# needs none of the fork's extensions.
build_asan() {
  log "sanitizer build (build-asan/: fuzz targets, ui_tests and vitcnn-lab; ASan + UBSan; Dear ImGui 1.86)"
  cmake -G Ninja -S . -B build-asan -DCMAKE_BUILD_TYPE=Release -DVITCNN_SANITIZE=ON -DVITCNN_IMGUI=system \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 && cmake --build build-asan -j "$JOBS"
}

# Cross-origin isolated (COOP/COEP headers), so the page runs its threaded module (tools/serve.py).
serve() {
  log "serving the lab on http://127.0.0.1:$PORT (Ctrl-C stops)"
  exec python3 tools/serve.py --port "$PORT" build-wasm/web
}

results=()
failed=0
background_name='' background_pid='' background_log='' background_start=0
# Runs one test step, records PASS/FAIL and its time, and keeps going so the summary lists every failure.
step() {
  local name=$1 start=${step_start:-$SECONDS}
  shift
  log "test: $name"
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - start)) s)")
  else
    results+=("FAIL  $name ($((SECONDS - start)) s)")
    failed=1
  fi
}

# Starts one test step in the background, its output kept in a file; finish_background waits for it, prints that
# output and records the step. The browser tests each keep about one core busy (the page's main thread), so the
# longest of them runs beside the others on a 2-core machine.
start_background() {
  background_name=$1
  shift
  background_log=$(mktemp)
  log "test (started, runs beside the steps below): $background_name"
  "$@" >"$background_log" 2>&1 &
  background_pid=$!
  background_start=$SECONDS
}
wait_background() {
  local rc=0
  wait "$background_pid" || rc=$?
  cat "$background_log"
  rm -f "$background_log"
  return "$rc"
}
# Its time in the summary counts from its start.
finish_background() { step_start=$background_start step "$background_name" wait_background; }

run_tests() {
  # Tests run two at a time (JOBS): the 10k-image evals and the PyTorch reference checks are single-process.
  local ctest_flags=(--output-on-failure -j "$JOBS")
  [[ ${CI:-} == true ]] && ctest_flags+=(--verbose)
  local tests_start=$SECONDS
  step "build: native" build_native
  step "build: wasm" build_wasm
  step "build: sanitizer tree" build_asan
  step "ctest native (build/)" ctest --test-dir build "${ctest_flags[@]}"
  step "ctest wasm under node (build-wasm/)" ctest --test-dir build-wasm "${ctest_flags[@]}"
  step "ctest wasm with threads under node (build-wasm-mt/: kernels, model forwards)" \
    ctest --test-dir build-wasm-mt -R '^(kernels|models)_tests$' "${ctest_flags[@]}"
  step "ctest ui under ASan + UBSan, Dear ImGui 1.86 (build-asan/)" \
    ctest --test-dir build-asan -R '^ui_tests' "${ctest_flags[@]}"
  step "fuzz: each target 20 s on its corpus (tools/fuzz/run_long.sh)" \
    tools/fuzz/run_long.sh 20 build-asan/fuzz-smoke tests/fuzz/corpus build-asan/fuzz
  start_background "browser: 500 random interactions, bounded heap (tests/browser/long_use.mjs)" \
    node tests/browser/long_use.mjs build-wasm/web
  step "browser: headless Chromium (tests/browser)" \
    node tests/browser/lab_test.mjs build-wasm/web build-wasm/browser-test
  step "browser: Predictions match the native CLI (tests/browser/predictions.mjs)" \
    node tests/browser/predictions.mjs build-wasm/web build/vitcnn build-wasm/predictions-test
  step "browser: Attention view matches the native CLI (tests/browser/attention.mjs)" \
    node tests/browser/attention.mjs build-wasm/web build/vitcnn build-wasm/attention-test
  step "browser: Receptive field view matches the native CLI (tests/browser/receptive_field.mjs)" \
    node tests/browser/receptive_field.mjs build-wasm/web build/vitcnn build-wasm/receptive-field-test
  step "browser: Representations view matches the native CLI (tests/browser/representations.mjs)" \
    node tests/browser/representations.mjs build-wasm/web build/vitcnn build-wasm/representations-test
  step "browser: Compare view matches the native CLI (tests/browser/compare.mjs)" \
    node tests/browser/compare.mjs build-wasm/web build/vitcnn build-wasm/compare-test
  step "browser: own checkpoints dropped and picked (tests/browser/own_checkpoint.mjs)" \
    node tests/browser/own_checkpoint.mjs build-wasm/web build/vitcnn build-wasm/own-checkpoint-test
  step "browser: links reopen the same view, Copy link, screenshots of every view (tests/browser/links.mjs)" \
    node tests/browser/links.mjs build-wasm/web build-wasm/links-test
  step "browser: an idle page draws nothing, input wakes it (tests/browser/idle.mjs)" \
    node tests/browser/idle.mjs build-wasm/web
  step "browser: offline after the first visit, Korean font only when shown (tests/browser/offline.mjs)" \
    node tests/browser/offline.mjs build-wasm/web
  step "desktop: Xvfb screenshot (tests/desktop)" node tests/desktop/xvfb_test.mjs build/vitcnn-lab build/desktop-test
  # Without LeakSanitizer here: Mesa's GL driver, loaded and unloaded by libGL, leaves a few allocations of its own at
  # exit (no symbols: "<unknown module>"). Our code's leaks are checked by the UI tests in the same tree.
  step "desktop: Xvfb screenshot, ASan + UBSan, Dear ImGui 1.86" \
    env ASAN_OPTIONS=detect_leaks=0 node tests/desktop/xvfb_test.mjs build-asan/vitcnn-lab build-asan/desktop-test
  finish_background
  log "summary"
  printf '%s\n' "${results[@]}"
  echo "total: $((SECONDS - tests_start)) s"
  if ((failed)); then
    echo "SOME TESTS FAILED"
    return 1
  fi
  echo "ALL TESTS PASSED"
}

case "${1:-serve}" in
  deps) install_deps ;;
  build) install_deps && build_native && build_wasm ;;
  test) install_deps && run_tests ;;
  serve) install_deps && build_wasm --target web_version && serve ;;
  -h|--help|help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' ;;
  *)
    echo "build_wasm.sh: unknown mode '$1' (modes: build, test, deps; none = serve)" >&2
    exit 2
    ;;
esac
