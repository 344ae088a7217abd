// Query strings (application/x-www-form-urlencoded): "pod=hello-1&tail=50" → key/value map,
// percent-decoded ("+" is a space). Shared by the API server and the admin routes. Pure.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ebb::net {

using Query = std::map<std::string, std::string, std::less<>>;

// A key given twice keeps its first value (as Kubernetes reads a query); a key without "="
// maps to ""; empty keys are skipped. Malformed escapes are kept literally.
Query ParseQuery(std::string_view query);

// Percent-decoding; `plus_is_space` for query strings. Invalid escapes are kept verbatim.
std::string PercentDecode(std::string_view s, bool plus_is_space);

// The value as a whole decimal number in [min, max]; nullopt when missing or malformed.
std::optional<int> IntParam(const Query& params, std::string_view key, int min, int max);

}  // namespace ebb::net
