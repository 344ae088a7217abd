// Name checks with Kubernetes' own error wording, so that kubectl users see familiar messages.
#include "api/naming.h"

#include <openssl/evp.h>

#include <cstdio>

namespace ebb::api {
namespace {

constexpr size_t kMaxLabel = 63;
constexpr size_t kMaxSubdomain = 253;

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsLower(c) || IsDigit(c) || (c >= 'A' && c <= 'Z'); }
bool IsLowerAlnum(char c) { return IsLower(c) || IsDigit(c); }

// [a-z0-9]([-a-z0-9]*[a-z0-9])? without the length limit.
bool MatchesDns1123Label(std::string_view s) {
  if (s.empty() || !IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

// [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])? without the length limit.
bool MatchesQualifiedNamePart(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

bool MatchesDns1123Subdomain(std::string_view s) {
  for (size_t start = 0;;) {
    size_t dot = s.find('.', start);
    size_t len = dot == std::string_view::npos ? std::string_view::npos : dot - start;
    if (!MatchesDns1123Label(s.substr(start, len))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::string MaxLength(size_t n) {
  return "must be no more than " + std::to_string(n) + " characters";
}

// Joins the failed checks the way Kubernetes lists them ("...; must be no more than 63 ...").
std::string Join(std::string a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + "; " + b;
}

constexpr char kDns1035[] =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
    "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
constexpr char kDns1123Label[] =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
constexpr char kDns1123Subdomain[] =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
constexpr char kQualifiedName[] =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
constexpr char kLabelValue[] =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

std::string Md5Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string Dns1035LabelError(std::string_view s) {
  bool pattern = MatchesDns1123Label(s) && IsLower(s.front());
  return Join(s.size() > kMaxLabel ? MaxLength(kMaxLabel) : "", pattern ? "" : kDns1035);
}

std::string Dns1123LabelError(std::string_view s) {
  return Join(s.size() > kMaxLabel ? MaxLength(kMaxLabel) : "",
              MatchesDns1123Label(s) ? "" : kDns1123Label);
}

std::string Dns1123SubdomainError(std::string_view s) {
  return Join(s.size() > kMaxSubdomain ? MaxLength(kMaxSubdomain) : "",
              MatchesDns1123Subdomain(s) ? "" : kDns1123Subdomain);
}

std::string QualifiedNameError(std::string_view s) {
  std::string_view name = s;
  std::string prefix_error;
  if (size_t slash = s.find('/'); slash != std::string_view::npos) {
    std::string_view prefix = s.substr(0, slash);
    name = s.substr(slash + 1);
    if (prefix.empty()) {
      prefix_error = "prefix part must be non-empty";
    } else if (std::string e = Dns1123SubdomainError(prefix); !e.empty()) {
      prefix_error = "prefix part " + e;
    }
  }
  if (name.empty()) return Join(prefix_error, "name part must be non-empty");
  std::string name_error = name.size() > kMaxLabel ? "name part " + MaxLength(kMaxLabel) : "";
  if (!MatchesQualifiedNamePart(name)) name_error = Join(name_error, kQualifiedName);
  return Join(prefix_error, name_error);
}

std::string LabelValueError(std::string_view s) {
  if (s.empty()) return "";
  return Join(s.size() > kMaxLabel ? MaxLength(kMaxLabel) : "",
              MatchesQualifiedNamePart(s) ? "" : kLabelValue);
}

bool IsDns1035Label(std::string_view s) { return Dns1035LabelError(s).empty(); }
bool IsDns1123Label(std::string_view s) { return Dns1123LabelError(s).empty(); }
bool IsDns1123Subdomain(std::string_view s) { return Dns1123SubdomainError(s).empty(); }
bool IsQualifiedName(std::string_view s) { return QualifiedNameError(s).empty(); }
bool IsLabelValue(std::string_view s) { return LabelValueError(s).empty(); }

std::string ChildName(std::string_view parent, std::string_view suffix) {
  constexpr size_t kLongest = 63;
  constexpr size_t kHead = kLongest - 32;  // what is left of the parent beside an md5 hex
  if (parent.size() + suffix.size() <= kLongest) return std::string(parent) + std::string(suffix);
  if (suffix.size() >= kHead) {
    std::string ret =
        std::string(parent.substr(0, kHead)) + Md5Hex(std::string(parent) + std::string(suffix));
    if (ret.size() < kLongest) ret += suffix.substr(0, kLongest - ret.size());
    while (!ret.empty() && !IsAlnum(ret.back())) ret.pop_back();
    return ret;
  }
  return std::string(parent.substr(0, kHead - suffix.size())) + Md5Hex(parent) +
         std::string(suffix);
}

std::string RevisionName(std::string_view config_name, std::int64_t generation) {
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, "-%05lld", static_cast<long long>(generation));
  return ChildName(config_name, suffix);
}

}  // namespace ebb::api
