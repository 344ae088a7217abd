#include "cli/https_api_client.h"

#include <gtest/gtest.h>

#include <deque>

namespace ebb::cli {
namespace {

using nlohmann::json;

class ScriptedLines : public LineSource {
 public:
  ScriptedLines(int status, std::deque<Result<std::optional<std::string>>> lines,
                std::vector<std::optional<std::chrono::milliseconds>>* idle_timeouts = nullptr)
      : status_(status), lines_(std::move(lines)), idle_timeouts_(idle_timeouts) {}
  int status() const override { return status_; }
  Result<std::optional<std::string>> NextLine(
      std::optional<std::chrono::milliseconds> idle) override {
    if (idle_timeouts_ != nullptr) idle_timeouts_->push_back(idle);
    if (lines_.empty()) return std::optional<std::string>();
    auto next = std::move(lines_.front());
    lines_.pop_front();
    return next;
  }

 private:
  int status_;
  std::deque<Result<std::optional<std::string>>> lines_;
  std::vector<std::optional<std::chrono::milliseconds>>* idle_timeouts_;  // not owned
};

class RecordingTransport : public HttpTransport {
 public:
  Result<net::HttpResponse> Request(const HttpCall& call) override {
    calls.push_back(call);
    return response;
  }
  Result<std::unique_ptr<LineSource>> Stream(const HttpCall& call) override {
    calls.push_back(call);
    return std::unique_ptr<LineSource>(std::move(stream));
  }
  std::vector<HttpCall> calls;
  net::HttpResponse response{200, "application/json", "{}"};
  std::unique_ptr<ScriptedLines> stream;
};

class HttpsApiClientTest : public ::testing::Test {
 protected:
  HttpsApiClientTest() {
    auto transport = std::make_unique<RecordingTransport>();
    transport_ = transport.get();
    client_ = std::make_unique<HttpsApiClient>(std::move(transport), clock_);
  }
  const HttpCall& Last() const { return transport_->calls.back(); }

