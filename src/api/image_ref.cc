// Container image check. Knative requires `image` to parse as an OCI reference; ebb runs local
// executables too, so an absolute or ./ ../ relative path is also accepted (DESIGN.md: image
// names a local executable when there is no command).
#include <string>
#include <string_view>

#include "api/validation_internal.h"

namespace ebb::api::internal {
namespace {

constexpr std::string_view kRepositoryChars = "abcdefghijklmnopqrstuvwxyz0123456789_-./";
constexpr std::string_view kTagChars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.";

bool OnlyChars(std::string_view s, std::string_view chars) {
  return s.find_first_not_of(chars) == std::string_view::npos;
}

bool IsLocalPath(std::string_view s) {
  return s.starts_with("/") || s.starts_with("./") || s.starts_with("../");
}

std::string DigestError(std::string_view digest) {
  constexpr std::string_view kPrefix = "sha256:";
  if (!digest.starts_with(kPrefix) || digest.size() != kPrefix.size() + 64 ||
      !OnlyChars(digest.substr(kPrefix.size()), "0123456789abcdef")) {
    return "a digest must be \"sha256:\" followed by 64 lowercase hex digits";
  }
  return "";
}

std::string TagError(std::string_view tag) {
  if (tag.empty() || tag.size() > 128 || !OnlyChars(tag, kTagChars) || tag[0] == '.' ||
      tag[0] == '-') {
    return "a tag must be 1 to 128 characters of [A-Za-z0-9_.-], not starting with '.' or '-'";
  }
  return "";
}

// The first path component names a registry when it looks like a host: "gcr.io", "host:5000",
// "localhost".
bool IsRegistry(std::string_view component) {
  return component.find_first_of(".:") != std::string_view::npos || component == "localhost";
}

std::string RepositoryError(std::string_view repo) {
  size_t slash = repo.find('/');
  if (slash != std::string_view::npos && IsRegistry(repo.substr(0, slash))) {
    std::string_view registry = repo.substr(0, slash);
    if (!OnlyChars(registry,
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")) {
      return "invalid registry \"" + std::string(registry) + "\"";
    }
    repo = repo.substr(slash + 1);
  }
  if (repo.empty() || !OnlyChars(repo, kRepositoryChars)) {
    return "a repository must be non-empty and contain only the characters " +
           std::string(kRepositoryChars);
  }
  if (repo.front() == '/' || repo.back() == '/' || repo.find("//") != std::string_view::npos) {
    return "a repository must not have empty path components";
  }
  return "";
}

}  // namespace

std::string ImageReferenceError(std::string_view image) {
  if (IsLocalPath(image)) {
    for (unsigned char c : image) {
      if (c < 0x20 || c == 0x7F) return "a path must not contain control characters";
    }
    return "";
  }
  std::string_view rest = image;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    if (std::string e = DigestError(rest.substr(at + 1)); !e.empty()) return e;
    rest = rest.substr(0, at);
  }
  size_t colon = rest.rfind(':');
  size_t slash = rest.rfind('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    if (std::string e = TagError(rest.substr(colon + 1)); !e.empty()) return e;
    rest = rest.substr(0, colon);
  }
  return RepositoryError(rest);
}

}  // namespace ebb::api::internal
