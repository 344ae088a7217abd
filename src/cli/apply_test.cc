#include "cli/apply.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/test_env.h"

namespace ebb::cli {
namespace {

using nlohmann::json;

constexpr char kService[] = R"(apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello
spec:
  template:
    spec:
      containers:
      - image: /bin/hello
)";

class ApplyTest : public ::testing::Test {
 protected:
  ApplyOptions Stdin(const std::string& text) {
    env_.in.str(text);
    ApplyOptions options;
    options.files = {"-"};
    return options;
  }
  int Apply(const ApplyOptions& options) { return RunApply(options, env_.ctx); }
  const ResourceType ksvc_ = KnativeType(api::Kind::kService);
  TestEnv env_;
};

TEST_F(ApplyTest, CreatedConfiguredUnchanged) {
  EXPECT_EQ(Apply(Stdin(kService)), 0);
  EXPECT_EQ(env_.out.str(), "service.serving.knative.dev/hello created\n");
  ASSERT_NE(env_.client.Find(ksvc_, "default", "hello"), nullptr);
  EXPECT_EQ(env_.client.applied.back()["metadata"]["namespace"], "default");
  EXPECT_EQ(env_.client.calls, (std::vector<std::string>{"GET services/default/hello",
                                                         "APPLY services/default/hello"}));

  env_.out.str("");
  EXPECT_EQ(Apply(Stdin(kService)), 0);
  EXPECT_EQ(env_.out.str(), "service.serving.knative.dev/hello unchanged\n");

  env_.out.str("");
  std::string changed = std::string(kService) + "        env: [{name: A, value: b}]\n";
  EXPECT_EQ(Apply(Stdin(changed)), 0);
  EXPECT_EQ(env_.out.str(), "service.serving.knative.dev/hello configured\n");
  EXPECT_EQ(env_.err.str(), "");
}

TEST_F(ApplyTest, SeveralDocumentsFromAFolder) {
  auto dir = std::filesystem::temp_directory_path() / "ebb_cli_apply_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "b.yaml") << kService;
  std::ofstream(dir / "a.yml") << "apiVersion: serving.knative.dev/v1\nkind: Route\n"
                                  "metadata: {name: r1, namespace: team-a}\n---\n"
                                  "apiVersion: serving.knative.dev/v1\nkind: Configuration\n"
                                  "metadata: {name: c1}\n";
  std::ofstream(dir / "notes.txt") << "ignored";
  ApplyOptions options;
  options.files = {dir.string()};
  EXPECT_EQ(Apply(options), 0);
  EXPECT_EQ(env_.out.str(),
            "route.serving.knative.dev/r1 created\n"
            "configuration.serving.knative.dev/c1 created\n"
            "service.serving.knative.dev/hello created\n");
  EXPECT_NE(env_.client.Find(KnativeType(api::Kind::kRoute), "team-a", "r1"), nullptr);
  std::filesystem::remove_all(dir);
}

TEST_F(ApplyTest, UnknownKindAppliesNothing) {
  std::string text = std::string(kService) +
                     "---\napiVersion: serving.knative.dev/v1\n"
                     "kind: Foo\nmetadata: {name: x}\n";
  EXPECT_EQ(Apply(Stdin(text)), 1);
  EXPECT_EQ(env_.err.str(),
            "error: unknown kind \"Foo\" in STDIN (ebb serves Service, Configuration, Revision, "
            "Route)\n");
  EXPECT_TRUE(env_.client.calls.empty());
}

TEST_F(ApplyTest, ManifestErrors) {
  EXPECT_EQ(Apply(Stdin("kind: Service\nmetadata: {name: x}\n")), 1);
  EXPECT_EQ(env_.err.str(), "error: error validating \"STDIN\": apiVersion and kind must be set\n");
  env_.err.str("");
  EXPECT_EQ(Apply(Stdin("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {}\n")), 1);
  EXPECT_EQ(env_.err.str(), "error: a Service in STDIN has no metadata.name\n");
  env_.err.str("");
  EXPECT_EQ(Apply(Stdin("")), 1);
  EXPECT_EQ(env_.err.str(), "error: no objects passed to apply\n");
  env_.err.str("");
  ApplyOptions missing;
  missing.files = {"/nonexistent/x.yaml"};
  EXPECT_EQ(Apply(missing), 1);
  EXPECT_EQ(env_.err.str(), "error: the path \"/nonexistent/x.yaml\" does not exist\n");
}

TEST_F(ApplyTest, NamespaceMustAgreeWithAnExplicitFlag) {
  env_.ctx.ns = "team-b";
  env_.ctx.ns_explicit = true;
  std::string text = std::string(kService);
  text.replace(text.find("  name: hello\n"), 14, "  name: hello\n  namespace: team-a\n");
  EXPECT_EQ(Apply(Stdin(text)), 1);
  EXPECT_EQ(env_.err.str(),
            "error: the namespace from the provided object \"team-a\" does not match the "
            "namespace \"team-b\". You must pass '--namespace=team-a' to perform this "
            "operation.\n");

  env_.err.str("");
  env_.ctx.ns_explicit = false;  // a kubeconfig namespace yields to the manifest's
  EXPECT_EQ(Apply(Stdin(text)), 0);
  EXPECT_NE(env_.client.Find(ksvc_, "team-a", "hello"), nullptr);
}

TEST_F(ApplyTest, ServerErrorsArePrintedLikeKubectl) {
  env_.client.errors["APPLY services/default/hello"] = ApiResponse{422, json::parse(R"({
      "kind": "Status", "code": 422, "reason": "Invalid",
      "details": {"name": "hello", "kind": "Service",
                  "causes": [{"field": "spec.template.spec.containers[0].image",
                              "message": "Required value"}]}})"),
                                                                   ""};
  EXPECT_EQ(Apply(Stdin(kService)), 1);
  EXPECT_EQ(env_.err.str(),
            "The Service \"hello\" is invalid: spec.template.spec.containers[0].image: Required "
            "value\n");
  EXPECT_EQ(env_.out.str(), "");

