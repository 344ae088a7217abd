#include "metrics/process.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace ebb::metrics {

namespace {

// Fields of /proc/PID/stat counted from the one after the command's closing parenthesis
// (field 3, the state), i.e. field N of proc(5) is token N - 3.
constexpr std::size_t kUtime = 14 - 3;
constexpr std::size_t kStime = 15 - 3;
constexpr std::size_t kStartTime = 22 - 3;
constexpr std::size_t kVsize = 23 - 3;
constexpr std::size_t kRss = 24 - 3;

std::vector<std::string_view> Tokens(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t start = text.find_first_not_of(" \n", pos);
    if (start == std::string_view::npos) break;
    std::size_t end = text.find_first_of(" \n", start);
    if (end == std::string_view::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    pos = end;
  }
  return out;
}

std::optional<double> Number(std::string_view token) {
  double value = 0;
  auto r = std::from_chars(token.data(), token.data() + token.size(), value);
  if (r.ec != std::errc() || r.ptr != token.data() + token.size()) return std::nullopt;
  return value;
}

std::string ReadFile(const char* path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

double OpenFds() {
  std::error_code ec;
  double n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++n;
  }
  return n;
}

double MaxFds() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 0;
  return static_cast<double>(limit.rlim_cur);
}

void Gauge(Exposition& out, const char* name, const char* help, double value) {
  out.Declare(name, MetricType::kGauge, help);
  out.Add(name, {}, value);
}

}  // namespace

std::optional<ProcessStats> ParseProcStat(std::string_view stat, double ticks_per_second,
                                          double page_size, double boot_time) {
  std::size_t paren = stat.rfind(')');
  if (paren == std::string_view::npos || ticks_per_second <= 0) return std::nullopt;
  std::vector<std::string_view> fields = Tokens(stat.substr(paren + 1));
  if (fields.size() <= kRss) return std::nullopt;
  auto utime = Number(fields[kUtime]), stime = Number(fields[kStime]);
  auto start = Number(fields[kStartTime]), vsize = Number(fields[kVsize]);
  auto rss = Number(fields[kRss]);
  if (!utime || !stime || !start || !vsize || !rss) return std::nullopt;
  ProcessStats s;
  s.cpu_seconds = (*utime + *stime) / ticks_per_second;
  s.start_time_seconds = boot_time + *start / ticks_per_second;
  s.virtual_bytes = *vsize;
  s.resident_bytes = *rss * page_size;
  return s;
}

std::optional<double> ParseBootTime(std::string_view proc_stat) {
  std::size_t pos = proc_stat.find("\nbtime ");
  if (pos == std::string_view::npos) return std::nullopt;
  std::string_view rest = proc_stat.substr(pos + 7);
  return Number(rest.substr(0, rest.find('\n')));
}

std::optional<ProcessStats> ReadProcessStats() {
  std::optional<double> boot = ParseBootTime(ReadFile("/proc/stat"));
  if (!boot) return std::nullopt;
  auto stats =
      ParseProcStat(ReadFile("/proc/self/stat"), static_cast<double>(::sysconf(_SC_CLK_TCK)),
                    static_cast<double>(::sysconf(_SC_PAGESIZE)), *boot);
  if (!stats) return std::nullopt;
  stats->open_fds = OpenFds();
  stats->max_fds = MaxFds();
  return stats;
}

Registry::Collector ProcessCollector() {
  return [](Exposition& out) {
    std::optional<ProcessStats> s = ReadProcessStats();
    if (!s) return;
    out.Declare("process_cpu_seconds_total", MetricType::kCounter,
                "Total user and system CPU time spent in seconds.");
    out.Add("process_cpu_seconds_total", {}, s->cpu_seconds);
    Gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
          s->resident_bytes);
    Gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", s->virtual_bytes);
    Gauge(out, "process_open_fds", "Number of open file descriptors.", s->open_fds);
    if (s->max_fds > 0) {
      Gauge(out, "process_max_fds", "Maximum number of open file descriptors.", s->max_fds);
    }
    Gauge(out, "process_start_time_seconds",
          "Start time of the process since unix epoch in seconds.", s->start_time_seconds);
  };
}

}  // namespace ebb::metrics
