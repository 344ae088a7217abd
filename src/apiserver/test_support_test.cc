// Definitions for test_support.h (a *_test.cc so that it is linked into apiserver_test only).
#include "apiserver/test_support.h"

#include <sstream>

namespace ebb::apiserver::test {

using nlohmann::json;

std::vector<json> FakeCoreSource::InNamespace(const std::vector<json>& objs, std::string_view ns) {
  std::vector<json> out;
  for (const json& obj : objs) {
    if (ns.empty() || obj["metadata"]["namespace"] == std::string(ns)) out.push_back(obj);
  }
  return out;
}

bool FakeCoreSource::HasPodLocked(std::string_view ns, std::string_view name) {
  for (const json& pod : InNamespace(pods_, ns)) {
    if (pod["metadata"]["name"] == std::string(name)) return true;
  }
  return false;
}

// Where the last `tail_lines` lines of log_ begin (a final newline ends a line).
size_t FakeCoreSource::TailOffsetLocked(std::optional<int> tail_lines) const {
  if (!tail_lines) return 0;
  size_t o = log_.size();
  if (o > 0 && log_[o - 1] == '\n') --o;
  for (int left = *tail_lines; o > 0; --o) {
    if (log_[o - 1] == '\n' && --left == 0) return o;
  }
  return *tail_lines == 0 ? log_.size() : 0;
}

Result<std::string> FakeCoreSource::PodLog(std::string_view ns, std::string_view name,
                                           std::optional<int> tail_lines) {
  std::lock_guard lock(mu_);
  if (!HasPodLocked(ns, name)) {
    return Status(Code::kNotFound, "pods \"" + std::string(name) + "\" not found");
  }
  return log_.substr(TailOffsetLocked(tail_lines));
}

namespace {

class FakeLogFollower final : public PodLogFollower {
 public:
  FakeLogFollower(FakeCoreSource& core, int id, size_t offset)
      : core_(core), id_(id), offset_(offset) {}
  ~FakeLogFollower() override { core_.Unfollow(id_); }
  Chunk Read() override { return core_.ReadLog(&offset_); }

 private:
  FakeCoreSource& core_;
  int id_;
  size_t offset_;
};

}  // namespace

Result<std::unique_ptr<PodLogFollower>> FakeCoreSource::FollowPodLog(
    std::string_view ns, std::string_view name, std::optional<int> tail_lines,
    std::function<void()> wake) {
  std::lock_guard lock(mu_);
  if (!HasPodLocked(ns, name)) {
    return Status(Code::kNotFound, "pods \"" + std::string(name) + "\" not found");
  }
  int id = next_follower_++;
  wakes_[id] = std::move(wake);
  return std::unique_ptr<PodLogFollower>(
      std::make_unique<FakeLogFollower>(*this, id, TailOffsetLocked(tail_lines)));
}

PodLogFollower::Chunk FakeCoreSource::ReadLog(size_t* offset) {
  std::lock_guard lock(mu_);
  PodLogFollower::Chunk chunk{log_.substr(std::min(*offset, log_.size())), log_ended_};
  *offset = log_.size();
  return chunk;
}

void FakeCoreSource::Unfollow(int id) {
  std::lock_guard lock(mu_);
  wakes_.erase(id);
}

void FakeCoreSource::WakeLocked() {
  for (auto& [id, wake] : wakes_) wake();
}

void FakeCoreSource::AppendLog(const std::string& more) {
  std::lock_guard lock(mu_);
  log_ += more;
  WakeLocked();
}

void FakeCoreSource::EndLog() {
  std::lock_guard lock(mu_);
  log_ended_ = true;
  WakeLocked();
}

json MakePod(const std::string& ns, const std::string& name,
             const std::map<std::string, std::string>& labels, bool ready) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name},
            {"namespace", ns},
            {"uid", "pod-" + name},
            {"resourceVersion", "3"},
            {"labels", labels},
            {"creationTimestamp", "2026-05-28T20:53:20Z"}}},
          {"spec",
           {{"containers", json::array({{{"name", "user-container"}}})}, {"nodeName", "local"}}},
          {"status",
           {{"phase", "Running"},
            {"podIP", "127.0.0.1"},
            {"containerStatuses",
             json::array({{{"name", "user-container"}, {"ready", ready}, {"restartCount", 2}}})}}}};
}

json MakeService(const std::string& name, const std::string& image) {
  return {
      {"apiVersion", "serving.knative.dev/v1"},
      {"kind", "Service"},
      {"metadata", {{"name", name}}},
      {"spec", {{"template", {{"spec", {{"containers", json::array({{{"image", image}}})}}}}}}}};
}

void ServerTest::SetUp() {
  auto store = store::OpenSqliteStore(dir_.File("store.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(store).value();
  registry_ = std::make_unique<registry::Registry>(*store_, config_, clock_);
  Options options;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir_.File("data");
  options.core_poll_interval = std::chrono::milliseconds(20);
  auto server = ApiServer::Start(options, *registry_, core_, clock_);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  server_ = std::move(server).value();
  std::string address = server_->address();
  endpoint_.host = address.substr(0, address.rfind(':'));
  endpoint_.port = std::stoi(address.substr(address.rfind(':') + 1));
  endpoint_.ca_pem = server_->ca_pem();
  endpoint_.bearer_token = server_->token();
  endpoint_.timeout = std::chrono::seconds(20);
}

void ServerTest::TearDown() {
  if (server_) server_->Stop();
}

Result<net::HttpResponse> ServerTest::Call(std::string_view method, std::string_view target,
                                           std::string_view body, std::string_view content_type,
                                           std::string_view accept) {
  return net::HttpsRequest(endpoint_, method, target, body.empty() ? "" : content_type, body,
                           accept);
}

json ServerTest::GetJson(std::string_view target, std::string_view accept) {
  auto res = Call("GET", target, "", "", accept);
  EXPECT_TRUE(res.ok()) << res.status().ToString();
  if (!res.ok()) return nullptr;
  EXPECT_EQ(res->status, 200) << target << ": " << res->body;
  json out = json::parse(res->body, nullptr, false);
  EXPECT_FALSE(out.is_discarded()) << res->body;
  return out;
}

json ServerTest::CreateService(const json& obj, const std::string& ns) {
  auto res =
      Call("POST", "/apis/serving.knative.dev/v1/namespaces/" + ns + "/services", obj.dump());
  EXPECT_TRUE(res.ok()) << res.status().ToString();
  if (!res.ok()) return nullptr;
  EXPECT_EQ(res->status, 201) << res->body;
  return json::parse(res->body, nullptr, false);
}

}  // namespace ebb::apiserver::test