  FakeClock clock_;
  RecordingTransport* transport_;
  std::unique_ptr<HttpsApiClient> client_;
  ResourceType ksvc_ = KnativeType(api::Kind::kService);
};

TEST_F(HttpsApiClientTest, GetAndList) {
  ASSERT_TRUE(client_->Get(ksvc_, "default", "hello", false).ok());
  EXPECT_EQ(Last().method, "GET");
  EXPECT_EQ(Last().target, "/apis/serving.knative.dev/v1/namespaces/default/services/hello");
  EXPECT_EQ(Last().accept, "application/json");

  ListOptions options;
  options.label_selector = "serving.knative.dev/service=hello";
  options.table = true;
  ASSERT_TRUE(client_->List(KnativeType(api::Kind::kRevision), "team-a", options).ok());
  EXPECT_EQ(Last().target,
            "/apis/serving.knative.dev/v1/namespaces/team-a/revisions?labelSelector="
            "serving.knative.dev%2Fservice%3Dhello");
  EXPECT_EQ(Last().accept, kTableAccept);

  ASSERT_TRUE(client_->List(PodType(), "", ListOptions{}).ok());
  EXPECT_EQ(Last().target, "/api/v1/pods");
  ASSERT_TRUE(client_->Version().ok());
  EXPECT_EQ(Last().target, "/version");
}

TEST_F(HttpsApiClientTest, Writes) {
  json object = {{"metadata", {{"name", "hello"}}}};
  ASSERT_TRUE(client_->Apply(ksvc_, "default", "hello", object, false).ok());
  EXPECT_EQ(Last().method, "PATCH");
  EXPECT_EQ(Last().target,
            "/apis/serving.knative.dev/v1/namespaces/default/services/hello?fieldManager=ebb&"
            "force=true");
  EXPECT_EQ(Last().content_type, "application/apply-patch+yaml");
  EXPECT_EQ(json::parse(Last().body), object);

  ASSERT_TRUE(client_->Apply(ksvc_, "default", "hello", object, true).ok());
  EXPECT_EQ(Last().target,
            "/apis/serving.knative.dev/v1/namespaces/default/services/hello?dryRun=All&"
            "fieldManager=ebb&force=true");

  ASSERT_TRUE(client_->Patch(ksvc_, "default", "hello", object, false).ok());
  EXPECT_EQ(Last().content_type, "application/merge-patch+json");
  EXPECT_EQ(Last().target,
            "/apis/serving.knative.dev/v1/namespaces/default/services/hello?fieldManager=ebb");

  ASSERT_TRUE(client_->Create(ksvc_, "default", object, false).ok());
  EXPECT_EQ(Last().method, "POST");
  EXPECT_EQ(Last().target,
            "/apis/serving.knative.dev/v1/namespaces/default/services?fieldManager=ebb");
  EXPECT_EQ(Last().content_type, "application/json");

  ASSERT_TRUE(client_->Replace(ksvc_, "default", "hello", object, false).ok());
  EXPECT_EQ(Last().method, "PUT");

  ASSERT_TRUE(client_->Delete(ksvc_, "default", "hello").ok());
  EXPECT_EQ(Last().method, "DELETE");
  EXPECT_EQ(Last().target, "/apis/serving.knative.dev/v1/namespaces/default/services/hello");
  EXPECT_EQ(json::parse(Last().body), json({{"propagationPolicy", "Background"}}));
}

TEST_F(HttpsApiClientTest, ResponsesKeepErrorsAsAnswers) {
  transport_->response = {404, "application/json",
                          R"({"kind":"Status","reason":"NotFound","code":404})"};
  Result<ApiResponse> r = client_->Get(ksvc_, "default", "x", false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, 404);
  EXPECT_FALSE(r->ok());
  EXPECT_EQ(r->body["reason"], "NotFound");

  transport_->response = {502, "text/plain", "bad gateway"};
  r = client_->Get(ksvc_, "default", "x", false);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->body.is_null());
  EXPECT_EQ(r->raw, "bad gateway");
}

TEST_F(HttpsApiClientTest, WatchDeliversEventsUntilTheHandlerStops) {
  transport_->stream = std::make_unique<ScriptedLines>(
      200, std::deque<Result<std::optional<std::string>>>{
               std::optional<std::string>(R"({"type":"ADDED","object":{"n":1}})"),
               std::optional<std::string>(""),
               std::optional<std::string>(R"({"type":"MODIFIED","object":{"n":2}})"),
               std::optional<std::string>(R"({"type":"MODIFIED","object":{"n":3}})")});
  ListOptions options;
  options.resource_version = "42";
  options.field_selector = "metadata.name=hello";
  std::vector<std::string> seen;
  Result<ApiResponse> end =
      client_->Watch(ksvc_, "default", options, std::nullopt, [&](const WatchEvent& e) {
        seen.push_back(e.type + std::to_string(e.object["n"].get<int>()));
        return seen.size() < 2;
      });
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(end->code, 200);
  EXPECT_EQ(seen, (std::vector<std::string>{"ADDED1", "MODIFIED2"}));
  EXPECT_EQ(Last().target,
            "/apis/serving.knative.dev/v1/namespaces/default/services?fieldSelector=metadata.name"
            "%3Dhello&resourceVersion=42&watch=true");
}

TEST_F(HttpsApiClientTest, WatchEndsCleanlyWhenTheServerCloses) {
  transport_->stream =
      std::make_unique<ScriptedLines>(200, std::deque<Result<std::optional<std::string>>>{});
  Result<ApiResponse> end =
      client_->Watch(ksvc_, "default", {}, std::nullopt, [](const WatchEvent&) { return true; });
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(end->code, 200);
}

TEST_F(HttpsApiClientTest, WatchErrorEventAndErrorStatus) {
  transport_->stream = std::make_unique<ScriptedLines>(
      200, std::deque<Result<std::optional<std::string>>>{std::optional<std::string>(
               R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired"}})")});
  Result<ApiResponse> end =
      client_->Watch(ksvc_, "default", {}, std::nullopt, [](const WatchEvent&) { return true; });
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(end->code, 410);
  EXPECT_EQ(end->body["reason"], "Expired");

  transport_->stream = std::make_unique<ScriptedLines>(
      403, std::deque<Result<std::optional<std::string>>>{
               std::optional<std::string>(R"({"kind":"Status","code":403,)"),
               std::optional<std::string>(R"("reason":"Forbidden"})")});
  end = client_->Watch(ksvc_, "default", {}, std::nullopt, [](const WatchEvent&) { return true; });
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(end->code, 403);
  EXPECT_EQ(end->body["reason"], "Forbidden");
}

TEST_F(HttpsApiClientTest, WatchRejectsGarbage) {
  transport_->stream = std::make_unique<ScriptedLines>(
      200, std::deque<Result<std::optional<std::string>>>{std::optional<std::string>("nope")});
  Result<ApiResponse> end =
      client_->Watch(ksvc_, "default", {}, std::nullopt, [](const WatchEvent&) { return true; });
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.status().code(), Code::kInternal);
}

