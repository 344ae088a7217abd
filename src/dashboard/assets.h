// The dashboard page's files, compiled into the binary.
//
// The sources are real files in src/dashboard/assets/ (index.html, *.css, *.js); at build time
// embed_assets.cmake turns them into byte arrays in a generated .cc that defines
// EmbeddedAssets(). Nothing is read from disk or the network at run time.
//
// PageHtml() is what /dashboard serves: index.html with every
//   <link rel="stylesheet" href="NAME">   replaced by <style>…NAME…</style>
//   <script src="NAME"></script>          replaced by <script>…NAME…</script>
// for embedded NAMEs, so that the page is one self-contained document. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ebb::dashboard {

struct Asset {
  std::string_view name;     // file name relative to src/dashboard/assets/, e.g. "dashboard.js"
  std::string_view content;  // the file's bytes, exactly
};

// Defined in the generated file; in the order the build lists them.
const std::vector<Asset>& EmbeddedAssets();

std::optional<std::string_view> FindAsset(std::string_view name);

// Inlines the stylesheets and scripts that `html` references into it (see above). A reference
// to a name not in `assets` is left as it is.
std::string InlineAssets(std::string_view html, const std::vector<Asset>& assets);

// InlineAssets(index.html, EmbeddedAssets()), computed once.
const std::string& PageHtml();

}  // namespace ebb::dashboard
