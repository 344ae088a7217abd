// The asio types of the gateway's event loops, with the io_context executor spelled out so
// that sockets, timers and coroutines avoid any_io_executor's type erasure.
//
// Each worker runs one io_context on one thread (concurrency hint UNSAFE_IO: no locking on
// socket operations; posting from other threads stays safe). Every socket and timer below is
// used only by the thread of the io_context it was created on.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange unincluded
// clang-format on

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace ebb::gateway {

using Executor = boost::asio::io_context::executor_type;
template <class T>
using Task = boost::asio::awaitable<T, Executor>;
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
using Acceptor = boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Executor>;
using Timer = boost::asio::basic_waitable_timer<
    std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>, Executor>;
using ErrorCode = boost::system::error_code;

inline constexpr boost::asio::use_awaitable_t<Executor> kUseTask{};

// Completion token for `co_await op(..., Await(ec))`: errors land in `ec`, never thrown.
inline auto Await(ErrorCode& ec) { return boost::asio::redirect_error(kUseTask, ec); }

// A buffer sequence over a contiguous array of buffers that copies as two pointers (asio copies
// the sequence into each write operation; a std::vector would be copied with an allocation).
class BufferSpan {
 public:
  using value_type = boost::asio::const_buffer;
  using const_iterator = const boost::asio::const_buffer*;
  BufferSpan(const boost::asio::const_buffer* begin, std::size_t count)
      : begin_(begin), end_(begin + count) {}
  const_iterator begin() const { return begin_; }
  const_iterator end() const { return end_; }

 private:
  const_iterator begin_;
  const_iterator end_;
};

}  // namespace ebb::gateway
