#include "cli/cli.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/fake_api_client.h"

namespace ebb::cli {
namespace {

using nlohmann::json;

class CliTest : public ::testing::Test {
 protected:
  int Run(std::vector<std::string> args) {
    args.insert(args.begin(), "ebb");
    Environment env{out_, err_, in_, clock_,
                    [this](const GlobalOptions& options) -> Result<Connection> {
                      connects_.push_back(options);
                      if (!connect_error_.ok()) return connect_error_;
                      Connection c;
                      c.client = std::make_unique<Forwarder>(client_);
                      c.ns = kubeconfig_ns_;
                      return c;
                    }};
    return cli::Run(args, env);
  }

  // Hands the test's FakeApiClient to the command, which owns what it is given.
  class Forwarder : public ApiClient {
   public:
    explicit Forwarder(FakeApiClient& f) : f_(f) {}
    Result<ApiResponse> Version() override { return f_.Version(); }
    Result<ApiResponse> Get(const ResourceType& t, const std::string& ns, const std::string& n,
                            bool table) override {
      return f_.Get(t, ns, n, table);
    }
    Result<ApiResponse> List(const ResourceType& t, const std::string& ns,
                             const ListOptions& o) override {
      return f_.List(t, ns, o);
    }
    Result<ApiResponse> Create(const ResourceType& t, const std::string& ns, const json& o,
                               bool d) override {
      return f_.Create(t, ns, o, d);
    }
    Result<ApiResponse> Replace(const ResourceType& t, const std::string& ns, const std::string& n,
                                const json& o, bool d) override {
      return f_.Replace(t, ns, n, o, d);
    }
    Result<ApiResponse> Apply(const ResourceType& t, const std::string& ns, const std::string& n,
                              const json& o, bool d) override {
      return f_.Apply(t, ns, n, o, d);
    }
    Result<ApiResponse> Patch(const ResourceType& t, const std::string& ns, const std::string& n,
                              const json& p, bool d) override {
      return f_.Patch(t, ns, n, p, d);
    }
    Result<ApiResponse> Delete(const ResourceType& t, const std::string& ns,
                               const std::string& n) override {
      return f_.Delete(t, ns, n);
    }
    Result<ApiResponse> Watch(const ResourceType& t, const std::string& ns, const ListOptions& o,
                              Deadline d, const WatchHandler& h) override {
      return f_.Watch(t, ns, o, d, h);
    }
    Result<ApiResponse> PodLog(const std::string& ns, const std::string& pod, const LogOptions& o,
                               const LineHandler& h) override {
      return f_.PodLog(ns, pod, o, h);
    }

   private:
    FakeApiClient& f_;
  };

