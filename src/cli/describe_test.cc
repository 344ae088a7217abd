#include "cli/describe.h"

#include <gtest/gtest.h>

#include "cli/test_env.h"

namespace ebb::cli {
namespace {

using nlohmann::json;

json HelloService() {
  return json::parse(R"({
    "apiVersion": "serving.knative.dev/v1", "kind": "Service",
    "metadata": {"name": "hello", "namespace": "default",
                 "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}",
                                 "serving.knative.dev/creator": "admin"}},
    "spec": {"template": {"spec": {"containerConcurrency": 0, "timeoutSeconds": 300,
        "containers": [{"image": "/bin/hello", "command": ["/bin/hello"], "args": ["-v", "2"],
                        "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}]}}},
    "status": {
      "url": "http://hello.default.example.com",
      "latestCreatedRevisionName": "hello-00002",
      "latestReadyRevisionName": "hello-00002",
      "traffic": [
        {"revisionName": "hello-00002", "latestRevision": true, "percent": 60},
        {"revisionName": "hello-00001", "latestRevision": false, "percent": 40, "tag": "old",
         "url": "http://old-hello.default.example.com"}],
      "conditions": [
        {"type": "ConfigurationsReady", "status": "True", "lastTransitionTime": "2026-05-28T20:27:40Z"},
        {"type": "Ready", "status": "False", "reason": "RevisionFailed", "message": "boom",
         "lastTransitionTime": "2026-05-28T20:30:40Z"}]
    }
  })");
}

json Revision(const std::string& name, const std::string& ready) {
  return {{"metadata", {{"name", name}, {"creationTimestamp", "2026-05-28T20:26:40Z"}}},
          {"status", {{"conditions", {{{"type", "Ready"}, {"status", ready}}}}}}};
}

TEST(DescribeTest, Service) {
  FakeClock clock(FakeClock::time_point(std::chrono::seconds(1'780'000'000 + 300)));
  json service = HelloService();
  service["metadata"]["creationTimestamp"] = "2026-05-28T20:26:40Z";
  std::string text = DescribeObject(
      KnativeType(api::Kind::kService), service,
      {Revision("hello-00001", "True"), Revision("hello-00002", "True")}, clock.Now());
  EXPECT_EQ(text,
            "Name:            hello\n"
            "Namespace:       default\n"
            "Labels:          <none>\n"
            "Annotations:     serving.knative.dev/creator=admin\n"
            "Age:             5m\n"
            "URL:             http://hello.default.example.com\n"
            "Latest Created:  hello-00002\n"
            "Latest Ready:    hello-00002\n"
            "\n"
            "Template:\n"
            "  Image:        /bin/hello\n"
            "  Command:      /bin/hello\n"
            "  Args:         -v 2\n"
            "  Env:          A=1\n"
            "                B=2\n"
            "  Concurrency:  0 (unlimited)\n"
            "  Timeout:      300s\n"
            "\n"
            "Traffic:\n"
            "  PERCENT   REVISION                TAG   URL\n"
            "  60%       @latest (hello-00002)         \n"
            "  40%       hello-00001             old   http://old-hello.default.example.com\n"
            "\n"
            "Revisions:\n"
            "  NAME          READY   TRAFFIC   TAGS   AGE\n"
            "  hello-00002   True    60%              5m\n"
            "  hello-00001   True    40%       old    5m\n"
            "\n"
            "Conditions:\n"
            "  TYPE                  STATUS   REASON           MESSAGE   AGE\n"
            "  ConfigurationsReady   True                                4m\n"
            "  Ready                 False    RevisionFailed   boom      60s\n");
}

TEST(DescribeTest, RevisionAndPod) {
  FakeClock clock;
  json revision = json::parse(R"({
    "metadata": {"name": "hello-00001", "labels": {"serving.knative.dev/configuration": "hello",
                 "serving.knative.dev/configurationGeneration": "1"}},
    "spec": {"containerConcurrency": 2, "containers": [{"image": "/bin/hello"}]},
    "status": {"actualReplicas": 1, "desiredReplicas": 2}})");
  std::string text = DescribeObject(KnativeType(api::Kind::kRevision), revision, {}, clock.Now());
  EXPECT_NE(text.find("Configuration:  hello\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Replicas:       1/2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nContainer:\n  Image:        /bin/hello\n  Concurrency:  2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Conditions:  <none>\n"), std::string::npos) << text;

  json pod = json::parse(R"({
    "metadata": {"name": "p"},
    "spec": {"containers": [{"name": "user-container", "image": "/bin/hello"}]},
    "status": {"phase": "Running", "podIP": "127.0.0.1",
               "containerStatuses": [{"name": "user-container", "ready": true, "restartCount": 3}]}})");
  text = DescribeObject(PodType(), pod, {}, clock.Now());
  EXPECT_NE(text.find("Status:       Running\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  user-container   /bin/hello   true    3\n"), std::string::npos) << text;
}

TEST(DescribeTest, CommandFetchesTheObjectAndItsRevisions) {
  TestEnv env;
  json service = HelloService();
  env.client.Put(KnativeType(api::Kind::kService), service);
  json rev = Revision("hello-00001", "True");
  rev["metadata"]["labels"] = {{"serving.knative.dev/service", "hello"}};
  env.client.Put(KnativeType(api::Kind::kRevision), rev);
  EXPECT_EQ(RunDescribe({"ksvc", "hello"}, env.ctx), 0);
  EXPECT_EQ(env.client.calls, (std::vector<std::string>{"GET services/default/hello",
                                                        "LIST revisions/default?labelSelector="
                                                        "serving.knative.dev/service=hello"}));
  EXPECT_NE(env.out.str().find("  hello-00001   True    40%       old    5m\n"), std::string::npos)
      << env.out.str();

  EXPECT_EQ(RunDescribe({"ksvc", "nope"}, env.ctx), 1);
  EXPECT_EQ(env.err.str(),
            "Error from server (NotFound): services.serving.knative.dev \"nope\" not found\n");
}

}  // namespace
}  // namespace ebb::cli
