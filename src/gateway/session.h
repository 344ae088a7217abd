// One client connection: a coroutine that reads request heads, routes each request, gets it
// an instance slot (at once or after parking), proxies it, and keeps the connection alive.
//
// Lifecycle (README.md has the long form):
//   idle → head → [parked] → connect → exchange (request head + body pump ↔ response relay)
//   → idle again, or tunnel (after a 101) → closed.
// Every phase has a deadline, kept by one lazily re-armed timer (the watchdog): moving a
// deadline later costs a store, only an earlier one re-arms the timer. When it fires, Expire()
// acts for the phase: cut a slow or idle client, time out a parked request, or cancel the
// upstream side so that the exchange answers 504 (nothing written yet) or aborts.
//
// Thread-safety: a Session lives on its worker's thread. The only entry from elsewhere is the
// parked request's wake-up, which is posted to the worker and holds a weak_ptr.
//
// Lifetime: the coroutines running it (Run, and the side coroutine of an exchange) each hold a
// shared_ptr; the watchdog and the events are members, unlinked when it goes.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "gateway/io_types.h"
#include "gateway/byte_buffer.h"
#include "gateway/http_head.h"
#include "gateway/request_parser.h"
#include "gateway/response_parser.h"
#include "gateway/revision_state.h"
#include "tracing/request_trace.h"

namespace ebb::gateway {

class Worker;

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `peer`: the client's address, as the accept gave it.
  Session(Worker& worker, Socket client, const sockaddr_storage& peer);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start();
  // The worker is draining: close now if idle; otherwise the current response says close.
  void OnStop();
  // The worker is shutting down: close both sides and wake anything parked.
  void Abort();

 private:
  enum class Phase { kIdle, kHead, kParked, kConnect, kExchange, kTunnel, kClosed };
  // How an exchange with the upstream ended.
  enum class Outcome {
    kDone,            // response relayed completely
    kTunnelled,       // upgraded connection relayed until closed
    kStale,           // nothing received: the connection was dead (retry if replayable)
    kUpstreamFailed,  // error before the response started
    kAborted,         // error after the response started, or on the client side
  };
  enum class Connected { kYes, kFailed, kTimedOut, kAborted };
  // pump_status_ values besides HTTP statuses.
  static constexpr int kClientGone = -1;
  static constexpr int kUpstreamGone = -2;

  // session.cc: the connection loop, heads, routing, local replies.
  Task<void> Run();
  Task<bool> ReadHead();
  Task<bool> Serve();
  Task<bool> SendReply(int status, std::string_view detail = {});
  void BeginRequest(const RevisionPtr& revision);
  void EndRequest();
  SteadyTime RequestDeadline() const;
  SteadyTime ExchangeDeadline() const;
  void Close();

  // session_metrics.cc: the revision's request metrics (when Worker::metrics()).
  void RecordRequest(SteadyTime end);
  void NoteParked();
  void NoteUnparked();
  void NoteFirstByte();

  // session_trace.cc: tracing and the request log (when Worker::tracer()).
  void TraceBegin();
  void TraceCaptureHead();
  void TraceParkStart();
  void TraceParkEnd();
  void TraceCallStart();
  std::string_view TraceUpstreamFields();
  void TraceEnd(SteadyTime end);

  // session_deadline.cc: the watchdog.
  void SetDeadline(SteadyTime deadline);
  void OnTimer();
  void Expire();

  // session_admission.cc: instance slots, parking, connecting.
  Task<bool> Proxy();
  Task<InstancePtr> Park();
  void Demand();
  TicketPtr NewTicket();
  void OnWake(std::uint64_t seq);
  bool TakePooled();
  Task<Connected> ConnectFresh();
  void ReleaseInstance();

  // session_exchange.cc: request head and body, response relay, tunnel.
  Task<bool> Exchange();
  Task<Outcome> SendAndRelay();
  Task<bool> FailExchange(Outcome outcome);
  int PrepareRequestHead();
  Task<Outcome> RelayResponse();
  Task<Outcome> RelayBody();
  std::size_t AddResponseBody(std::size_t from, ErrorCode& ec);
  Task<Outcome> Tunnel();
  Task<void> Pump();
  Task<void> TunnelUpstreamToClient();
  void Spawn(Task<void> (Session::*side)());
  Task<void> WaitSide();
  void FinishExchange(Outcome outcome);

  Worker& worker_;
  Socket client_;
  Socket upstream_;
  std::string client_ip_;
  int client_port_;  // the client's, for the request log
  Phase phase_ = Phase::kIdle;
  bool aborted_ = false;

  // Watchdog.
  ioloop::Timer timer_;
  SteadyTime deadline_ = SteadyTime::max();
  SteadyTime armed_at_ = SteadyTime::max();

  // The request in progress.
  ByteBuffer in_;  // client bytes: the request head, then body and pipelined bytes
  RequestHead head_;
  std::optional<RequestParser> request_;
  std::size_t request_bytes_ = 0;  // bytes at the front of in_ already sent upstream
  std::size_t request_ahead_ = 0;  // body bytes after those, sent but not yet parsed
  RevisionPtr revision_;
  InstancePtr instance_;
  RevisionTimeouts timeouts_{};
  SteadyTime arrival_;
  SteadyTime last_write_;
  bool wrote_response_ = false;
  bool timed_out_ = false;
  bool from_pool_ = false;
  bool client_keep_alive_ = false;  // decided when the response head is sent
  bool reply_keep_alive_ = false;   // after a local reply sent deep in the request path

  // Parking: notified by the wake-up, the watchdog or Abort.
  ioloop::Event park_event_;
  std::uint64_t park_seq_ = 0;

  // Metrics of the request in progress (session_metrics.cc).
  int reply_status_ = 0;      // status of the gateway's own reply; 0 if it sent none
  SteadyTime parked_at_;      // when it parked, if parked_
  bool parked_ = false;       // it waited in the activator queue
  bool parked_cold_ = false;  // ... while no instance was ready: a cold start

  // Tracing and the request log of the request in progress (session_trace.cc).
  tracing::RequestTrace trace_;
  std::uint64_t response_body_bytes_ = 0;  // of the instance's response, sent to the client

  // The side coroutine of an exchange: the request body pump, or one tunnel direction.
  ioloop::Event side_event_;  // notified when it ends
  bool side_running_ = false;
  bool pump_started_ = false;
  int pump_status_ = 0;

  // The response in progress.
  ByteBuffer up_;  // upstream bytes
  ResponseHead response_head_;
  std::optional<ResponseParser> response_;
  std::size_t response_ahead_ = 0;  // bytes at the front of up_ sent but not yet parsed

  // Head rewriting output, reused.
  std::string scratch_;
  GatherList gather_;
  std::string flat_;  // gather_ copied into one buffer when small (session_exchange.cc)
};

}  // namespace ebb::gateway
