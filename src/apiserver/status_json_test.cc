#include "apiserver/status_json.h"

#include <gtest/gtest.h>

namespace ebb::apiserver {
namespace {

using nlohmann::json;

TEST(StatusJsonTest, NotFoundNamesThePlural) {
  Status s(Code::kNotFound, "services.serving.knative.dev \"hello\" not found");
  json out = FailureStatus(s, KnativeDetails(api::Kind::kService, "hello", s.code()));
  EXPECT_EQ(out, json::parse(R"({"kind":"Status","apiVersion":"v1","metadata":{},
      "status":"Failure","message":"services.serving.knative.dev \"hello\" not found",
      "reason":"NotFound","code":404,
      "details":{"name":"hello","group":"serving.knative.dev","kind":"services"}})"));
}

TEST(StatusJsonTest, ConflictAndAlreadyExistsAre409WithTheirReasons) {
  json conflict = FailureStatus(Status(Code::kConflict, "modified"),
                                KnativeDetails(api::Kind::kRoute, "r", Code::kConflict));
  EXPECT_EQ(conflict["code"], 409);
  EXPECT_EQ(conflict["reason"], "Conflict");
  EXPECT_EQ(conflict["details"]["kind"], "routes");
  json exists = FailureStatus(Status(Code::kAlreadyExists, "exists"));
  EXPECT_EQ(exists["code"], 409);
  EXPECT_EQ(exists["reason"], "AlreadyExists");
  EXPECT_FALSE(exists.contains("details"));
}

TEST(StatusJsonTest, InvalidNamesTheKindAndListsCauses) {
  Status s = Status::Invalid(
      "Service.serving.knative.dev \"bad\" is invalid",
      {{"spec.template.spec.containers[0].image", "FieldValueRequired", "Required value"}});
  json out = FailureStatus(s, KnativeDetails(api::Kind::kService, "bad", s.code()));
  EXPECT_EQ(out["code"], 422);
  EXPECT_EQ(out["reason"], "Invalid");
  EXPECT_EQ(out["details"], json::parse(R"({"name":"bad","group":"serving.knative.dev",
      "kind":"Service","causes":[{"reason":"FieldValueRequired","message":"Required value",
      "field":"spec.template.spec.containers[0].image"}]})"));
}

TEST(StatusJsonTest, OtherShapes) {
  json unauthorized = FailureStatus(Status(Code::kUnauthorized, "Unauthorized"));
  EXPECT_EQ(unauthorized["code"], 401);
  EXPECT_EQ(unauthorized["reason"], "Unauthorized");
  EXPECT_EQ(unauthorized["status"], "Failure");

  json big = FailureStatus(413, "RequestEntityTooLarge", "too big");
  EXPECT_EQ(big["code"], 413);
  EXPECT_EQ(big["reason"], "RequestEntityTooLarge");

  json ok = SuccessStatus({"hello", "serving.knative.dev", "services", "u-1"});
  EXPECT_EQ(ok, json::parse(R"({"kind":"Status","apiVersion":"v1","metadata":{},
      "status":"Success","details":{"name":"hello","group":"serving.knative.dev",
      "kind":"services","uid":"u-1"}})"));

  json missing = PathNotFoundStatus();
  EXPECT_EQ(missing["code"], 404);
  EXPECT_EQ(missing["message"], "the server could not find the requested resource");
  EXPECT_EQ(missing["details"], json::object());
}

}  // namespace
}  // namespace ebb::apiserver
