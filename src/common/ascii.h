// ASCII case-insensitive comparison of header names and tokens (HTTP field names, trace
// propagation headers, load-tool targets). Beast's iequals underneath: the one implementation
// ebb uses.
#pragma once

#include <boost/beast/core/string.hpp>
#include <string_view>

namespace ebb {

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return boost::beast::iequals(boost::beast::string_view(a.data(), a.size()),
                               boost::beast::string_view(b.data(), b.size()));
}

}  // namespace ebb
