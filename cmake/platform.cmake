# The lab programs (src/platform): vitcnn-lab, natively a GLFW + OpenGL 3.3 desktop app (build/vitcnn-lab),
# under emscripten the web page (build-wasm/web: index.html, lab.js, vitcnn-lab.js/.wasm, assets/).
# Files named *_desktop.cpp are native only, *_web.cpp web only; the rest is shared.
file(GLOB platform_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/platform/*.cpp)
if(EMSCRIPTEN)
  list(FILTER platform_srcs EXCLUDE REGEX "_desktop\\.cpp$")
else()
  list(FILTER platform_srcs EXCLUDE REGEX "_web\\.cpp$")
endif()
add_executable(vitcnn-lab ${platform_srcs})
target_link_libraries(vitcnn-lab PRIVATE vc_ui)
target_compile_options(vitcnn-lab PRIVATE -Wall -Wextra)

# The lab's fonts (src/platform/shell.cpp), subset at build time by fonttools' pyftsubset to the characters the lab
# draws: the same ranges become the font atlas's (VITCNN_*_RANGES), so a glyph drawn is a glyph shipped. Both the page
# and the desktop app read these files (about 80 KB + 2 KB at start, 1.3 MB when Korean is shown, instead of 5.4 MB).
#   text:   Latin-1, Greek, punctuation, super/subscripts, arrows, math operators, geometric shapes (DejaVu Sans)
#   hangul: Hangul compatibility jamo and every precomposed syllable (Nanum Gothic), fetched once Korean is shown
#   names:  the Korean language name of the menu's language switch (ui/text.cpp language_name), always shown
set(lab_text_ranges 0x0020 0x00FF 0x0370 0x03FF 0x2000 0x209F 0x2190 0x22FF 0x25A0 0x25FF)
set(lab_hangul_ranges 0x3131 0x3163 0xAC00 0xD7A3)
set(lab_language_names "한국어")
find_program(PYFTSUBSET pyftsubset)
if(NOT PYFTSUBSET)
  message(FATAL_ERROR "pyftsubset missing: apt-get install fonttools (./build_wasm.sh deps does it)")
endif()
# "0x0020 0x00FF 0x0370 ..." -> "U+0020-00FF,U+0370-..." (pyftsubset) and "0x0020,0x00FF,0x0370,..." (C++).
function(lab_ranges var ranges)
  set(unicodes)
  list(LENGTH ranges n)
  math(EXPR last "${n} - 1")
  foreach(i RANGE 0 ${last} 2)
    math(EXPR j "${i} + 1")
    list(GET ranges ${i} from)
    list(GET ranges ${j} to)
    string(REPLACE "0x" "" to ${to})
    string(REPLACE "0x" "U+" from ${from})
    list(APPEND unicodes "${from}-${to}")
  endforeach()
  string(REPLACE ";" "," unicodes "${unicodes}")
  string(REPLACE ";" "," cxx "${ranges}")
  set(${var}_unicodes ${unicodes} PARENT_SCOPE)
  set(${var}_cxx ${cxx} PARENT_SCOPE)
endfunction()
lab_ranges(text "${lab_text_ranges}")
lab_ranges(hangul "${lab_hangul_ranges}")
target_compile_definitions(vitcnn-lab PRIVATE VITCNN_TEXT_RANGES=${text_cxx} VITCNN_HANGUL_RANGES=${hangul_cxx})
# Subsets `from` into `out` (glyphs selected by a pyftsubset flag); hinting and layout tables go: ImGui uses neither.
set(lab_fonts)
function(lab_font from out select)
  get_filename_component(out_dir ${out} DIRECTORY)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${PYFTSUBSET} ${from} ${select} --no-hinting --layout-features= --output-file=${out}
            --drop-tables+=FFTM,TSI0,TSI1,TSI2,TSI3,TSI5
    DEPENDS ${from} VERBATIM)
  set(lab_fonts ${lab_fonts} ${out} PARENT_SCOPE)
endfunction()
# The three font files under `dir` (asset paths fonts/...).
function(lab_fonts_in dir)
  lab_font(/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ${dir}/dejavu/DejaVuSans.ttf --unicodes=${text_unicodes})
  lab_font(/usr/share/fonts/truetype/nanum/NanumGothic.ttf ${dir}/nanum/NanumGothic.ttf
           --unicodes=${hangul_unicodes})
  lab_font(/usr/share/fonts/truetype/nanum/NanumGothic.ttf ${dir}/nanum/NanumGothic-names.ttf
           --text=${lab_language_names})
  set(lab_fonts ${lab_fonts} PARENT_SCOPE)
endfunction()

if(NOT EMSCRIPTEN)
  find_package(glfw3 REQUIRED)
  set(OpenGL_GL_PREFERENCE GLVND)
  find_package(OpenGL REQUIRED)
  target_link_libraries(vitcnn-lab PRIVATE glfw OpenGL::GL)
  lab_fonts_in(${CMAKE_BINARY_DIR}/fonts)
  add_custom_target(lab_fonts ALL DEPENDS ${lab_fonts})
  add_dependencies(vitcnn-lab lab_fonts)
  target_compile_definitions(vitcnn-lab PRIVATE VITCNN_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                                VITCNN_FONTS_DIR="${CMAKE_BINARY_DIR}/fonts")
  return()
endif()

set(web_out ${CMAKE_BINARY_DIR}/web)
set_target_properties(vitcnn-lab PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${web_out})
target_link_options(vitcnn-lab PRIVATE
  -sUSE_GLFW=3 -sUSE_WEBGL2=1 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=67108864 -sTOTAL_STACK=4194304
  -sEXPORTED_FUNCTIONS=_main,_malloc,_free)
if(VITCNN_WASM_THREADS)
  # The threaded module (docs/threads.md): its workers run the same script, and the kernel threads start from the main
  # thread, which cannot wait for a worker to load: web/lab.js sizes the prewarmed pool (Module.labThreadPool).
  set_target_properties(vitcnn-lab PROPERTIES OUTPUT_NAME vitcnn-lab-mt)
  target_link_options(vitcnn-lab PRIVATE -sENVIRONMENT=web,worker -sPTHREAD_POOL_SIZE=Module.labThreadPool)
  return()  # the page around it is the single-thread tree's
else()
  target_link_options(vitcnn-lab PRIVATE -sENVIRONMENT=web)
endif()

# The page around the module, and the assets it fetches (fonts, models, Fashion-MNIST test set), copied at
# build time: nothing of them is committed.
set(web_files)
macro(web_copy from to)
  add_custom_command(OUTPUT ${web_out}/${to} COMMAND ${CMAKE_COMMAND} -E copy ${from} ${web_out}/${to}
                     DEPENDS ${from} VERBATIM)
  list(APPEND web_files ${web_out}/${to})
endmacro()
# Every page, script and stylesheet at the top of web/ ships (index.html + lab.js, and any page added next to them).
file(GLOB page_files CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/*.html ${CMAKE_SOURCE_DIR}/web/*.js
                                       ${CMAKE_SOURCE_DIR}/web/*.css)
foreach(f ${page_files})
  get_filename_component(name ${f} NAME)
  web_copy(${f} ${name})
endforeach()
lab_fonts_in(${web_out}/assets/fonts)
list(APPEND web_files ${lab_fonts})
foreach(f t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
  web_copy(${VITCNN_FASHION_MNIST_DIR}/${f} assets/data/${f})
endforeach()
foreach(f ${VITCNN_MODEL_FILES})
  get_filename_component(name ${f} NAME)
  web_copy(${f} assets/models/${name})
endforeach()
# The threaded module beside the single-thread one, from the threaded tree (VITCNN_WASM_MT_DIR, built first).
set(VITCNN_WASM_MT_DIR "" CACHE PATH "The threaded tree (build-wasm-mt) whose module the page ships beside its own")
if(VITCNN_WASM_MT_DIR)
  foreach(f vitcnn-lab-mt.js vitcnn-lab-mt.wasm vitcnn-lab-mt.worker.js)
    web_copy(${VITCNN_WASM_MT_DIR}/web/${f} ${f})
  endforeach()
endif()
add_custom_target(web_page ALL DEPENDS ${web_files})
add_dependencies(vitcnn-lab web_page)
# The service worker (web/sw.js.in) names its offline cache after a hash of everything above: rehashed on every build,
# after the module is linked (a module target added to the page must be added to its dependencies too).
add_custom_target(web_version ALL
  COMMAND ${CMAKE_COMMAND} -DWEB_DIR=${web_out} -DTEMPLATE=${CMAKE_SOURCE_DIR}/web/sw.js.in
          -P ${CMAKE_SOURCE_DIR}/cmake/web_version.cmake
  VERBATIM)
add_dependencies(web_version vitcnn-lab web_page)
