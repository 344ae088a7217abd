#include "load/attack.h"

#include "load/http_wire.h"
#include "load/shard.h"

namespace ebb::load {
namespace {

namespace asio = boost::asio;
constexpr int kDefaultOpenConnections = 10000;

Result<asio::ip::tcp::endpoint> Resolve(const Url& url) {
  asio::io_context context;
  asio::ip::tcp::resolver resolver(context);
  ErrorCode ec;
  auto results = resolver.resolve(url.host, std::to_string(url.port), ec);
  if (ec || results.empty()) {
    return Status(Code::kBadRequest, "cannot resolve " + url.host + ": " + ec.message());
  }
  return results.begin()->endpoint();
}

Result<PreparedTarget> PrepareTarget(const Target& target, bool keepalive) {
  Result<Url> url = ParseUrl(target.url);
  if (!url.ok()) return url.status();
  Result<asio::ip::tcp::endpoint> endpoint = Resolve(*url);
  if (!endpoint.ok()) return endpoint.status();
  PreparedTarget p;
  p.method = target.method;
  p.url = target.url;
  p.endpoint = *endpoint;
  p.request = BuildRequest(target, *url, keepalive);
  p.bytes_out = static_cast<std::uint32_t>(target.body.size());
  p.head = target.method == "HEAD";
  p.close_after = !keepalive;
  p.error_prefix = MethodTitle(target.method) + " \"" + target.url + "\"";
  return p;
}

// Hits planned by the schedule: -n, the duration at the rate, or both (the smaller).
std::optional<std::uint64_t> PlannedHits(const AttackOptions& o) {
  std::optional<std::uint64_t> planned = o.requests;
  if (o.concurrency == 0 && o.duration.count() > 0) {
    std::uint64_t by_time = Pacer(o.rate).HitsWithin(o.duration);
    planned = planned ? std::min(*planned, by_time) : by_time;
  }
  return planned;
}

}  // namespace

Status ValidateAttackOptions(const AttackOptions& o) {
  auto bad = [](const std::string& why) { return Status(Code::kBadRequest, why); };
  if (o.targets.empty()) return bad("no targets given");
  if (o.targets.size() > UINT16_MAX) return bad("too many targets (at most 65535)");
  if (o.concurrency < 0) return bad("-c must be positive");
  if (o.concurrency == 0 && o.rate.unlimited()) {
    return bad("--rate 0 (as fast as possible) needs -c N (closed loop with N workers)");
  }
  if (o.concurrency > 0 && !o.rate.unlimited()) {
    return bad("-c N runs a closed loop: leave --rate out (or set it to 0)");
  }
  if (o.max_connections < 0) return bad("--connections must be positive");
  if (o.threads < 1 || o.threads > 64) return bad("--threads must be between 1 and 64");
  if (o.duration.count() < 0 || o.timeout.count() < 0) return bad("durations must be positive");
  return Status::Ok();
}

Attack::Attack(AttackOptions options, std::vector<PreparedTarget> targets, LiveStats& live)
    : options_(std::move(options)),
      targets_(std::make_unique<std::vector<PreparedTarget>>(std::move(targets))),
      live_(live) {}

Attack::~Attack() {
  for (auto& shard : shards_) shard->Abort();
}

Result<std::unique_ptr<Attack>> Attack::Prepare(AttackOptions options, LiveStats& live) {
  EBB_RETURN_IF_ERROR(ValidateAttackOptions(options));
  std::vector<PreparedTarget> prepared;
  for (const Target& t : options.targets) {
    Result<PreparedTarget> p = PrepareTarget(t, options.keepalive);
    if (!p.ok()) return p.status();
    prepared.push_back(std::move(*p));
  }
  return std::unique_ptr<Attack>(new Attack(std::move(options), std::move(prepared), live));
}

std::optional<std::uint64_t> Attack::planned_hits() const { return PlannedHits(options_); }

void Attack::Start(const Clock& clock) {
  start_steady_ = clock.Steady();
  start_unix_ns_ = std::chrono::duration_cast<Nanos>(clock.Now().time_since_epoch()).count();
  const AttackOptions& o = options_;
  bool closed = o.concurrency > 0;
  int connections = o.max_connections > 0 ? o.max_connections
                                          : (closed ? o.concurrency : kDefaultOpenConnections);
  int threads = closed ? std::min(o.threads, o.concurrency) : o.threads;
  for (int k = 0; k < threads; ++k) {
    ShardConfig c;
    c.index = static_cast<size_t>(k);
    c.stride = static_cast<size_t>(threads);
    c.targets = targets_.get();
    c.closed_loop = closed;
    c.rate = o.rate;
    c.workers = o.concurrency / threads + (k < o.concurrency % threads ? 1 : 0);
    c.max_connections = std::max(1, connections / threads + (k < connections % threads ? 1 : 0));
    c.hit_limit = PlannedHits(o).value_or(UINT64_MAX);
    c.start = start_steady_;
    if (closed && o.duration.count() > 0) c.end = start_steady_ + o.duration;
    c.timeout = o.timeout;
    c.closed_seq = &closed_seq_;
    c.on_finished = [this] { OnShardFinished(); };
    shards_.push_back(std::make_unique<Shard>(std::move(c), live_));
  }
  for (auto& shard : shards_) shard->Start();
}

void Attack::Stop() {
  for (auto& shard : shards_) shard->Stop();
}

void Attack::Abort() {
  for (auto& shard : shards_) shard->Abort();
}

void Attack::OnShardFinished() {
  std::lock_guard lock(mu_);
  ++finished_;
  finished_cv_.notify_all();
}

bool Attack::WaitFor(Nanos wait) {
  std::unique_lock lock(mu_);
  return finished_cv_.wait_for(lock, wait, [this] { return finished_ == shards_.size(); });
}

ResultSet Attack::Finish() {
  ResultSet all;
  for (auto& shard : shards_) all.Merge(shard->Join());
  shards_.clear();
  for (HitResult& r : all.results) r.timestamp_ns += start_unix_ns_;
  for (const PreparedTarget& t : *targets_) all.targets.push_back({t.method, t.url});
  all.SortByTime();
  return all;
}

}  // namespace ebb::load
