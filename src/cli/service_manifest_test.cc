#include "cli/service_manifest.h"

#include <gtest/gtest.h>

namespace ebb::cli {
namespace {

using nlohmann::json;

ServiceFlags Flags() {
  ServiceFlags flags;
  flags.name = "hello";
  flags.cmd = "/usr/bin/hello";
  return flags;
}

json StoredService() {
  return json::parse(R"({
    "apiVersion": "serving.knative.dev/v1", "kind": "Service",
    "metadata": {"name": "hello", "namespace": "default", "resourceVersion": "7",
                 "annotations": {"team": "a"}},
    "spec": {
      "template": {
        "metadata": {"name": "hello-first", "annotations": {"autoscaling.knative.dev/min-scale": "1"}},
        "spec": {"containerConcurrency": 0, "timeoutSeconds": 300,
                 "containers": [{"name": "user-container", "image": "/usr/bin/hello",
                                 "command": ["/usr/bin/hello"], "args": ["--v"],
                                 "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}]}},
      "traffic": [{"latestRevision": true, "percent": 100}]
    },
    "status": {"observedGeneration": 1}
  })");
}

TEST(ServiceManifestTest, CreateFromFlags) {
  ServiceFlags flags = Flags();
  flags.args = {"--port", "8080"};
  flags.env = {"TARGET=World", "EMPTY="};
  flags.annotations = {"autoscaling.knative.dev/max-scale=3", "owner=me"};
  flags.concurrency_limit = 10;
  flags.revision_name = "v1";
  Result<json> service = BuildService(flags, "team-a");
  ASSERT_TRUE(service.ok()) << service.status().message();
  EXPECT_EQ(*service, json::parse(R"({
    "apiVersion": "serving.knative.dev/v1", "kind": "Service",
    "metadata": {"name": "hello", "namespace": "team-a", "annotations": {"owner": "me"}},
    "spec": {"template": {
      "metadata": {"name": "hello-v1",
                   "annotations": {"autoscaling.knative.dev/max-scale": "3", "owner": "me"}},
      "spec": {"containerConcurrency": 10,
               "containers": [{"image": "/usr/bin/hello", "command": ["/usr/bin/hello"],
                               "args": ["--port", "8080"],
                               "env": [{"name": "TARGET", "value": "World"},
                                       {"name": "EMPTY", "value": ""}]}]}}}
  })"));
}

TEST(ServiceManifestTest, CreateMinimalAndWithImage) {
  Result<json> minimal = BuildService(Flags(), "default");
  ASSERT_TRUE(minimal.ok());
  EXPECT_EQ((*minimal)["spec"], json::parse(R"({"template": {"spec": {"containers": [
      {"image": "/usr/bin/hello", "command": ["/usr/bin/hello"]}]}}})"));
  EXPECT_FALSE((*minimal)["metadata"].contains("annotations"));

  ServiceFlags flags = Flags();
  flags.image = "registry/app:1";
  flags.revision_name = "hello-v2";  // already prefixed: kept as is
  Result<json> with_image = BuildService(flags, "default");
  ASSERT_TRUE(with_image.ok());
  EXPECT_EQ((*with_image)["spec"]["template"]["spec"]["containers"][0]["image"], "registry/app:1");
  EXPECT_EQ((*with_image)["spec"]["template"]["metadata"]["name"], "hello-v2");

  ServiceFlags image_only;
  image_only.name = "x";
  image_only.image = "/bin/x";
  Result<json> only = BuildService(image_only, "default");
  ASSERT_TRUE(only.ok());
  EXPECT_FALSE((*only)["spec"]["template"]["spec"]["containers"][0].contains("command"));
}

TEST(ServiceManifestTest, CreateErrors) {
  ServiceFlags none;
  none.name = "x";
  EXPECT_EQ(BuildService(none, "default").status().message(),
            "--cmd PATH (or --image) is required to create a service");
  ServiceFlags flags = Flags();
  flags.env = {"NOVALUE"};
  EXPECT_EQ(BuildService(flags, "default").status().message(),
            "--env: expected NAME=VALUE or NAME-, got \"NOVALUE\"");
  flags = Flags();
  flags.annotations = {"=x"};
  EXPECT_FALSE(BuildService(flags, "default").ok());
  flags = Flags();
  flags.concurrency_limit = -1;
  EXPECT_FALSE(BuildService(flags, "default").ok());
}

TEST(ServiceManifestTest, UpdateEnvArgsAndConcurrency) {
  json service = StoredService();
  ServiceFlags flags;
  flags.name = "hello";
  flags.env = {"A-", "B=changed", "C=3"};
  flags.args = {"--x"};
  flags.concurrency_limit = 5;
  ASSERT_TRUE(UpdateService(flags, service).ok());
  const json& tmpl = service["spec"]["template"];
  EXPECT_EQ(tmpl["spec"]["containers"][0]["env"],
            json::parse(R"([{"name":"B","value":"changed"},{"name":"C","value":"3"}])"));
  EXPECT_EQ(tmpl["spec"]["containers"][0]["args"], json::parse(R"(["--x"])"));
  EXPECT_EQ(tmpl["spec"]["containerConcurrency"], 5);
  // The template changed without --revision-name: its old BYO name must go.
  EXPECT_FALSE(tmpl["metadata"].contains("name"));
  EXPECT_EQ(tmpl["metadata"]["annotations"]["autoscaling.knative.dev/min-scale"], "1");
  EXPECT_EQ(service["status"], StoredService()["status"]);
}

TEST(ServiceManifestTest, UpdateCommandMovesTheImageOnlyWhenItFollowedTheCommand) {
  json service = StoredService();
  ServiceFlags flags;
  flags.name = "hello";
  flags.cmd = "/usr/bin/hello2";
  ASSERT_TRUE(UpdateService(flags, service).ok());
  json& c = service["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(c["image"], "/usr/bin/hello2");
  EXPECT_EQ(c["command"], json::parse(R"(["/usr/bin/hello2"])"));

  c["image"] = "registry/app:1";
  flags.cmd = "/usr/bin/hello3";
  ASSERT_TRUE(UpdateService(flags, service).ok());
  EXPECT_EQ(c["image"], "registry/app:1");
  EXPECT_EQ(c["command"], json::parse(R"(["/usr/bin/hello3"])"));
}

TEST(ServiceManifestTest, UpdateAnnotations) {
  json service = StoredService();
  ServiceFlags flags;
  flags.name = "hello";
  flags.annotations = {"team-", "autoscaling.knative.dev/min-scale-", "x=y"};
  flags.revision_name = "second";
  ASSERT_TRUE(UpdateService(flags, service).ok());
  EXPECT_EQ(service["metadata"]["annotations"], json::parse(R"({"x":"y"})"));
  EXPECT_EQ(service["spec"]["template"]["metadata"],
            json::parse(R"({"name":"hello-second","annotations":{"x":"y"}})"));
}

TEST(ServiceManifestTest, UpdateThatChangesNothingKeepsTheTemplateName) {
  json service = StoredService();
  ServiceFlags flags;
  flags.name = "hello";
  flags.env = {"A=1"};
  ASSERT_TRUE(UpdateService(flags, service).ok());
  EXPECT_EQ(service, StoredService());
}

json Traffic(const ServiceFlags& flags, json traffic) {
  json service = {{"spec", {{"traffic", std::move(traffic)}}}};
  Status s = EditTraffic(flags, service);
  if (!s.ok()) return s.message();
  return service["spec"]["traffic"];
}

TEST(ServiceManifestTest, TrafficSplit) {
  ServiceFlags flags;
  flags.traffic = {"@latest=50", "hello-00001=50"};
  EXPECT_EQ(Traffic(flags, nullptr), json::parse(R"([
      {"latestRevision": true, "percent": 50},
      {"revisionName": "hello-00001", "latestRevision": false, "percent": 50}])"));
}

TEST(ServiceManifestTest, TrafficDropsUnnamedUntaggedTargetsAndKeepsTagged) {
  ServiceFlags flags;
  flags.traffic = {"hello-00002=100"};
  json traffic = json::parse(R"([
      {"latestRevision": true, "percent": 50},
      {"revisionName": "hello-00001", "percent": 50, "tag": "old"},
      {"revisionName": "hello-00002", "latestRevision": false, "percent": 0}])");
  EXPECT_EQ(Traffic(flags, traffic), json::parse(R"([
      {"revisionName": "hello-00001", "percent": 0, "tag": "old"},
      {"revisionName": "hello-00002", "latestRevision": false, "percent": 100}])"));
}

TEST(ServiceManifestTest, TrafficByTag) {
  ServiceFlags flags;
  flags.traffic = {"old=20", "@latest=80"};
  json traffic = json::parse(R"([
      {"latestRevision": true, "percent": 100},
      {"revisionName": "hello-00001", "percent": 0, "tag": "old"}])");
  EXPECT_EQ(Traffic(flags, traffic), json::parse(R"([
      {"latestRevision": true, "percent": 80},
      {"revisionName": "hello-00001", "percent": 20, "tag": "old"}])"));
}

TEST(ServiceManifestTest, Tags) {
  ServiceFlags flags;
  flags.tags = {"hello-00001=old", "@latest=current"};
  EXPECT_EQ(Traffic(flags, nullptr), json::parse(R"([
      {"latestRevision": true, "percent": 100, "tag": "current"},
      {"revisionName": "hello-00001", "latestRevision": false, "percent": 0, "tag": "old"}])"));

  ServiceFlags untag;
  untag.untags = {"old"};
  json tagged = json::parse(R"([
      {"latestRevision": true, "percent": 100},
      {"revisionName": "hello-00001", "percent": 0, "tag": "old"}])");
  EXPECT_EQ(Traffic(untag, tagged), json::parse(R"([{"latestRevision": true, "percent": 100}])"));
}

