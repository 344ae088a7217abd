#include "cli/jsonpath.h"

#include <gtest/gtest.h>

namespace ebb::cli {
namespace {

using nlohmann::json;

json Service() {
  return json::parse(R"({
    "kind": "Service",
    "metadata": {"name": "hello", "namespace": "default",
                 "annotations": {"serving.knative.dev/creator": "admin"},
                 "labels": {"app": "hello"}},
    "spec": {"template": {"spec": {"containers": [{"image": "/bin/app", "ports": [{"containerPort": 8080}]}]}}},
    "status": {
      "url": "http://hello.default.example.com",
      "conditions": [
        {"type": "ConfigurationsReady", "status": "True"},
        {"type": "Ready", "status": "False", "reason": "RevisionFailed", "message": "boom"},
        {"type": "RoutesReady", "status": "Unknown"}
      ],
      "traffic": [
        {"revisionName": "hello-00001", "percent": 30, "tag": "old"},
        {"revisionName": "hello-00002", "percent": 70, "latestRevision": true}
      ]
    }
  })");
}

json ServiceList() {
  json a = Service();
  json b = Service();
  b["metadata"]["name"] = "bye";
  b["status"]["url"] = "http://bye.default.example.com";
  return {{"kind", "List"}, {"apiVersion", "v1"}, {"items", {a, b}}};
}

std::string Eval(const std::string& tmpl, const json& data) {
  Result<JsonPath> path = JsonPath::Parse(tmpl);
  if (!path.ok()) return "PARSE ERROR: " + path.status().message();
  Result<std::string> out = path->Execute(data);
  if (!out.ok()) return "EXEC ERROR: " + out.status().message();
  return *out;
}

TEST(JsonPathTest, Fields) {
  EXPECT_EQ(Eval("{.status.url}", Service()), "http://hello.default.example.com");
  EXPECT_EQ(Eval("{$.metadata.name}", Service()), "hello");
  EXPECT_EQ(Eval("{@.metadata.name}", Service()), "hello");
  EXPECT_EQ(Eval("{metadata.name}", Service()), "hello");
  EXPECT_EQ(Eval("{ .metadata.name }", Service()), "hello");
  EXPECT_EQ(Eval("{.spec.template.spec.containers[0].ports[0].containerPort}", Service()), "8080");
}

TEST(JsonPathTest, KeysWithDots) {
  EXPECT_EQ(Eval("{.metadata.annotations.serving\\.knative\\.dev/creator}", Service()), "admin");
  EXPECT_EQ(Eval("{.metadata.annotations['serving.knative.dev/creator']}", Service()), "admin");
  EXPECT_EQ(Eval("{.metadata[\"name\",'namespace']}", Service()), "hello default");
}

TEST(JsonPathTest, NonStringValuesPrintAsJson) {
  EXPECT_EQ(Eval("{.metadata.labels}", Service()), "{\"app\":\"hello\"}");
  EXPECT_EQ(Eval("{.status.traffic[1].latestRevision}", Service()), "true");
  EXPECT_EQ(Eval("{.spec.template.spec.containers[0].ports}", Service()),
            "[{\"containerPort\":8080}]");
}

TEST(JsonPathTest, MissingKeysPrintNothing) {
  EXPECT_EQ(Eval("{.status.nope}", Service()), "");
  EXPECT_EQ(Eval("x{.a.b.c}y", Service()), "xy");
  EXPECT_EQ(Eval("{.metadata.name.deeper}", Service()), "");
}

TEST(JsonPathTest, IndexesAndSlices) {
  EXPECT_EQ(Eval("{.status.conditions[0].type}", Service()), "ConfigurationsReady");
  EXPECT_EQ(Eval("{.status.conditions[-1].type}", Service()), "RoutesReady");
  EXPECT_EQ(Eval("{.status.conditions[*].type}", Service()),
            "ConfigurationsReady Ready RoutesReady");
  EXPECT_EQ(Eval("{.status.conditions[0:2].type}", Service()), "ConfigurationsReady Ready");
  EXPECT_EQ(Eval("{.status.conditions[1:].type}", Service()), "Ready RoutesReady");
  EXPECT_EQ(Eval("{.status.conditions[:-2].type}", Service()), "ConfigurationsReady");
  EXPECT_EQ(Eval("{.status.conditions[::2].type}", Service()), "ConfigurationsReady RoutesReady");
  EXPECT_EQ(Eval("{.status.conditions[0,2].type}", Service()), "ConfigurationsReady RoutesReady");
  EXPECT_EQ(Eval("{.status.conditions[5:9].type}", Service()), "");
}

TEST(JsonPathTest, Wildcards) {
  EXPECT_EQ(Eval("{.metadata.labels.*}", Service()), "hello");
  EXPECT_EQ(Eval("{.metadata.labels[*]}", Service()), "hello");
  EXPECT_EQ(Eval("{.items[*].metadata.name}", ServiceList()), "hello bye");
}

TEST(JsonPathTest, RecursiveDescent) {
  EXPECT_EQ(Eval("{..containerPort}", Service()), "8080");
  EXPECT_EQ(Eval("{.items..url}", ServiceList()),
            "http://hello.default.example.com http://bye.default.example.com");
}

TEST(JsonPathTest, Filters) {
  EXPECT_EQ(Eval("{.status.conditions[?(@.type==\"Ready\")].status}", Service()), "False");
  EXPECT_EQ(Eval("{.status.conditions[?(@.type=='Ready')].reason}", Service()), "RevisionFailed");
  EXPECT_EQ(Eval("{.status.conditions[?(@.status!=\"True\")].type}", Service()),
            "Ready RoutesReady");
  EXPECT_EQ(Eval("{.status.traffic[?(@.percent>50)].revisionName}", Service()), "hello-00002");
  EXPECT_EQ(Eval("{.status.traffic[?(@.percent<=30)].revisionName}", Service()), "hello-00001");
  EXPECT_EQ(Eval("{.status.traffic[?(@.tag)].revisionName}", Service()), "hello-00001");
  EXPECT_EQ(Eval("{.status.traffic[?(@.latestRevision==true)].percent}", Service()), "70");
  EXPECT_EQ(Eval("{.status.conditions[?( @.type == \"Nope\" )].type}", Service()), "");
  EXPECT_EQ(Eval("{.items[?(@.metadata.name==\"bye\")].status.url}", ServiceList()),
            "http://bye.default.example.com");
}

TEST(JsonPathTest, RangeAndLiterals) {
  EXPECT_EQ(
      Eval("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.url}{\"\\n\"}{end}", ServiceList()),
      "hello\thttp://hello.default.example.com\nbye\thttp://bye.default.example.com\n");
  EXPECT_EQ(Eval("{range .status.conditions[*]}[{.type}={.status}]{end}", Service()),
            "[ConfigurationsReady=True][Ready=False][RoutesReady=Unknown]");
  EXPECT_EQ(Eval("name: {.metadata.name}{'\\n'}", Service()), "name: hello\n");
  EXPECT_EQ(Eval("plain text", Service()), "plain text");
}

TEST(JsonPathTest, NestedRangeAndRootInsideRange) {
  EXPECT_EQ(Eval("{range .items[*]}{.metadata.name}:{range .status.traffic[*]}"
                 " {.percent}{end};{end}",
                 ServiceList()),
            "hello: 30 70;bye: 30 70;");
  EXPECT_EQ(Eval("{range .items[*]}{$.kind} {end}", ServiceList()), "List List ");
}

TEST(JsonPathTest, ParseErrors) {
  EXPECT_EQ(Eval("{.a[}", Service()),
            "PARSE ERROR: error parsing jsonpath {.a[}: expected an index, a slice, *, ?(…) or a "
            "quoted key at column 5");
  EXPECT_EQ(Eval("{.a", Service()),
            "PARSE ERROR: error parsing jsonpath {.a: unclosed action, expected } at column 4");
  EXPECT_EQ(Eval("{range .items[*]}{.x}", Service()),
            "PARSE ERROR: error parsing jsonpath {range .items[*]}{.x}: {range} without {end} at "
            "column 22");
  EXPECT_EQ(Eval("{end}", Service()),
            "PARSE ERROR: error parsing jsonpath {end}: {end} without {range} at column 6");
  EXPECT_EQ(Eval("{\"abc}", Service()),
            "PARSE ERROR: error parsing jsonpath {\"abc}: unterminated quoted string at column 7");
  EXPECT_EQ(Eval("{.a[?(@.b==)]}", Service()),
            "PARSE ERROR: error parsing jsonpath {.a[?(@.b==)]}: expected a value in filter at "
            "column 12");
  EXPECT_EQ(Eval("{.a[0:1:0]}", Service()),
            "PARSE ERROR: error parsing jsonpath {.a[0:1:0]}: slice step must be positive at "
            "column 10");
  EXPECT_NE(Eval("{.a[0}", Service()).find("PARSE ERROR"), std::string::npos);
  EXPECT_NE(Eval("{.a b}", Service()).find("unexpected 'b'"), std::string::npos);
}

TEST(JsonPathTest, ExecutionErrors) {
  EXPECT_EQ(Eval("{.status.conditions[3]}", Service()),
            "EXEC ERROR: error executing jsonpath \"{.status.conditions[3]}\": array index out of "
            "bounds: index 3, length 3");
  EXPECT_EQ(Eval("{.status.conditions[-4]}", Service()),
            "EXEC ERROR: error executing jsonpath \"{.status.conditions[-4]}\": array index out "
            "of bounds: index -4, length 3");
  EXPECT_EQ(Eval("{.metadata.labels[?(@.x)]}", Service()),
            "EXEC ERROR: error executing jsonpath \"{.metadata.labels[?(@.x)]}\": "
            "{\"app\":\"hello\"} is not array or slice and cannot be filtered");
}

TEST(JsonPathTest, EndLikeKeysAreNotEnd) {
  json data = {{"endpoint", "e"}, {"rangeX", "r"}};
  EXPECT_EQ(Eval("{endpoint}{.rangeX}", data), "er");
}

}  // namespace
}  // namespace ebb::cli
