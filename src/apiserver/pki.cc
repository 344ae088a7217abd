#include "apiserver/pki.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

namespace ebb::apiserver {
namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

constexpr long kCaDays = 3650;
constexpr long kServerDays = 3650;
constexpr long kRenewBeforeSeconds = 30L * 86400;

Status SslError(std::string_view what) {
  return Status(Code::kInternal, "TLS material: " + std::string(what) + " failed");
}

bool IsIp(std::string_view host) {
  std::string h(host);
  unsigned char buf[16];
  return inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

// Hosts the serving certificate must name besides 127.0.0.1 and localhost ("" = none). The
// wildcard addresses are reached as 127.0.0.1, so they need no SAN of their own.
std::string ExtraSan(std::string_view host) {
  if (host.empty() || host == "127.0.0.1" || host == "localhost" || host == "0.0.0.0" ||
      host == "::") {
    return "";
  }
  return (IsIp(host) ? "IP:" : "DNS:") + std::string(host);
}

Result<std::optional<std::string>> ReadFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return std::optional<std::string>();
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) return Status(Code::kInternal, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return std::optional<std::string>(text.str());
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string KeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return BioText(bio.get());
}

std::string CertPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(bio.get(), cert);
  return BioText(bio.get());
}

KeyPtr KeyFromPem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return KeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
}

CertPtr CertFromPem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return CertPtr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
}

KeyPtr NewEcKey() { return KeyPtr(EVP_EC_gen("P-256"), EVP_PKEY_free); }

bool SetRandomSerial(X509* cert) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(BN_new(), BN_free);
  if (!bn || !BN_rand(bn.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY)) return false;
  return BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr;
}

bool AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

struct CertSpec {
  std::string common_name;
  long days;
  std::vector<std::pair<int, std::string>> extensions;  // applied in order
};

// Builds and signs a certificate for `key`. issuer == nullptr makes it self-signed.
Result<CertPtr> IssueCert(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  CertPtr cert(X509_new(), X509_free);
  if (!cert || !X509_set_version(cert.get(), 2) || !SetRandomSerial(cert.get())) {
    return SslError("certificate setup");
  }
  // Backdated an hour so that a client whose clock is a little behind still accepts it.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.days * 86400L);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("ebb"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
                             -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  for (const auto& [nid, value] : spec.extensions) {
    if (!AddExtension(cert.get(), signer, nid, value)) return SslError("certificate extension");
  }
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) return SslError("certificate signing");
  return cert;
}

