#include "net/query.h"

#include <gtest/gtest.h>

namespace ebb::net {
namespace query_test {

TEST(Query, SplitsAndDecodes) {
  auto p = ParseQuery("pod=hello-00001-deployment-1&tail=50&namespace=my%2Dns&q=a+b%20c&flag");
  EXPECT_EQ(p["pod"], "hello-00001-deployment-1");
  EXPECT_EQ(p["tail"], "50");
  EXPECT_EQ(p["namespace"], "my-ns");
  EXPECT_EQ(p["q"], "a b c");
  ASSERT_TRUE(p.contains("flag"));
  EXPECT_EQ(p["flag"], "");
}

TEST(Query, EmptyPartsDuplicatesAndBadEscapes) {
  auto p = ParseQuery("&&a=1&a=2&b=%zz&c=%4");
  EXPECT_EQ(p.size(), 3u);
  EXPECT_EQ(p["a"], "1");  // the first value, as Kubernetes reads it
  EXPECT_EQ(p["b"], "%zz");
  EXPECT_EQ(p["c"], "%4");
  EXPECT_TRUE(ParseQuery("").empty());
}

TEST(Query, PercentDecodeKeepsInvalidEscapes) {
  EXPECT_EQ(PercentDecode("100%", false), "100%");
  EXPECT_EQ(PercentDecode("%zz%4", false), "%zz%4");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("%41%62", false), "Ab");
}

TEST(Query, IntParamChecksFormAndRange) {
  auto p = ParseQuery("a=10&b=-1&c=12x&d=&e=99999999999");
  EXPECT_EQ(IntParam(p, "a", 0, 100), 10);
  EXPECT_EQ(IntParam(p, "a", 0, 5), std::nullopt);
  EXPECT_EQ(IntParam(p, "b", 0, 100), std::nullopt);
  EXPECT_EQ(IntParam(p, "b", -5, 100), -1);
  EXPECT_EQ(IntParam(p, "c", 0, 100), std::nullopt);
  EXPECT_EQ(IntParam(p, "d", 0, 100), std::nullopt);
  EXPECT_EQ(IntParam(p, "e", 0, 100), std::nullopt);
  EXPECT_EQ(IntParam(p, "missing", 0, 100), std::nullopt);
}

}  // namespace query_test
}  // namespace ebb::net
