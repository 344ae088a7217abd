// Followed pod logs (GET pods/{name}/log?follow=true, `kubectl logs -f`): a chunked text/plain
// response that carries the log as it grows and ends when the pod goes away.
//
// The CoreSource's follower calls `wake` on whatever thread wrote the log (the runtime's); it
// only posts to the io_context, where the stream's LogSink notes it and cancels its timer, which
// wakes the stream coroutine to Read and write what is new. A second coroutine keeps a read
// pending on the connection: a client that hangs up completes it and ends the stream, even
// when the log is silent. The timer also fires every kPollInterval as a safety net.
// clang-format off
#include <utility>  // before asio: Boost 1.74's asio/awaitable.hpp uses std::exchange unincluded
// clang-format on

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "apiserver/connection.h"

namespace ebb::apiserver {
namespace {

constexpr std::chrono::seconds kPollInterval{1};

auto Redirect(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// Why the stream should look again. io_context thread only.
struct LogSink {
  explicit LogSink(const asio::any_io_executor& ex) : wake(ex) {}
  void Wake() {
    more = true;
    wake.cancel();
  }
  bool more = false;
  bool client_gone = false;
  asio::steady_timer wake;
};

// What a CoreSource that cannot stream follows: the log as it is now, then the end.
class SnapshotFollower final : public PodLogFollower {
 public:
  explicit SnapshotFollower(std::string log) : log_(std::move(log)) {}
  Chunk Read() override { return Chunk{std::exchange(log_, std::string()), true}; }

 private:
  std::string log_;
};

// Writes what the follower has, as it comes, until the log ends or the client is gone.
asio::awaitable<void> Pump(const std::shared_ptr<Connection>& conn, PodLogFollower& follower,
                           LogSink& sink) {
  while (true) {
    sink.more = false;
    PodLogFollower::Chunk chunk = follower.Read();
    if (!chunk.data.empty()) {
      error_code ec = co_await WriteChunk(conn, chunk.data);
      if (ec) co_return;
    }
    if (chunk.ended) break;
    if (sink.client_gone || conn->closed) co_return;
    if (sink.more) continue;  // woken while writing
    sink.wake.expires_after(kPollInterval);
    error_code ec;
    co_await sink.wake.async_wait(Redirect(ec));
  }
  co_await WriteLastChunk(conn);
}

asio::awaitable<void> Reject(Connection& conn, const Status& status, const std::string& pod) {
  Response res = ErrorResponse(status, StatusDetails{pod, "", "pods", ""});
  co_await WriteResponse(conn, std::move(res), false, false);
}

}  // namespace

PodLogFollower::~PodLogFollower() = default;

Result<std::unique_ptr<PodLogFollower>> CoreSource::FollowPodLog(std::string_view ns,
                                                                 std::string_view name,
                                                                 std::optional<int> tail_lines,
                                                                 std::function<void()>) {
  auto log = PodLog(ns, name, tail_lines);
  if (!log.ok()) return log.status();
  return std::unique_ptr<PodLogFollower>(std::make_unique<SnapshotFollower>(std::move(*log)));
}

asio::awaitable<void> ServePodLog(const std::shared_ptr<Connection>& conn, const Request& req,
                                  HandlerContext& ctx) {
  auto tail = TailLinesFrom(req.query);
  if (!tail.ok()) {
    co_await Reject(*conn, tail.status(), req.route.name);
    co_return;
  }
  asio::any_io_executor ex = co_await asio::this_coro::executor;
  auto sink = std::make_shared<LogSink>(ex);
  std::weak_ptr<LogSink> weak = sink;
  auto wake = [ex, weak] {
    asio::post(ex, [weak] {
      if (auto s = weak.lock()) s->Wake();
    });
  };
  // Destroyed (unregistered) when this frame ends, before `sink`.
  auto follower = ctx.core.FollowPodLog(req.route.ns, req.route.name, *tail, wake);
  if (!follower.ok()) {
    co_await Reject(*conn, follower.status(), req.route.name);
    co_return;
  }
  error_code ec = co_await WriteStreamHead(*conn, "text/plain");
  if (ec) co_return;
  StartHangupDetector(
      conn,
      [sink] {
        sink->client_gone = true;
        sink->wake.cancel();
      },
      "log");
  co_await Pump(conn, **follower, *sink);
}

}  // namespace ebb::apiserver
