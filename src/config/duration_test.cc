#include <gtest/gtest.h>

#include "config/config.h"

namespace ebb::config {
namespace {

using std::chrono::nanoseconds;

struct GoCase {
  const char* text;
  bool ok;
  std::int64_t nanos;
};

class GoDurationTest : public testing::TestWithParam<GoCase> {};

TEST_P(GoDurationTest, Parses) {
  nanoseconds d(-42);
  EXPECT_EQ(ParseGoDuration(GetParam().text, &d), GetParam().ok) << GetParam().text;
  if (GetParam().ok) {
    EXPECT_EQ(d.count(), GetParam().nanos) << GetParam().text;
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, GoDurationTest,
    testing::Values(GoCase{"0", true, 0}, GoCase{"60s", true, 60'000'000'000},
                    GoCase{"1m30s", true, 90'000'000'000}, GoCase{"1h", true, 3'600'000'000'000},
                    GoCase{"1.5s", true, 1'500'000'000}, GoCase{".5s", true, 500'000'000},
                    GoCase{"5.s", true, 5'000'000'000}, GoCase{"500ms", true, 500'000'000},
                    GoCase{"10us", true, 10'000}, GoCase{"10\xC2\xB5s", true, 10'000},
                    GoCase{"7ns", true, 7}, GoCase{"-5s", true, -5'000'000'000},
                    GoCase{"+5s", true, 5'000'000'000}, GoCase{"1h2m3s", true, 3'723'000'000'000},
                    GoCase{"", false, 0}, GoCase{"60", false, 0}, GoCase{"s", false, 0},
                    GoCase{".s", false, 0}, GoCase{"1d", false, 0}, GoCase{"1 s", false, 0},
                    GoCase{"-", false, 0}, GoCase{"abc", false, 0},
                    GoCase{"99999999999h", false, 0}));

TEST(ParseDurationTest, WholeSecondsOnly) {
  Seconds s;
  ASSERT_TRUE(ParseDuration("1m30s", &s));
  EXPECT_EQ(s, Seconds(90));
  ASSERT_TRUE(ParseDuration("0", &s));
  EXPECT_EQ(s, Seconds(0));
  EXPECT_FALSE(ParseDuration("1500ms", &s));
  ASSERT_TRUE(ParseDuration("2000ms", &s));
  EXPECT_EQ(s, Seconds(2));
  EXPECT_FALSE(ParseDuration("500ms", &s));
  EXPECT_FALSE(ParseDuration("60", &s));
  ASSERT_TRUE(ParseDuration("-3s", &s));
  EXPECT_EQ(s, Seconds(-3));
}

TEST(FormatGoDurationTest, LikeGo) {
  EXPECT_EQ(FormatGoDuration(Seconds(0)), "0s");
  EXPECT_EQ(FormatGoDuration(Seconds(6)), "6s");
  EXPECT_EQ(FormatGoDuration(Seconds(90)), "1m30s");
  EXPECT_EQ(FormatGoDuration(Seconds(3600)), "1h0m0s");
  EXPECT_EQ(FormatGoDuration(Seconds(3723)), "1h2m3s");
  EXPECT_EQ(FormatGoDuration(std::chrono::milliseconds(500)), "500ms");
  EXPECT_EQ(FormatGoDuration(std::chrono::milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatGoDuration(std::chrono::microseconds(15)), "15\xC2\xB5s");
  EXPECT_EQ(FormatGoDuration(nanoseconds(7)), "7ns");
  EXPECT_EQ(FormatGoDuration(Seconds(-5)), "-5s");
}

TEST(ExpandTemplateTest, Fields) {
  auto out = ExpandTemplate("{{.Name}}.{{ .Namespace }}.{{.Domain}}",
                            {{"Name", "hello"}, {"Namespace", "default"}, {"Domain", "x.com"}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "hello.default.x.com");
  auto plain = ExpandTemplate("static", {});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, "static");
}

TEST(ExpandTemplateTest, RefusesWhatItCannotEvaluate) {
  EXPECT_FALSE(ExpandTemplate("{{.Nope}}", {{"Name", "x"}}).ok());
  EXPECT_FALSE(ExpandTemplate("{{index .Annotations \"a\"}}", {{"Name", "x"}}).ok());
  EXPECT_FALSE(ExpandTemplate("{{.Name", {{"Name", "x"}}).ok());
  EXPECT_EQ(ExpandTemplate("{{.Nope}}", {}).status().code(), Code::kInvalid);
}

}  // namespace
}  // namespace ebb::config
