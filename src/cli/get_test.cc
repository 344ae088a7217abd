#include "cli/get.h"

#include <gtest/gtest.h>

#include "cli/test_env.h"

namespace ebb::cli {
namespace {

using nlohmann::json;

json Service(const std::string& name, const std::string& ns = "default",
             const std::string& ready = "True") {
  return {{"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app", name}}}}},
          {"spec", {{"template", json::object()}}},
          {"status", {{"conditions", {{{"type", "Ready"}, {"status", ready}}}}}}};
}

class GetTest : public ::testing::Test {
 protected:
  GetTest() {
    env_.client.Put(ksvc_, Service("hello"));
    env_.client.Put(ksvc_, Service("bye", "default", "Unknown"));
    env_.client.Put(ksvc_, Service("other", "team-a"));
  }
  int Get(GetOptions options) {
    if (options.kind.empty()) options.kind = "ksvc";
    return RunGet(options, env_.ctx);
  }
  const ResourceType ksvc_ = KnativeType(api::Kind::kService);
  TestEnv env_;
};

TEST_F(GetTest, TableFromTheServer) {
  EXPECT_EQ(Get({}), 0);
  EXPECT_EQ(env_.out.str(),
            "NAME    READY\n"
            "bye     Unknown\n"
            "hello   True\n");
  EXPECT_EQ(env_.client.calls, std::vector<std::string>{"LIST services/default"});
}

TEST_F(GetTest, WideAndAllNamespaces) {
  EXPECT_EQ(Get({.output = "wide", .all_namespaces = true}), 0);
  EXPECT_EQ(env_.out.str(),
            "NAMESPACE   NAME    READY     GENERATION\n"
            "default     bye     Unknown   1\n"
            "default     hello   True      1\n"
            "team-a      other   True      1\n");
  EXPECT_EQ(env_.client.calls, std::vector<std::string>{"LIST services/"});
}

TEST_F(GetTest, SelectorAndEmptyResult) {
  EXPECT_EQ(Get({.selector = "app=hello"}), 0);
  EXPECT_EQ(env_.out.str(), "NAME    READY\nhello   True\n");
  env_.out.str("");
  EXPECT_EQ(Get({.selector = "app=nothing"}), 0);
  EXPECT_EQ(env_.out.str(), "");
  EXPECT_EQ(env_.err.str(), "No resources found in default namespace.\n");
  env_.err.str("");
  EXPECT_EQ(Get({.kind = "rev", .all_namespaces = true}), 0);
  EXPECT_EQ(env_.err.str(), "No resources found\n");
}

TEST_F(GetTest, NamesWithOneMissing) {
  EXPECT_EQ(Get({.names = {"hello", "nope", "bye"}}), 1);
  EXPECT_EQ(env_.out.str(),
            "NAME    READY\n"
            "hello   True\n"
            "bye     Unknown\n");
  EXPECT_EQ(env_.err.str(),
            "Error from server (NotFound): services.serving.knative.dev \"nope\" not found\n");
}

TEST_F(GetTest, FallbackWhenTheServerSendsNoTable) {
  env_.client.errors["LIST services/default"] = ApiResponse{
      200,
      {{"kind", "ServiceList"},
       {"items", {{{"metadata", {{"name", "x"}, {"creationTimestamp", "2026-05-28T20:26:40Z"}}}}}}},
      ""};
  EXPECT_EQ(Get({}), 0);
  EXPECT_EQ(env_.out.str(), "NAME   AGE\nx      5m\n");
}

TEST_F(GetTest, YamlOfOneObject) {
  EXPECT_EQ(Get({.names = {"hello"}, .output = "json"}), 0);
  json printed = json::parse(env_.out.str());
  EXPECT_EQ(printed["metadata"]["name"], "hello");
  EXPECT_EQ(printed["kind"], "Service");
  EXPECT_EQ(env_.out.str().substr(0, 6), "{\n    ");  // kubectl indents JSON by 4
}

TEST_F(GetTest, ListsAreKindList) {
  EXPECT_EQ(Get({.output = "json"}), 0);
  json printed = json::parse(env_.out.str());
  EXPECT_EQ(printed["kind"], "List");
  EXPECT_EQ(printed["apiVersion"], "v1");
  EXPECT_EQ(printed["metadata"], json({{"resourceVersion", ""}}));
  ASSERT_EQ(printed["items"].size(), 2u);
  EXPECT_EQ(printed["items"][0]["apiVersion"], "serving.knative.dev/v1");

  env_.out.str("");
  EXPECT_EQ(Get({.names = {"hello", "bye"}, .output = "json"}), 0);
  EXPECT_EQ(json::parse(env_.out.str())["items"].size(), 2u);
}

TEST_F(GetTest, NamesAndJsonPath) {
  EXPECT_EQ(Get({.output = "name"}), 0);
  EXPECT_EQ(env_.out.str(), "service.serving.knative.dev/bye\nservice.serving.knative.dev/hello\n");
  env_.out.str("");
  EXPECT_EQ(Get({.output = "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"}), 0);
  EXPECT_EQ(env_.out.str(), "bye\nhello\n");
  env_.out.str("");
  EXPECT_EQ(Get({.names = {"hello"},
                 .output = "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"}),
            0);
  EXPECT_EQ(env_.out.str(), "True");
  env_.out.str("");
  EXPECT_EQ(Get({.selector = "app=none", .output = "name"}), 0);
  EXPECT_EQ(env_.err.str(), "No resources found in default namespace.\n");
}

