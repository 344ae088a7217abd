// RFC 7386 JSON merge patches: the patch that turns one document into another (what
// `ebb service update` sends), the counterpart of nlohmann::json::merge_patch(), which applies
// one. Pure.
#pragma once

#include <nlohmann/json.hpp>

namespace ebb::cli {

// The smallest merge patch p with from.merge_patch(p) == to: changed and added keys with their
// new values (objects recursively, arrays whole), removed keys as null. {} when equal. When
// `from` or `to` is not an object, the patch is `to` itself. (A value that is itself null in
// `to` cannot be expressed by a merge patch; it comes out as a removal.)
nlohmann::json CreateMergePatch(const nlohmann::json& from, const nlohmann::json& to);

}  // namespace ebb::cli
