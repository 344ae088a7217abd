#include "tracing/spans.h"

#include <gtest/gtest.h>

namespace ebb::tracing {
namespace {

using nlohmann::json;

RequestRecord ColdRequest() {
  RequestRecord r;
  r.trace_id = *ParseTraceIdHex("4bf92f3577b34da6a3ce929d0e0e4736");
  r.parent_id = 0x00f067aa0ba902b7ull;
  r.server_id = 0x1111111111111111ull;
  r.wait_id = 0x2222222222222222ull;
  r.call_id = 0x3333333333333333ull;
  r.start_us = 1'764'150'000'000'000;
  r.duration_us = 250'000;
  r.wait_offset_us = 10;
  r.wait_duration_us = 200'000;
  r.called = true;
  r.call_offset_us = 200'020;
  r.call_duration_us = 49'000;
  r.status = 200;
  r.call_status = 200;
  r.method = "GET";
  r.target = "/headers?x=1";
  r.host = "helloworld.default.example.com";
  r.revision = "default/helloworld-00001";
  r.client_ip = "127.0.0.1";
  r.instance = "helloworld-00001-deployment-1";
  r.instance_ip = "127.0.0.1";
  r.instance_port = 40001;
  return r;
}

json Spans(const RequestRecord& r, const RevisionLabels* labels = nullptr) {
  std::string text;
  int count = AppendZipkinSpans(r, labels, text);
  json spans = json::parse("[" + text + "]");
  EXPECT_EQ(spans.size(), static_cast<std::size_t>(count));
  return spans;
}

TEST(SpansTest, ColdRequestHasThreeSpans) {
  RevisionLabels labels{"helloworld", "helloworld"};
  json spans = Spans(ColdRequest(), &labels);
  ASSERT_EQ(spans.size(), 3u);
  const json& server = spans[0];
  EXPECT_EQ(server["traceId"], "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(server["id"], "1111111111111111");
  EXPECT_EQ(server["parentId"], "00f067aa0ba902b7");
  EXPECT_EQ(server["name"], "gateway");
  EXPECT_EQ(server["kind"], "SERVER");
  EXPECT_EQ(server["timestamp"], 1'764'150'000'000'000);
  EXPECT_EQ(server["duration"], 250'000);
  EXPECT_EQ(server["localEndpoint"], json({{"serviceName", "ebb-gateway"}}));
  EXPECT_EQ(server["remoteEndpoint"], json({{"ipv4", "127.0.0.1"}}));
  EXPECT_FALSE(server.contains("debug"));
  const json& tags = server["tags"];
  EXPECT_EQ(tags["http.method"], "GET");
  EXPECT_EQ(tags["http.path"], "/headers");
  EXPECT_EQ(tags["http.url"], "/headers?x=1");
  EXPECT_EQ(tags["http.host"], "helloworld.default.example.com");
  EXPECT_EQ(tags["http.status_code"], "200");
  EXPECT_EQ(tags["revision"], "helloworld-00001");
  EXPECT_EQ(tags["namespace"], "default");
  EXPECT_EQ(tags["service"], "helloworld");
  EXPECT_EQ(tags["configuration"], "helloworld");
  EXPECT_FALSE(tags.contains("error"));

  const json& wait = spans[1];
  EXPECT_EQ(wait["name"], "throttler_try");
  EXPECT_FALSE(wait.contains("kind"));
  EXPECT_EQ(wait["id"], "2222222222222222");
  EXPECT_EQ(wait["parentId"], "1111111111111111");
  EXPECT_EQ(wait["timestamp"], 1'764'150'000'000'010);
  EXPECT_EQ(wait["duration"], 200'000);
  EXPECT_FALSE(wait["tags"].contains("error"));

  const json& call = spans[2];
  EXPECT_EQ(call["name"], "proxy");
  EXPECT_EQ(call["kind"], "CLIENT");
  EXPECT_EQ(call["id"], "3333333333333333");
  EXPECT_EQ(call["parentId"], "1111111111111111");
  EXPECT_EQ(call["timestamp"], 1'764'150'000'200'020);
  EXPECT_EQ(call["remoteEndpoint"],
            json({{"serviceName", "helloworld-00001"}, {"ipv4", "127.0.0.1"}, {"port", 40001}}));
  EXPECT_EQ(call["tags"]["instance"], "helloworld-00001-deployment-1");
  EXPECT_EQ(call["tags"]["http.status_code"], "200");
}

TEST(SpansTest, WarmRootRequestHasNoWaitAndNoParent) {
  RequestRecord r = ColdRequest();
  r.parent_id = 0;
  r.wait_id = 0;
  json spans = Spans(r);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_FALSE(spans[0].contains("parentId"));
  EXPECT_EQ(spans[1]["name"], "proxy");
  EXPECT_FALSE(spans[0]["tags"].contains("service"));  // no labels known
}

TEST(SpansTest, TimedOutInTheQueue) {
  RequestRecord r = ColdRequest();
  r.called = false;
  r.status = 504;
  r.call_status = 0;
  json spans = Spans(r);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0]["tags"]["error"], "504");
  EXPECT_EQ(spans[0]["tags"]["http.status_code"], "504");
  EXPECT_EQ(spans[1]["name"], "throttler_try");
  EXPECT_EQ(spans[1]["tags"]["error"], "no instance in time");
}

TEST(SpansTest, UpstreamFailureMarksBothSpans) {
  RequestRecord r = ColdRequest();
  r.wait_id = 0;
  r.status = 502;
  r.call_status = 0;
  r.error = "upstream failed";
  json spans = Spans(r);
  EXPECT_EQ(spans[0]["tags"]["error"], "502");
  EXPECT_EQ(spans[1]["tags"]["error"], "upstream failed");
  EXPECT_FALSE(spans[1]["tags"].contains("http.status_code"));
}

TEST(SpansTest, DebugNarrowIdsIpv6AndMinimumDuration) {
  RequestRecord r = ColdRequest();
  r.trace_id = *ParseTraceIdHex("a3ce929d0e0e4736");
  r.debug = true;
  r.client_ip = "::1";
  r.duration_us = 0;
  json spans = Spans(r);
  EXPECT_EQ(spans[0]["traceId"], "a3ce929d0e0e4736");
  EXPECT_EQ(spans[0]["debug"], true);
  EXPECT_EQ(spans[0]["remoteEndpoint"], json({{"ipv6", "::1"}}));
  EXPECT_EQ(spans[0]["duration"], 1);
}

TEST(SpansTest, StringsAreEscapedAndAlwaysValidJson) {
  RequestRecord r = ColdRequest();
  r.target = "/a\"b\\c\n\x01?q=\xC3\xA9\xFF\xE2\x82";
  json spans = Spans(r);  // parses: valid JSON whatever the bytes
  EXPECT_EQ(spans[0]["tags"]["http.path"], "/a\"b\\c\n\x01");
  EXPECT_EQ(spans[0]["tags"]["http.url"], "/a\"b\\c\n\x01?q=\u00e9\ufffd\ufffd\ufffd");
}

TEST(JsonStringTest, Utf8Validation) {
  auto quoted = [](std::string_view s) {
    std::string out;
    AppendJsonString(s, out);
    return out;
  };
  EXPECT_EQ(quoted("plain"), "\"plain\"");
  EXPECT_EQ(quoted("\xE2\x82\xAC"), "\"\xE2\x82\xAC\"");                      // € kept
  EXPECT_EQ(quoted("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");              // 😀 kept
  EXPECT_EQ(quoted("\xC0\xAF"), "\"\\ufffd\\ufffd\"");                        // overlong
  EXPECT_EQ(quoted("\xED\xA0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");             // surrogate
  EXPECT_EQ(quoted("\xF4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // > U+10FFFF
  EXPECT_EQ(quoted("\x7F\x1F"), "\"\x7F\\u001f\"");
}

TEST(LabelsOfTest, ReadsKnativeLabels) {
  json rev = json::parse(R"({"metadata": {"name": "hello-00001", "labels": {
      "serving.knative.dev/service": "hello",
      "serving.knative.dev/configuration": "hello-cfg"}}})");
  RevisionLabels labels = LabelsOf(rev);
  EXPECT_EQ(labels.service, "hello");
  EXPECT_EQ(labels.configuration, "hello-cfg");
  EXPECT_EQ(LabelsOf(json::parse(R"({"metadata": {"labels": {"x": 1}}})")).service, "");
  EXPECT_EQ(LabelsOf(json::object()).configuration, "");
  EXPECT_EQ(LabelsOf(json::parse(R"({"metadata": {"labels": []}})")).service, "");
}

}  // namespace
}  // namespace ebb::tracing
