// Server-side printing: meta.k8s.io/v1 Table objects with Knative's printer columns, and the
// human ages kubectl expects the server to format (kubectl-compat.md §2.5).
#pragma once

#include <chrono>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "api/kinds.h"
#include "common/clock.h"

namespace ebb::api {

// Kubernetes HumanDuration: "7s", "3m20s", "45m", "5h10m", "20h", "3d4h", "12d", "2y".
std::string HumanDuration(std::chrono::seconds d);

// Column definitions for a kind (Name, then the Knative CRD printer columns, then Age).
nlohmann::json TableColumns(Kind kind);
// One row: {"cells": [...], "object": PartialObjectMetadata or the full object}.
nlohmann::json TableRow(Kind kind, const nlohmann::json& object, Clock::time_point now,
                        bool include_full_object);
// A whole Table for a list of objects; resource_version goes in metadata.resourceVersion.
nlohmann::json ToTable(Kind kind, const std::vector<nlohmann::json>& objects,
                       const std::string& resource_version, Clock::time_point now,
                       bool include_full_object);

}  // namespace ebb::api
