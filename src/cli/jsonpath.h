// kubectl's JSONPath templates (`-o jsonpath=...`), the subset kubectl users rely on:
//   text outside braces is copied; {"\n"} / {'x'} print a quoted literal (with \n \t \\ \" escapes)
//   {.a.b} {$.a} {@.a} {.a\.b}     fields (a backslash escapes a dot inside a key)
//   {.a['x.y']} {.a["x"]}         bracketed keys, also unions of keys or indexes: ['a','b'] [0,2]
//   [0] [-1] [1:3] [:2] [::2] [*] .*   indexes (negative from the end), slices, wildcards
//   ..name                         recursive descent
//   [?(@.type=="Ready")]          filters: == != < <= > >= against "string", 'string', numbers,
//                                  true/false/null or another @/$ path; [?(@.x)] tests presence
//   {range .items[*]}...{end}      loops, nestable; inside, paths are relative to the element
// Several values from one {} are joined with a space; strings print raw, other values as
// compact JSON. Missing keys print nothing (kubectl allows missing keys for -o jsonpath); an
// index out of range or a filter on a non-list is an error.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ebb::cli {

class JsonPath {
 public:
  struct Node;

  // kBadRequest "error parsing jsonpath {…}: <what> at column N" on syntax errors.
  static Result<JsonPath> Parse(std::string_view text);
  // kBadRequest "error executing jsonpath {…}: <what>" on evaluation errors.
  Result<std::string> Execute(const nlohmann::json& data) const;

  JsonPath(JsonPath&&) noexcept;
  JsonPath& operator=(JsonPath&&) noexcept;
  ~JsonPath();

 private:
  JsonPath(std::string text, std::vector<Node> nodes);
  std::string text_;
  std::shared_ptr<const std::vector<Node>> nodes_;
};

}  // namespace ebb::cli
