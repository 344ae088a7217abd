// The API server's TLS material, bearer token and kubeconfig, kept in a data directory.
//
//   ca.crt / ca.key                 self-signed CA (EC P-256, 10 years)
//   apiserver.crt / apiserver.key   serving certificate signed by the CA; SANs IP:127.0.0.1,
//                                   DNS:localhost and the listen host when it is another IP
//   token                           64 hex characters (32 random bytes)
//   kubeconfig                      cluster/user/context "ebb", namespace default
//
// Everything is created on first use and reused later; the serving certificate is reissued (by
// the same CA) when it does not cover the listen host or expires within 30 days. Keys, token and
// kubeconfig are written mode 0600 (via a temporary file and rename, so a crash never leaves a
// half-written file behind).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace ebb::apiserver {

struct Pki {
  std::string ca_cert_pem;
  std::string server_cert_pem;
  std::string server_key_pem;
  std::string token;
};

// Loads or creates the material in `dir` (created if missing). `listen_host` is the host part of
// the listen address ("127.0.0.1", "0.0.0.0", "10.1.2.3", "localhost"); an IP other than
// 127.0.0.1/0.0.0.0 becomes an extra SAN. kInternal on I/O or OpenSSL failures.
Result<Pki> LoadOrCreatePki(const std::string& dir, std::string_view listen_host);

// The kubeconfig text for `server` ("https://127.0.0.1:6443").
std::string KubeconfigYaml(const std::string& server, const Pki& pki);

// Writes `content` to `path` with the given mode, atomically (temporary file + rename).
Status WriteFileAtomic(const std::string& path, std::string_view content, unsigned mode);

// Standard base64 (with padding) of `data`.
std::string Base64(std::string_view data);

}  // namespace ebb::apiserver
