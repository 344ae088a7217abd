// Helpers shared by the runtime's tests that use real processes. Test-only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace ebb::runtime::testing {

// Live (non-zombie) processes in process group `pgid`. Zombies are skipped: an orphan killed
// here waits for init to reap it, which says nothing about the runtime.
inline int LiveGroupMembers(pid_t pgid) {
  int count = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::ifstream in(entry.path() / "stat");
    std::string line;
    if (!std::getline(in, line) || line.rfind(')') == std::string::npos) continue;
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string state, ppid, pgrp;
    fields >> state >> ppid >> pgrp;
    if (state != "Z" && pgrp == std::to_string(pgid)) ++count;
  }
  return count;
}

// Polls (SIGKILL is delivered asynchronously) until the group has no live member; bounded.
inline bool GroupGone(pid_t pgid) {
  for (int i = 0; i < 1000 && LiveGroupMembers(pgid) > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return LiveGroupMembers(pgid) == 0;
}

}  // namespace ebb::runtime::testing
