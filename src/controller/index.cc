#include "controller/index.h"

#include "controller/meta.h"

namespace ebb::controller {

using nlohmann::json;

ControllerIndex::NsName ControllerIndex::RefKey(api::Kind kind, const std::string& ns,
                                                const std::string& name) {
  return {ns, (kind == api::Kind::kConfiguration ? "c/" : "r/") + name};
}

std::vector<std::string> ControllerIndex::OnRoute(const json& route, bool deleted) {
  const std::string ns = Namespace(route);
  const std::string name = Name(route);
  RouteRefs now;
  if (!deleted) {
    const json& targets = Field(Field(route, "spec"), "traffic");
    if (targets.is_array()) {
      for (const json& t : targets) {
        if (!Str(t, "configurationName").empty()) {
          now.configurations.insert(Str(t, "configurationName"));
        }
        if (!Str(t, "revisionName").empty()) now.revisions.insert(Str(t, "revisionName"));
      }
    }
    const json& traffic = Field(Field(route, "status"), "traffic");
    if (traffic.is_array()) {
      for (const json& t : traffic) {
        if (!Str(t, "revisionName").empty()) {
          now.revisions.insert(Str(t, "revisionName"));
          now.routed.insert(Str(t, "revisionName"));
        }
      }
    }
  }

  std::vector<std::string> changed;
  std::lock_guard<std::mutex> lock(mu_);
  RouteRefs& was = routes_[{ns, name}];
  auto unref = [&](api::Kind kind, const std::string& target) {
    auto it = referenced_by_.find(RefKey(kind, ns, target));
    if (it == referenced_by_.end()) return;
    it->second.erase(name);
    if (it->second.empty()) referenced_by_.erase(it);
  };
  for (const std::string& c : was.configurations) unref(api::Kind::kConfiguration, c);
  for (const std::string& r : was.revisions) unref(api::Kind::kRevision, r);
  for (const std::string& c : now.configurations) {
    referenced_by_[RefKey(api::Kind::kConfiguration, ns, c)].insert(name);
  }
  for (const std::string& r : now.revisions) {
    referenced_by_[RefKey(api::Kind::kRevision, ns, r)].insert(name);
  }
  for (const std::string& r : was.routed) {
    if (now.routed.count(r)) continue;
    auto it = routed_count_.find({ns, r});
    if (it != routed_count_.end() && --it->second <= 0) {
      routed_count_.erase(it);
      changed.push_back(r);
    }
  }
  for (const std::string& r : now.routed) {
    if (was.routed.count(r)) continue;
    if (++routed_count_[{ns, r}] == 1) changed.push_back(r);
  }
  if (deleted) {
    routes_.erase({ns, name});
  } else {
    was = std::move(now);
  }
  return changed;
}

void ControllerIndex::OnRevision(const json& revision, bool deleted) {
  const std::string ns = Namespace(revision);
  const std::string name = Name(revision);
  const std::string config = deleted ? std::string() : Label(revision, label::kConfiguration);
  std::lock_guard<std::mutex> lock(mu_);
  auto old = revision_config_.find({ns, name});
  if (old != revision_config_.end() && old->second != config) {
    auto it = revisions_.find({ns, old->second});
    if (it != revisions_.end()) {
      it->second.erase(name);
      if (it->second.empty()) revisions_.erase(it);
    }
  }
  if (config.empty()) {
    if (old != revision_config_.end()) revision_config_.erase(old);
    return;
  }
  revision_config_[{ns, name}] = config;
  revisions_[{ns, config}][name] = revision;
}

std::vector<std::string> ControllerIndex::RoutesReferencing(api::Kind kind, const std::string& ns,
                                                            const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = referenced_by_.find(RefKey(kind, ns, name));
  if (it == referenced_by_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

bool ControllerIndex::Routed(const std::string& ns, const std::string& revision) const {
  std::lock_guard<std::mutex> lock(mu_);
  return routed_count_.count({ns, revision}) > 0;
}

std::vector<json> ControllerIndex::RevisionsOf(const std::string& ns,
                                               const std::string& configuration) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = revisions_.find({ns, configuration});
  std::vector<json> out;
  if (it == revisions_.end()) return out;
  out.reserve(it->second.size());
  for (const auto& [name, rev] : it->second) out.push_back(rev);
  return out;
}

}  // namespace ebb::controller
