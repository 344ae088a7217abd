#include "gateway/upstream_pool.h"

namespace ebb::gateway {

std::optional<Socket> UpstreamPool::Take(const InstancePtr& instance) {
  auto it = idle_.find(instance.get());
  if (it == idle_.end() || it->second.sockets.empty()) return std::nullopt;
  std::optional<Socket> socket(std::move(it->second.sockets.back()));
  it->second.sockets.pop_back();
  return socket;
}

void UpstreamPool::Put(const InstancePtr& instance, Socket socket) {
  if (instance->removed.load(std::memory_order_relaxed)) {
    Drop(instance.get());
    return;
  }
  Idle& idle = idle_[instance.get()];
  if (!idle.instance) idle.instance = instance;
  if (idle.sockets.size() >= max_idle_) return;
  idle.sockets.push_back(std::move(socket));
}

void UpstreamPool::Drop(const Instance* instance) { idle_.erase(instance); }

std::size_t UpstreamPool::idle_count() const {
  std::size_t n = 0;
  for (const auto& [key, idle] : idle_) n += idle.sockets.size();
  return n;
}

}  // namespace ebb::gateway
