// Knative/kmeta naming rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ebb::api {

// True if s is a DNS-1035 label: [a-z]([-a-z0-9]*[a-z0-9])?, at most 63 characters.
bool IsDns1035Label(std::string_view s);
// True if s is a DNS-1123 subdomain (namespaces, label values' hosts).
bool IsDns1123Subdomain(std::string_view s);

// kmeta.ChildName: parent + suffix, or when longer than 63 characters the parent truncated with
// an md5 of (parent+suffix) inserted so that the name stays unique and valid.
std::string ChildName(std::string_view parent, std::string_view suffix);

// "<config>-00001" for generation 1 (ChildName(config, "-%05d")).
std::string RevisionName(std::string_view config_name, std::int64_t generation);

}  // namespace ebb::api
