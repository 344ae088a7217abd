// Forgiving reads of JSON from the server or a manifest: a missing key or a value of the wrong
// type reads as empty instead of throwing (nlohmann's value() throws on a type mismatch).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ebb::cli {

// obj[key] when obj is an object holding key, else a null value.
const nlohmann::json& Child(const nlohmann::json& obj, std::string_view key);
// The string at obj[key], "" when absent or not a string.
std::string Str(const nlohmann::json& obj, std::string_view key);
// The integer at obj[key], `fallback` when absent or not a number.
long long Int(const nlohmann::json& obj, std::string_view key, long long fallback = 0);
// obj[key] as an array ("" when absent): an empty array when it is not one.
const nlohmann::json& Array(const nlohmann::json& obj, std::string_view key);

}  // namespace ebb::cli
