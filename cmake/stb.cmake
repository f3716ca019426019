# ${VITCNN_SYSDEPS}/stb: Debian's stb headers (links), except stb_image.h, a copy with five fixes for defects that
# tests/fuzz/fuzz_image found in Debian's stb_image 2.27 (docs/robustness.md, "Fuzzing"); upstream 2.28 checks the
# same conditions. Each fix is a text replacement that must match exactly (the configure step fails otherwise).
#   dht   a JPEG Huffman table (DHT) whose 16 code counts sum past 256 wrote past the end of the table (heap
#         memory overwritten by a 292-byte file): refused.
#   dc    a JPEG's running DC value (the sum of the blocks' differences) overflowed int, and DC x quantizer
#         overflowed int (UBSan): a DC value outside the 16-bit range no valid 8-bit JPEG reaches is refused, which
#         bounds the sum and the product.
#   symbol a JPEG whose Huffman table makes a code's symbol index land outside the table's 256 entries (read past the
#         end of the table: heap memory read by a 200-byte file): the code is refused as a bad Huffman code.
#   getn  a PNG whose IDAT chunk is empty: the chunk reader copied 0 bytes into the not yet allocated (null) data buffer
#         (UBSan: null passed to memcpy): nothing is copied when there is nothing to copy.
#   shift after a truncated JPEG's bits ran out the bit reader shifted its zero padding by 32 or more (UBSan): the
#         zero is no longer shifted (OR-ing 0 changes nothing).
# The copy is rewritten only when its content changes.
set(stb_dir ${VITCNN_SYSDEPS}/stb)
if(IS_SYMLINK ${stb_dir})
  file(REMOVE ${stb_dir})  # a tree configured before these fixes linked the whole folder
endif()
file(MAKE_DIRECTORY ${stb_dir})
file(GLOB stb_headers /usr/include/stb/*.h)
foreach(header ${stb_headers})
  get_filename_component(name ${header} NAME)
  if(NOT name STREQUAL "stb_image.h")
    file(CREATE_LINK ${header} ${stb_dir}/${name} SYMBOLIC)
  endif()
endforeach()

# Replaces each of the `count` occurrences of `old` in the variable stb_image by `new`.
function(stb_fix name count old new)
  string(REPLACE "${old}" "" without "${stb_image}")
  string(LENGTH "${stb_image}" total)
  string(LENGTH "${without}" rest)
  string(LENGTH "${old}" each)
  math(EXPR found "(${total} - ${rest}) / ${each}")
  if(NOT found EQUAL count)
    message(FATAL_ERROR "/usr/include/stb/stb_image.h: fix '${name}' (cmake/stb.cmake) expects the code to replace "
                        "${count} time(s), found ${found}")
  endif()
  string(REPLACE "${old}" "${new}" fixed "${stb_image}")
  set(stb_image "${fixed}" PARENT_SCOPE)
endfunction()

file(READ /usr/include/stb/stb_image.h stb_image)
stb_fix(dht 1 "               n += sizes[i];\n            }\n            L -= 17;\n"
        "               n += sizes[i];\n            }\n            if (n > 256) return stbi__err(\"bad DHT header\",\"Corrupt JPEG\");\n            L -= 17;\n")
stb_fix(dc 2 "dc = j->img_comp[b].dc_pred + diff;\n"
        "dc = j->img_comp[b].dc_pred + diff;\n      if (dc < -32768 || dc > 32767) return stbi__err(\"bad DC value\",\"Corrupt JPEG\");\n")
stb_fix(symbol 1 "   c = ((j->code_buffer >> (32 - k)) & stbi__bmask[k]) + h->delta[k];\n"
        "   c = ((j->code_buffer >> (32 - k)) & stbi__bmask[k]) + h->delta[k];\n   if (c < 0 || c >= 256) return -1;\n")
stb_fix(getn 1 "      memcpy(buffer, s->img_buffer, n);\n"
        "      if (n) memcpy(buffer, s->img_buffer, n);\n")
stb_fix(shift 1 "      j->code_buffer |= b << (24 - j->code_bits);\n"
        "      if (b) j->code_buffer |= b << (24 - j->code_bits);\n")
file(WRITE ${CMAKE_BINARY_DIR}/stb_image.h.new "${stb_image}")
configure_file(${CMAKE_BINARY_DIR}/stb_image.h.new ${stb_dir}/stb_image.h COPYONLY)
