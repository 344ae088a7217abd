#include "gateway/local_reply.h"

#include <gtest/gtest.h>

namespace ebb::gateway {
namespace {

TEST(LocalReplyTest, TimeoutBodyIsTheActivatorsText) {
  std::string out;
  FormatReply(504, "", true, out);
  EXPECT_EQ(out,
            "HTTP/1.1 504 Gateway Timeout\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "X-Content-Type-Options: nosniff\r\nContent-Length: 25\r\nConnection: close\r\n\r\n"
            "activator request timeout");
}

TEST(LocalReplyTest, QueueFullSaysWhenToRetry) {
  std::string out;
  FormatReply(503, "", false, out);
  EXPECT_NE(out.find("\r\nRetry-After: 1\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Connection"), std::string::npos);
  EXPECT_TRUE(out.ends_with("\r\n\r\nactivator queue full"));
}

TEST(LocalReplyTest, NotFoundNamesTheHost) {
  std::string out;
  FormatReply(404, " for host \"x.example.com\"", false, out);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 404 Not Found\r\n"));
  EXPECT_TRUE(out.ends_with("Content-Length: 33\r\n\r\nno route for host \"x.example.com\""));
}

}  // namespace
}  // namespace ebb::gateway
