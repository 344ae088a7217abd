#include "load/results_file.h"

#include <gtest/gtest.h>

#include <sstream>

#include "load/report.h"

namespace ebb::load {
namespace {

TEST(ResultsFile, RoundTripKeepsEveryField) {
  ResultSet set;
  set.targets = {{"GET", "http://127.0.0.1:8080/"}, {"POST", "http://x/\"q\""}};
  HitResult a;
  a.timestamp_ns = 1'764'151'200'123'456'789;
  a.latency_ns = 1'234'567;
  a.seq = 0;
  a.code = 200;
  a.bytes_in = 13;
  HitResult b = a;
  b.seq = 1;
  b.target = 1;
  b.code = 0;
  b.bytes_out = 5;
  b.error = set.InternError("Post \"http://x/\": EOF");
  set.results = {a, b};
  std::stringstream file;
  WriteResults(set, file);
  ResultSet back;
  ASSERT_TRUE(ReadResults(file, back).ok());
  ASSERT_EQ(back.results.size(), 2u);
  EXPECT_EQ(back.results[0].timestamp_ns, a.timestamp_ns);
  EXPECT_EQ(back.results[0].latency_ns, a.latency_ns);
  EXPECT_EQ(back.results[0].bytes_in, 13u);
  EXPECT_EQ(back.results[1].seq, 1u);
  EXPECT_EQ(back.results[1].bytes_out, 5u);
  EXPECT_EQ(back.ErrorText(back.results[1]), "Post \"http://x/\": EOF");
  EXPECT_EQ(back.targets[back.results[1].target].url, "http://x/\"q\"");
  EXPECT_EQ(WriteReport(ReportType{}, back), WriteReport(ReportType{}, set));
}

TEST(ResultsFile, LineIsVegetaJsonEncoding) {
  ResultSet set;
  set.targets = {{"GET", "http://h/"}};
  HitResult r;
  r.timestamp_ns = 0;
  r.latency_ns = 5;
  r.code = 200;
  set.results = {r};
  std::stringstream out;
  WriteResults(set, out);
  std::string line = out.str();
  EXPECT_EQ(line.rfind("{\"attack\":\"\",\"seq\":0,\"code\":200,\"timestamp\":\"", 0), 0u);
  EXPECT_NE(line.find(",\"latency\":5,\"bytes_out\":0,\"bytes_in\":0,\"error\":\"\",\"body\":null,"
                      "\"method\":\"GET\",\"url\":\"http://h/\",\"headers\":null}\n"),
            std::string::npos)
      << line;
}

TEST(ResultsFile, ReadsVegetaWrittenLinesAndRejectsGarbage) {
  std::stringstream in(
      "{\"attack\":\"x\",\"seq\":3,\"code\":503,\"timestamp\":\"2015-09-19T14:45:50.5+02:00\","
      "\"latency\":1000,\"bytes_out\":0,\"bytes_in\":20,\"error\":\"503 Service Unavailable\","
      "\"body\":\"aGk=\",\"method\":\"GET\",\"url\":\"http://h/\",\"headers\":{\"A\":[\"b\"]}}\n"
      "\n");
  ResultSet set;
  ASSERT_TRUE(ReadResults(in, set).ok());
  ASSERT_EQ(set.results.size(), 1u);
  EXPECT_EQ(set.results[0].timestamp_ns, 1'442'666'750'500'000'000);
  EXPECT_EQ(set.results[0].code, 503);
  std::stringstream bad("{\"seq\":1}\nnot json\n");
  Status status = ReadResults(bad, set);
  EXPECT_EQ(status.code(), Code::kBadRequest);
  EXPECT_NE(status.message().find("line 1"), std::string::npos);
}

TEST(ParseRfc3339Nano, Forms) {
  EXPECT_EQ(ParseRfc3339Nano("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339Nano("1970-01-01T00:00:01.000000001Z"), 1'000'000'001);
  EXPECT_EQ(ParseRfc3339Nano("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(ParseRfc3339Nano("1969-12-31T23:00:00-01:00"), 0);
  EXPECT_FALSE(ParseRfc3339Nano("1970-01-01 00:00:00Z"));
  EXPECT_FALSE(ParseRfc3339Nano("1970-01-01T00:00:00"));
  EXPECT_FALSE(ParseRfc3339Nano("yesterday"));
}

}  // namespace
}  // namespace ebb::load
