// A growable byte buffer for socket reads: readable bytes [data(), data() + size()), then
// writable space handed out by Prepare. Reused for the life of a connection.
//
// Prepare may move the readable bytes to the front of the storage: keep offsets from data(),
// never pointers, across Prepare calls. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>

namespace ebb::gateway {

class ByteBuffer {
 public:
  const char* data() const { return storage_.get() + begin_; }
  std::size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  std::size_t capacity() const { return capacity_; }

  // At least `n` writable bytes after the readable ones, at the returned address.
  char* Prepare(std::size_t n) {
    if (capacity_ - end_ < n) MakeRoom(n);
    return storage_.get() + end_;
  }
  void Commit(std::size_t n) { end_ += n; }
  void Consume(std::size_t n) {
    begin_ += n;
    if (begin_ >= end_) begin_ = end_ = 0;
  }
  // Frees the storage of an empty buffer that grew past `keep` bytes (idle connections).
  void ShrinkIfEmpty(std::size_t keep) {
    if (empty() && capacity_ > keep) {
      storage_.reset();
      capacity_ = 0;
    }
  }

 private:
  void MakeRoom(std::size_t n) {
    std::size_t size = this->size();
    if (capacity_ - size >= n && begin_ > 0) {
      std::memmove(storage_.get(), storage_.get() + begin_, size);
    } else {
      std::size_t grown = capacity_ * 2 > size + n ? capacity_ * 2 : size + n;
      std::unique_ptr<char[]> bigger(new char[grown]);
      if (size) std::memcpy(bigger.get(), storage_.get() + begin_, size);
      storage_ = std::move(bigger);
      capacity_ = grown;
    }
    begin_ = 0;
    end_ = size;
  }

  std::unique_ptr<char[]> storage_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace ebb::gateway
