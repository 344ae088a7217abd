// LogBufferFollower: what `kubectl logs -f` reads (apiserver::PodLogFollower) over an
// instance's bounded runtime log (runtime::LogBuffer).
//
// It starts at the log's last `tail` lines (every kept line when nullopt) and hands out, at
// each Read, what was appended since. `wake` is registered as the buffer's listener, so it runs
// on the thread that appends (the runtime's) after every append and when the log is closed
// (its instance went away); the destructor removes it, after which it is no longer called.
// Read may be called from one thread at a time (the API server's).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "apiserver/apiserver.h"
#include "runtime/log_buffer.h"

namespace ebb::serve {

class LogBufferFollower final : public apiserver::PodLogFollower {
 public:
  LogBufferFollower(std::shared_ptr<const runtime::LogBuffer> log, std::optional<int> tail,
                    std::function<void()> wake);
  ~LogBufferFollower() override;
  LogBufferFollower(const LogBufferFollower&) = delete;
  LogBufferFollower& operator=(const LogBufferFollower&) = delete;

  Chunk Read() override;

 private:
  std::shared_ptr<const runtime::LogBuffer> log_;
  int listener_;
  std::uint64_t next_;  // the offset of the first byte not yet read
};

}  // namespace ebb::serve
