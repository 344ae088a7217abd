#include "http.h"

#include <gtest/gtest.h>

namespace helloworld {
namespace {

TEST(ParseHead, ParsesRequestLineHeadersAndQuery) {
  std::string data =
      "GET /hello?sleep=5&bytes=10 HTTP/1.1\r\nHost: x\r\nX-Other:  spaced  \r\n\r\nNEXT";
  HeadResult r = ParseHead(data);
  ASSERT_EQ(r.status, Parse::kDone) << r.error;
  EXPECT_EQ(r.length, data.size() - 4);
  EXPECT_EQ(r.request.method, "GET");
  EXPECT_EQ(r.request.path, "/hello");
  EXPECT_EQ(r.request.query, "sleep=5&bytes=10");
  EXPECT_EQ(r.request.minor, 1);
  EXPECT_TRUE(r.request.keep_alive);
  EXPECT_FALSE(r.request.chunked);
  EXPECT_EQ(r.request.content_length, 0u);
}

TEST(ParseHead, WaitsForTheBlankLine) {
  EXPECT_EQ(ParseHead("GET / HTTP/1.1\r\nHost: x\r\n").status, Parse::kIncomplete);
  EXPECT_EQ(ParseHead("").status, Parse::kIncomplete);
}

TEST(ParseHead, KeepAliveFollowsVersionAndConnectionHeader) {
  EXPECT_FALSE(ParseHead("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").request.keep_alive);
  EXPECT_FALSE(ParseHead("GET / HTTP/1.0\r\n\r\n").request.keep_alive);
  HeadResult r = ParseHead("GET / HTTP/1.0\r\nconnection: Keep-Alive\r\n\r\n");
  EXPECT_TRUE(r.request.keep_alive);
  EXPECT_EQ(r.request.minor, 0);
}

TEST(ParseHead, BodyFraming) {
  HeadResult cl =
      ParseHead("POST / HTTP/1.1\r\nContent-Length: 12\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(cl.request.content_length, 12u);
  EXPECT_TRUE(cl.request.expect_continue);
  HeadResult te =
      ParseHead("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 3\r\n\r\n");
  EXPECT_TRUE(te.request.chunked);
  EXPECT_EQ(te.request.content_length, 0u);
}

TEST(ParseHead, RecognisesWebSocketUpgrade) {
  HeadResult r = ParseHead(
      "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
      "Sec-WebSocket-Key: abc==\r\n\r\n");
  EXPECT_TRUE(r.request.websocket);
  EXPECT_EQ(r.request.websocket_key, "abc==");
  EXPECT_FALSE(ParseHead("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n").request.websocket);
}

TEST(ParseHead, AcceptsAbsoluteFormAndLeadingBlankLines) {
  HeadResult r = ParseHead("\r\n\r\nGET http://example.com/a?b=1 HTTP/1.1\r\n\r\n");
  ASSERT_EQ(r.status, Parse::kDone);
  EXPECT_EQ(r.request.path, "/a");
  EXPECT_EQ(r.request.query, "b=1");
}

TEST(ParseHead, RejectsMalformedRequests) {
  struct Case {
    const char* data;
    int status;
  } cases[] = {
      {"GET /\r\n\r\n", 400},
      {"GET / HTTP/1.1 extra\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"GET / HTTP/1.1\r\nNo colon here\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
  };
  for (const Case& c : cases) {
    HeadResult r = ParseHead(c.data);
    EXPECT_EQ(r.status, Parse::kError) << c.data;
    EXPECT_EQ(r.error_status, c.status) << c.data;
  }
  EXPECT_EQ(ParseHead(std::string(kMaxHeadBytes + 1, 'a')).error_status, 431);
}

// Feeds `body` to a decoder in pieces of `step` bytes, keeping unconsumed bytes as a server does.
BodyDecoder Decode(const Request& req, const std::string& body, std::size_t step,
                   std::string* left) {
  BodyDecoder d = BodyDecoder::ForRequest(req);
  std::string buffer;
  for (std::size_t i = 0; i < body.size(); i += step) {
    buffer += body.substr(i, step);
    buffer.erase(0, d.Consume(buffer));
  }
  *left = buffer;
  return d;
}

TEST(BodyDecoder, CountsContentLengthBodyAndLeavesTheNextRequest) {
  Request req;
  req.content_length = 5;
  for (std::size_t step : {1, 2, 100}) {
    std::string left;
    BodyDecoder d = Decode(req, "helloGET", step, &left);
    EXPECT_TRUE(d.done());
    EXPECT_EQ(d.body_bytes(), 5u);
    EXPECT_EQ(left, "GET");
  }
}

TEST(BodyDecoder, DecodesChunkedBodyInAnySplit) {
  Request req;
  req.chunked = true;
  std::string body = "5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\nNEXT";
  for (std::size_t step = 1; step <= body.size(); ++step) {
    std::string left;
    BodyDecoder d = Decode(req, body, step, &left);
    ASSERT_TRUE(d.done()) << "step " << step;
    EXPECT_EQ(d.body_bytes(), 15u);
    EXPECT_EQ(left, "NEXT");
  }
}

TEST(BodyDecoder, RejectsMalformedChunks) {
  Request req;
  req.chunked = true;
  for (const char* body : {"zz\r\n", "5\r\nhelloXX", "\r\n", "1234567890123456\r\n"}) {
    std::string left;
    EXPECT_TRUE(Decode(req, body, 100, &left).failed()) << body;
  }
}

TEST(Query, FindsParametersAndParsesNumbers) {
  EXPECT_EQ(QueryParam("a=1&sleep=20&b", "sleep"), "20");
  EXPECT_EQ(QueryParam("a=1&b", "b"), "");
  EXPECT_FALSE(QueryParam("asleep=1", "sleep").has_value());
  EXPECT_EQ(ParseNumber("42", 100), 42u);
  EXPECT_FALSE(ParseNumber("101", 100).has_value());
  EXPECT_FALSE(ParseNumber("", 100).has_value());
  EXPECT_FALSE(ParseNumber("4x", 100).has_value());
  EXPECT_FALSE(ParseNumber("99999999999999999999", UINT64_MAX).has_value());
}

}  // namespace
}  // namespace helloworld
