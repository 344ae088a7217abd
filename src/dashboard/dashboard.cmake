# Build steps of the dashboard component beyond ebb_component(): the page's assets are embedded
# into ebb_dashboard at build time, and the page's script logic is unit-tested with node when
# node is installed. Included from the top-level CMakeLists.txt after ebb_component(dashboard).

set(EBB_DASHBOARD_ASSET_DIR ${CMAKE_SOURCE_DIR}/src/dashboard/assets)
# Order matters only for index.html's <script> tags, which name them.
set(EBB_DASHBOARD_ASSETS index.html dashboard.css prom.js charts.js traces.js views.js dashboard.js)
set(EBB_DASHBOARD_GENERATED ${CMAKE_BINARY_DIR}/generated/dashboard_assets.cc)

set(asset_paths "")
foreach(name IN LISTS EBB_DASHBOARD_ASSETS)
  list(APPEND asset_paths ${EBB_DASHBOARD_ASSET_DIR}/${name})
endforeach()

# Commas, not semicolons: a list in a custom command's argument would be split into arguments.
string(REPLACE ";" "," asset_names "${EBB_DASHBOARD_ASSETS}")
add_custom_command(
  OUTPUT ${EBB_DASHBOARD_GENERATED}
  COMMAND ${CMAKE_COMMAND} -DASSET_DIR=${EBB_DASHBOARD_ASSET_DIR}
          -DASSET_FILES=${asset_names} -DOUTPUT=${EBB_DASHBOARD_GENERATED}
          -P ${CMAKE_SOURCE_DIR}/src/dashboard/embed_assets.cmake
  DEPENDS ${asset_paths} ${CMAKE_SOURCE_DIR}/src/dashboard/embed_assets.cmake
  COMMENT "Embedding dashboard assets"
  VERBATIM)
target_sources(ebb_dashboard PRIVATE ${EBB_DASHBOARD_GENERATED})

# The same list, for the test that every asset on disk is embedded byte for byte.
if(TARGET dashboard_test)
  target_compile_definitions(dashboard_test PRIVATE
    EBB_DASHBOARD_ASSET_DIR="${EBB_DASHBOARD_ASSET_DIR}")
endif()

find_program(EBB_NODE node)
if(EBB_NODE)
  add_test(NAME dashboard_js
           COMMAND ${EBB_NODE} --test ${EBB_DASHBOARD_ASSET_DIR}/prom_test.js
                   ${EBB_DASHBOARD_ASSET_DIR}/charts_test.js)
  set_tests_properties(dashboard_js PROPERTIES LABELS unit)
endif()
