#include "gateway/response_parser.h"

#include <gtest/gtest.h>

namespace ebb::gateway {
namespace {

namespace http = boost::beast::http;
using boost::beast::error_code;

struct Parsed {
  ResponseHead head;
  std::optional<ResponseParser> parser;
  error_code ec;
};

std::unique_ptr<Parsed> ParseHead(const std::string& text, bool head_request = false) {
  auto p = std::make_unique<Parsed>();
  p->parser.emplace(p->head, 8192, head_request);
  p->parser->Parse(text.data(), 0, text.size(), p->ec);
  return p;
}

std::string ClientHead(const std::string& text, ClientFraming framing) {
  auto p = ParseHead(text);
  EXPECT_FALSE(p->ec) << p->ec.message();
  GatherList out;
  BuildClientHead(p->head, text.data(), framing, out);
  return out.ToString();
}

TEST(ResponseParserTest, RewritesHopByHopFields) {
  std::string text =
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive, X-Hop\r\n"
      "X-Hop: 1\r\nKeep-Alive: timeout=5\r\nX-App: y\r\n\r\nhi";
  EXPECT_EQ(ClientHead(text, {}), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-App: y\r\n\r\n");
  EXPECT_EQ(ClientHead(text, {.close = true}),
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-App: y\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(ClientHead(text, {.keep_alive_header = true}),
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-App: y\r\nConnection: keep-alive\r\n\r\n");
}

TEST(ResponseParserTest, AnswersAsHttp11) {
  EXPECT_EQ(ClientHead("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n", {}),
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(ClientHead("HTTP/1.1 204 \r\n\r\n", {}), "HTTP/1.1 204 \r\n\r\n");  // no reason
}

TEST(ResponseParserTest, InterimResponsesAreCompleteMessages) {
  auto p = ParseHead("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n");
  ASSERT_FALSE(p->ec);
  EXPECT_EQ(p->head.status, 100);
  EXPECT_TRUE(p->parser->is_done());
  EXPECT_EQ(p->head.size, 25u);
}

TEST(ResponseParserTest, HeadResponsesHaveNoBody) {
  auto p = ParseHead("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", true);
  ASSERT_FALSE(p->ec);
  EXPECT_TRUE(p->parser->is_done());
}

TEST(ResponseParserTest, DechunksForHttp10Clients) {
  std::string text =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  auto p = ParseHead(text);
  ASSERT_FALSE(p->ec);
  GatherList out;
  BuildClientHead(p->head, text.data(), {.close = true, .dechunk = true}, out);
  EXPECT_EQ(out.ToString(), "HTTP/1.1 200 OK\r\nX-A: b\r\nConnection: close\r\n\r\n");
  p->parser->eager(true);
  p->parser->set_dechunk(true);
  std::size_t n = p->parser->Parse(text.data(), p->head.size, text.size(), p->ec);
  ASSERT_FALSE(p->ec);
  EXPECT_TRUE(p->parser->is_done());
  EXPECT_EQ(p->head.size + n, text.size());
  std::string body;
  for (auto [begin, end] : p->parser->chunk_data()) body.append(text, begin, end - begin);
  EXPECT_EQ(body, "hello world");
}

TEST(ResponseParserTest, BodyUntilEofNeedsEof) {
  auto p = ParseHead("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");
  ASSERT_FALSE(p->ec);
  EXPECT_TRUE(p->parser->need_eof());
  EXPECT_FALSE(p->parser->keep_alive());
}

}  // namespace
}  // namespace ebb::gateway
