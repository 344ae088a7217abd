#include "tracing/request_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ebb::tracing {
namespace {

std::string Format(const RequestLogTemplate& t, const RequestLogEntry& e) {
  std::string out;
  t.Format(e, out);
  return out;
}

RequestLogEntry Entry(const std::string* headers = nullptr) {
  RequestLogEntry e;
  e.method = "GET";
  e.target = "/headers?a=1";
  e.host = "hello.default.example.com";
  e.proto = "HTTP/1.1";
  e.remote_addr = "127.0.0.1:51234";
  e.user_agent = "curl/7.88.1";
  e.referer = "";
  e.content_length = 0;
  e.status = 200;
  e.response_size = 13;
  e.latency_seconds = 0.001234;
  e.revision_name = "hello-00001";
  e.revision_namespace = "default";
  e.service = "hello";
  e.configuration = "hello";
  e.pod_name = "hello-00001-deployment-1";
  e.pod_ip = "127.0.0.1";
  e.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  e.headers = headers;
  return e;
}

TEST(RequestLogTemplateTest, KnativeDefaultGivesJson) {
  auto t = RequestLogTemplate::Compile("");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->header_names(), std::vector<std::string>{"x-b3-traceid"});
  std::string headers[] = {"4bf92f3577b34da6a3ce929d0e0e4736"};
  std::string line = Format(*t, Entry(headers));
  ASSERT_EQ(line.back(), '\n');
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["httpRequest"]["requestMethod"], "GET");
  EXPECT_NE(line.find(R"("requestUrl": "/headers?a\u003D1")"), std::string::npos);  // js-escaped
  EXPECT_EQ(j["httpRequest"]["requestUrl"], "/headers?a=1");
  EXPECT_EQ(j["httpRequest"]["requestSize"], "0");
  EXPECT_EQ(j["httpRequest"]["status"], 200);
  EXPECT_EQ(j["httpRequest"]["responseSize"], "13");
  EXPECT_EQ(j["httpRequest"]["userAgent"], "curl/7.88.1");
  EXPECT_EQ(j["httpRequest"]["remoteIp"], "127.0.0.1:51234");
  EXPECT_EQ(j["httpRequest"]["serverIp"], "127.0.0.1");
  EXPECT_EQ(j["httpRequest"]["latency"], "0.001234s");
  EXPECT_EQ(j["httpRequest"]["protocol"], "HTTP/1.1");
  EXPECT_EQ(j["traceId"], "[4bf92f3577b34da6a3ce929d0e0e4736]");  // a Go []string
}

TEST(RequestLogTemplateTest, EveryField) {
  auto t = RequestLogTemplate::Compile(
      "{{.Request.Method}} {{.Request.URL}} {{.Request.RequestURI}} {{.Request.Host}} "
      "{{.Request.RemoteAddr}} {{.Request.UserAgent}} [{{.Request.Referer}}] {{.Request.Proto}} "
      "{{.Request.ContentLength}} {{.Response.Code}} {{.Response.Size}} {{.Response.Latency}} "
      "{{.Revision.Name}} {{.Revision.Namespace}} {{.Revision.Service}} "
      "{{.Revision.Configuration}} {{.Revision.PodName}} {{.Revision.PodIP}} {{.TraceID}}");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Format(*t, Entry()),
            "GET /headers?a=1 /headers?a=1 hello.default.example.com 127.0.0.1:51234 curl/7.88.1 "
            "[] HTTP/1.1 0 200 13 0.001234 hello-00001 default hello hello "
            "hello-00001-deployment-1 127.0.0.1 4bf92f3577b34da6a3ce929d0e0e4736\n");
  EXPECT_TRUE(t->uses(RequestLogTemplate::Field::kTraceId));
  EXPECT_FALSE(t->uses(RequestLogTemplate::Field::kHeader));
}

