// The documents that tell clients what this server serves: /version, API discovery (aggregated
// v2/v2beta1 and legacy) and the OpenAPI v3 documents kubectl needs for apply/create/edit
// (kubectl-compat.md §2.1-2.4). Pure functions of their arguments.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/media.h"

namespace ebb::apiserver {

// GET /version: minor "32" makes the kubectl dispatcher run kubectl 1.32 (§1.1).
nlohmann::json VersionInfo();

// GET /api: aggregated (one group "" with the core resources) or legacy APIVersions.
// `address` ("127.0.0.1:6443") goes in serverAddressByClientCIDRs.
nlohmann::json CoreDiscovery(DiscoveryFormat format, const std::string& address);
// GET /apis: aggregated (serving.knative.dev) or legacy APIGroupList.
nlohmann::json GroupDiscovery(DiscoveryFormat format);
// GET /apis/serving.knative.dev: the APIGroup.
nlohmann::json KnativeGroup();
// GET /api/v1 and /apis/serving.knative.dev/v1: APIResourceList.
nlohmann::json CoreResourceList();
nlohmann::json KnativeResourceList();

// GET /openapi/v3/apis/serving.knative.dev/v1: one PATCH operation per kind carrying
// x-kubernetes-group-version-kind and a fieldValidation parameter (so kubectl validates on the
// server), and schemas that keep unknown fields (so `kubectl explain` works). No
// strategic-merge-patch content type anywhere (kubectl would try to send one).
nlohmann::json OpenApiKnative();
// GET /openapi/v3: points at the document above with `?hash=<hash of it>`.
nlohmann::json OpenApiRoot();

}  // namespace ebb::apiserver
