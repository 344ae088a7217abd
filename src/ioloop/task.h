// Task<T>: the coroutine type of the gateway's event loop (ioloop::Loop).
//
// A Task is lazy: nothing runs until it is awaited (by another Task) or started with Spawn.
// Awaiting one transfers control straight into it and, when it finishes, straight back to the
// awaiter (symmetric transfer: no stack growth, no trip through the loop). Frames come from a
// per-thread cache of freed blocks (FrameCache), so the nested calls of a request cost no
// malloc in the steady state.
//
// Exceptions: the gateway's I/O reports errors as codes; a coroutine that throws anyway
// (allocation failure) terminates the process, as it would on any of the gateway's threads.
//
// Thread-safety: a Task and the coroutines it awaits run on one thread.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <utility>

namespace ebb::ioloop {

// Frame memory: blocks of a few size classes, kept on a per-thread free list when freed.
void* AllocateFrame(std::size_t size);
void FreeFrame(void* frame, std::size_t size) noexcept;

namespace detail {

struct PromiseBase {
  std::coroutine_handle<> continuation;

  static void* operator new(std::size_t size) { return AllocateFrame(size); }
  static void operator delete(void* frame, std::size_t size) noexcept { FreeFrame(frame, size); }

  std::suspend_always initial_suspend() noexcept { return {}; }
  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> done) noexcept {
      std::coroutine_handle<> next = done.promise().continuation;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  [[noreturn]] void unhandled_exception() noexcept { std::terminate(); }
};

template <class T>
struct TaskPromise;

// Owns a coroutine and awaits it: the part Task<T> and Task<void> share.
template <class T>
class TaskBase {
 public:
  TaskBase(TaskBase&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  TaskBase& operator=(TaskBase&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  ~TaskBase() {
    if (handle_) handle_.destroy();
  }

  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept {
    handle_.promise().continuation = awaiter;
    return handle_;
  }

 protected:
  explicit TaskBase(std::coroutine_handle<TaskPromise<T>> handle) : handle_(handle) {}
  std::coroutine_handle<TaskPromise<T>> handle_;
};

}  // namespace detail

template <class T = void>
class [[nodiscard]] Task : public detail::TaskBase<T> {
 public:
  using promise_type = detail::TaskPromise<T>;
  T await_resume() { return std::move(*this->handle_.promise().value); }

 private:
  friend promise_type;
  using detail::TaskBase<T>::TaskBase;
};

template <>
class [[nodiscard]] Task<void> : public detail::TaskBase<void> {
 public:
  using promise_type = detail::TaskPromise<void>;
  void await_resume() noexcept {}

 private:
  friend promise_type;
  using detail::TaskBase<void>::TaskBase;
};

namespace detail {

template <class T>
struct TaskPromise : PromiseBase {
  std::optional<T> value;
  Task<T> get_return_object() {
    return Task<T>(std::coroutine_handle<TaskPromise>::from_promise(*this));
  }
  template <class U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
};

template <>
struct TaskPromise<void> : PromiseBase {
  Task<void> get_return_object() {
    return Task<void>(std::coroutine_handle<TaskPromise>::from_promise(*this));
  }
  void return_void() {}
};

}  // namespace detail

namespace detail {

// The self-destroying coroutine behind Spawn: starts at once, frees itself when done.
struct Detached {
  struct promise_type {
    static void* operator new(std::size_t size) { return AllocateFrame(size); }
    static void operator delete(void* frame, std::size_t size) noexcept {
      FreeFrame(frame, size);
    }
    Detached get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    [[noreturn]] void unhandled_exception() noexcept { std::terminate(); }
  };
};

template <class Done>
Detached RunDetached(Task<void> task, Done done) {
  co_await std::move(task);
  done();
}

}  // namespace detail

// Runs `task` now, on this thread, until its first suspension; `done()` runs when it ends.
// `done` is moved into the detached frame: it may own what the task needs alive.
template <class Done>
void Spawn(Task<void> task, Done done) {
  detail::RunDetached(std::move(task), std::move(done));
}
inline void Spawn(Task<void> task) {
  detail::RunDetached(std::move(task), [] {});
}

}  // namespace ebb::ioloop
