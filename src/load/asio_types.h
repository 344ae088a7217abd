// The asio types of `ebb load`'s event loops: the io_context executor spelled out (no
// any_io_executor type erasure) and errors returned in an error_code, never thrown.
// Each shard's sockets and timers are used only by that shard's thread.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange unincluded
// clang-format on

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ebb::load {

using Executor = boost::asio::io_context::executor_type;
template <class T>
using Task = boost::asio::awaitable<T, Executor>;
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
using Timer = boost::asio::basic_waitable_timer<
    std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>, Executor>;
using ErrorCode = boost::system::error_code;
using SteadyTime = std::chrono::steady_clock::time_point;

inline constexpr boost::asio::use_awaitable_t<Executor> kUseTask{};

// Completion token for `co_await op(..., Await(ec))`.
inline auto Await(ErrorCode& ec) { return boost::asio::redirect_error(kUseTask, ec); }

}  // namespace ebb::load
