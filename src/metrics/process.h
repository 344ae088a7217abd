// The process's own metrics, named as Prometheus's client libraries name them, read from
// /proc at scrape time (Linux only):
//   process_cpu_seconds_total      user + system CPU time
//   process_resident_memory_bytes  resident set size
//   process_virtual_memory_bytes   virtual memory size
//   process_open_fds               entries in /proc/self/fd
//   process_max_fds                RLIMIT_NOFILE (soft)
//   process_start_time_seconds     start time, seconds since the Unix epoch
//
// Thread-safety: the functions are reentrant.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "metrics/registry.h"

namespace ebb::metrics {

struct ProcessStats {
  double cpu_seconds = 0;
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0;
  double open_fds = 0;
  double max_fds = 0;
};

// The fields of a /proc/PID/stat line that ProcessStats needs; `boot_time` is /proc/stat's
// btime (seconds since the epoch). nullopt for a line that does not parse.
std::optional<ProcessStats> ParseProcStat(std::string_view stat, double ticks_per_second,
                                          double page_size, double boot_time);
// The btime line of /proc/stat; nullopt if absent.
std::optional<double> ParseBootTime(std::string_view proc_stat);

// This process's stats now; nullopt when /proc cannot be read.
std::optional<ProcessStats> ReadProcessStats();

// A collector of ReadProcessStats() (adds nothing when /proc cannot be read).
Registry::Collector ProcessCollector();

}  // namespace ebb::metrics
