#include "gateway/route_table.h"

#include <gtest/gtest.h>

#include <array>
#include <map>

#include "gateway/balancer.h"
#include "gateway/compiled_routes.h"

namespace ebb::gateway {
namespace {

std::string Normalize(std::string_view host) {
  std::array<char, kMaxHostLength> out;
  return std::string(NormalizeHost(host, out));
}

TEST(NormalizeHostTest, StripsPortAndLowers) {
  EXPECT_EQ(Normalize("Hello.Default.Example.COM:8080"), "hello.default.example.com");
  EXPECT_EQ(Normalize("hello.default.example.com"), "hello.default.example.com");
  EXPECT_EQ(Normalize("hello.default.example.com."), "hello.default.example.com");
  EXPECT_EQ(Normalize("hello.default.example.com.:80"), "hello.default.example.com");
  EXPECT_EQ(Normalize("127.0.0.1:80"), "127.0.0.1");
  EXPECT_EQ(Normalize("[::1]:8080"), "[::1]");
  EXPECT_EQ(Normalize("[::1]"), "[::1]");
}

TEST(NormalizeHostTest, RejectsJunk) {
  EXPECT_EQ(Normalize(""), "");
  EXPECT_EQ(Normalize(":80"), "");
  EXPECT_EQ(Normalize("a b.com"), "");
  EXPECT_EQ(Normalize("a\"b.com"), "");
  EXPECT_EQ(Normalize("host:80x"), "");
  EXPECT_EQ(Normalize("host:1:2"), "");
  EXPECT_EQ(Normalize("[::1"), "");
  EXPECT_EQ(Normalize("[::1]x"), "");
  EXPECT_EQ(Normalize(std::string(300, 'a')), "");
  EXPECT_EQ(Normalize(std::string(255, 'a')), std::string(255, 'a'));
}

TEST(PickWeightedTest, RangesFollowCumulativeWeights) {
  std::vector<std::uint32_t> cumulative = {10, 10, 100};  // 10 %, 0 %, 90 %
  EXPECT_EQ(PickWeighted(cumulative, 0), 0u);
  EXPECT_EQ(PickWeighted(cumulative, 0xFFFFFFFFu), 2u);
  // The draw 0.1 × 2^32 is the first point of the third range; the 0 % target never wins.
  EXPECT_EQ(PickWeighted(cumulative, 429496729u), 0u);
  EXPECT_EQ(PickWeighted(cumulative, 429496730u), 2u);
}

RevisionPtr NewState(const std::string& key) {
  return std::make_shared<RevisionState>(key, 1, 10, 1000, 1, SteadyTime());
}

TEST(CompiledRoutesTest, SplitsTrafficByPercent) {
  RouteTable table;
  table.hosts["hello.default.example.com"] = {{"default/hello-1", 20}, {"default/hello-2", 80}};
  std::map<std::string, RevisionPtr> states;
  CompiledRoutes routes(table, [&](const std::string& key) {
    auto& s = states[key];
    if (!s) s = NewState(key);
    return s;
  });
  const HostRoute* route = routes.Find("hello.default.example.com");
  ASSERT_NE(route, nullptr);
  Rng rng(42);
  std::map<std::string, int> counts;
  for (int i = 0; i < 100'000; ++i) ++counts[PickRevision(*route, rng)->key()];
  EXPECT_NEAR(counts["default/hello-1"], 20'000, 1'000);
  EXPECT_NEAR(counts["default/hello-2"], 80'000, 1'000);
}

TEST(CompiledRoutesTest, HostsAreNormalizedAndTagHostsAreHosts) {
  RouteTable table;
  table.hosts["Hello.Default.Example.com"] = {{"default/hello-2", 100}};
  table.hosts["old-hello.default.example.com"] = {{"default/hello-1", 0}};
  CompiledRoutes routes(table, [](const std::string& key) { return NewState(key); });
  EXPECT_EQ(routes.Find("hello.default.example.com")->revisions[0]->key(), "default/hello-2");
  const HostRoute* tag = routes.Find("old-hello.default.example.com");
  ASSERT_NE(tag, nullptr);
  Rng rng(1);
  EXPECT_EQ(PickRevision(*tag, rng)->key(), "default/hello-1");  // all-zero weights: first
  EXPECT_EQ(routes.Find("other.default.example.com"), nullptr);
}

}  // namespace
}  // namespace ebb::gateway
