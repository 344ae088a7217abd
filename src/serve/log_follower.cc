#include "serve/log_follower.h"

#include <limits>

namespace ebb::serve {

// The listener goes first: a line appended while the start offset is worked out is then read
// (it lies past the offset) and also wakes the reader, instead of slipping between the two.
LogBufferFollower::LogBufferFollower(std::shared_ptr<const runtime::LogBuffer> log,
                                     std::optional<int> tail, std::function<void()> wake)
    : log_(std::move(log)),
      listener_(log_->AddListener(std::move(wake))),
      next_(log_->TailOffset(tail.value_or(std::numeric_limits<int>::max()))) {}

LogBufferFollower::~LogBufferFollower() { log_->RemoveListener(listener_); }

apiserver::PodLogFollower::Chunk LogBufferFollower::Read() {
  runtime::LogBuffer::Chunk chunk = log_->ReadFrom(next_);
  next_ = chunk.next;
  return Chunk{std::move(chunk.data), chunk.closed};
}

}  // namespace ebb::serve
