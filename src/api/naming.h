// Knative/kmeta naming rules and the Kubernetes name checks behind them. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ebb::api {

// True if s is a DNS-1035 label: [a-z]([-a-z0-9]*[a-z0-9])?, at most 63 characters.
bool IsDns1035Label(std::string_view s);
// True if s is a DNS-1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 characters
// (namespaces, container and volume names).
bool IsDns1123Label(std::string_view s);
// True if s is a DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters.
bool IsDns1123Subdomain(std::string_view s);
// True if s is a Kubernetes qualified name (label and annotation keys): an optional DNS-1123
// subdomain prefix and "/", then a name of at most 63 characters matching
// [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?.
bool IsQualifiedName(std::string_view s);
// True if s is a valid label value: empty, or at most 63 characters of the name pattern above.
bool IsLabelValue(std::string_view s);

// Why s fails the check above, in Kubernetes' words ("a DNS-1035 label must consist of ...");
// "" when s is valid. Used as field error messages.
std::string Dns1035LabelError(std::string_view s);
std::string Dns1123LabelError(std::string_view s);
std::string Dns1123SubdomainError(std::string_view s);
std::string QualifiedNameError(std::string_view s);
std::string LabelValueError(std::string_view s);

// kmeta.ChildName: parent + suffix when that fits in 63 characters. Otherwise the parent is cut
// to 31 - len(suffix) characters and the md5 hex of the whole parent is inserted before the
// suffix (63 characters in total). A suffix of 31 characters or more is replaced by
// parent[:31] + md5hex(parent + suffix), padded with the start of the suffix up to 63 and with
// trailing non-alphanumerics dropped.
std::string ChildName(std::string_view parent, std::string_view suffix);

// "<config>-00001" for generation 1 (ChildName(config, "-%05d")).
std::string RevisionName(std::string_view config_name, std::int64_t generation);

}  // namespace ebb::api
