// Bounded single-producer / single-consumer queues between a gateway worker (producer) and a
// tracing background thread (consumer). No locks, no allocation after construction: the
// producer never waits, and gives up when the queue is full (the caller counts a drop).
//
//   SpscRing<T>  fixed slots of T, filled in place (a slot's strings keep their capacity, so a
//                warm ring allocates nothing);
//   ByteRing     a byte stream of whole records (request log lines), pushed all or nothing.
//
// Thread-safety: exactly one producer thread and one consumer thread per ring.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace ebb::tracing {

template <class T>
class SpscRing {
 public:
  // `capacity` is rounded up to a power of two (at least 2).
  explicit SpscRing(std::size_t capacity)
      : size_(std::bit_ceil(std::max<std::size_t>(capacity, 2))),
        slots_(std::make_unique<T[]>(size_)) {}

  // Producer: the next free slot, or nullptr when the ring is full. The slot belongs to the
  // producer until CommitPush.
  T* BeginPush() {
    std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) == size_) return nullptr;
    return &slots_[tail & (size_ - 1)];
  }
  void CommitPush() {
    tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

  // Consumer: the oldest filled slot, or nullptr when empty. It belongs to the consumer until
  // Pop.
  T* Front() {
    std::size_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return nullptr;
    return &slots_[head & (size_ - 1)];
  }
  void Pop() { head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

  std::size_t capacity() const { return size_; }

 private:
  const std::size_t size_;
  std::unique_ptr<T[]> slots_;
  alignas(64) std::atomic<std::size_t> head_{0};  // written by the consumer
  alignas(64) std::atomic<std::size_t> tail_{0};  // written by the producer
};

class ByteRing {
 public:
  // `capacity` is rounded up to a power of two.
  explicit ByteRing(std::size_t capacity)
      : size_(std::bit_ceil(std::max<std::size_t>(capacity, 64))),
        bytes_(std::make_unique<char[]>(size_)) {}

  // Producer: appends all of `data`, or nothing (returns false) when it does not fit.
  bool Push(std::string_view data) {
    std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (size_ - (tail - head_.load(std::memory_order_acquire)) < data.size()) return false;
    std::size_t at = tail & (size_ - 1);
    std::size_t first = std::min(data.size(), size_ - at);
    std::memcpy(&bytes_[at], data.data(), first);
    std::memcpy(&bytes_[0], data.data() + first, data.size() - first);
    tail_.store(tail + data.size(), std::memory_order_release);
    return true;
  }

  // Consumer: appends every byte pushed so far to `out` and frees their room.
  void DrainTo(std::string& out) {
    std::size_t head = head_.load(std::memory_order_relaxed);
    std::size_t count = tail_.load(std::memory_order_acquire) - head;
    std::size_t at = head & (size_ - 1);
    std::size_t first = std::min(count, size_ - at);
    out.append(&bytes_[at], first);
    out.append(&bytes_[0], count - first);
    head_.store(head + count, std::memory_order_release);
  }

 private:
  const std::size_t size_;
  std::unique_ptr<char[]> bytes_;
  alignas(64) std::atomic<std::size_t> head_{0};  // written by the consumer
  alignas(64) std::atomic<std::size_t> tail_{0};  // written by the producer
};

}  // namespace ebb::tracing