  env_.err.str("");
  env_.client.errors["APPLY services/default/hello"] =
      ApiResponse{500, FakeApiClient::StatusBody(500, "InternalError", "disk full"), ""};
  EXPECT_EQ(Apply(Stdin(kService)), 1);
  EXPECT_EQ(env_.err.str(),
            "Error from server (InternalError): error when creating \"STDIN\": disk full\n");
}

TEST_F(ApplyTest, DryRunWritesNothing) {
  ApplyOptions options = Stdin(kService);
  options.dry_run = true;
  EXPECT_EQ(Apply(options), 0);
  EXPECT_EQ(env_.out.str(), "service.serving.knative.dev/hello created (server dry run)\n");
  EXPECT_EQ(env_.client.Find(ksvc_, "default", "hello"), nullptr);

  ASSERT_EQ(Apply(Stdin(kService)), 0);
  env_.out.str("");
  options = Stdin(kService);
  options.dry_run = true;
  EXPECT_EQ(Apply(options), 0);
  EXPECT_EQ(env_.out.str(), "service.serving.knative.dev/hello unchanged (server dry run)\n");
  env_.out.str("");
  options = Stdin(std::string(kService) + "        args: [x]\n");
  options.dry_run = true;
  EXPECT_EQ(Apply(options), 0);
  EXPECT_EQ(env_.out.str(), "service.serving.knative.dev/hello configured (server dry run)\n");
}

json WithReady(json object, const std::string& status, const std::string& message = "",
               long long observed = 1) {
  object["status"]["observedGeneration"] = observed;
  object["status"]["url"] = "http://hello.default.example.com";
  object["status"]["conditions"] = {{{"type", "Ready"},
                                     {"status", status},
                                     {"reason", status == "False" ? "RevisionFailed" : ""},
                                     {"message", message}}};
  return object;
}

TEST_F(ApplyTest, WaitUntilReady) {
  ApplyOptions options = Stdin(kService);
  options.wait = true;
  env_.client.watch_events = {
      {"MODIFIED",
       WithReady({{"metadata", {{"name", "hello"}, {"generation", 1}, {"resourceVersion", "102"}}}},
                 "Unknown", "Configuration \"hello\" is waiting for a Revision to become ready.")},
      {"MODIFIED",
       WithReady({{"metadata", {{"name", "hello"}, {"generation", 1}, {"resourceVersion", "103"}}}},
                 "True")}};
  EXPECT_EQ(Apply(options), 0) << env_.err.str();
  EXPECT_EQ(env_.out.str(),
            "service.serving.knative.dev/hello created\n"
            "   0.000s Configuration \"hello\" is waiting for a Revision to become ready.\n"
            "   0.000s Ready to serve.\n"
            "service.serving.knative.dev/hello is ready at http://hello.default.example.com\n");
  EXPECT_EQ(env_.client.calls.back(),
            "WATCH services/default?resourceVersion=101&fieldSelector=metadata.name=hello");
}

TEST_F(ApplyTest, WaitReportsReadyFalse) {
  ApplyOptions options = Stdin(kService);
  options.wait = true;
  env_.client.watch_events = {
      {"MODIFIED", WithReady({{"metadata", {{"name", "hello"}, {"generation", 1}}}}, "False",
                             "Revision \"hello-00001\" failed with message: exit status 3.")}};
  EXPECT_EQ(Apply(options), 1);
  EXPECT_EQ(env_.err.str(),
            "error: service.serving.knative.dev/hello is not ready: RevisionFailed: Revision "
            "\"hello-00001\" failed with message: exit status 3.\n");
}

TEST_F(ApplyTest, WaitTimesOut) {
  ApplyOptions options = Stdin(kService);
  options.wait = true;
  options.wait_timeout = std::chrono::seconds(90);
  EXPECT_EQ(Apply(options), 1);
  EXPECT_EQ(env_.err.str(),
            "error: timed out after 1m30s waiting for service.serving.knative.dev/hello to "
            "become ready\n");
}

TEST_F(ApplyTest, NoWaitForDryRun) {
  ApplyOptions options = Stdin(kService);
  options.wait = true;
  options.dry_run = true;
  EXPECT_EQ(Apply(options), 0);
  EXPECT_EQ(env_.client.calls.size(), 2u);
}

TEST(ApplyOutcomeTest, Decisions) {
  json before = {{"metadata", {{"name", "a"}, {"resourceVersion", "5"}}}, {"spec", 1}};
  json same = before;
  json changed = {{"metadata", {{"name", "a"}, {"resourceVersion", "6"}}}, {"spec", 1}};
  EXPECT_EQ(ApplyOutcome(std::nullopt, ApiResponse{200, same, ""}, false), "created");
  EXPECT_EQ(ApplyOutcome(before, ApiResponse{201, same, ""}, false), "created");
  EXPECT_EQ(ApplyOutcome(before, ApiResponse{200, same, ""}, false), "unchanged");
  EXPECT_EQ(ApplyOutcome(before, ApiResponse{200, changed, ""}, false), "configured");
  EXPECT_EQ(ApplyOutcome(before, ApiResponse{200, changed, ""}, true), "unchanged");
  changed["spec"] = 2;
  EXPECT_EQ(ApplyOutcome(before, ApiResponse{200, changed, ""}, true), "configured");
}

}  // namespace
}  // namespace ebb::cli
