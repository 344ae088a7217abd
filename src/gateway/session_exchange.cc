// The exchange with an instance: the request head (+ buffered body) as one gather write, the
// rest of the body pumped by a side coroutine, the response relayed as it arrives, and the
// tunnel after a 101.
#include "gateway/session.h"
#include "gateway/worker.h"

namespace ebb::gateway {

namespace http = boost::beast::http;

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::uint32_t kMaxResponseHead = 64 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// The loop's turn time: a request's timestamps need no clock read each (ioloop::TurnTime).
SteadyTime Now() { return ioloop::TurnTime(); }

int StatusForBodyError(const ErrorCode& ec) { return ec == http::error::body_limit ? 413 : 400; }

// How many of `available` bytes (from where the parser started) can go to the peer now, and
// how many of those run ahead of the parser (`ahead`, for the next call to skip). Until the
// message ends every byte belongs to it, so bytes the parser holds back for want of more input
// (the CRLF closing a chunk, a partial chunk size) are relayed at once: a server-sent event is
// then complete at the client without waiting for the next one.
template <class Parser>
std::size_t RelayableBytes(const Parser& parser, std::size_t consumed, std::size_t available,
                           std::size_t& ahead) {
  std::size_t relay = parser.is_done() ? consumed : available;
  ahead = relay - consumed;
  return relay;
}

// A gather list up to this size is copied into one buffer before it is sent (Flatten).
constexpr std::size_t kFlattenMax = 4096;

// Copies a small gather list of several pieces (a rewritten head, with the body bytes read
// along with it) into `flat` and returns true; false leaves it to be sent as it is. One
// contiguous buffer is one segment for the kernel (send rather than sendmsg over an iovec per
// piece), which costs less than the copy: about 3 % of the gateway's CPU per proxied request
// (bench/gateway-ab.sh).
bool Flatten(const GatherList& list, std::string& flat) {
  if (list.total() > kFlattenMax || list.buffers().size() < 2) return false;
  flat.clear();
  for (const iovec& b : list.buffers()) flat.append(static_cast<const char*>(b.iov_base), b.iov_len);
  return true;
}

}  // namespace

// Sends the request and relays the response; a dead pooled connection is replaced once when
// the request can be replayed (it is still in in_). Returns keep-alive.
Task<bool> Session::Exchange() {
  phase_ = Phase::kExchange;
  SetDeadline(ExchangeDeadline());
  if (int status = PrepareRequestHead()) {
    WorkerCounters::Bump(worker_.counters().responses_bad_request);
    co_return co_await SendReply(status);
  }
  Outcome outcome = co_await SendAndRelay();
  if (outcome == Outcome::kStale && from_pool_ && !pump_started_ && !timed_out_ && !aborted_) {
    if (co_await ConnectFresh() == Connected::kYes) {
      phase_ = Phase::kExchange;
      SetDeadline(ExchangeDeadline());
      outcome = co_await SendAndRelay();
    }
  }
  if (side_running_) {
    if (outcome != Outcome::kTunnelled) {
      // The response ended before the request body: stop reading it; the connection closes.
      client_.Cancel();
      upstream_.Close();
    }
    co_await WaitSide();
  }
  FinishExchange(outcome);
  if (outcome == Outcome::kDone) co_return client_keep_alive_;
  co_return co_await FailExchange(outcome);
}

// The head (and buffered body) as one write, the body pump if more is to come, the response.
Task<Session::Outcome> Session::SendAndRelay() {
  ErrorCode ec;
  if (Flatten(gather_, flat_)) {
    co_await upstream_.WriteAll(flat_.data(), flat_.size(), ec);
  } else {
    co_await upstream_.WriteAll(gather_.iovecs(), ec);
  }
  if (ec) co_return Outcome::kStale;
  if (!request_->is_done()) {
    in_.Consume(request_bytes_);
    request_bytes_ = 0;
    if (head_.expect_continue && head_.version >= 11 && in_.empty()) {
      co_await client_.WriteAll(kContinue.data(), kContinue.size(), ec);
      if (ec) co_return Outcome::kAborted;
    }
    pump_started_ = true;
    Spawn(&Session::Pump);
  }
  co_return co_await RelayResponse();
}

// An exchange that did not complete: answer if nothing was written yet. Returns keep-alive.
Task<bool> Session::FailExchange(Outcome outcome) {
  if (outcome == Outcome::kTunnelled || wrote_response_ || aborted_) co_return false;
  if (pump_status_ == kClientGone) co_return false;
  int status = timed_out_ ? 504 : pump_status_ > 0 ? pump_status_ : 502;
  auto& counters = worker_.counters();
  WorkerCounters::Bump(status == 504   ? counters.responses_timeout
                       : status == 502 ? counters.responses_bad_gateway
                                       : counters.responses_bad_request);
  // The client's connection outlives the failed exchange when the reply can say so (the
  // request was read whole); the reply says "Connection: close" otherwise.
  co_return co_await SendReply(status);
}

