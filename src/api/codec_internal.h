// Internal to the codec: how plain YAML scalars are typed, shared by the reader and the writer.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ebb::api::internal {

// Types a plain (unquoted) YAML scalar with the YAML 1.2 core schema: null/Null/NULL/~ -> null,
// true/True/TRUE/false/... -> bool, decimal, 0o octal and 0x hex integers -> integer (a double
// when too large for 64 bits), decimal floats -> double; anything else, including YAML 1.1's
// yes/no/on/off and .inf/.nan (not representable in JSON), stays a string.
nlohmann::json ResolvePlainScalar(const std::string& text);

// True if a YAML reader could take `text`, written plain, for something other than this string:
// everything ResolvePlainScalar types, plus YAML 1.1's booleans (yes/no/on/off/y/n), .inf/.nan,
// sexagesimal numbers (1:20) and "<<". The writer double-quotes such strings.
bool PlainTextIsAmbiguous(std::string_view text);

}  // namespace ebb::api::internal
