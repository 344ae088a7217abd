#include "cli/kubeconfig.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace ebb::cli {
namespace {

// "-----BEGIN CERTIFICATE-----\nabc\n" in base64.
constexpr char kCaData[] = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmFiYwo=";

std::string Config(const std::string& cluster_extra, const std::string& context_extra = "") {
  return "apiVersion: v1\n"
         "kind: Config\n"
         "current-context: ebb\n"
         "clusters:\n"
         "- name: other\n"
         "  cluster:\n"
         "    server: https://10.0.0.1:443\n"
         "- name: ebb\n"
         "  cluster:\n"
         "    server: https://127.0.0.1:6443\n" +
         cluster_extra +
         "contexts:\n"
         "- name: ebb\n"
         "  context:\n"
         "    cluster: ebb\n"
         "    user: ebb-admin\n" +
         context_extra +
         "users:\n"
         "- name: ebb-admin\n"
         "  user:\n"
         "    token: s3cret\n";
}

TEST(KubeconfigTest, ReadsTheCurrentContext) {
  Result<Kubeconfig> config =
      ParseKubeconfig(Config(std::string("    certificate-authority-data: ") + kCaData + "\n",
                             "    namespace: team-a\n"),
                      "/tmp/kc");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->server, "https://127.0.0.1:6443");
  EXPECT_EQ(config->endpoint.host, "127.0.0.1");
  EXPECT_EQ(config->endpoint.port, 6443);
  EXPECT_EQ(config->endpoint.ca_pem, "-----BEGIN CERTIFICATE-----\nabc\n");
  EXPECT_EQ(config->endpoint.bearer_token, "s3cret");
  EXPECT_FALSE(config->endpoint.insecure);
  EXPECT_EQ(config->ns, "team-a");
  EXPECT_EQ(config->path, "/tmp/kc");
}

TEST(KubeconfigTest, NamespaceIsEmptyWhenTheContextHasNone) {
  Result<Kubeconfig> config = ParseKubeconfig(Config(""), "kc");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->ns, "");
  EXPECT_EQ(config->endpoint.ca_pem, "");
}

TEST(KubeconfigTest, InsecureSkipTlsVerify) {
  Result<Kubeconfig> config = ParseKubeconfig(Config("    insecure-skip-tls-verify: true\n"), "kc");
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->endpoint.insecure);
}

TEST(KubeconfigTest, CaFileAndTokenFileAreReadRelativeToTheKubeconfig) {
  auto dir = std::filesystem::temp_directory_path() / "ebb_cli_kubeconfig_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ca.pem") << "PEM";
  std::ofstream(dir / "token") << "from-file\n";
  std::string text =
      "current-context: c\n"
      "clusters: [{name: k, cluster: {server: 'https://localhost', certificate-authority: "
      "ca.pem}}]\n"
      "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
      "users: [{name: u, user: {tokenFile: token}}]\n";
  Result<Kubeconfig> config = ParseKubeconfig(text, (dir / "kubeconfig").string());
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->endpoint.ca_pem, "PEM");
  EXPECT_EQ(config->endpoint.bearer_token, "from-file");
  EXPECT_EQ(config->endpoint.host, "localhost");
  EXPECT_EQ(config->endpoint.port, 443);
  std::filesystem::remove_all(dir);
}

TEST(KubeconfigTest, Errors) {
  auto message = [](const std::string& text) {
    Result<Kubeconfig> config = ParseKubeconfig(text, "kc");
    EXPECT_FALSE(config.ok());
    return config.ok() ? "" : config.status().message();
  };
  EXPECT_EQ(message("kind: Config\n"), "kubeconfig kc: no current-context");
  EXPECT_EQ(message("current-context: x\ncontexts: []\n"),
            "kubeconfig kc: context \"x\" not found");
  EXPECT_EQ(message("current-context: x\ncontexts: [{name: x, context: {cluster: y}}]\n"),
            "kubeconfig kc: cluster \"y\" not found");
  EXPECT_EQ(message("current-context: x\ncontexts: [{name: x, context: {cluster: y}}]\n"
                    "clusters: [{name: y, cluster: {server: 'http://127.0.0.1:8080'}}]\n"),
            "kubeconfig kc: server must be an https:// URL, not \"http://127.0.0.1:8080\"");
  EXPECT_EQ(message("current-context: x\ncontexts: [{name: x, context: {cluster: y, user: u}}]\n"
                    "clusters: [{name: y, cluster: {server: 'https://h:1'}}]\n"),
            "kubeconfig kc: user \"u\" not found");
  EXPECT_NE(message("{unclosed").find("kubeconfig kc: "), std::string::npos);
  EXPECT_EQ(message("- a list\n"), "kubeconfig kc: not a kubeconfig (expected a YAML map)");
}

TEST(KubeconfigTest, LoadReportsAMissingFileAsNotFound) {
  Result<Kubeconfig> config = LoadKubeconfig("/nonexistent/ebb/kubeconfig");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), Code::kNotFound);
}

TEST(KubeconfigTest, ServerUrls) {
  std::string host;
  int port = 0;
  ASSERT_TRUE(ParseServerUrl("https://[::1]:6443/", &host, &port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 6443);
  ASSERT_TRUE(ParseServerUrl("https://[::1]", &host, &port).ok());
  EXPECT_EQ(port, 443);
  ASSERT_TRUE(ParseServerUrl("https://example.com:8443/prefix", &host, &port).ok());
  EXPECT_EQ(host, "example.com");
  EXPECT_EQ(port, 8443);
  EXPECT_FALSE(ParseServerUrl("https://h:0", &host, &port).ok());
  EXPECT_FALSE(ParseServerUrl("https://h:70000", &host, &port).ok());
  EXPECT_FALSE(ParseServerUrl("https://h:12a", &host, &port).ok());
  EXPECT_FALSE(ParseServerUrl("https://:443", &host, &port).ok());
  EXPECT_FALSE(ParseServerUrl("127.0.0.1:6443", &host, &port).ok());
}

TEST(KubeconfigTest, Base64) {
  EXPECT_EQ(*DecodeBase64("aGVsbG8="), "hello");
  EXPECT_EQ(*DecodeBase64("aGVs\nbG8"), "hello");
  EXPECT_EQ(*DecodeBase64(""), "");
  EXPECT_EQ(*DecodeBase64("/+8="), "\xff\xef");
  EXPECT_FALSE(DecodeBase64("a*b").ok());
}

TEST(KubeconfigTest, PathPrecedence) {
  std::map<std::string, std::string> vars;
  EnvLookup env = [&vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  vars["HOME"] = "/home/u";
  EXPECT_EQ(KubeconfigPath("", "", env), "/home/u/.local/share/ebb/kubeconfig");
  vars["XDG_DATA_HOME"] = "/xdg";
  EXPECT_EQ(KubeconfigPath("", "", env), "/xdg/ebb/kubeconfig");
  vars["KUBECONFIG"] = "/k/one:/k/two";
  EXPECT_EQ(KubeconfigPath("", "", env), "/k/one");
  vars["EBB_DATA_DIR"] = "/data";
  EXPECT_EQ(KubeconfigPath("", "", env), "/data/kubeconfig");
  EXPECT_EQ(KubeconfigPath("", "/flagdir", env), "/flagdir/kubeconfig");
  EXPECT_EQ(KubeconfigPath("/explicit", "/flagdir", env), "/explicit");
}

}  // namespace
}  // namespace ebb::cli
