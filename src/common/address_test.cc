#include "common/address.h"

#include <gtest/gtest.h>

#include "common/clock.h"

namespace ebb {
namespace {

TEST(ParseListenAddress, AcceptsCommonForms) {
  struct Case {
    const char* text;
    const char* host;
    int port;
  } cases[] = {{"127.0.0.1:8080", "127.0.0.1", 8080},
               {":9090", "127.0.0.1", 9090},
               {"[::1]:0", "::1", 0},
               {"localhost:6443", "localhost", 6443}};
  for (const auto& c : cases) {
    auto r = ParseListenAddress(c.text);
    ASSERT_TRUE(r.ok()) << c.text;
    EXPECT_EQ(r->host, c.host);
    EXPECT_EQ(r->port, c.port);
  }
}

TEST(ParseListenAddress, RejectsWithReason) {
  for (const char* text : {"8080", "127.0.0.1:", "127.0.0.1:70000", "::1:80", "h:8x"}) {
    auto r = ParseListenAddress(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), Code::kBadRequest);
    EXPECT_NE(r.status().message().find(text), std::string::npos);
  }
}

TEST(HostPort, ToStringBracketsIpv6) {
  EXPECT_EQ((HostPort{"::1", 80}).ToString(), "[::1]:80");
  EXPECT_EQ((HostPort{"127.0.0.1", 80}).ToString(), "127.0.0.1:80");
}

TEST(Rfc3339, RoundTrips) {
  auto t = std::chrono::system_clock::from_time_t(1780000000);
  EXPECT_EQ(FormatRfc3339(t), "2026-05-28T20:26:40Z");
  Clock::time_point back;
  ASSERT_TRUE(ParseRfc3339("2026-05-28T20:26:40Z", &back));
  EXPECT_EQ(back, t);
  ASSERT_TRUE(ParseRfc3339("2026-05-28T20:26:40.123Z", &back));
  EXPECT_FALSE(ParseRfc3339("yesterday", &back));
}

}  // namespace
}  // namespace ebb