CertSpec CaSpec() {
  return {"ebb-ca",
          kCaDays,
          {{NID_basic_constraints, "critical,CA:TRUE"},
           {NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"},
           {NID_subject_key_identifier, "hash"}}};
}

CertSpec ServerSpec(std::string_view listen_host) {
  std::string sans = "IP:127.0.0.1,DNS:localhost";
  if (std::string extra = ExtraSan(listen_host); !extra.empty()) sans += "," + extra;
  return {"ebb-apiserver",
          kServerDays,
          {{NID_basic_constraints, "critical,CA:FALSE"},
           {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
           {NID_ext_key_usage, "serverAuth"},
           {NID_subject_alt_name, sans},
           {NID_subject_key_identifier, "hash"},
           {NID_authority_key_identifier, "keyid:always"}}};
}

bool CoversHost(X509* cert, std::string_view host) {
  std::string extra = ExtraSan(host);
  if (extra.empty()) return X509_check_ip_asc(cert, "127.0.0.1", 0) == 1;
  std::string h(host);
  return IsIp(host) ? X509_check_ip_asc(cert, h.c_str(), 0) == 1
                    : X509_check_host(cert, h.c_str(), h.size(), 0, nullptr) == 1;
}

bool ExpiresSoon(X509* cert) {
  time_t limit = std::time(nullptr) + kRenewBeforeSeconds;
  return X509_cmp_time(X509_get0_notAfter(cert), &limit) <= 0;
}

// The serving certificate on disk is kept only if it still fits: signed by this CA, matching
// its key, naming the listen host and not about to expire.
bool ServerCertUsable(const std::string& cert_pem, const std::string& key_pem, EVP_PKEY* ca_key,
                      std::string_view listen_host) {
  CertPtr cert = CertFromPem(cert_pem);
  KeyPtr key = KeyFromPem(key_pem);
  return cert && key && X509_verify(cert.get(), ca_key) == 1 &&
         X509_check_private_key(cert.get(), key.get()) == 1 &&
         CoversHost(cert.get(), listen_host) && !ExpiresSoon(cert.get());
}

struct Paths {
  std::string ca_cert, ca_key, server_cert, server_key, token;
  explicit Paths(const std::string& dir)
      : ca_cert(dir + "/ca.crt"),
        ca_key(dir + "/ca.key"),
        server_cert(dir + "/apiserver.crt"),
        server_key(dir + "/apiserver.key"),
        token(dir + "/token") {}
};

struct Ca {
  std::string cert_pem;
  CertPtr cert{nullptr, X509_free};
  KeyPtr key{nullptr, EVP_PKEY_free};
};

Result<Ca> CreateCa(const Paths& paths) {
  KeyPtr key = NewEcKey();
  if (!key) return SslError("CA key generation");
  auto cert = IssueCert(CaSpec(), key.get(), nullptr, key.get());
  if (!cert.ok()) return cert.status();
  Ca ca{CertPem(cert->get()), std::move(cert).value(), std::move(key)};
  EBB_RETURN_IF_ERROR(WriteFileAtomic(paths.ca_key, KeyPem(ca.key.get()), 0600));
  EBB_RETURN_IF_ERROR(WriteFileAtomic(paths.ca_cert, ca.cert_pem, 0644));
  return ca;
}

Result<Ca> LoadOrCreateCa(const Paths& paths) {
  auto cert_pem = ReadFile(paths.ca_cert);
  if (!cert_pem.ok()) return cert_pem.status();
  auto key_pem = ReadFile(paths.ca_key);
  if (!key_pem.ok()) return key_pem.status();
  if (!cert_pem->has_value() || !key_pem->has_value()) return CreateCa(paths);
  Ca ca{**cert_pem, CertFromPem(**cert_pem), KeyFromPem(**key_pem)};
  if (!ca.cert || !ca.key || X509_check_private_key(ca.cert.get(), ca.key.get()) != 1) {
    // Regenerating would silently invalidate every client's trust; make the user decide.
    return Status(Code::kInternal, "TLS material: " + paths.ca_cert + " / " + paths.ca_key +
                                       " are unreadable or do not match; remove both to "
                                       "create a new CA");
  }
  return ca;
}

Status EnsureServerCert(const Paths& paths, const Ca& ca, std::string_view listen_host, Pki& out) {
  auto cert_pem = ReadFile(paths.server_cert);
  if (!cert_pem.ok()) return cert_pem.status();
  auto key_pem = ReadFile(paths.server_key);
  if (!key_pem.ok()) return key_pem.status();
  if (cert_pem->has_value() && key_pem->has_value() &&
      ServerCertUsable(**cert_pem, **key_pem, ca.key.get(), listen_host)) {
    out.server_cert_pem = **cert_pem;
    out.server_key_pem = **key_pem;
    return Status::Ok();
  }
  KeyPtr key = NewEcKey();
  if (!key) return SslError("server key generation");
  auto cert = IssueCert(ServerSpec(listen_host), key.get(), ca.cert.get(), ca.key.get());
  if (!cert.ok()) return cert.status();
  out.server_cert_pem = CertPem(cert->get());
  out.server_key_pem = KeyPem(key.get());
  EBB_RETURN_IF_ERROR(WriteFileAtomic(paths.server_key, out.server_key_pem, 0600));
  return WriteFileAtomic(paths.server_cert, out.server_cert_pem, 0644);
}

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

Result<std::string> LoadOrCreateToken(const std::string& path) {
  auto existing = ReadFile(path);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    std::string token = **existing;
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) {
      token.pop_back();
    }
    if (!token.empty()) return token;
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return SslError("random token");
  std::string token = Hex(bytes, sizeof(bytes));
  EBB_RETURN_IF_ERROR(WriteFileAtomic(path, token + "\n", 0600));
  return token;
}

}  // namespace

Status WriteFileAtomic(const std::string& path, std::string_view content, unsigned mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status(Code::kInternal, "cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, mode) == 0;  // the umask may have narrowed or the file pre-existed
  for (size_t done = 0; ok && done < content.size();) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) saved = errno;
    ::unlink(tmp.c_str());
    return Status(Code::kInternal, "cannot write " + path + ": " + std::strerror(saved));
  }
  return Status::Ok();
}

std::string Base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<Pki> LoadOrCreatePki(const std::string& dir, std::string_view listen_host) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status(Code::kInternal, "cannot create " + dir + ": " + ec.message());
  Paths paths(dir);
  auto ca = LoadOrCreateCa(paths);
  if (!ca.ok()) return ca.status();
  Pki pki;
  pki.ca_cert_pem = ca->cert_pem;
  EBB_RETURN_IF_ERROR(EnsureServerCert(paths, *ca, listen_host, pki));
  auto token = LoadOrCreateToken(paths.token);
  if (!token.ok()) return token.status();
  pki.token = std::move(token).value();
  return pki;
}

std::string KubeconfigYaml(const std::string& server, const Pki& pki) {
  std::string out = "apiVersion: v1\nkind: Config\nclusters:\n- name: ebb\n  cluster:\n";
  out += "    server: " + server + "\n";
  out += "    certificate-authority-data: " + Base64(pki.ca_cert_pem) + "\n";
  out += "users:\n- name: ebb\n  user:\n";
  out += "    token: " + pki.token + "\n";
  out += "contexts:\n- name: ebb\n  context:\n    cluster: ebb\n    user: ebb\n";
  out += "    namespace: default\n";
  out += "current-context: ebb\npreferences: {}\n";
  return out;
}

}  // namespace ebb::apiserver