TEST(ServiceManifestTest, TrafficErrors) {
  ServiceFlags flags;
  flags.traffic = {"@latest=50", "hello-00001=40"};
  EXPECT_EQ(Traffic(flags, nullptr), "--traffic: percentages sum to 90, want 100");
  flags.traffic = {"@latest=150"};
  EXPECT_EQ(Traffic(flags, nullptr),
            "--traffic: expected a percentage from 0 to 100, got \"@latest=150\"");
  flags.traffic = {"@latest=x"};
  EXPECT_FALSE(Traffic(flags, nullptr).is_array());
  flags.traffic = {"@latest"};
  EXPECT_FALSE(Traffic(flags, nullptr).is_array());
  flags.traffic = {"a=50", "a=50"};
  EXPECT_EQ(Traffic(flags, nullptr), "--traffic: \"a\" is given twice");
  ServiceFlags untag;
  untag.untags = {"nope"};
  EXPECT_EQ(Traffic(untag, nullptr), "tag \"nope\" is not present on any traffic target");
  ServiceFlags tag;
  tag.tags = {"hello-00002=old"};
  json tagged = json::parse(R"([{"revisionName": "hello-00001", "percent": 100, "tag": "old"}])");
  EXPECT_EQ(Traffic(tag, tagged), "tag \"old\" is already used by another target");
}

}  // namespace
}  // namespace ebb::cli
