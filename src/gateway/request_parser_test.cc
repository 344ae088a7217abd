#include "gateway/request_parser.h"

#include <gtest/gtest.h>

namespace ebb::gateway {
namespace {

namespace http = boost::beast::http;
using boost::beast::error_code;

// Feeds `text` to a parser `step` bytes at a time, copying the bytes received so far into a
// fresh string before each call (the read buffer may move). Returns the error of the last call.
struct Parsed {
  RequestHead head;
  std::string buffer;
  error_code ec;
  std::size_t consumed = 0;
};

Parsed Parse(std::string_view text, std::size_t step = 1 << 20, std::uint32_t header_limit = 8192,
             std::uint64_t body_limit = 0) {
  Parsed out;
  RequestParser parser(out.head, header_limit, body_limit);
  std::size_t have = 0;
  while (have < text.size()) {
    have = std::min(text.size(), have + step);
    out.buffer = std::string(text.substr(0, have));
    out.consumed += parser.Parse(out.buffer.data(), out.consumed, out.buffer.size(), out.ec);
    if (out.ec != http::error::need_more) break;
  }
  return out;
}

std::string Upstream(const Parsed& p, std::string_view ip = "10.0.0.7") {
  std::string scratch;
  GatherList out;
  BuildUpstreamHead(p.head, p.buffer.data(), ip, scratch, out);
  return out.ToString();
}

constexpr char kForwarded[] =
    "X-Forwarded-For: 10.0.0.7\r\nX-Forwarded-Host: hello.example.com\r\n"
    "X-Forwarded-Proto: http\r\nForwarded: for=10.0.0.7;host=\"hello.example.com\";proto=http"
    "\r\n\r\n";

TEST(RequestParserTest, ForwardsTheOriginalHeadPlusForwardingFields) {
  Parsed p = Parse("GET /a?b=c HTTP/1.1\r\nHost: hello.example.com\r\nAccept: */*\r\n\r\n");
  ASSERT_FALSE(p.ec) << p.ec.message();
  EXPECT_EQ(p.head.size, p.buffer.size());
  EXPECT_EQ(p.head.host, "hello.example.com");
  EXPECT_EQ(p.head.method, http::verb::get);
  EXPECT_EQ(Upstream(p), std::string("GET /a?b=c HTTP/1.1\r\nHost: hello.example.com\r\n"
                                     "Accept: */*\r\n") +
                             kForwarded);
}

TEST(RequestParserTest, SameResultWhenTheHeadArrivesByteByByte) {
  std::string text =
      "POST /x HTTP/1.1\r\nHost: hello.example.com\r\nConnection: keep-alive, X-Secret\r\n"
      "X-Secret: 1\r\nContent-Length: 3\r\n\r\nabc";
  Parsed whole = Parse(text);
  Parsed bytes = Parse(text, 1);
  ASSERT_FALSE(bytes.ec) << bytes.ec.message();
  EXPECT_EQ(bytes.head.size, text.size() - 3);
  EXPECT_EQ(Upstream(bytes), Upstream(whole));
  EXPECT_EQ(Upstream(bytes), std::string("POST /x HTTP/1.1\r\nHost: hello.example.com\r\n"
                                         "Content-Length: 3\r\n") +
                                 kForwarded);
}

TEST(RequestParserTest, DropsHopByHopAndMergesPriorForwarding) {
  Parsed p = Parse(
      "GET / HTTP/1.1\r\nhost: Hello.Example.com:8080\r\nKeep-Alive: timeout=5\r\n"
      "TE: trailers\r\nProxy-Connection: keep-alive\r\nX-Forwarded-For: 1.2.3.4\r\n"
      "x-forwarded-proto: https\r\nForwarded: for=1.2.3.4\r\nX-Forwarded-Host: evil\r\n"
      "User-Agent: t\r\n\r\n");
  ASSERT_FALSE(p.ec) << p.ec.message();
  EXPECT_EQ(Upstream(p),
            "GET / HTTP/1.1\r\nhost: Hello.Example.com:8080\r\nUser-Agent: t\r\n"
            "X-Forwarded-For: 1.2.3.4, 10.0.0.7\r\n"
            "X-Forwarded-Host: Hello.Example.com:8080\r\nX-Forwarded-Proto: http\r\n"
            "Forwarded: for=1.2.3.4, for=10.0.0.7;host=\"Hello.Example.com:8080\";"
            "proto=http\r\n\r\n");
}

TEST(RequestParserTest, RewritesHttp10RequestLine) {
  Parsed p = Parse("GET /old HTTP/1.0\r\nHost: hello.example.com\r\n\r\n");
  ASSERT_FALSE(p.ec);
  EXPECT_EQ(p.head.version, 10);
  EXPECT_EQ(Upstream(p, "::1"),
            "GET /old HTTP/1.1\r\nHost: hello.example.com\r\nX-Forwarded-For: ::1\r\n"
            "X-Forwarded-Host: hello.example.com\r\nX-Forwarded-Proto: http\r\n"
            "Forwarded: for=\"[::1]\";host=\"hello.example.com\";proto=http\r\n\r\n");
  // HTTP/1.0 may omit Host.
  EXPECT_FALSE(Parse("GET / HTTP/1.0\r\n\r\n").ec);
}

TEST(RequestParserTest, KeepsUpgradeForWebSockets) {
  Parsed p = Parse(
      "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Key: k\r\n\r\n");
  ASSERT_FALSE(p.ec);
  EXPECT_TRUE(p.head.upgrade);
  std::string up = Upstream(p);
  EXPECT_NE(up.find("\r\nUpgrade: websocket\r\nSec-WebSocket-Key: k\r\nConnection: Upgrade\r\n"),
            std::string::npos)
      << up;
  // Without "Connection: upgrade" the Upgrade field is hop-by-hop noise.
  Parsed plain = Parse("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n");
  EXPECT_FALSE(plain.head.upgrade);
  EXPECT_EQ(Upstream(plain).find("Upgrade"), std::string::npos);
}

TEST(RequestParserTest, AnswersExpectContinueItself) {
  Parsed p =
      Parse("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  ASSERT_FALSE(p.ec);
  EXPECT_TRUE(p.head.expect_continue);
  EXPECT_EQ(Upstream(p).find("Expect"), std::string::npos);
}

TEST(RequestParserTest, RejectsSmugglingShapes) {
  const char* bad[] = {
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX-Folded: a\r\n b\r\n\r\n",
      "GET /\r\n\r\n",
      "GET / HTTP/1.1\nHost: h\n\n",
  };
  for (const char* text : bad) {
    error_code ec = Parse(text).ec;
    EXPECT_TRUE(ec && ec != http::error::need_more) << text;
  }
}

TEST(RequestParserTest, ReportsLimits) {
  std::string big = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(10'000, 'x') + "\r\n\r\n";
  EXPECT_EQ(Parse(big, 1024).ec, http::error::header_limit);
  EXPECT_EQ(Parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", 1 << 20, 8192, 10).ec,
            http::error::body_limit);
}

TEST(RequestParserTest, FindsTheEndOfAChunkedBodyAndLeavesPipelinedBytes) {
  std::string text =
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\nGET /next HTTP/1.1\r\n";
  RequestHead head;
  RequestParser parser(head, 8192, 0);
  error_code ec;
  std::size_t n = parser.Parse(text.data(), 0, text.size(), ec);
  ASSERT_FALSE(ec);
  ASSERT_EQ(n, head.size);
  parser.eager(true);
  std::size_t body = parser.Parse(text.data(), n, text.size(), ec);
  ASSERT_FALSE(ec);
  EXPECT_TRUE(parser.is_done());
  EXPECT_EQ(text.substr(n + body), "GET /next HTTP/1.1\r\n");
}

}  // namespace
}  // namespace ebb::gateway
