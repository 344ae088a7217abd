#include "server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <queue>
#include <unordered_map>
#include <vector>

#include "http.h"
#include "websocket.h"

namespace helloworld {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::uint64_t kListenTag = 0;  // epoll tags; connection ids start above them
constexpr std::uint64_t kSignalTag = 1;
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kMaxBufferedIn = 64 * 1024;  // pipelined input held while responding
constexpr std::size_t kMaxPendingOut =
    1024 * 1024;  // WebSocket echo backlog before we stop reading
constexpr std::uint64_t kMaxWebSocketPayload = 16 * 1024 * 1024;

enum class Phase {
  kHead,       // reading a request head
  kBody,       // consuming a request body
  kWaiting,    // ?sleep: a timer will produce the response
  kStreaming,  // SSE: a timer produces the next event
  kWriting,    // the whole response is queued; the request ends when it is written
  kWebSocket,  // echoing frames
  kClosing,    // write what is queued, then close
};

struct Params {
  std::uint64_t sleep_ms = 0;
  std::optional<std::uint64_t> bytes;
  std::uint64_t events = 5;
  std::uint64_t interval_ms = 100;
  std::string error;  // non-empty if a parameter was invalid
};

Params ParseParams(std::string_view query) {
  Params p;
  auto read = [&](std::string_view name, std::uint64_t max, std::uint64_t& out) {
    std::optional<std::string_view> text = QueryParam(query, name);
    if (!text) return;
    std::optional<std::uint64_t> value = ParseNumber(*text, max);
    if (!value && p.error.empty()) {
      p.error = "invalid " + std::string(name) + ": want an integer from 0 to " +
                std::to_string(max) + "\n";
    }
    out = value.value_or(out);
  };
  constexpr std::uint64_t kHour = 3600 * 1000;
  read("sleep", kHour, p.sleep_ms);
  if (QueryParam(query, "bytes")) read("bytes", std::uint64_t{1} << 40, p.bytes.emplace());
  read("n", 1000000, p.events);
  read("interval", kHour, p.interval_ms);
  return p;
}

const char* Reason(int status) {
  switch (status) {
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 426:
      return "Upgrade Required";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string Chunk(std::string_view data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + std::string(data) + "\r\n";
}

bool HasBody(const Request& req) {
  return req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
}

struct Conn {
  int fd = -1;
  std::uint64_t id = 0;
  Phase phase = Phase::kHead;
  std::string in;
  std::string out;
  std::size_t out_off = 0;
  std::uint64_t fill_left = 0;  // generated body bytes (?bytes=N) not yet queued
  Request req;
  BodyDecoder body;
  Params params;
  std::string head;  // the request head as received, kept for GET /headers only
  bool counted = false;      // the current request is counted in flight
  bool close_after = false;  // close once the current response is written
  bool chunked = false;      // the SSE stream uses chunked encoding
  bool peer_closed = false;  // read returned EOF
  bool dead = false;         // close at the end of this event
  std::uint64_t events_left = 0;
  std::uint64_t events_sent = 0;
  std::uint64_t timer_seq = 0;  // only the newest timer of a connection fires
  std::uint32_t interest = 0;   // epoll events currently registered
};

struct Timer {
  SteadyClock::time_point at;
  std::uint64_t conn_id;
  std::uint64_t seq;
  bool operator>(const Timer& o) const { return at > o.at; }
};

class Server {
 public:
  Server(int listen_fd, ServerOptions options);
  ~Server();
  int Run();

 private:
  void OnAccept();
  void OnSignal();
  void OnConnEvent(Conn& c, std::uint32_t events);
  void OnTimer(Conn& c);
  void Pump(Conn& c);
  bool AdvanceHead(Conn& c);
  bool AdvanceBody(Conn& c);
  bool AdvanceWebSocket(Conn& c);
  void Dispatch(Conn& c);
  void Reply(Conn& c);
  void Respond(Conn& c, int status, std::string_view type, std::string_view body,
               std::uint64_t fill = 0);
  void RespondError(Conn& c, int status, std::string_view message);
  std::string StatusLine(Conn& c, int status);
  void StartSse(Conn& c);
  void SendEvent(Conn& c);
  void StartWebSocket(Conn& c);
  void SendClose(Conn& c, std::uint16_t code);
  bool Flush(Conn& c);
  void EndRequest(Conn& c);
  void Close(Conn& c);
  void UpdateInterest(Conn& c);
  void AddTimer(Conn& c, std::uint64_t ms);
  int NextTimeoutMs() const;
  void RunTimers();
  void StartDrain();
  void SetListening(bool on);

  ServerOptions options_;
  int listen_fd_;
  int epoll_fd_ = -1;
  int signal_fd_ = -1;
  std::unordered_map<std::uint64_t, std::unique_ptr<Conn>> conns_;
  std::uint64_t next_id_ = kSignalTag + 1;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  int inflight_ = 0;
  int max_inflight_ = 0;
  bool draining_ = false;
  bool listening_ = false;
};

Server::Server(int listen_fd, ServerOptions options)
    : options_(std::move(options)), listen_fd_(listen_fd) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  signal_fd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kSignalTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, signal_fd_, &ev);
  ev.data.u64 = kListenTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  listening_ = true;
}

Server::~Server() {
  for (auto& [id, c] : conns_) close(c->fd);
  if (listen_fd_ >= 0) close(listen_fd_);
  close(signal_fd_);
  close(epoll_fd_);
}

int Server::Run() {
  if (epoll_fd_ < 0 || signal_fd_ < 0) {
    LogLine(std::string("helloworld: cannot set up the event loop: ") + std::strerror(errno));
    return 1;
  }
  epoll_event events[256];
  while (!(draining_ && conns_.empty())) {
    int n = epoll_wait(epoll_fd_, events, 256, NextTimeoutMs());
    if (n < 0 && errno != EINTR) return 1;
    for (int i = 0; i < n; ++i) {
      std::uint64_t tag = events[i].data.u64;
      if (tag == kListenTag) {
        OnAccept();
      } else if (tag == kSignalTag) {
        OnSignal();
      } else if (auto it = conns_.find(tag); it != conns_.end()) {
        OnConnEvent(*it->second, events[i].events);
      }
    }
    RunTimers();
  }
  return 0;
}

void Server::OnAccept() {
  while (listening_) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      // Out of descriptors: stop polling the listener until a connection closes.
      if (errno == EMFILE || errno == ENFILE) SetListening(false);
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // fails harmlessly on AF_UNIX
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    c->id = next_id_++;
    c->interest = EPOLLIN;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = c->id;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    conns_.emplace(c->id, std::move(c));
  }
}