TEST(RequestLogTemplateTest, FunctionsPipelinesTrimAndComments) {
  auto t = RequestLogTemplate::Compile(
      "a  {{- /* note */ -}}  b {{.Request.UserAgent | js}} {{html .Request.UserAgent}} "
      "{{urlquery .Request.RequestURI}} {{- \" x\" -}}");
  EXPECT_FALSE(t.ok());  // a string constant is not a field
  t = RequestLogTemplate::Compile(
      "a  {{- /* note */ -}}  b {{.Request.UserAgent | js}} {{html .Request.UserAgent}} "
      "{{urlquery .Request.RequestURI}}\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  RequestLogEntry e = Entry();
  e.user_agent = "x<\"'&>=\n";
  EXPECT_EQ(Format(*t, e),
            "ab x\\u003C\\\"\\'\\u0026\\u003E\\u003D\\u000A x&lt;&#34;&#39;&amp;&gt;=\n "
            "%2Fheaders%3Fa%3D1\n");  // the template's own newline ends the line
}

TEST(RequestLogTemplateTest, HeaderIndexAnyCaseSharedSlots) {
  auto t = RequestLogTemplate::Compile(
      "{{index .Request.Header \"User-Agent\"}} {{index .Request.Header `x-b3-traceid`}} "
      "{{js (index .Request.Header \"A\")}}");
  EXPECT_FALSE(t.ok());  // parenthesised calls are not supported
  t = RequestLogTemplate::Compile(
      "{{index .Request.Header \"User-Agent\"}} {{index .Request.Header `x-b3-traceid`}} "
      "{{index .Request.Header \"user-agent\" | urlquery}}");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->header_names(), (std::vector<std::string>{"user-agent", "x-b3-traceid"}));
  std::string headers[] = {"curl/8 x", ""};
  EXPECT_EQ(Format(*t, Entry(headers)), "[curl/8 x] [] %5Bcurl%2F8+x%5D\n");
}

TEST(RequestLogTemplateTest, RefusesWhatItDoesNotUnderstand) {
  for (const char* bad : {"{{.Request.Nope}}", "{{.Request}}", "{{range .X}}{{end}}",
                          "{{printf \"%s\" .Request.Method}}", "{{.Request.Method | js | html}}",
                          "{{js .Request.Method | html}}", "{{ .Request.Method", "{{/* x }}",
                          "{{index .Request.Header}}", "{{index .Request.URL \"x\"}}",
                          "{{$x := 1}}", "{{.Request.Method | printf}}"}) {
    auto t = RequestLogTemplate::Compile(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), Code::kInvalid);
    ASSERT_EQ(t.status().causes().size(), 1u);
    EXPECT_EQ(t.status().causes()[0].field, "observability.logging.request-log-template");
  }
}

TEST(RequestLogTemplateTest, PlainTextAndChunkedLength) {
  auto t = RequestLogTemplate::Compile("just text");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(Format(*t, Entry()), "just text\n");
  t = RequestLogTemplate::Compile("{{.Request.ContentLength}}");
  RequestLogEntry e = Entry();
  e.content_length = -1;
  EXPECT_EQ(Format(*t, e), "-1\n");
}

TEST(GoFloatTest, PrintsAsFmtDoes) {
  auto go = [](double v) {
    std::string s;
    AppendGoFloat(v, s);
    return s;
  };
  EXPECT_EQ(go(0), "0");
  EXPECT_EQ(go(3), "3");
  EXPECT_EQ(go(0.25), "0.25");
  EXPECT_EQ(go(0.001234), "0.001234");
  EXPECT_EQ(go(0.0001), "0.0001");
  EXPECT_EQ(go(0.00001234), "1.234e-05");
  EXPECT_EQ(go(0.00005), "5e-05");
  EXPECT_EQ(go(12.5), "12.5");
  EXPECT_EQ(go(100000), "100000");
  EXPECT_EQ(go(999999.5), "999999.5");
  EXPECT_EQ(go(1e6), "1e+06");
  EXPECT_EQ(go(1234567), "1.234567e+06");
  EXPECT_EQ(go(1e21), "1e+21");
  EXPECT_EQ(go(1.5e-300), "1.5e-300");
  EXPECT_EQ(go(-0.5), "-0.5");
}

TEST(EscapeTest, QueryEscapeKeepsUnreserved) {
  std::string s;
  AppendQueryEscaped("aZ09-_.~ /?é", s);
  EXPECT_EQ(s, "aZ09-_.~+%2F%3F%C3%A9");
}

}  // namespace
}  // namespace ebb::tracing
