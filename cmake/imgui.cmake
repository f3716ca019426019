# The `imgui` target. Two sources of Dear ImGui, chosen with -DVITCNN_IMGUI=npm|system:
#   npm    (default, native and web): Dear ImGui 1.80 from npm @zhobo63/imgui-ts (pinned in web/package-lock.json),
#          copied from web/node_modules into the build tree, given our imconfig.h and patched there
#          (patches/imgui-1.80-calctextsize.patch). node_modules is never edited.
#   system (native only): Debian's upstream libimgui-dev 1.86, to prove the lab uses no fork extensions.
set(VITCNN_IMGUI npm CACHE STRING "Dear ImGui source: npm (1.80 fork, patched copy) or system (Debian 1.86, native)")
set_property(CACHE VITCNN_IMGUI PROPERTY STRINGS npm system)

if(VITCNN_IMGUI STREQUAL "system")
  if(EMSCRIPTEN)
    message(FATAL_ERROR "VITCNN_IMGUI=system is native only: Debian ships no Dear ImGui sources for wasm")
  endif()
  find_library(VITCNN_SYSTEM_IMGUI_LIB imgui REQUIRED)
  # Debian builds imgui against its shared stb (stb_truetype, stb_rect_pack).
  find_library(VITCNN_SYSTEM_STB_LIB stb REQUIRED)
  add_library(imgui INTERFACE)
  target_include_directories(imgui INTERFACE /usr/include/imgui)
  target_link_libraries(imgui INTERFACE ${VITCNN_SYSTEM_IMGUI_LIB} ${VITCNN_SYSTEM_STB_LIB} m)
  return()
elseif(NOT VITCNN_IMGUI STREQUAL "npm")
  message(FATAL_ERROR "VITCNN_IMGUI must be npm or system, not '${VITCNN_IMGUI}'")
endif()

set(imgui_npm ${CMAKE_SOURCE_DIR}/web/node_modules/@zhobo63/imgui-ts/imgui)
if(NOT EXISTS ${imgui_npm}/imgui.cpp)
  message(FATAL_ERROR "${imgui_npm} missing: run `npm ci` in web/ (./build_wasm.sh build does it)")
endif()

set(imgui_copy ${CMAKE_BINARY_DIR}/imgui)
set(imgui_patch ${CMAKE_SOURCE_DIR}/patches/imgui-1.80-calctextsize.patch)
set(imgui_files imgui.cpp imgui_draw.cpp imgui_widgets.cpp imgui_tables.cpp imgui_demo.cpp
                imgui.h imgui_internal.h imstb_rectpack.h imstb_textedit.h imstb_truetype.h)
set(imgui_inputs ${imgui_patch} ${CMAKE_SOURCE_DIR}/cmake/imgui/imconfig.h ${CMAKE_SOURCE_DIR}/web/package-lock.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${imgui_inputs})

# Re-copy and re-patch only when an input is newer than the last patched copy.
set(imgui_stamp ${imgui_copy}/.patched)
set(imgui_fresh TRUE)
foreach(input ${imgui_inputs})
  if(NOT EXISTS ${imgui_stamp} OR ${input} IS_NEWER_THAN ${imgui_stamp})
    set(imgui_fresh FALSE)
  endif()
endforeach()
if(NOT imgui_fresh)
  file(REMOVE_RECURSE ${imgui_copy})
  file(MAKE_DIRECTORY ${imgui_copy})
  foreach(f ${imgui_files})
    file(COPY ${imgui_npm}/${f} DESTINATION ${imgui_copy})
  endforeach()
  file(COPY ${CMAKE_SOURCE_DIR}/cmake/imgui/imconfig.h DESTINATION ${imgui_copy})
  find_program(PATCH_EXE patch REQUIRED)
  execute_process(COMMAND ${PATCH_EXE} -p1 --forward --input ${imgui_patch}
                  WORKING_DIRECTORY ${imgui_copy} RESULT_VARIABLE patch_rc
                  OUTPUT_VARIABLE patch_out ERROR_VARIABLE patch_out)
  if(NOT patch_rc EQUAL 0)
    message(FATAL_ERROR "patching the Dear ImGui copy failed:\n${patch_out}")
  endif()
  file(TOUCH ${imgui_stamp})
endif()

add_library(imgui STATIC ${imgui_copy}/imgui.cpp ${imgui_copy}/imgui_draw.cpp ${imgui_copy}/imgui_widgets.cpp
                         ${imgui_copy}/imgui_tables.cpp ${imgui_copy}/imgui_demo.cpp)
target_include_directories(imgui SYSTEM PUBLIC ${imgui_copy})
# Third-party code, built as published: its warnings are not ours to fix.
target_compile_options(imgui PRIVATE -w)
# The native builds (desktop app, UI tests) are the debugging builds: Dear ImGui's IM_ASSERT checks of API use
# (unbalanced Begin/End, ID stack, ...) stay on there even in Release, so a misuse fails the UI tests.
if(NOT EMSCRIPTEN)
  target_compile_options(imgui PUBLIC -UNDEBUG)
endif()