void Server::SetListening(bool on) {
  if (listen_fd_ < 0 || listening_ == on) return;
  epoll_event ev{};
  ev.events = on ? std::uint32_t{EPOLLIN} : 0u;
  ev.data.u64 = kListenTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &ev);
  listening_ = on;
}

void Server::OnSignal() {
  signalfd_siginfo info;
  while (read(signal_fd_, &info, sizeof info) == sizeof info) {
    LogLine(std::string("helloworld: received ") +
            (info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM") + ", draining " +
            std::to_string(inflight_) + " in-flight request(s)");
    StartDrain();
  }
}

void Server::StartDrain() {
  if (draining_) return;
  draining_ = true;
  SetListening(false);
  close(listen_fd_);
  listen_fd_ = -1;
  std::vector<std::uint64_t> ids;
  for (const auto& [id, c] : conns_) ids.push_back(id);
  for (std::uint64_t id : ids) {
    Conn& c = *conns_.at(id);
    if (c.phase == Phase::kHead && c.in.empty()) {
      c.dead = true;  // idle keep-alive connection
    } else if (c.phase == Phase::kWebSocket) {
      SendClose(c, 1001);  // going away
    } else {
      c.close_after = true;
    }
    Pump(c);
  }
}

void Server::OnConnEvent(Conn& c, std::uint32_t events) {
  if (events & EPOLLIN) {
    char buf[kReadChunk];
    ssize_t n = recv(c.fd, buf, sizeof buf, 0);
    if (n > 0) c.in.append(buf, static_cast<std::size_t>(n));
    if (n == 0) c.peer_closed = true;
    if (n < 0 && errno != EAGAIN && errno != EINTR) c.dead = true;
  }
  if (events & (EPOLLERR | EPOLLHUP)) c.dead = true;
  Pump(c);
}

void Server::OnTimer(Conn& c) {
  if (c.phase == Phase::kWaiting) Reply(c);
  if (c.phase == Phase::kStreaming) SendEvent(c);
  Pump(c);
}

// Moves a connection forward until it would block. May destroy it (Close), so callers must not
// touch `c` afterwards.
void Server::Pump(Conn& c) {
  bool progress = true;
  while (progress && !c.dead) {
    progress = false;
    if (c.phase == Phase::kHead) {
      progress = AdvanceHead(c);
    } else if (c.phase == Phase::kBody) {
      progress = AdvanceBody(c);
    } else if (c.phase == Phase::kWebSocket) {
      progress = AdvanceWebSocket(c);
    }
    if (!c.dead && Flush(c)) progress = true;
  }
  if (c.dead) {
    Close(c);
  } else {
    UpdateInterest(c);
  }
}

bool Server::AdvanceHead(Conn& c) {
  HeadResult head = ParseHead(c.in);
  if (head.status == Parse::kIncomplete) {
    if (c.peer_closed) c.dead = true;
    return false;
  }
  if (head.status == Parse::kError) {
    c.req = Request{};  // not the previous request's (it might have been a HEAD)
    RespondError(c, head.error_status, head.error + "\n");
    return true;
  }
  if (head.request.path == "/headers") c.head.assign(c.in, 0, head.length);
  c.in.erase(0, head.length);
  c.req = std::move(head.request);
  c.body = BodyDecoder::ForRequest(c.req);
  c.close_after = !c.req.keep_alive || draining_;
  if (c.req.path != "/inflight") {  // the probe itself would only disturb the numbers
    c.counted = true;
    max_inflight_ = std::max(max_inflight_, ++inflight_);
  }
  if (c.req.expect_continue && !c.body.done()) c.out += "HTTP/1.1 100 Continue\r\n\r\n";
  c.phase = Phase::kBody;
  return true;
}

bool Server::AdvanceBody(Conn& c) {
  c.in.erase(0, c.body.Consume(c.in));
  if (c.body.failed()) {
    RespondError(c, 400, "malformed chunked body\n");
    return true;
  }
  if (!c.body.done()) {
    if (c.peer_closed) c.dead = true;
    return false;
  }
  Dispatch(c);
  return true;
}

void Server::Dispatch(Conn& c) {
  c.params = ParseParams(c.req.query);
  if (!c.params.error.empty()) return Respond(c, 400, "text/plain", c.params.error);
  if (std::optional<std::string_view> text = QueryParam(c.req.query, "log")) {
    LogLine("helloworld: log " + std::string(*text));  // as sent: still percent-encoded
  }
  if (c.req.path == "/inflight") {
    std::string json = "{\"inflight\":" + std::to_string(inflight_) +
                       ",\"max\":" + std::to_string(max_inflight_) + "}\n";
    return Respond(c, 200, "application/json", json);
  }
  if (c.params.sleep_ms > 0) {
    c.phase = Phase::kWaiting;
    return AddTimer(c, c.params.sleep_ms);
  }
  Reply(c);
}

void Server::Reply(Conn& c) {
  const Request& req = c.req;
  if (req.path == "/ws") {
    if (req.websocket && !req.websocket_key.empty()) return StartWebSocket(c);
    return Respond(c, 426, "text/plain", "this endpoint speaks WebSocket only\n");
  }
  if (req.path == "/sse") return StartSse(c);
  if (req.path == "/headers") return Respond(c, 200, "text/plain", c.head);
  if (HasBody(req)) {
    return Respond(c, 200, "text/plain",
                   "received " + std::to_string(c.body.body_bytes()) + " bytes\n");
  }
  if (c.params.bytes) return Respond(c, 200, "application/octet-stream", "", *c.params.bytes);
  Respond(c, 200, "text/plain; charset=utf-8", "Hello " + options_.target + "!\n");
}

std::string Server::StatusLine(Conn& c, int status) {
  c.close_after = c.close_after || draining_ || c.peer_closed;
  std::string line = "HTTP/1.1 " + std::to_string(status) + " " + Reason(status) + "\r\n";
  if (status == 426) line += "Upgrade: websocket\r\n";  // required with 426 (RFC 9110 15.5.22)
  if (c.close_after) return line + "Connection: close\r\n";
  return c.req.minor == 0 ? line + "Connection: keep-alive\r\n" : line;
}

// Queues a complete response; `fill` generated bytes follow `body` (streamed by Flush).
void Server::Respond(Conn& c, int status, std::string_view type, std::string_view body,
                     std::uint64_t fill) {
  c.out += StatusLine(c, status);
  c.out += "Content-Type: " + std::string(type) + "\r\n";
  c.out += "Content-Length: " + std::to_string(body.size() + fill) + "\r\n\r\n";
  if (c.req.method != "HEAD") {
    c.out += body;
    c.fill_left = fill;
  }
  c.phase = Phase::kWriting;
}

void Server::RespondError(Conn& c, int status, std::string_view message) {
  c.close_after = true;  // the byte stream cannot be trusted past a malformed request
  Respond(c, status, "text/plain", message);
}

void Server::StartSse(Conn& c) {
  // HTTP/1.0 has no chunked encoding: the stream then ends when the connection closes.
  c.chunked = c.req.minor == 1;
  c.close_after = c.close_after || !c.chunked;
  c.out += StatusLine(c, 200);
  c.out += "Content-Type: text/event-stream\r\nCache-Control: no-cache\r\n";
  c.out += c.chunked ? "Transfer-Encoding: chunked\r\n\r\n" : "\r\n";
  if (c.req.method == "HEAD") {
    c.phase = Phase::kWriting;
    return;
  }
  c.events_left = c.params.events;
  c.events_sent = 0;
  c.phase = Phase::kStreaming;
  SendEvent(c);
}

void Server::SendEvent(Conn& c) {
  if (c.events_left > 0) {
    std::string n = std::to_string(++c.events_sent);
    std::string event = "id: " + n + "\ndata: event " + n + "\n\n";
    c.out += c.chunked ? Chunk(event) : event;
    --c.events_left;
  }
  if (c.events_left > 0) return AddTimer(c, c.params.interval_ms);
  if (c.chunked) c.out += "0\r\n\r\n";
  c.phase = Phase::kWriting;
}

void Server::StartWebSocket(Conn& c) {
  c.out += "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  c.out += "Sec-WebSocket-Accept: " + WebSocketAccept(c.req.websocket_key) + "\r\n\r\n";
  c.phase = Phase::kWebSocket;
  if (draining_) SendClose(c, 1001);
}

bool Server::AdvanceWebSocket(Conn& c) {
  if (c.out.size() - c.out_off > kMaxPendingOut) return false;  // let the client read first
  FrameResult f = DecodeFrame(c.in, kMaxWebSocketPayload);
  if (f.status == FrameStatus::kIncomplete) {
    if (c.peer_closed) c.dead = true;
    return false;
  }
  if (f.status == FrameStatus::kError) {
    SendClose(c, f.close_code);
    return true;
  }
  c.in.erase(0, f.length);
  const Frame& frame = f.frame;
  if (frame.opcode == kClose) {
    c.out += EncodeFrame(kClose, std::string_view(frame.payload).substr(0, 2));
    c.phase = Phase::kClosing;
  } else if (frame.opcode == kPing) {
    c.out += EncodeFrame(kPong, frame.payload);
  } else if (frame.opcode != kPong) {
    c.out += EncodeFrame(frame.opcode, frame.payload, frame.fin);  // echo, fragments included
  }
  return true;
}

void Server::SendClose(Conn& c, std::uint16_t code) {
  char payload[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  c.out += EncodeFrame(kClose, std::string_view(payload, 2));
  c.phase = Phase::kClosing;
}

// Writes queued output until the socket would block. Returns true when a response completed and
// the connection is ready for the next request.
bool Server::Flush(Conn& c) {
  static const std::string kFiller(kReadChunk, 'x');
  while (true) {
    if (c.out_off == c.out.size()) {
      c.out.clear();
      c.out_off = 0;
      if (c.fill_left == 0) break;
      std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(c.fill_left, kReadChunk));
      c.out.assign(kFiller, 0, n);
      c.fill_left -= n;
    }
    ssize_t n = send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return false;
    if (n < 0) {
      c.dead = true;
      return false;
    }
    c.out_off += static_cast<std::size_t>(n);
  }
  if (c.phase == Phase::kClosing) c.dead = true;
  if (c.phase != Phase::kWriting) return false;
  EndRequest(c);
  if (c.close_after) {
    c.dead = true;
    return false;
  }
  c.phase = Phase::kHead;
  return true;
}

void Server::EndRequest(Conn& c) {
  if (c.counted) --inflight_;
  c.counted = false;
}

void Server::Close(Conn& c) {
  EndRequest(c);
  close(c.fd);  // also removes it from the epoll set
  SetListening(!draining_);
  conns_.erase(c.id);  // destroys c
}

void Server::UpdateInterest(Conn& c) {
  bool consuming =
      c.phase == Phase::kHead || c.phase == Phase::kBody || c.phase == Phase::kWebSocket;
  bool room = consuming ? c.out.size() - c.out_off < kMaxPendingOut : c.in.size() < kMaxBufferedIn;
  std::uint32_t want = 0;
  if (!c.peer_closed && room) want |= EPOLLIN;
  if (c.out_off < c.out.size() || c.fill_left > 0) want |= EPOLLOUT;
  if (want == c.interest) return;
  epoll_event ev{};
  ev.events = want;
  ev.data.u64 = c.id;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
  c.interest = want;
}

void Server::AddTimer(Conn& c, std::uint64_t ms) {
  timers_.push({SteadyClock::now() + std::chrono::milliseconds(ms), c.id, ++c.timer_seq});
}

int Server::NextTimeoutMs() const {
  if (timers_.empty()) return -1;
  auto wait = timers_.top().at - SteadyClock::now();
  if (wait <= SteadyClock::duration::zero()) return 0;
  // Round up: waking early would only spin until the deadline.
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  return static_cast<int>(std::min<std::int64_t>(ms, 60 * 1000));
}

void Server::RunTimers() {
  auto now = SteadyClock::now();
  while (!timers_.empty() && timers_.top().at <= now) {
    Timer t = timers_.top();
    timers_.pop();
    auto it = conns_.find(t.conn_id);
    if (it != conns_.end() && it->second->timer_seq == t.seq) OnTimer(*it->second);
  }
}

}  // namespace

void LogLine(const std::string& line) {
  std::string text = line + "\n";
  ssize_t ignored = write(STDOUT_FILENO, text.data(), text.size());
  (void)ignored;
}

int RunServer(int listen_fd, const ServerOptions& options) {
  Server server(listen_fd, options);
  return server.Run();
}

}  // namespace helloworld
