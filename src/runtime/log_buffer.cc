#include "runtime/log_buffer.h"

#include <algorithm>

namespace ebb::runtime {

namespace {
// The ring's first allocation; it doubles from there up to the capacity.
constexpr std::size_t kInitialRing = 4096;
}  // namespace

// The ring grows as output arrives instead of being allocated whole: zero-filling 1 MiB costs
// about a millisecond of page faults here, and an instance is created on a cold start's
// critical path while most apps log a line or two.
LogBuffer::LogBuffer(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

// Until the ring first wraps, offset o lives at index o, so holding the first `bytes` offsets
// keeps the layout of a full-size ring.
void LogBuffer::GrowLocked(std::uint64_t bytes) {
  std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(bytes, capacity_));
  if (ring_.size() >= want) return;
  std::size_t doubled = std::max(kInitialRing, 2 * ring_.size());
  ring_.resize(std::min(capacity_, std::max(want, doubled)));
}

void LogBuffer::Append(std::string_view data) {
  if (data.empty()) return;
  {
    std::lock_guard lock(mu_);
    // Only the last capacity_ bytes can survive; skip the rest without copying it.
    std::size_t skip = data.size() > capacity_ ? data.size() - capacity_ : 0;
    end_ += skip;
    data.remove_prefix(skip);
    GrowLocked(end_ + data.size());
    std::size_t pos = end_ % capacity_;
    std::size_t first = std::min(data.size(), capacity_ - pos);
    std::copy_n(data.data(), first, ring_.data() + pos);
    std::copy_n(data.data() + first, data.size() - first, ring_.data());
    end_ += data.size();
  }
  cv_.notify_all();
  Notify();
}

void LogBuffer::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
  Notify();
}

void LogBuffer::Notify() {
  std::lock_guard lock(listeners_mu_);
  for (auto& [id, listener] : listeners_) listener();
}

std::uint64_t LogBuffer::BeginLocked() const { return end_ > capacity_ ? end_ - capacity_ : 0; }

std::string LogBuffer::CopyLocked(std::uint64_t from, std::uint64_t to) const {
  std::string out;
  out.reserve(to - from);
  for (std::uint64_t o = from; o < to;) {
    std::size_t pos = o % capacity_;
    std::size_t n = std::min<std::uint64_t>(to - o, capacity_ - pos);
    out.append(ring_.data() + pos, n);
    o += n;
  }
  return out;
}

// Walks back from the end over `lines` newlines. A final newline ends the last line rather
// than starting an empty one, so it is not counted.
std::uint64_t LogBuffer::TailOffsetLocked(std::optional<int> lines) const {
  std::uint64_t begin = BeginLocked();
  std::uint64_t o = end_;
  if (lines) {
    int left = *lines;
    if (left <= 0) return end_;
    if (o > begin && ring_[(o - 1) % capacity_] == '\n') --o;
    while (o > begin) {
      if (ring_[(o - 1) % capacity_] == '\n' && --left == 0) return o;
      --o;
    }
  }
  if (begin == 0) return 0;
  // The ring wrapped: the oldest line is partial; start after its end.
  for (o = begin; o < end_; ++o) {
    if (ring_[o % capacity_] == '\n') return o + 1;
  }
  return begin;
}

std::string LogBuffer::Tail(std::optional<int> lines) const {
  std::lock_guard lock(mu_);
  return CopyLocked(TailOffsetLocked(lines), end_);
}

std::vector<std::string> LogBuffer::LastLines(int lines) const {
  std::string text = Tail(lines);
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

LogBuffer::Chunk LogBuffer::ReadFrom(std::uint64_t offset) const {
  std::lock_guard lock(mu_);
  std::uint64_t from = std::clamp(offset, BeginLocked(), end_);
  return Chunk{CopyLocked(from, end_), end_, closed_};
}

std::uint64_t LogBuffer::TailOffset(int lines) const {
  std::lock_guard lock(mu_);
  return TailOffsetLocked(lines);
}

std::size_t LogBuffer::allocated() const {
  std::lock_guard lock(mu_);
  return ring_.size();
}

std::uint64_t LogBuffer::end_offset() const {
  std::lock_guard lock(mu_);
  return end_;
}

bool LogBuffer::WaitFor(std::uint64_t offset, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return end_ > offset || closed_; });
  return end_ > offset;
}

int LogBuffer::AddListener(std::function<void()> listener) const {
  std::lock_guard lock(listeners_mu_);
  int id = next_listener_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void LogBuffer::RemoveListener(int id) const {
  std::lock_guard lock(listeners_mu_);
  listeners_.erase(id);
}

}  // namespace ebb::runtime
