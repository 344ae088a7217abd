#include "apiserver/pki.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ebb::apiserver {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ebb-pki-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) != nullptr ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;
CertPtr Parse(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  CertPtr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr), X509_free);
  BIO_free(bio);
  return cert;
}

// Verifies `leaf` against `ca` as a TLS client would, including the host check.
bool VerifiesFor(const std::string& ca_pem, const std::string& leaf_pem, const char* ip) {
  CertPtr ca = Parse(ca_pem), leaf = Parse(leaf_pem);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca.get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf.get(), nullptr);
  X509_VERIFY_PARAM_set1_ip_asc(X509_STORE_CTX_get0_param(ctx), ip);
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
  bool ok = X509_verify_cert(ctx) == 1;
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return ok;
}

TEST(PkiTest, CreatesMaterialWithPrivateModes) {
  TempDir dir;
  auto pki = LoadOrCreatePki(dir.File("data"), "127.0.0.1");
  ASSERT_TRUE(pki.ok()) << pki.status().ToString();
  EXPECT_EQ(pki->token.size(), 64u);
  EXPECT_EQ(pki->token.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(Read(dir.File("data/ca.crt")), pki->ca_cert_pem);
  EXPECT_EQ(Read(dir.File("data/apiserver.crt")), pki->server_cert_pem);
  EXPECT_EQ(Read(dir.File("data/apiserver.key")), pki->server_key_pem);
  EXPECT_EQ(Mode(dir.File("data/ca.key")), 0600u);
  EXPECT_EQ(Mode(dir.File("data/apiserver.key")), 0600u);
  EXPECT_EQ(Mode(dir.File("data/token")), 0600u);
  EXPECT_TRUE(VerifiesFor(pki->ca_cert_pem, pki->server_cert_pem, "127.0.0.1"));
  EXPECT_FALSE(VerifiesFor(pki->ca_cert_pem, pki->server_cert_pem, "10.9.8.7"));
  CertPtr cert = Parse(pki->server_cert_pem);
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
}

TEST(PkiTest, ReusedOnTheNextStart) {
  TempDir dir;
  auto first = LoadOrCreatePki(dir.path(), "127.0.0.1");
  auto second = LoadOrCreatePki(dir.path(), "0.0.0.0");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->ca_cert_pem, second->ca_cert_pem);
  EXPECT_EQ(first->server_cert_pem, second->server_cert_pem);
  EXPECT_EQ(first->token, second->token);
}

TEST(PkiTest, ReissuesTheServingCertForANewListenIpWithTheSameCa) {
  TempDir dir;
  auto first = LoadOrCreatePki(dir.path(), "127.0.0.1");
  auto moved = LoadOrCreatePki(dir.path(), "10.9.8.7");
  ASSERT_TRUE(first.ok() && moved.ok());
  EXPECT_EQ(first->ca_cert_pem, moved->ca_cert_pem);
  EXPECT_NE(first->server_cert_pem, moved->server_cert_pem);
  EXPECT_TRUE(VerifiesFor(moved->ca_cert_pem, moved->server_cert_pem, "10.9.8.7"));
  EXPECT_TRUE(VerifiesFor(moved->ca_cert_pem, moved->server_cert_pem, "127.0.0.1"));
}

TEST(PkiTest, ANewCaReplacesAServingCertItDidNotSign) {
  TempDir dir;
  auto first = LoadOrCreatePki(dir.path(), "127.0.0.1");
  ASSERT_TRUE(first.ok());
  std::filesystem::remove(dir.File("ca.crt"));
  std::filesystem::remove(dir.File("ca.key"));
  auto second = LoadOrCreatePki(dir.path(), "127.0.0.1");
  ASSERT_TRUE(second.ok());
  EXPECT_NE(first->ca_cert_pem, second->ca_cert_pem);
  EXPECT_TRUE(VerifiesFor(second->ca_cert_pem, second->server_cert_pem, "127.0.0.1"));
}

TEST(PkiTest, CorruptCaIsAnErrorNotSilentlyReplaced) {
  TempDir dir;
  ASSERT_TRUE(LoadOrCreatePki(dir.path(), "127.0.0.1").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.File("ca.key"), "garbage", 0600).ok());
  auto again = LoadOrCreatePki(dir.path(), "127.0.0.1");
  EXPECT_EQ(again.status().code(), Code::kInternal);
}

TEST(PkiTest, KubeconfigNamesClusterUserAndContext) {
  Pki pki{"CA-PEM", "", "", "tok123"};
  std::string yaml = KubeconfigYaml("https://127.0.0.1:6443", pki);
  EXPECT_NE(yaml.find("server: https://127.0.0.1:6443\n"), std::string::npos);
  EXPECT_NE(yaml.find("certificate-authority-data: " + Base64("CA-PEM") + "\n"), std::string::npos);
  EXPECT_NE(yaml.find("token: tok123\n"), std::string::npos);
  EXPECT_NE(yaml.find("namespace: default\n"), std::string::npos);
  EXPECT_NE(yaml.find("current-context: ebb\n"), std::string::npos);
}

TEST(Base64Test, KnownVectors) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
}

TEST(WriteFileAtomicTest, ReplacesContentAndSetsMode) {
  TempDir dir;
  std::string path = dir.File("f");
  ASSERT_TRUE(WriteFileAtomic(path, "one", 0644).ok());
  ASSERT_TRUE(WriteFileAtomic(path, "two", 0600).ok());
  EXPECT_EQ(Read(path), "two");
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_EQ(WriteFileAtomic(dir.File("missing/f"), "x", 0600).code(), Code::kInternal);
}

}  // namespace
}  // namespace ebb::apiserver
