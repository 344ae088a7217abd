#include "cli/output.h"

#include <gtest/gtest.h>

#include <sstream>

namespace ebb::cli {
namespace {

using nlohmann::json;

TEST(OutputTest, ParsesFormats) {
  EXPECT_TRUE(ParseOutputFormat("")->is_table());
  EXPECT_EQ(ParseOutputFormat("wide")->format, OutputFormat::kWide);
  EXPECT_EQ(ParseOutputFormat("yaml")->format, OutputFormat::kYaml);
  EXPECT_EQ(ParseOutputFormat("json")->format, OutputFormat::kJson);
  EXPECT_EQ(ParseOutputFormat("name")->format, OutputFormat::kName);
  Result<OutputSpec> path = ParseOutputFormat("jsonpath='{.metadata.name}'");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->format, OutputFormat::kJsonPath);
  EXPECT_EQ(*path->jsonpath->Execute({{"metadata", {{"name", "x"}}}}), "x");
  EXPECT_FALSE(ParseOutputFormat("jsonpath={.a[").ok());
  EXPECT_FALSE(ParseOutputFormat("custom-columns=A:.a").ok());
}

TEST(OutputTest, ListWrapper) {
  json list = MakeList(KnativeType(api::Kind::kRoute), {{{"metadata", {{"name", "r"}}}}});
  EXPECT_EQ(list, json::parse(R"({"apiVersion": "v1", "kind": "List",
      "metadata": {"resourceVersion": ""},
      "items": [{"apiVersion": "serving.knative.dev/v1", "kind": "Route",
                 "metadata": {"name": "r"}}]})"));
}

TEST(OutputTest, Names) {
  json pod = {{"metadata", {{"name", "hello-00001-deployment-1"}}}};
  EXPECT_EQ(ObjectName(PodType(), pod), "pod/hello-00001-deployment-1");
  std::ostringstream out;
  ASSERT_TRUE(
      PrintValue(*ParseOutputFormat("name"), PodType(), MakeList(PodType(), {pod, pod}), out).ok());
  EXPECT_EQ(out.str(), "pod/hello-00001-deployment-1\npod/hello-00001-deployment-1\n");
}

TEST(OutputTest, JsonIsIndentedByFour) {
  std::ostringstream out;
  ASSERT_TRUE(PrintValue(*ParseOutputFormat("json"), PodType(), json{{"a", 1}}, out).ok());
  EXPECT_EQ(out.str(), "{\n    \"a\": 1\n}\n");
}

TEST(OutputTest, YamlEndsWithANewline) {
  std::ostringstream out;
  ASSERT_TRUE(PrintValue(*ParseOutputFormat("yaml"), PodType(), json{{"a", 1}}, out).ok());
  EXPECT_EQ(out.str(), "a: 1\n");
}

TEST(OutputTest, Ages) {
  FakeClock clock;  // 1'780'000'000 = 2026-05-28T20:26:40Z
  EXPECT_EQ(TimestampAge("2026-05-28T20:26:33Z", clock.Now()), "7s");
  EXPECT_EQ(TimestampAge("2026-05-28T20:26:50Z", clock.Now()), "0s");  // clock skew
  EXPECT_EQ(TimestampAge("yesterday", clock.Now()), "<unknown>");
  EXPECT_EQ(ObjectAge(json::object(), clock.Now()), "<unknown>");
}

}  // namespace
}  // namespace ebb::cli
