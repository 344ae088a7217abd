#include "runtime/tracker.h"

#include <signal.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "runtime/fd.h"
#include "runtime/spawn.h"

namespace ebb::runtime {
namespace {

// Kills the group of a recorded leader unless its pid now belongs to another process: a pid
// number stays reserved while any process group uses it, so if the recorded group still
// exists, its leader is either the recorded process or gone.
bool KillRecordedGroup(pid_t pid, std::uint64_t start_ticks) {
  Result<std::uint64_t> now = ReadStartTicks(pid);
  if (now.ok() && *now != start_ticks) return false;
  return ::kill(-pid, SIGKILL) == 0;
}

}  // namespace

InstanceTracker::InstanceTracker(std::string dir) : dir_(std::move(dir)) {}

std::string InstanceTracker::Path(pid_t pid) const { return dir_ + "/" + std::to_string(pid); }

Status InstanceTracker::Record(pid_t pid, std::uint64_t start_ticks, const std::string& pod) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status(Code::kInternal, "create " + dir_ + ": " + ec.message());
  std::ofstream out(Path(pid), std::ios::trunc);
  out << pid << ' ' << start_ticks << ' ' << pod << '\n';
  out.close();
  if (!out) return Status(Code::kInternal, "write " + Path(pid) + " failed");
  return Status::Ok();
}

void InstanceTracker::Forget(pid_t pid) {
  std::error_code ec;
  std::filesystem::remove(Path(pid), ec);
}

int InstanceTracker::ReapOrphans() {
  std::error_code ec;
  int killed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    std::ifstream in(entry.path());
    long pid = 0;
    std::uint64_t ticks = 0;
    if (in >> pid >> ticks && pid > 1 && KillRecordedGroup(static_cast<pid_t>(pid), ticks)) {
      ++killed;
    }
    std::error_code ignored;
    std::filesystem::remove(entry.path(), ignored);
  }
  return killed;
}

}  // namespace ebb::runtime
