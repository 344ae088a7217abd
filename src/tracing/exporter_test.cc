#include "tracing/exporter.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "tracing/test_util.h"

namespace ebb::tracing {
namespace {

using nlohmann::json;

TEST(SpanExporterTest, KeepsSpansAndSendsThemInBatches) {
  TraceStore store;
  auto transport = std::make_unique<FakeTransport>();
  FakeTransport* sent = transport.get();
  SpanExporter exporter(store, std::move(transport), /*max_batch_spans=*/4);
  for (int i = 1; i <= 3; ++i) exporter.Add(TestRecord(static_cast<std::uint64_t>(i)), nullptr);
  EXPECT_TRUE(sent->bodies.empty());  // nothing leaves before Flush
  EXPECT_EQ(store.size(), 3u);
  exporter.Flush();
  // 3 requests × 2 spans (server, client) = 6 spans in batches of 4.
  ASSERT_EQ(sent->bodies.size(), 2u);
  json first = json::parse(sent->bodies[0]);
  json second = json::parse(sent->bodies[1]);
  EXPECT_EQ(first.size(), 4u);
  EXPECT_EQ(second.size(), 2u);
  EXPECT_EQ(first[0]["name"], "gateway");
  EXPECT_EQ(exporter.stats().spans_exported, 6u);
  exporter.Flush();  // nothing new: nothing sent
  EXPECT_EQ(sent->bodies.size(), 2u);
}

TEST(SpanExporterTest, ARequestsSpansAreNeverSplit) {
  TraceStore store;
  auto transport = std::make_unique<FakeTransport>();
  FakeTransport* sent = transport.get();
  SpanExporter exporter(store, std::move(transport), /*max_batch_spans=*/3);
  for (int i = 1; i <= 3; ++i) exporter.Add(TestRecord(static_cast<std::uint64_t>(i)), nullptr);
  exporter.Flush();
  ASSERT_EQ(sent->bodies.size(), 3u);  // 2 + 2 would pass 3
  for (const std::string& body : sent->bodies) EXPECT_EQ(json::parse(body).size(), 2u);
}

TEST(SpanExporterTest, FailedBatchesAreDroppedAndCounted) {
  TraceStore store;
  auto transport = std::make_unique<FakeTransport>();
  FakeTransport* sent = transport.get();
  sent->fail = true;
  SpanExporter exporter(store, std::move(transport));
  exporter.Add(TestRecord(1), nullptr);
  exporter.Flush();
  EXPECT_EQ(exporter.stats().spans_dropped, 2u);
  EXPECT_EQ(exporter.stats().batches_failed, 1u);
  EXPECT_FALSE(exporter.last_error().ok());
  sent->fail = false;
  exporter.Flush();  // the failed batch is not retried
  EXPECT_EQ(sent->bodies.size(), 0u);
  EXPECT_EQ(store.size(), 1u);  // still shown on the dashboard
}

TEST(SpanExporterTest, WithoutTransportOnlyTheStore) {
  TraceStore store;
  SpanExporter exporter(store, nullptr);
  exporter.Add(TestRecord(7), nullptr);
  exporter.Flush();
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(exporter.stats().spans_exported, 0u);
}

TEST(HttpSpanTransportTest, RejectsWhatItCannotReach) {
  EXPECT_FALSE(HttpSpanTransport::Create("https://zipkin:9411/api/v2/spans").ok());
  EXPECT_FALSE(HttpSpanTransport::Create("zipkin:9411").ok());
  EXPECT_FALSE(HttpSpanTransport::Create("http://:9411/").ok());
  EXPECT_FALSE(HttpSpanTransport::Create("http://zipkin:port/").ok());
  EXPECT_TRUE(HttpSpanTransport::Create("http://zipkin.istio-system:9411/api/v2/spans").ok());
  EXPECT_TRUE(HttpSpanTransport::Create("http://[::1]:9411/api/v2/spans").ok());
  EXPECT_TRUE(HttpSpanTransport::Create("http://localhost").ok());
}

// A one-shot HTTP server on 127.0.0.1 that records the request and answers `status`.
class OneShotServer {
 public:
  explicit OneShotServer(int status) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::listen(fd_, 1);
    socklen_t len = sizeof sa;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    thread_ = std::thread([this, status] { Serve(status); });
  }
  ~OneShotServer() { Finish(); }
  int port() const { return port_; }
  // Waits for the exchange to end; returns the request as received.
  const std::string& Finish() {
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    return request_;
  }

 private:
  void Serve(int status) {
    int conn = ::accept(fd_, nullptr, nullptr);
    if (conn < 0) return;
    char buf[4096];
    for (;;) {
      std::size_t head_end = request_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::size_t cl = request_.find("Content-Length: ");
        std::size_t length = cl == std::string::npos ? 0 : std::stoul(request_.substr(cl + 16));
        if (request_.size() >= head_end + 4 + length) break;
      }
      ssize_t n = ::recv(conn, buf, sizeof buf, 0);
      if (n <= 0) break;
      request_.append(buf, static_cast<std::size_t>(n));
    }
    std::string answer = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: 0\r\n\r\n";
    ::send(conn, answer.data(), answer.size(), MSG_NOSIGNAL);
    ::close(conn);
  }

  int fd_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

TEST(HttpSpanTransportTest, PostsJson) {
  OneShotServer server(202);
  std::string port = std::to_string(server.port());
  auto transport = HttpSpanTransport::Create("http://127.0.0.1:" + port + "/api/v2/spans");
  ASSERT_TRUE(transport.ok());
  Status st = (*transport)->Send("[{\"id\":\"1\"}]");
  EXPECT_TRUE(st.ok()) << st.ToString();
  const std::string& request = server.Finish();
  EXPECT_EQ(request.rfind("POST /api/v2/spans HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("\r\nHost: 127.0.0.1:" + port + "\r\n"), std::string::npos);
  EXPECT_NE(request.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(request.find("\r\nContent-Length: 12\r\n"), std::string::npos);
  EXPECT_EQ(request.substr(request.size() - 12), "[{\"id\":\"1\"}]");
}

TEST(HttpSpanTransportTest, ErrorStatusAndRefusedConnection) {
  {
    OneShotServer server(400);
    auto transport = HttpSpanTransport::Create("http://127.0.0.1:" + std::to_string(server.port()) +
                                               "/api/v2/spans");
    Status st = (*transport)->Send("[]");
    EXPECT_EQ(st.code(), Code::kUnavailable);
    EXPECT_NE(st.message().find("answered 400"), std::string::npos) << st.message();
  }
  int port = 0;
  {
    OneShotServer server(202);  // learn a free port, then let it close
    port = server.port();
    auto transport = HttpSpanTransport::Create("http://127.0.0.1:" + std::to_string(port));
    ASSERT_TRUE((*transport)->Send("[]").ok());
  }
  auto transport = HttpSpanTransport::Create("http://127.0.0.1:" + std::to_string(port));
  Status st = (*transport)->Send("[]");
  EXPECT_EQ(st.code(), Code::kUnavailable);
  EXPECT_NE(st.message().find("cannot connect"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace ebb::tracing