TEST_F(HttpsApiClientTest, WatchDeadlineBoundsEachRead) {
  std::vector<std::optional<std::chrono::milliseconds>> idle_timeouts;
  transport_->stream = std::make_unique<ScriptedLines>(
      200,
      std::deque<Result<std::optional<std::string>>>{
          std::optional<std::string>(R"({"type":"ADDED","object":{}})"),
          Status(Code::kTimeout, "idle")},
      &idle_timeouts);
  auto deadline = clock_.Steady() + std::chrono::seconds(10);
  Result<ApiResponse> end = client_->Watch(ksvc_, "default", {}, deadline, [&](const WatchEvent&) {
    clock_.Advance(std::chrono::seconds(4));
    return true;
  });
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.status().code(), Code::kTimeout);
  ASSERT_EQ(idle_timeouts.size(), 2u);
  EXPECT_EQ(idle_timeouts[0], std::chrono::milliseconds(10'000));
  EXPECT_EQ(idle_timeouts[1], std::chrono::milliseconds(6'000));
}

TEST_F(HttpsApiClientTest, WatchPastTheDeadlineTimesOutAtOnce) {
  transport_->stream =
      std::make_unique<ScriptedLines>(200, std::deque<Result<std::optional<std::string>>>{});
  Result<ApiResponse> end =
      client_->Watch(ksvc_, "default", {}, clock_.Steady(), [](const WatchEvent&) { return true; });
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.status().code(), Code::kTimeout);
}

TEST_F(HttpsApiClientTest, PodLogDeliversLinesUntilTheLogEnds) {
  std::vector<std::optional<std::chrono::milliseconds>> idle;
  transport_->stream = std::make_unique<ScriptedLines>(
      200,
      std::deque<Result<std::optional<std::string>>>{std::optional<std::string>("one"),
                                                     std::optional<std::string>("two")},
      &idle);
  std::vector<std::string> seen;
  Result<ApiResponse> end = client_->PodLog("default", "hello-00001-deployment-abcde", {},
                                            [&](const std::string& line) {
                                              seen.push_back(line);
                                              return true;
                                            });
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(end->code, 200);
  EXPECT_EQ(seen, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(Last().method, "GET");
  EXPECT_EQ(Last().target, "/api/v1/namespaces/default/pods/hello-00001-deployment-abcde/log");
  ASSERT_FALSE(idle.empty());
  EXPECT_TRUE(idle[0].has_value());  // a plain log is bounded
}

TEST_F(HttpsApiClientTest, PodLogFollowWaitsForeverAndStopsWhenTheHandlerSays) {
  std::vector<std::optional<std::chrono::milliseconds>> idle;
  transport_->stream = std::make_unique<ScriptedLines>(
      200,
      std::deque<Result<std::optional<std::string>>>{std::optional<std::string>("a"),
                                                     std::optional<std::string>("b")},
      &idle);
  LogOptions options;
  options.follow = true;
  options.tail_lines = 5;
  int lines = 0;
  Result<ApiResponse> end =
      client_->PodLog("team", "p", options, [&](const std::string&) { return ++lines < 1; });
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(lines, 1);
  EXPECT_EQ(Last().target, "/api/v1/namespaces/team/pods/p/log?follow=true&tailLines=5");
  EXPECT_EQ(idle, (std::vector<std::optional<std::chrono::milliseconds>>{std::nullopt}));
}

TEST_F(HttpsApiClientTest, PodLogErrorsAreAnswers) {
  transport_->stream = std::make_unique<ScriptedLines>(
      404, std::deque<Result<std::optional<std::string>>>{std::optional<std::string>(
               R"({"kind":"Status","reason":"NotFound","code":404})")});
  Result<ApiResponse> r =
      client_->PodLog("default", "nope", {}, [](const std::string&) { return true; });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, 404);
  EXPECT_EQ(r->body["reason"], "NotFound");

  transport_->stream = std::make_unique<ScriptedLines>(
      200, std::deque<Result<std::optional<std::string>>>{
               Status(Code::kUnavailable, "connection reset")});
  r = client_->PodLog("default", "p", {}, [](const std::string&) { return true; });
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
}

TEST(UrlEncodeTest, EncodesReservedCharacters) {
  EXPECT_EQ(UrlEncode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(UrlEncode("k in (a,b)"), "k%20in%20%28a%2Cb%29");
  EXPECT_EQ(UrlEncode("x=y/z"), "x%3Dy%2Fz");
}

}  // namespace
}  // namespace ebb::cli
