#include "cli/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ebb::cli {
namespace {

namespace fs = std::filesystem;

Status Bad(const std::string& path, const std::string& what) {
  return Status(Code::kBadRequest, "kubeconfig " + path + ": " + what);
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kNotFound, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The `field` map of the entry named `name` in a kubeconfig list (clusters, contexts, users);
// nullopt when there is no such entry. (A default YAML::Node is a defined null, so absence
// needs its own value.)
std::optional<YAML::Node> FindNamed(const YAML::Node& list, const std::string& name,
                                    const char* field) {
  if (!list || !list.IsSequence()) return std::nullopt;
  for (const YAML::Node& entry : list) {
    if (!entry.IsMap() || !entry["name"] || !entry["name"].IsScalar()) continue;
    if (entry["name"].as<std::string>() != name) continue;
    if (!entry[field]) return YAML::Node(YAML::NodeType::Map);
    return entry[field];
  }
  return std::nullopt;
}

std::string Scalar(const YAML::Node& map, const char* key) {
  if (!map || !map.IsMap() || !map[key] || !map[key].IsScalar()) return "";
  return map[key].as<std::string>();
}

std::string Relative(const std::string& kubeconfig, const std::string& file) {
  fs::path p(file);
  return p.is_absolute() ? file : (fs::path(kubeconfig).parent_path() / p).string();
}

Status ReadCluster(const YAML::Node& cluster, const std::string& path, Kubeconfig& out) {
  out.server = Scalar(cluster, "server");
  if (out.server.empty()) return Bad(path, "the cluster has no server");
  Status url = ParseServerUrl(out.server, &out.endpoint.host, &out.endpoint.port);
  if (!url.ok()) return Bad(path, url.message());
  out.endpoint.insecure = Scalar(cluster, "insecure-skip-tls-verify") == "true";
  if (std::string data = Scalar(cluster, "certificate-authority-data"); !data.empty()) {
    Result<std::string> pem = DecodeBase64(data);
    if (!pem.ok()) return Bad(path, "certificate-authority-data: " + pem.status().message());
    out.endpoint.ca_pem = *pem;
  } else if (std::string file = Scalar(cluster, "certificate-authority"); !file.empty()) {
    Result<std::string> pem = ReadFile(Relative(path, file));
    if (!pem.ok()) return Bad(path, "certificate-authority: " + pem.status().message());
    out.endpoint.ca_pem = *pem;
  }
  return Status::Ok();
}

Status ReadUser(const YAML::Node& user, const std::string& path, Kubeconfig& out) {
  out.endpoint.bearer_token = Scalar(user, "token");
  std::string file = Scalar(user, "tokenFile");
  if (out.endpoint.bearer_token.empty() && !file.empty()) {
    Result<std::string> token = ReadFile(Relative(path, file));
    if (!token.ok()) return Bad(path, "tokenFile: " + token.status().message());
    std::string t = *token;
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
    out.endpoint.bearer_token = t;
  }
  return Status::Ok();
}

Result<Kubeconfig> ParseDocument(const YAML::Node& root, const std::string& path) {
  if (!root.IsMap()) return Bad(path, "not a kubeconfig (expected a YAML map)");
  std::string current = Scalar(root, "current-context");
  if (current.empty()) return Bad(path, "no current-context");
  std::optional<YAML::Node> context = FindNamed(root["contexts"], current, "context");
  if (!context) return Bad(path, "context \"" + current + "\" not found");
  std::string cluster_name = Scalar(*context, "cluster");
  std::optional<YAML::Node> cluster = FindNamed(root["clusters"], cluster_name, "cluster");
  if (!cluster) return Bad(path, "cluster \"" + cluster_name + "\" not found");
  Kubeconfig out;
  out.path = path;
  out.ns = Scalar(*context, "namespace");
  EBB_RETURN_IF_ERROR(ReadCluster(*cluster, path, out));
  if (std::string user_name = Scalar(*context, "user"); !user_name.empty()) {
    std::optional<YAML::Node> user = FindNamed(root["users"], user_name, "user");
    if (!user) return Bad(path, "user \"" + user_name + "\" not found");
    EBB_RETURN_IF_ERROR(ReadUser(*user, path, out));
  }
  return out;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

std::string KubeconfigPath(const std::string& flag_kubeconfig, const std::string& flag_data_dir,
                           const EnvLookup& env) {
  if (!flag_kubeconfig.empty()) return flag_kubeconfig;
  if (!flag_data_dir.empty()) return (fs::path(flag_data_dir) / "kubeconfig").string();
  if (auto dir = env("EBB_DATA_DIR"); dir && !dir->empty()) {
    return (fs::path(*dir) / "kubeconfig").string();
  }
  if (auto list = env("KUBECONFIG"); list && !list->empty()) {
    std::string first = list->substr(0, list->find(':'));
    if (!first.empty()) return first;
  }
  if (auto xdg = env("XDG_DATA_HOME"); xdg && !xdg->empty()) {
    return (fs::path(*xdg) / "ebb" / "kubeconfig").string();
  }
  std::string home = env("HOME").value_or("");
  return (fs::path(home) / ".local" / "share" / "ebb" / "kubeconfig").string();
}

Result<Kubeconfig> ParseKubeconfig(std::string_view text, const std::string& path) {
  try {
    return ParseDocument(YAML::Load(std::string(text)), path);
  } catch (const YAML::Exception& e) {
    return Bad(path, e.what());
  }
}

Result<Kubeconfig> LoadKubeconfig(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseKubeconfig(*text, path);
}

Status ParseServerUrl(std::string_view url, std::string* host, int* port) {
  constexpr std::string_view kScheme = "https://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Status(Code::kBadRequest,
                  "server must be an https:// URL, not \"" + std::string(url) + "\"");
  }
  std::string_view rest = url.substr(kScheme.size());
  rest = rest.substr(0, rest.find('/'));
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {  // [::1]:6443
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return Status(Code::kBadRequest, "bad server URL");
    *host = std::string(rest.substr(1, close - 1));
    if (close + 1 < rest.size() && rest[close + 1] == ':') port_text = rest.substr(close + 2);
  } else {
    size_t colon = rest.rfind(':');
    *host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }
  if (host->empty()) return Status(Code::kBadRequest, "server URL has no host");
  *port = 443;
  if (port_text.empty()) return Status::Ok();
  int value = 0;
  for (char c : port_text) {
    if (!std::isdigit(static_cast<unsigned char>(c)) || value > 65535) {
      return Status(Code::kBadRequest, "bad port in server URL \"" + std::string(url) + "\"");
    }
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 65535) return Status(Code::kBadRequest, "bad port in server URL");
  *port = value;
  return Status::Ok();
}

Result<std::string> DecodeBase64(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '=') continue;
    int v = Base64Value(c);
    if (v < 0) return Status(Code::kBadRequest, "invalid base64 character");
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace ebb::cli
