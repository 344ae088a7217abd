// Watch streams: a chunked NDJSON response whose events come from Registry::Watch (Knative
// kinds) or from polling the CoreSource (core kinds).
//
// Registry callbacks run on a store thread; they only post the event to the io_context, where
// it is queued in the stream's WatchSink and the sink's timer is cancelled to wake the stream
// coroutine. The same timer carries the stream's deadline (timeoutSeconds) and, for core
// watches, the next poll. A second coroutine keeps a read pending on the connection: a client
// that hangs up completes it, which wakes the stream to end it even when no events come.
// clang-format off
#include <utility>  // before asio: Boost 1.74's asio/awaitable.hpp uses std::exchange unincluded
// clang-format on

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <deque>

#include "apiserver/connection.h"
#include "apiserver/watch.h"

namespace ebb::apiserver {
namespace {

using nlohmann::json;
using SteadyTime = std::chrono::steady_clock::time_point;

// A client this far behind is cut off; it re-lists and watches again.
constexpr size_t kMaxQueuedEvents = 10000;

auto Redirect(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// The events not yet written and the reasons to stop. io_context thread only.
struct WatchSink {
  explicit WatchSink(const asio::any_io_executor& ex) : wake(ex) {}

  void Push(const char* type, json object) {
    if (events.size() >= kMaxQueuedEvents) {
      overflow = true;
    } else {
      events.emplace_back(type, std::move(object));
    }
    wake.cancel();
  }

  std::deque<std::pair<const char*, json>> events;
  bool client_gone = false;
  bool overflow = false;
  asio::steady_timer wake;
};

// One watch being served; lives in ServeWatch's frame.
struct WatchStream {
  std::shared_ptr<Connection> conn;
  WatchSpec spec;
  HandlerContext& ctx;
  std::shared_ptr<WatchSink> sink;
  std::chrono::milliseconds core_poll;
  CoreSnapshot snapshot;  // core watches: the objects as of the last poll
};

const char* ContentType(const WatchSpec& spec) {
  return spec.format == ObjectFormat::kTable ? kTableType : kJsonType;
}

asio::awaitable<void> DetectHangup(std::shared_ptr<Connection> conn,
                                   std::function<void()> on_gone) {
  char scratch[512];
  error_code ec;
  while (!ec) co_await conn->stream.async_read_some(asio::buffer(scratch), Redirect(ec));
  on_gone();
}

// With a read pending, the stream's own timer cannot bound writes; a watchdog closes the
// connection instead if a write stalls.
//
// GCC 12 mishandles temporaries with destructors inside co_await expressions (they can be
// destroyed twice), so coroutines here are only ever handed named objects.
template <typename Buffers>
asio::awaitable<error_code> WriteGuarded(const std::shared_ptr<Connection>& conn,
                                         const Buffers& buffers) {
  asio::steady_timer watchdog(co_await asio::this_coro::executor, kWriteTimeout);
  std::shared_ptr<Connection> target = conn;
  watchdog.async_wait([target](error_code ec) {
    if (!ec) target->Close();
  });
  error_code ec;
  auto redirect = Redirect(ec);
  co_await asio::async_write(conn->stream, buffers, redirect);
  watchdog.cancel();
  co_return ec;
}

}  // namespace

asio::awaitable<error_code> WriteChunk(const std::shared_ptr<Connection>& conn,
                                       const std::string& data) {
  auto chunk = http::make_chunk(asio::buffer(data));
  error_code ec = co_await WriteGuarded(conn, chunk);
  co_return ec;
}

asio::awaitable<void> WriteLastChunk(const std::shared_ptr<Connection>& conn) {
  auto last = http::make_chunk_last();
  co_await WriteGuarded(conn, last);
}

asio::awaitable<error_code> WriteStreamHead(Connection& conn, const char* content_type) {
  http::response<http::empty_body> res{http::status::ok, 11};
  res.set(http::field::server, "ebb");
  res.set(http::field::content_type, content_type);
  res.chunked(true);
  res.keep_alive(false);
  http::response_serializer<http::empty_body> sr{res};
  auto& tcp_layer = beast::get_lowest_layer(conn.stream);
  tcp_layer.expires_after(kWriteTimeout);
  error_code ec;
  auto redirect = Redirect(ec);
  co_await http::async_write_header(conn.stream, sr, redirect);
  tcp_layer.expires_never();  // from here on a read stays pending (StartHangupDetector)
  co_return ec;
}

void StartHangupDetector(const std::shared_ptr<Connection>& conn, std::function<void()> on_gone,
                         const char* what) {
  asio::co_spawn(conn->stream.get_executor(), DetectHangup(conn, std::move(on_gone)),
                 [what](std::exception_ptr e) {
                   if (e) std::fprintf(stderr, "apiserver: %s hang-up detector failed\n", what);
                 });
}

namespace {

Result<std::unique_ptr<store::Watch>> StartRegistryWatch(WatchStream& w) {
  asio::any_io_executor ex = w.sink->wake.get_executor();
  std::weak_ptr<WatchSink> weak = w.sink;
  auto on_event = [ex, weak](const registry::WatchEvent& ev) {
    asio::post(ex, [weak, type = EventTypeName(ev.type), object = ev.object]() mutable {
      if (auto sink = weak.lock()) sink->Push(type, std::move(object));
    });
  };
  const Route& r = w.spec.route;
  return w.ctx.registry.Watch(r.kind, r.ns, w.spec.opts, w.spec.resource_version, on_event);
}

CoreSnapshot ReadCore(WatchStream& w) {
  return MakeSnapshot(CoreItems(w.spec.route.core, w.spec.route.ns, w.spec.opts, w.ctx));
}

void PollCore(WatchStream& w) {
  CoreSnapshot now = ReadCore(w);
  for (CoreChange& change : DiffSnapshots(w.snapshot, now)) {
    w.sink->Push(change.type, std::move(change.object));
  }
  w.snapshot = std::move(now);
}

// Writes events as they come until the deadline, a hang-up, an overflow or a write error.
asio::awaitable<void> Pump(WatchStream& w) {
  bool core = w.spec.route.endpoint == Endpoint::kCore;
  SteadyTime now = std::chrono::steady_clock::now();
  SteadyTime deadline = now + w.spec.timeout;
  SteadyTime next_poll = core ? now : SteadyTime::max();
  while (true) {
    while (!w.sink->events.empty()) {
      auto [type, object] = std::move(w.sink->events.front());
      w.sink->events.pop_front();
      std::string line = EventLine(w.spec, type, object, w.ctx.clock.Now());
      error_code ec = co_await WriteChunk(w.conn, line);
      if (ec) co_return;
    }
    if (w.sink->client_gone || w.sink->overflow || w.conn->closed) co_return;
    now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    if (now >= next_poll) {
      PollCore(w);
      next_poll = now + w.core_poll;
      continue;
    }
    w.sink->wake.expires_at(std::min(deadline, next_poll));
    error_code ec;
    co_await w.sink->wake.async_wait(Redirect(ec));
  }
  co_await WriteLastChunk(w.conn);
}

// Answers a watch that cannot start: 410 as an ERROR event in a 200 stream (what clients
// expect from a real server), anything else as a plain error response.
asio::awaitable<void> RejectWatch(WatchStream& w, const Status& status) {
  if (status.code() != Code::kGone) {
    Response res = ErrorResponse(status);
    co_await WriteResponse(*w.conn, std::move(res), false, false);
    co_return;
  }
  error_code ec = co_await WriteStreamHead(*w.conn, ContentType(w.spec));
  if (ec) co_return;
  std::string line = ErrorEventLine(status);
  ec = co_await WriteChunk(w.conn, line);
  if (!ec) co_await WriteLastChunk(w.conn);
}

}  // namespace

asio::awaitable<void> ServeWatch(const std::shared_ptr<Connection>& conn, const Request& req,
                                 HandlerContext& ctx, std::chrono::milliseconds core_poll) {
  auto spec = ParseWatch(req);
  if (!spec.ok()) {
    Response res = ErrorResponse(spec.status());
    co_await WriteResponse(*conn, std::move(res), false, false);
    co_return;
  }
  asio::any_io_executor ex = co_await asio::this_coro::executor;
  auto sink = std::make_shared<WatchSink>(ex);
  WatchStream w{conn, std::move(spec).value(), ctx, sink, core_poll, {}};
  std::unique_ptr<store::Watch> registry_watch;  // destroyed (unsubscribed) when we return
  if (w.spec.route.endpoint == Endpoint::kKnative) {
    auto started = StartRegistryWatch(w);
    if (!started.ok()) {
      co_await RejectWatch(w, started.status());
      co_return;
    }
    registry_watch = std::move(started).value();
  } else if (!ReplaysCurrentObjects(w.spec.resource_version)) {
    w.snapshot = ReadCore(w);
  }
  error_code ec = co_await WriteStreamHead(*conn, ContentType(w.spec));
  if (ec) co_return;
  StartHangupDetector(
      conn,
      [sink] {
        sink->client_gone = true;
        sink->wake.cancel();
      },
      "watch");
  co_await Pump(w);
}

}  // namespace ebb::apiserver
