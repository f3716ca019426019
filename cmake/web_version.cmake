# Run at build time (cmake -P, the web_version target of cmake/platform.cmake): writes WEB_DIR/sw.js from TEMPLATE
# (web/sw.js.in) with @VITCNN_WEB_VERSION@ = the first 16 hex digits of a SHA-256 over the name and SHA-256 of every
# other file under WEB_DIR, so any change of the page, its modules or its assets names a new offline cache. sw.js is
# rewritten only when that changes.
file(GLOB_RECURSE files RELATIVE ${WEB_DIR} ${WEB_DIR}/*)
list(REMOVE_ITEM files sw.js)
list(SORT files)
set(listing "")
foreach(f ${files})
  file(SHA256 ${WEB_DIR}/${f} hash)
  string(APPEND listing "${f} ${hash}\n")
endforeach()
string(SHA256 version "${listing}")
string(SUBSTRING ${version} 0 16 VITCNN_WEB_VERSION)
configure_file(${TEMPLATE} ${WEB_DIR}/sw.js @ONLY)
