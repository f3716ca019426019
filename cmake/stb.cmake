# ${VITCNN_SYSDEPS}/stb: Debian's stb headers (links), except stb_image.h, a copy with one fix from upstream
# stb_image 2.28 that Debian's 2.27 lacks: a JPEG Huffman table (DHT) whose 16 code counts sum past 256 is refused
# instead of written past the end of the table (heap memory overwritten by a crafted JPEG; found by
# tests/fuzz/fuzz_image under UBSan). The copy is rewritten only when its content changes.
set(stb_dir ${VITCNN_SYSDEPS}/stb)
if(IS_SYMLINK ${stb_dir})
  file(REMOVE ${stb_dir})  # a tree configured before this fix linked the whole folder
endif()
file(MAKE_DIRECTORY ${stb_dir})
file(GLOB stb_headers /usr/include/stb/*.h)
foreach(header ${stb_headers})
  get_filename_component(name ${header} NAME)
  if(NOT name STREQUAL "stb_image.h")
    file(CREATE_LINK ${header} ${stb_dir}/${name} SYMBOLIC)
  endif()
endforeach()
file(READ /usr/include/stb/stb_image.h stb_image)
set(stb_dht_unchecked "               n += sizes[i];\n            }\n            L -= 17;\n")
set(stb_dht_checked "               n += sizes[i];\n            }\n            if (n > 256) return stbi__err(\"bad DHT header\",\"Corrupt JPEG\");\n            L -= 17;\n")
string(FIND "${stb_image}" "${stb_dht_checked}" already_fixed)
if(already_fixed EQUAL -1)
  string(REPLACE "${stb_dht_unchecked}" "${stb_dht_checked}" stb_image_fixed "${stb_image}")
  if(stb_image_fixed STREQUAL stb_image)
    message(FATAL_ERROR "/usr/include/stb/stb_image.h: the JPEG DHT code to fix (cmake/stb.cmake) was not found")
  endif()
else()
  set(stb_image_fixed "${stb_image}")  # a newer stb_image.h has the check
endif()
file(WRITE ${CMAKE_BINARY_DIR}/stb_image.h.new "${stb_image_fixed}")
configure_file(${CMAKE_BINARY_DIR}/stb_image.h.new ${stb_dir}/stb_image.h COPYONLY)