// Fills gather_ with the upstream head and the body bytes already read. Returns an HTTP
// status when the buffered body is invalid or too large, else 0.
int Session::PrepareRequestHead() {
  BuildUpstreamHead(head_, in_.data(), client_ip_, scratch_, gather_, TraceUpstreamFields());
  request_->eager(true);
  if (request_->is_done() || in_.size() == head_.size) return 0;
  ErrorCode ec;
  std::size_t n = request_->Parse(in_.data(), head_.size, in_.size(), ec);
  if (ec && ec != http::error::need_more) return StatusForBodyError(ec);
  request_bytes_ += n;
  gather_.Add(in_.data() + head_.size,
              RelayableBytes(*request_, n, in_.size() - head_.size, request_ahead_));
  return 0;
}

// Returns the upstream connection to the pool when it can carry another request.
void Session::FinishExchange(Outcome outcome) {
  bool reusable = outcome == Outcome::kDone && response_ && response_->keep_alive() &&
                  request_->is_done() && pump_status_ == 0 && up_.empty() && !timed_out_ &&
                  !aborted_ && upstream_.is_open();
  if (reusable) {
    worker_.pool().Put(instance_, std::move(upstream_));
  } else {
    upstream_.Close();
  }
  up_.Consume(up_.size());
  response_.reset();
}

// Reads response heads, relaying 1xx ones, until the final head; then its body.
Task<Session::Outcome> Session::RelayResponse() {
  bool received = false;
  std::size_t parsed = 0;
  response_.emplace(response_head_, kMaxResponseHead, head_.method == http::verb::head);
  upstream_.set_prompt(true);  // the instance answers in microseconds, usually
  for (;;) {
    if (up_.size() > parsed) {
      ErrorCode ec;
      parsed += response_->Parse(up_.data(), parsed, up_.size(), ec);
      if (ec == http::error::need_more) {
        // fall through to read more
      } else if (ec) {
        co_return Outcome::kUpstreamFailed;
      } else if (response_head_.status == 101) {
        // Only an upgrade we asked for, and never while a request body is still being pumped.
        if (!head_.upgrade || pump_started_) co_return Outcome::kUpstreamFailed;
        co_return co_await Tunnel();
      } else if (response_head_.status / 100 == 1) {
        if (head_.version >= 11) {  // HTTP/1.0 clients must not see interim responses
          co_await client_.WriteAll(up_.data(), response_head_.size, ec);
          if (ec) co_return Outcome::kAborted;
        }
        up_.Consume(response_head_.size);
        parsed = 0;
        response_.emplace(response_head_, kMaxResponseHead, head_.method == http::verb::head);
        continue;
      } else {
        co_return co_await RelayBody();
      }
    }
    ErrorCode ec;
    std::size_t n = co_await upstream_.Read(up_.Prepare(kReadChunk), kReadChunk, ec);
    if (ec) co_return received ? Outcome::kUpstreamFailed : Outcome::kStale;
    up_.Commit(n);
    received = true;
  }
}

// The final response: head (rewritten) and body, written as they arrive.
Task<Session::Outcome> Session::RelayBody() {
  const bool dechunk = head_.version < 11 && response_->chunked();
  const bool close = !request_->keep_alive() || !request_->is_done() || response_->need_eof() ||
                     dechunk || worker_.stopping();
  client_keep_alive_ = !close;
  ClientFraming framing{close, !close && head_.version < 11, dechunk};
  upstream_.set_prompt(false);  // a body may take its time (server-sent events)
  BuildClientHead(response_head_, up_.data(), framing, gather_);
  response_->eager(true);
  response_->set_dechunk(dechunk);
  response_ahead_ = 0;
  ErrorCode ec;
  std::size_t used = response_head_.size;
  if (!response_->is_done()) used += AddResponseBody(used, ec);
  for (;;) {
    if (ec && ec != http::error::need_more) co_return Outcome::kAborted;
    if (Flatten(gather_, flat_)) {
      co_await client_.WriteAll(flat_.data(), flat_.size(), ec);
    } else {
      co_await client_.WriteAll(gather_.iovecs(), ec);
    }
    if (ec) co_return Outcome::kAborted;
    if (!wrote_response_ || timeouts_.idle.count() > 0) {
      if (!wrote_response_) NoteFirstByte();
      wrote_response_ = true;
      last_write_ = Now();
      SetDeadline(ExchangeDeadline());
    }
    up_.Consume(used);
    if (response_->is_done()) co_return Outcome::kDone;
    std::size_t n = co_await upstream_.Read(up_.Prepare(kReadChunk), kReadChunk, ec);
    if (ec == ioloop::EofError() && response_->need_eof()) {
      response_->put_eof(ec);
      co_return ec ? Outcome::kAborted : Outcome::kDone;
    }
    if (ec) co_return Outcome::kAborted;  // truncated: the client sees the connection close
    up_.Commit(n);
    gather_.clear();
    used = AddResponseBody(0, ec);
  }
}