TEST_F(GetTest, ArgumentErrors) {
  EXPECT_EQ(Get({.kind = "deployments"}), 1);
  EXPECT_EQ(env_.err.str(),
            "error: the server doesn't have a resource type \"deployments\" (ebb serves ksvc, "
            "configurations, revisions, routes, pods)\n");
  env_.err.str("");
  EXPECT_EQ(Get({.output = "xml"}), 1);
  EXPECT_EQ(env_.err.str(),
            "error: unable to match a printer suitable for the output format \"xml\", allowed "
            "formats are: json,jsonpath,name,wide,yaml\n");
  env_.err.str("");
  EXPECT_EQ(Get({.names = {"a"}, .all_namespaces = true}), 1);
  EXPECT_EQ(env_.err.str(),
            "error: a resource cannot be retrieved by name across all namespaces\n");
  env_.err.str("");
  EXPECT_EQ(Get({.output = "jsonpath={.a["}), 1);
  EXPECT_NE(env_.err.str().find("error: error parsing jsonpath"), std::string::npos);
  env_.err.str("");
  EXPECT_EQ(Get({.names = {"a", "b"}, .watch = true}), 1);
  EXPECT_NE(env_.err.str().find("watch is only supported"), std::string::npos);
  EXPECT_TRUE(env_.client.calls.empty());
}

TEST_F(GetTest, ServerErrorOnList) {
  env_.client.errors["LIST services/default"] =
      ApiResponse{401, FakeApiClient::StatusBody(401, "Unauthorized", "Unauthorized"), ""};
  EXPECT_EQ(Get({}), 1);
  EXPECT_EQ(env_.err.str(), "error: You must be logged in to the server (Unauthorized)\n");
}

TEST_F(GetTest, WatchPrintsRowsWithoutRepeatingTheHeader) {
  json event_table = {{"kind", "Table"},
                      {"rows", {{{"cells", {"hello", "False", 2}}, {"object", json::object()}}}}};
  env_.client.watch_events = {{"MODIFIED", event_table}, {"DELETED", event_table}};
  env_.client.watch_end = ApiResponse{200, nullptr, ""};
  EXPECT_EQ(Get({.watch = true}), 0);
  EXPECT_EQ(env_.out.str(),
            "NAME    READY\n"
            "bye     Unknown\n"
            "hello   True\n"
            "hello   False\n"
            "hello   False\n");
  EXPECT_EQ(env_.client.calls.back(), "WATCH services/default?resourceVersion=103");
}

TEST_F(GetTest, WatchOneNameUsesAFieldSelector) {
  env_.client.watch_end = ApiResponse{200, nullptr, ""};
  EXPECT_EQ(Get({.names = {"hello"}, .watch = true}), 0);
  EXPECT_EQ(env_.out.str(), "NAME    READY\nhello   True\n");
  EXPECT_EQ(env_.client.calls,
            (std::vector<std::string>{
                "LIST services/default?fieldSelector=metadata.name=hello",
                "WATCH services/default?resourceVersion=103&fieldSelector=metadata.name=hello"}));

  env_.out.str("");
  EXPECT_EQ(Get({.names = {"nope"}, .watch = true}), 1);
  EXPECT_EQ(env_.err.str(),
            "Error from server (NotFound): services.serving.knative.dev \"nope\" not found\n");
}

TEST_F(GetTest, WatchPrintsObjectsInOtherFormats) {
  json changed = Service("hello");
  changed["kind"] = "Service";
  changed["apiVersion"] = "serving.knative.dev/v1";
  env_.client.watch_events = {{"MODIFIED", changed}};
  env_.client.watch_end = ApiResponse{200, nullptr, ""};
  EXPECT_EQ(Get({.output = "name", .watch = true}), 0);
  EXPECT_EQ(env_.out.str(),
            "service.serving.knative.dev/bye\n"
            "service.serving.knative.dev/hello\n"
            "service.serving.knative.dev/hello\n");
}

TEST_F(GetTest, WatchErrorEnds) {
  env_.client.watch_end =
      ApiResponse{410, FakeApiClient::StatusBody(410, "Expired", "too old resource version"), ""};
  EXPECT_EQ(Get({.watch = true}), 1);
  EXPECT_EQ(env_.err.str(), "Error from server (Expired): too old resource version\n");
}

TEST(FallbackTableTest, BuildsNameAndAge) {
  FakeClock clock;
  json table = FallbackTable({{"metadata", {{"name", "a"}, {"namespace", "n"}}}}, clock.Now());
  EXPECT_EQ(table["rows"][0]["cells"], json({"a", "<unknown>"}));
  EXPECT_EQ(table["rows"][0]["object"]["metadata"]["namespace"], "n");
  EXPECT_EQ(NoResourcesMessage("team-a", false), "No resources found in team-a namespace.");
}

}  // namespace
}  // namespace ebb::cli
