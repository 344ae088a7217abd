// What `ebb load` sends: targets from flags or in Vegeta's `http` targets format.
//
//   GET http://127.0.0.1:8080/hello?sleep=10     <- METHOD URL (starts a target)
//   Host: hello.default.example.com              <- header lines (Name: value)
//   @/path/to/body.json                          <- optional body file
//                                                <- blank line between targets
//   # a comment line
//
// Only http:// URLs are supported (plain TCP). Header names keep the spelling given; a Host
// header replaces the URL's host in the Host field (that is how ebb's gateway routes). Several
// targets are used round robin, hit i going to target i % N.
// Pure (except that body files are read from disk); any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ascii.h"
#include "common/status.h"

namespace ebb::load {

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

struct Target {
  std::string method = "GET";
  std::string url;  // as given: "http://host[:port]/path?query"
  std::vector<Header> headers;
  std::string body;
  bool operator==(const Target&) const = default;
};

struct Url {
  std::string host;  // "127.0.0.1", "localhost", "::1" (no brackets)
  int port = 80;
  std::string target;  // "/path?query" ("/" when the URL has no path)
  bool operator==(const Url&) const = default;
};

// "http://host[:port][/path][?query]"; kBadRequest for other schemes (https is not supported)
// or malformed URLs.
Result<Url> ParseUrl(std::string_view url);

// "Name: value" as given to -H; kBadRequest without a colon or with an empty name.
Result<Header> ParseHeader(std::string_view line);

// Reads a body file named in the targets (`@path`) or by --body.
using FileReader = std::function<Result<std::string>(const std::string& path)>;
Result<std::string> ReadWholeFile(const std::string& path);

// Parses Vegeta's http targets format. kBadRequest naming the line for malformed input; an
// input without any target is an error too.
Result<std::vector<Target>> ParseHttpTargets(std::string_view text, const FileReader& read_file);

// The value of the Host the request will carry: the Host header if set, else the URL's host.
std::string EffectiveHost(const Target& target);

// Go's canonical form of an HTTP method for error messages: "GET" -> "Get", "POST" -> "Post".
std::string MethodTitle(std::string_view method);

}  // namespace ebb::load
