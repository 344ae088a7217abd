#include "load/load_flags.h"

#include <iterator>

namespace ebb::load {
namespace {

Result<std::string> Body(const LoadFlags& f, const FileReader& read_file) {
  if (!f.body_file.empty() && !f.body_string.empty()) {
    return Status(Code::kBadRequest, "give --body FILE or --body-string, not both");
  }
  if (!f.body_file.empty()) return read_file(f.body_file);
  return f.body_string;
}

Result<std::vector<Header>> Headers(const LoadFlags& f) {
  std::vector<Header> headers;
  for (const std::string& h : f.headers) {
    Result<Header> parsed = ParseHeader(h);
    if (!parsed.ok()) return parsed.status();
    headers.push_back(std::move(*parsed));
  }
  return headers;
}

// -H headers first, unless the target sets the same name itself.
void AddDefaults(Target& t, const std::vector<Header>& headers, const std::string& body) {
  std::vector<Header> merged;
  for (const Header& h : headers) {
    bool overridden = false;
    for (const Header& own : t.headers)
      overridden = overridden || EqualsIgnoreCase(own.name, h.name);
    if (!overridden) merged.push_back(h);
  }
  merged.insert(merged.end(), t.headers.begin(), t.headers.end());
  t.headers = std::move(merged);
  if (t.body.empty()) t.body = body;
}

Result<std::string> TargetsText(const LoadFlags& f, std::istream& in, bool in_is_terminal,
                                const FileReader& read_file) {
  if (!f.targets_file.empty() && f.targets_file != "-") return read_file(f.targets_file);
  if (f.targets_file.empty() && in_is_terminal) {
    return Status(Code::kBadRequest,
                  "no target: give a URL, --targets FILE, or targets on stdin "
                  "(\"GET http://host/path\" lines)");
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

Result<std::vector<Target>> BuildTargets(const LoadFlags& f, std::istream& in, bool in_is_terminal,
                                         const FileReader& read_file) {
  if (!f.url.empty() && !f.url_flag.empty() && f.url != f.url_flag) {
    return Status(Code::kBadRequest, "give the URL once (argument or --url)");
  }
  std::string url = f.url.empty() ? f.url_flag : f.url;
  Result<std::vector<Header>> headers = Headers(f);
  if (!headers.ok()) return headers.status();
  Result<std::string> body = Body(f, read_file);
  if (!body.ok()) return body.status();
  if (!url.empty()) {
    if (!f.targets_file.empty()) {
      return Status(Code::kBadRequest, "give a URL or --targets, not both");
    }
    Result<Url> parsed = ParseUrl(url);
    if (!parsed.ok()) return parsed.status();
    return std::vector<Target>{Target{f.method, url, std::move(*headers), std::move(*body)}};
  }
  Result<std::string> text = TargetsText(f, in, in_is_terminal, read_file);
  if (!text.ok()) return text.status();
  Result<std::vector<Target>> targets = ParseHttpTargets(*text, read_file);
  if (!targets.ok()) return targets.status();
  for (Target& t : *targets) AddDefaults(t, *headers, *body);
  return targets;
}

Result<AttackOptions> ToAttackOptions(const LoadFlags& f, std::vector<Target> targets) {
  AttackOptions o;
  o.targets = std::move(targets);
  Result<Rate> rate = ParseRate(f.rate);
  if (!rate.ok()) return rate.status();
  o.concurrency = f.concurrency;
  // -c alone means a closed loop: the default rate does not apply.
  o.rate = f.concurrency > 0 && !f.rate_given ? Rate{0, std::chrono::seconds(1)} : *rate;
  Result<Nanos> duration = ParseGoDuration(f.duration);
  if (!duration.ok())
    return Status(Code::kBadRequest, "--duration: " + duration.status().message());
  Result<Nanos> timeout = ParseGoDuration(f.timeout);
  if (!timeout.ok()) return Status(Code::kBadRequest, "--timeout: " + timeout.status().message());
  o.duration = *duration;
  o.timeout = *timeout;
  if (f.requests == 0 || f.requests < -1) return Status(Code::kBadRequest, "-n must be positive");
  if (f.requests > 0) o.requests = static_cast<std::uint64_t>(f.requests);
  o.max_connections = f.connections;
  o.keepalive = f.keepalive;
  o.threads = f.threads;
  EBB_RETURN_IF_ERROR(ValidateAttackOptions(o));
  return o;
}

std::optional<InstanceSource> InstanceSourceFor(const LoadFlags& f,
                                                const std::vector<Target>& targets) {
  InstanceSource source{f.kubeconfig, f.data_dir, f.ns, f.service};
  if (source.service.empty() && !targets.empty()) {
    std::optional<ServiceRef> ref = ServiceFromHost(EffectiveHost(targets[0]));
    if (!ref) return std::nullopt;
    source.service = ref->name;
    if (source.ns.empty()) source.ns = ref->ns;
  }
  if (source.service.empty()) return std::nullopt;
  return source;
}

std::string DescribeAttack(const LoadFlags& f, const std::vector<Target>& targets) {
  std::string what;
  if (!targets.empty()) {
    what = targets[0].method + " " + targets[0].url;
    for (const Header& h : targets[0].headers) {
      if (EqualsIgnoreCase(h.name, "Host")) what += " (Host: " + h.value + ")";
    }
    if (targets.size() > 1) what += " and " + std::to_string(targets.size() - 1) + " more";
  }
  std::string how =
      f.concurrency > 0 ? " with " + std::to_string(f.concurrency) + " workers" : " at " + f.rate;
  if (f.duration != "0") how += " for " + f.duration;
  if (f.requests > 0) how += ", " + std::to_string(f.requests) + " requests";
  return what + how;
}

}  // namespace ebb::load
