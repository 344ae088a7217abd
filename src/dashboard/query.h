// Query strings of the admin routes: "pod=hello-00001-deployment-1&tail=50" → key/value map,
// percent-decoded ("+" is a space, as HTML forms send it). Pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ebb::dashboard {

// Later duplicates win; a key without "=" maps to "". Malformed escapes are kept literally.
std::map<std::string, std::string> ParseQuery(std::string_view query);

// The value as a whole decimal number in [min, max]; nullopt when missing or malformed.
std::optional<int> IntParam(const std::map<std::string, std::string>& params,
                            const std::string& key, int min, int max);

}  // namespace ebb::dashboard
