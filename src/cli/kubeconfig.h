// Reading the kubeconfig that `ebb serve` writes (and that kubectl reads too): which file, and
// what is in it: the current context's cluster (https URL, CA), user (bearer token) and
// namespace.
//
// Which file (first that applies):
//   --kubeconfig FILE
//   --data-dir DIR           -> DIR/kubeconfig
//   $EBB_DATA_DIR            -> $EBB_DATA_DIR/kubeconfig
//   $KUBECONFIG              -> its first entry (kubectl's colon-separated list)
//   $XDG_DATA_HOME/ebb/kubeconfig, else $HOME/.local/share/ebb/kubeconfig (ebb serve's default)
// ebb-specific settings come before $KUBECONFIG so that a KUBECONFIG exported for some other
// cluster does not silently redirect `ebb`; explicit flags beat the environment.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "net/https_client.h"

namespace ebb::cli {

struct Kubeconfig {
  std::string path;             // the file it was read from
  std::string server;           // "https://127.0.0.1:6443"
  net::HttpsEndpoint endpoint;  // host, port, CA PEM, token, insecure
  std::string ns;               // the context's namespace; "" when not set
};

// Looks a variable up; returns nullopt when it is not set (std::getenv in production).
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

std::string KubeconfigPath(const std::string& flag_kubeconfig, const std::string& flag_data_dir,
                           const EnvLookup& env);

// Parses kubeconfig YAML. certificate-authority (a file, relative to the kubeconfig's folder)
// and tokenFile are read from disk; certificate-authority-data is base64. Errors are
// kBadRequest naming `path` and what is missing ("no current-context", "context \"x\" not
// found", "server must be https://…").
Result<Kubeconfig> ParseKubeconfig(std::string_view text, const std::string& path);
// Reads and parses the file; kNotFound when it does not exist.
Result<Kubeconfig> LoadKubeconfig(const std::string& path);

// "https://host[:port][/]" -> host and port (443 by default; [v6] brackets removed).
Status ParseServerUrl(std::string_view url, std::string* host, int* port);
// Standard base64 (padding optional, whitespace ignored); kBadRequest on other characters.
Result<std::string> DecodeBase64(std::string_view text);

}  // namespace ebb::cli
