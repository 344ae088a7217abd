// LogBuffer: the bounded, followable log of one instance (its stdout and stderr, across
// restarts of the same pod).
//
// A ring of `capacity` bytes addressed by absolute offsets: offset 0 is the first byte ever
// appended, end_offset() the next one. Old bytes fall off the front when the ring is full.
// Readers either take the last N lines (Tail) or follow: ReadFrom(offset) returns what exists
// from `offset` on, WaitFor blocks until there is more, and listeners are called (on the
// writer's thread) after every append and on Close. All methods are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ebb::runtime {

class LogBuffer {
 public:
  explicit LogBuffer(std::size_t capacity);

  void Append(std::string_view data);
  // Ends the log: followers see closed = true once they have read everything.
  void Close();

  // The last `lines` lines (all kept lines when nullopt). When the ring has wrapped, the first
  // partial line is dropped.
  std::string Tail(std::optional<int> lines) const;
  // The last `lines` lines as a vector (for exit reports).
  std::vector<std::string> LastLines(int lines) const;

  struct Chunk {
    std::string data;
    std::uint64_t next = 0;  // offset to read from next time
    bool closed = false;     // true when the log is closed and `next` is its end
  };
  // Bytes from `offset` (or from the oldest kept byte, if `offset` fell off) to the end.
  Chunk ReadFrom(std::uint64_t offset) const;
  // Offset at which the last `lines` lines begin (for "tail then follow").
  std::uint64_t TailOffset(int lines) const;
  std::uint64_t end_offset() const;
  // Bytes the ring holds now: it grows with the output, up to the capacity.
  std::size_t allocated() const;

  // Blocks until end_offset() > offset, the log is closed, or `timeout` passes. Returns true
  // when there is data past `offset`.
  bool WaitFor(std::uint64_t offset, std::chrono::milliseconds timeout) const;

  // Listeners run on the appending thread; they must be quick (post elsewhere) and must not
  // add or remove listeners themselves.
  int AddListener(std::function<void()> listener) const;
  void RemoveListener(int id) const;

 private:
  void GrowLocked(std::uint64_t bytes);
  std::uint64_t BeginLocked() const;
  std::string CopyLocked(std::uint64_t from, std::uint64_t to) const;
  std::uint64_t TailOffsetLocked(std::optional<int> lines) const;
  void Notify();

  const std::size_t capacity_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  // Guarded by mu_; byte at offset o lives at o % capacity_. Holds min(end_, capacity_) bytes
  // at least (it grows on demand).
  std::vector<char> ring_;
  std::uint64_t end_ = 0;   // guarded by mu_
  bool closed_ = false;     // guarded by mu_
  // Registering a listener does not change the log, so followers holding a const view may.
  mutable std::map<int, std::function<void()>> listeners_;  // guarded by listeners_mu_
  mutable int next_listener_ = 1;                           // guarded by listeners_mu_
  mutable std::mutex listeners_mu_;
};

}  // namespace ebb::runtime
