#include "gateway/session.h"

#include <array>

#include "gateway/local_reply.h"
#include "gateway/worker.h"

namespace ebb::gateway {

namespace http = boost::beast::http;

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;
// Buffers of idle connections above this are freed.
constexpr std::size_t kIdleBufferKeep = 32 * 1024;

// The loop's turn time: a request's timestamps need no clock read each (ioloop::TurnTime).
SteadyTime Now() { return ioloop::TurnTime(); }

int StatusForParseError(const ErrorCode& ec) {
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::body_limit) return 413;
  return 400;
}

}  // namespace

// TCP_NODELAY comes from the listener (Acceptor::Listen), the address from the accept: a new
// connection costs no system call before its first read.
Session::Session(Worker& worker, Socket client, const sockaddr_storage& peer)
    : worker_(worker),
      client_(std::move(client)),
      client_ip_(ioloop::AddressText(peer)),
      client_port_(ioloop::AddressPort(peer)),
      timer_(worker.loop(), [this] { OnTimer(); }),
      park_event_(worker.loop()),
      side_event_(worker.loop()) {
  worker_.Register(this);
}

Session::~Session() { worker_.Unregister(this); }

void Session::Start() { ioloop::Spawn(Run(), [self = shared_from_this()] {}); }

void Session::OnStop() {
  if (phase_ == Phase::kIdle) Close();
}

void Session::Abort() {
  aborted_ = true;
  client_.Close();
  upstream_.Close();
  park_event_.Notify();
}

Task<void> Session::Run() {
  while (phase_ != Phase::kClosed) {
    if (!co_await ReadHead()) break;
    bool keep_alive = co_await Serve();
    in_.Consume(request_bytes_);
    request_bytes_ = 0;
    if (!keep_alive || worker_.stopping() || aborted_) break;
  }
  Close();
}

// Reads until a complete request head is in in_ (pipelined bytes may already be there).
// Answers malformed heads itself; false when the connection is to be closed.
Task<bool> Session::ReadHead() {
  request_.emplace(head_, worker_.limits().max_header_bytes, worker_.limits().max_body_bytes);
  phase_ = Phase::kIdle;
  SetDeadline(Now() + worker_.limits().keepalive_timeout);
  in_.ShrinkIfEmpty(kIdleBufferKeep);
  up_.ShrinkIfEmpty(kIdleBufferKeep);
  std::size_t parsed = 0;
  for (;;) {
    if (in_.size() > parsed) {
      ErrorCode ec;
      parsed += request_->Parse(in_.data(), parsed, in_.size(), ec);
      if (!ec) co_return true;
      if (ec != http::error::need_more) {
        WorkerCounters::Bump(worker_.counters().responses_bad_request);
        co_await SendReply(StatusForParseError(ec));
        co_return false;
      }
      if (phase_ == Phase::kIdle) {  // the head started: it has this long to complete
        phase_ = Phase::kHead;
        SetDeadline(Now() + worker_.limits().header_read_timeout);
      }
    }
    ErrorCode ec;
    std::size_t n = co_await client_.Read(in_.Prepare(kReadChunk), kReadChunk, ec);
    if (ec) co_return false;  // closed, reset, or cut by the watchdog
    in_.Commit(n);
  }
}

// One request whose head is in in_: route it, then proxy it or answer it. Returns whether the
// connection stays open.
Task<bool> Session::Serve() {
  WorkerCounters::Bump(worker_.counters().requests);
  request_bytes_ = head_.size;
  if (head_.method == http::verb::connect) co_return co_await SendReply(405);
  std::array<char, kMaxHostLength> lowered;
  std::string_view host = NormalizeHost(head_.host, lowered);
  const auto& routes = worker_.routes();
  const HostRoute* route = host.empty() || !routes ? nullptr : routes->Find(host);
  if (!route) {
    WorkerCounters::Bump(worker_.counters().responses_not_found);
    scratch_.assign(" for host \"").append(head_.host).append("\"");
    std::string detail = std::move(scratch_);
    co_return co_await SendReply(404, detail);
  }
  BeginRequest(PickRevision(*route, worker_.rng()));
  bool keep_alive = co_await Proxy();
  EndRequest();
  co_return keep_alive;
}

void Session::BeginRequest(const RevisionPtr& revision) {
  revision_ = revision;
  arrival_ = Now();
  last_write_ = arrival_;
  timeouts_ = revision_->timeouts();
  wrote_response_ = timed_out_ = from_pool_ = false;
  client_keep_alive_ = reply_keep_alive_ = false;
  pump_started_ = false;
  pump_status_ = 0;
  request_ahead_ = 0;
  reply_status_ = 0;
  parked_ = parked_cold_ = false;
  revision_->view(worker_.index()).load.Arrive(arrival_);
  TraceBegin();
}

void Session::EndRequest() {
  SteadyTime end = Now();
  revision_->view(worker_.index()).load.Depart(end);
  RecordRequest(end);
  TraceEnd(end);
  revision_.reset();
}

// The deadline for getting an instance: the whole-request timeout, or the response-start one.
SteadyTime Session::RequestDeadline() const {
  SteadyTime deadline = arrival_ + timeouts_.total;
  if (timeouts_.response_start.count() > 0) {
    deadline = std::min(deadline, arrival_ + timeouts_.response_start);
  }
  return deadline;
}

SteadyTime Session::ExchangeDeadline() const {
  SteadyTime deadline = wrote_response_ ? arrival_ + timeouts_.total : RequestDeadline();
  if (timeouts_.idle.count() > 0) deadline = std::min(deadline, last_write_ + timeouts_.idle);
  return deadline;
}

// Writes a response of the gateway's own. Returns whether the connection can stay open: only
// if the client wants it and no request body is left unread.
Task<bool> Session::SendReply(int status, std::string_view detail) {
  bool keep_alive = request_ && request_->is_header_done() && request_->keep_alive() &&
                    request_->is_done() && !worker_.stopping() && status != 400 && status != 431 &&
                    status != 413;
  FormatReply(status, detail, !keep_alive, scratch_);
  ErrorCode ec;
  co_await client_.WriteAll(scratch_.data(), scratch_.size(), ec);
  wrote_response_ = true;
  reply_status_ = status;
  co_return keep_alive && !ec;
}

void Session::Close() {
  phase_ = Phase::kClosed;
  timer_.Cancel();
  client_.Close();
  upstream_.Close();
}

}  // namespace ebb::gateway
