// ApiServer: the Kubernetes-style HTTPS API that kubectl and the ebb CLI talk to
// (../shared/reference/kubectl-compat.md is the contract).
//
// It serves /version, discovery (/api, /apis), OpenAPI v3, the Knative kinds under
// /apis/serving.knative.dev/v1 (get/list/watch/create/update/patch/delete, Tables for kubectl's
// human output) by calling the Registry, and read-only core v1 objects (pods + logs, followed
// logs streamed as they grow, the ingress gateway Service, events, namespaces) that other
// components provide through a CoreSource.
// Every request needs "Authorization: Bearer <token>"; errors are Kubernetes Status objects.
//
// On Start it creates (first start) or reuses in Options::data_dir: ca.crt/ca.key (the CA),
// apiserver.crt/apiserver.key (the serving certificate), token, and rewrites kubeconfig (cluster,
// user and context "ebb", pointing at the bound address) — see pki.h.
//
// Threading: the server runs its own io_context on its own thread; Registry and CoreSource are
// called from that thread (Registry watch callbacks come from store threads and are posted to
// it). Start/Stop/address may be called from any thread; Stop is idempotent and also run by the
// destructor. Registry, CoreSource and Clock must outlive the ApiServer.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace ebb::registry {
class Registry;
}

namespace ebb::apiserver {

struct Options {
  std::string listen = "127.0.0.1:6443";  // host:port; port 0 picks a free port
  std::string data_dir;                   // where the TLS material, token and kubeconfig live
  std::string user = "ebb-admin";         // the one user the token authenticates (creator etc.)
  // How often watches on core resources (pods, services, events) re-read the CoreSource to
  // find changes; core objects come from other components, which have no change feed.
  std::chrono::milliseconds core_poll_interval{1000};
};

// A pod's log as it grows, for `kubectl logs -f` (pods/{name}/log?follow=true). Created by
// CoreSource::FollowPodLog with a `wake` callback; destroying the follower unregisters it.
class PodLogFollower {
 public:
  struct Chunk {
    std::string data;    // bytes written since the previous Read (the first: the tail asked for)
    bool ended = false;  // the log is complete (the pod is gone): no more Reads are needed
  };
  virtual ~PodLogFollower();
  // Never blocks. Called on the API server thread.
  virtual Chunk Read() = 0;
};

// Read-only core v1 objects owned by other components. The default implementation provides
// none (no pods, no events, no gateway address). Called on the API server thread; must not block
// for long.
class CoreSource {
 public:
  virtual ~CoreSource();
  // Pod objects (apiVersion v1, kind Pod, metadata, spec.containers[].name, status) in `ns`, or
  // in every namespace when `ns` is empty. The server applies label/field selectors.
  virtual std::vector<nlohmann::json> Pods(std::string_view ns);
  // The pod's log as text; the last `tail_lines` lines when set. kNotFound for unknown pods.
  virtual Result<std::string> PodLog(std::string_view ns, std::string_view name,
                                     std::optional<int> tail_lines);
  // The pod's log to follow from its last `tail_lines` lines (every kept line when unset).
  // `wake` may be called from any thread, at any time until the follower is destroyed, when
  // Read has more to give (or the log ended); it must be quick. kNotFound for unknown pods.
  // The default reads PodLog once and ends (a source that cannot stream answers as it is now).
  virtual Result<std::unique_ptr<PodLogFollower>> FollowPodLog(std::string_view ns,
                                                               std::string_view name,
                                                               std::optional<int> tail_lines,
                                                               std::function<void()> wake);
  // The gateway's address for istio-system/knative-ingressgateway's
  // status.loadBalancer.ingress[0].ip ("" = not known yet: no ingress entry).
  virtual std::string GatewayIp();
  // The port the gateway listens on for plain HTTP (0 = not known): published as the Service's
  // spec.ports[0].nodePort/targetPort, next to port 80.
  virtual int GatewayPort();
  // Event objects (apiVersion v1, kind Event) in `ns` (every namespace when empty). The server
  // applies field selectors (involvedObject.*).
  virtual std::vector<nlohmann::json> Events(std::string_view ns);
};

class ApiServer {
 public:
  // Creates/loads the TLS material, binds Options::listen and starts serving.
  // Errors: kBadRequest (bad listen address or empty data_dir), kUnavailable (bind failed),
  // kInternal (TLS material could not be created or written).
  static Result<std::unique_ptr<ApiServer>> Start(const Options& options,
                                                  registry::Registry& registry, CoreSource& core,
                                                  const Clock& clock);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // The bound address, "127.0.0.1:PORT" (the real port when Options asked for 0).
  std::string address() const;
  // Paths of what Start wrote, and the PEM of the CA (for clients in tests).
  std::string kubeconfig_path() const;
  std::string ca_pem() const;
  std::string token() const;

  // Stops accepting, closes every connection (watch streams included) and joins the thread.
  void Stop();

 private:
  struct Impl;  // asio/Beast state, in server.cc
  explicit ApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ebb::apiserver
