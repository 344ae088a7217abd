#include "metrics/process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <ctime>

namespace ebb::metrics {
namespace {

// A /proc/PID/stat line whose command holds spaces and a parenthesis (as a process may name
// itself): fields are counted after the last ')'.
constexpr char kStat[] =
    "4242 (ebb (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 9 0 12345 "
    "104857600 2560 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";

TEST(ProcessTest, ParsesProcStat) {
  auto s = ParseProcStat(kStat, 100, 4096, 1'700'000'000);
  ASSERT_TRUE(s.has_value());
  EXPECT_DOUBLE_EQ(s->cpu_seconds, 3.0);  // (250 + 50) ticks / 100
  EXPECT_DOUBLE_EQ(s->start_time_seconds, 1'700'000'000 + 123.45);
  EXPECT_DOUBLE_EQ(s->virtual_bytes, 104857600);
  EXPECT_DOUBLE_EQ(s->resident_bytes, 2560.0 * 4096);
}

TEST(ProcessTest, RejectsBrokenStatLines) {
  EXPECT_FALSE(ParseProcStat("", 100, 4096, 0).has_value());
  EXPECT_FALSE(ParseProcStat("1 (x) S 1 2 3", 100, 4096, 0).has_value());
  EXPECT_FALSE(ParseProcStat(kStat, 0, 4096, 0).has_value());
}

TEST(ProcessTest, ParsesBootTime) {
  EXPECT_EQ(ParseBootTime("cpu 1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n"), 1700000000.0);
  EXPECT_FALSE(ParseBootTime("cpu 1 2 3\n").has_value());
}

TEST(ProcessTest, ReadsThisProcess) {
  auto before = ReadProcessStats();
  ASSERT_TRUE(before.has_value());
  EXPECT_GT(before->resident_bytes, 0);
  EXPECT_GT(before->open_fds, 2);
  EXPECT_GT(before->max_fds, 0);
  EXPECT_LE(before->start_time_seconds, static_cast<double>(std::time(nullptr)) + 1);
  EXPECT_GT(before->start_time_seconds, static_cast<double>(std::time(nullptr)) - 3600);
  int fd = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 0);
  auto after = ReadProcessStats();
  ::close(fd);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->open_fds, before->open_fds + 1);
}

TEST(ProcessTest, CollectorAddsTheStandardNames) {
  Exposition e;
  ProcessCollector()(e);
  std::string text = e.Render();
  for (const char* name :
       {"# TYPE process_cpu_seconds_total counter", "# TYPE process_resident_memory_bytes gauge",
        "# TYPE process_open_fds gauge", "# TYPE process_start_time_seconds gauge",
        "\nprocess_open_fds ", "\nprocess_resident_memory_bytes "}) {
    EXPECT_NE(text.find(name), std::string::npos) << name << " in\n" << text;
  }
}

}  // namespace
}  // namespace ebb::metrics