// Parses response body bytes in up_ from `from` and adds what the client gets to gather_:
// the raw bytes, or only the chunk data when de-chunking. Returns the bytes consumed.
std::size_t Session::AddResponseBody(std::size_t from, ErrorCode& ec) {
  std::size_t n = response_->Parse(up_.data(), from, up_.size(), ec);
  if (head_.version < 11 && response_->chunked()) {
    for (const auto& [begin, end] : response_->chunk_data()) {
      gather_.Add(up_.data() + begin, end - begin);
      response_body_bytes_ += end - begin;
    }
    return n;
  }
  std::size_t skip = response_ahead_;
  std::size_t relay = RelayableBytes(*response_, n, up_.size() - from, response_ahead_);
  gather_.Add(up_.data() + from + skip, relay - skip);
  response_body_bytes_ += relay - skip;
  return n;
}

// After a 101: the 101 head and anything after it go to the client, then bytes are copied
// both ways until both directions are closed.
Task<Session::Outcome> Session::Tunnel() {
  phase_ = Phase::kTunnel;
  upstream_.set_prompt(false);
  ErrorCode ec;
  co_await client_.WriteAll(up_.data(), up_.size(), ec);
  if (ec) co_return Outcome::kAborted;
  NoteFirstByte();
  wrote_response_ = true;
  last_write_ = Now();
  SetDeadline(ExchangeDeadline());
  up_.Consume(up_.size());
  in_.Consume(request_bytes_);
  request_bytes_ = 0;
  Spawn(&Session::TunnelUpstreamToClient);
  for (;;) {
    if (!in_.empty()) {
      co_await upstream_.WriteAll(in_.data(), in_.size(), ec);
      if (ec) break;
      in_.Consume(in_.size());
    }
    std::size_t n = co_await client_.Read(in_.Prepare(kReadChunk), kReadChunk, ec);
    if (ec) break;
    in_.Commit(n);
    last_write_ = Now();
    if (timeouts_.idle.count() > 0) SetDeadline(ExchangeDeadline());
  }
  if (ec == ioloop::EofError()) {
    upstream_.ShutdownSend();
  } else {
    upstream_.Close();
    client_.Close();
  }
  co_await WaitSide();
  co_return Outcome::kTunnelled;
}

Task<void> Session::TunnelUpstreamToClient() {
  ErrorCode ec;
  for (;;) {
    std::size_t n = co_await upstream_.Read(up_.Prepare(kReadChunk), kReadChunk, ec);
    if (ec) break;
    up_.Commit(n);
    co_await client_.WriteAll(up_.data(), up_.size(), ec);
    up_.Consume(up_.size());
    if (ec) break;
    last_write_ = Now();
    if (timeouts_.idle.count() > 0) SetDeadline(ExchangeDeadline());
  }
  if (ec == ioloop::EofError()) {
    client_.ShutdownSend();
  } else {
    client_.Close();
    upstream_.Close();
  }
}

// Streams the rest of the request body from the client to the instance, parsing only to find
// its end (bytes after it belong to the next request and stay in in_).
Task<void> Session::Pump() {
  ErrorCode ec;
  for (;;) {
    if (in_.size() > request_ahead_) {
      std::size_t skip = request_ahead_;
      std::size_t used = request_->Parse(in_.data(), 0, in_.size(), ec);
      if (ec && ec != http::error::need_more) {
        pump_status_ = StatusForBodyError(ec);
        break;
      }
      std::size_t relay = RelayableBytes(*request_, used, in_.size(), request_ahead_);
      if (relay > skip) {
        co_await upstream_.WriteAll(in_.data() + skip, relay - skip, ec);
        if (ec) {
          pump_status_ = kUpstreamGone;
          break;
        }
      }
      in_.Consume(used);
      if (request_->is_done()) co_return;
    }
    std::size_t n = co_await client_.Read(in_.Prepare(kReadChunk), kReadChunk, ec);
    if (ec) {
      pump_status_ = kClientGone;
      break;
    }
    in_.Commit(n);
  }
  upstream_.Close();  // wakes the response relay, which reports the failure
}

// Starts the side coroutine at once; it runs until its first wait, then this one goes on.
void Session::Spawn(Task<void> (Session::*side)()) {
  side_running_ = true;
  ioloop::Spawn(((*this).*side)(), [self = shared_from_this()] {
    self->side_running_ = false;
    self->side_event_.Notify();
  });
}

Task<void> Session::WaitSide() {
  while (side_running_) co_await side_event_.Wait();
}

}  // namespace ebb::gateway