  FakeApiClient client_;
  std::ostringstream out_, err_;
  std::istringstream in_;
  FakeClock clock_;
  Status connect_error_;
  std::string kubeconfig_ns_;
  std::vector<GlobalOptions> connects_;
};

TEST_F(CliTest, HelpListsServeAndTheCommands) {
  EXPECT_EQ(Run({"--help"}), 0);
  for (const char* line : {"serve", "Run the ebb server (gateway, API, controller)", "version",
                           "apply", "get", "describe", "delete", "logs", "service"}) {
    EXPECT_NE(out_.str().find(line), std::string::npos) << line << "\n" << out_.str();
  }
  EXPECT_TRUE(connects_.empty());
}

TEST_F(CliTest, LogsTakesATargetFollowAndTail) {
  client_.Put(PodType(), {{"metadata", {{"name", "p"}, {"namespace", "team"}}}});
  client_.pod_logs["p"] = {"one", "two", "three"};
  EXPECT_EQ(Run({"logs", "pod/p", "-n", "team", "--tail", "2", "-f"}), 0);
  EXPECT_EQ(out_.str(), "two\nthree\n");
  EXPECT_EQ(client_.log_calls, (std::vector<std::string>{"LOG team/p follow tail=2"}));
  out_.str("");
  EXPECT_EQ(Run({"logs", "p", "-n", "team"}), 0);
  EXPECT_EQ(out_.str(), "one\ntwo\nthree\n");
  EXPECT_EQ(Run({"logs"}), 1);
  EXPECT_NE(err_.str().find("See 'ebb logs --help' for usage."), std::string::npos) << err_.str();
}

TEST_F(CliTest, NoCommandPrintsHelp) {
  EXPECT_EQ(Run({}), 0);
  EXPECT_NE(out_.str().find("Run the ebb server"), std::string::npos);
}

TEST_F(CliTest, UsageErrorsPrintAHint) {
  EXPECT_EQ(Run({"get", "ksvc", "--bogus"}), 1);
  EXPECT_NE(err_.str().find("error: "), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("See 'ebb get --help' for usage.\n"), std::string::npos) << err_.str();

  err_.str("");
  EXPECT_EQ(Run({"frobnicate"}), 1);
  EXPECT_NE(err_.str().find("See 'ebb --help' for usage."), std::string::npos) << err_.str();

  err_.str("");
  EXPECT_EQ(Run({"service", "create"}), 1);  // NAME missing
  EXPECT_NE(err_.str().find("See 'ebb service create --help' for usage."), std::string::npos)
      << err_.str();

  err_.str("");
  EXPECT_EQ(Run({"apply"}), 1);  // -f missing
  EXPECT_NE(err_.str().find("See 'ebb apply --help' for usage."), std::string::npos);

  err_.str("");
  EXPECT_EQ(Run({"apply", "-f", "x.yaml", "--wait-timeout", "soon"}), 1);
  EXPECT_NE(err_.str().find("invalid duration \"soon\""), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("See 'ebb apply --help' for usage."), std::string::npos);

  err_.str("");
  EXPECT_EQ(Run({"apply", "-f", "x.yaml", "--dry-run=client"}), 1);
  EXPECT_NE(err_.str().find("See 'ebb apply --help' for usage."), std::string::npos);
  EXPECT_TRUE(connects_.empty());
}

TEST_F(CliTest, Version) {
  EXPECT_EQ(Run({"version"}), 0);
  EXPECT_EQ(out_.str(),
            std::string("Client Version: ") + kClientVersion + "\nServer Version: v1.32.0-ebb\n");
}

TEST_F(CliTest, ConnectionErrors) {
  connect_error_ = Status(Code::kNotFound, "cannot read the kubeconfig /x/kubeconfig: …");
  EXPECT_EQ(Run({"get", "ksvc"}), 1);
  EXPECT_EQ(err_.str(), "error: cannot read the kubeconfig /x/kubeconfig: …\n");
}

TEST_F(CliTest, GlobalFlagsBeforeOrAfterTheCommand) {
  client_.Put(KnativeType(api::Kind::kService),
              {{"metadata", {{"name", "a"}, {"namespace", "x"}}}});
  EXPECT_EQ(Run({"--kubeconfig", "/k", "get", "ksvc", "-n", "x", "-o", "name"}), 0);
  EXPECT_EQ(out_.str(), "service.serving.knative.dev/a\n");
  ASSERT_EQ(connects_.size(), 1u);
  EXPECT_EQ(connects_[0].kubeconfig, "/k");

  out_.str("");
  EXPECT_EQ(Run({"-n", "x", "--data-dir", "/d", "get", "ksvc/a", "-o", "name"}), 0);
  EXPECT_EQ(out_.str(), "service.serving.knative.dev/a\n");
  EXPECT_EQ(connects_.back().data_dir, "/d");
}

TEST_F(CliTest, NamespaceFromTheKubeconfig) {
  kubeconfig_ns_ = "x";
  client_.Put(KnativeType(api::Kind::kService),
              {{"metadata", {{"name", "a"}, {"namespace", "x"}}}});
  EXPECT_EQ(Run({"get", "ksvc"}), 0);
  EXPECT_EQ(client_.calls.back(), "LIST services/x");
  kubeconfig_ns_ = "";
  EXPECT_EQ(Run({"get", "ksvc"}), 0);
  EXPECT_EQ(client_.calls.back(), "LIST services/default");
  EXPECT_EQ(err_.str(), "No resources found in default namespace.\n");
}

TEST_F(CliTest, ServiceCommands) {
  EXPECT_EQ(Run({"service", "create", "hello", "--cmd", "/bin/hello", "--env", "A=1", "--env",
                 "B=2", "--arg=--port", "--arg", "8080", "--concurrency-limit", "3", "--annotation",
                 "autoscaling.knative.dev/min-scale=1"}),
            0)
      << err_.str();
  const json* stored = client_.Find(KnativeType(api::Kind::kService), "default", "hello");
  ASSERT_NE(stored, nullptr);
  const json& tmpl = (*stored)["spec"]["template"];
  EXPECT_EQ(tmpl["spec"]["containers"][0]["args"], json({"--port", "8080"}));
  EXPECT_EQ(tmpl["spec"]["containers"][0]["env"].size(), 2u);
  EXPECT_EQ(tmpl["spec"]["containerConcurrency"], 3);
  EXPECT_EQ(tmpl["metadata"]["annotations"]["autoscaling.knative.dev/min-scale"], "1");

  EXPECT_EQ(Run({"service", "update", "hello", "--traffic", "@latest=100", "--tag", "@latest=now"}),
            0)
      << err_.str();
  stored = client_.Find(KnativeType(api::Kind::kService), "default", "hello");
  EXPECT_EQ((*stored)["spec"]["traffic"][0]["tag"], "now");

  out_.str("");
  EXPECT_EQ(Run({"service", "list", "-o", "name"}), 0);
  EXPECT_EQ(out_.str(), "service.serving.knative.dev/hello\n");
  EXPECT_EQ(Run({"service", "describe", "hello"}), 0);
  EXPECT_NE(out_.str().find("Name:"), std::string::npos);
  out_.str("");
  EXPECT_EQ(Run({"service", "delete", "hello"}), 0);
  EXPECT_EQ(out_.str(), "service.serving.knative.dev \"hello\" deleted\n");
}

TEST_F(CliTest, ApplyAndDeleteFromStdin) {
  in_.str("apiVersion: serving.knative.dev/v1\nkind: Route\nmetadata: {name: r}\n");
  EXPECT_EQ(Run({"apply", "-f", "-", "--dry-run=server"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "route.serving.knative.dev/r created (server dry run)\n");
  EXPECT_EQ(Run({"delete", "route", "r", "--ignore-not-found"}), 0);
}

TEST_F(CliTest, FilenamesSplitOnCommas) {
  EXPECT_EQ(Run({"apply", "-f", "/nonexistent/a.yaml,/nonexistent/b.yaml"}), 1);
  EXPECT_EQ(err_.str(), "error: the path \"/nonexistent/a.yaml\" does not exist\n");
}

TEST(DurationTest, Parses) {
  EXPECT_EQ(*ParseDuration("120s"), std::chrono::seconds(120));
  EXPECT_EQ(*ParseDuration("2m"), std::chrono::seconds(120));
  EXPECT_EQ(*ParseDuration("1m30s"), std::chrono::seconds(90));
  EXPECT_EQ(*ParseDuration("1h"), std::chrono::seconds(3600));
  EXPECT_EQ(*ParseDuration("45"), std::chrono::seconds(45));
  EXPECT_FALSE(ParseDuration("").ok());
  EXPECT_FALSE(ParseDuration("1m30").ok());
  EXPECT_FALSE(ParseDuration("5d").ok());
  EXPECT_FALSE(ParseDuration("m").ok());
}

}  // namespace
}  // namespace ebb::cli
