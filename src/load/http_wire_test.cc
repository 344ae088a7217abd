#include "load/http_wire.h"

#include <gtest/gtest.h>

#include <boost/beast/core/flat_buffer.hpp>

namespace ebb::load {
namespace {

TEST(BuildRequest, HostFromUrlOrHeader) {
  Target t{"GET", "http://127.0.0.1:8080/a?b=1", {}, ""};
  EXPECT_EQ(BuildRequest(t, *ParseUrl(t.url), true),
            "GET /a?b=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: ebb-load/0.1\r\n\r\n");
  t.headers = {{"Host", "hello.default.example.com"}, {"X-A", "1"}};
  EXPECT_EQ(BuildRequest(t, *ParseUrl(t.url), false),
            "GET /a?b=1 HTTP/1.1\r\nHost: hello.default.example.com\r\nX-A: 1\r\n"
            "User-Agent: ebb-load/0.1\r\nConnection: close\r\n\r\n");
}

TEST(BuildRequest, BodyAndContentLength) {
  Target t{"POST", "http://h/", {{"User-Agent", "me"}}, "{\"a\":1}"};
  EXPECT_EQ(BuildRequest(t, *ParseUrl(t.url), true),
            "POST / HTTP/1.1\r\nHost: h\r\nUser-Agent: me\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
  Target empty{"PUT", "http://h:80/", {}, ""};
  EXPECT_NE(BuildRequest(empty, *ParseUrl(empty.url), true).find("Content-Length: 0\r\n"),
            std::string::npos);
}

size_t Feed(ResponseParser& parser, std::string_view bytes) {
  boost::beast::error_code ec;
  size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  EXPECT_FALSE(ec) << ec.message();
  return used;
}

TEST(ResponseParser, CountsBodyWithoutKeepingIt) {
  ResponseParser parser(false);
  Feed(parser, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
  ASSERT_TRUE(parser.is_done());
  EXPECT_EQ(parser.status(), 503);
  EXPECT_EQ(parser.StatusLine(), "503 Service Unavailable");
  EXPECT_EQ(parser.body_bytes(), 4u);
  EXPECT_TRUE(parser.keep_alive());
}

TEST(ResponseParser, ChunkedAndClose) {
  ResponseParser parser(false);
  Feed(parser,
       "HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
       "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
  ASSERT_TRUE(parser.is_done());
  EXPECT_EQ(parser.body_bytes(), 7u);
  EXPECT_FALSE(parser.keep_alive());
}

TEST(ResponseParser, HeadHasNoBody) {
  ResponseParser parser(true);
  Feed(parser, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
  EXPECT_TRUE(parser.is_done());
  EXPECT_EQ(parser.body_bytes(), 0u);
}

}  // namespace
}  // namespace ebb::load
