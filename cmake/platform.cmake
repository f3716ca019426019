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

if(NOT EMSCRIPTEN)
  find_package(glfw3 REQUIRED)
  set(OpenGL_GL_PREFERENCE GLVND)
  find_package(OpenGL REQUIRED)
  target_link_libraries(vitcnn-lab PRIVATE glfw OpenGL::GL)
  target_compile_definitions(vitcnn-lab PRIVATE VITCNN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  return()
endif()

set(web_out ${CMAKE_BINARY_DIR}/web)
set_target_properties(vitcnn-lab PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${web_out})
target_link_options(vitcnn-lab PRIVATE
  -sUSE_GLFW=3 -sUSE_WEBGL2=1 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=67108864 -sTOTAL_STACK=4194304
  -sENVIRONMENT=web -sEXPORTED_FUNCTIONS=_main,_malloc,_free)

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
web_copy(/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf assets/fonts/dejavu/DejaVuSans.ttf)
web_copy(/usr/share/fonts/truetype/nanum/NanumGothic.ttf assets/fonts/nanum/NanumGothic.ttf)
foreach(f t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
  web_copy(${VITCNN_FASHION_MNIST_DIR}/${f} assets/data/${f})
endforeach()
foreach(f ${VITCNN_MODEL_FILES})
  get_filename_component(name ${f} NAME)
  web_copy(${f} assets/models/${name})
endforeach()
add_custom_target(web_page ALL DEPENDS ${web_files})
add_dependencies(vitcnn-lab web_page)
