#include "cli/server_error.h"

#include <gtest/gtest.h>

#include <sstream>

namespace ebb::cli {
namespace {

using nlohmann::json;

ApiResponse StatusResponse(int code, const std::string& reason, const std::string& message,
                           json details = nullptr) {
  json body = {{"kind", "Status"},   {"apiVersion", "v1"}, {"status", "Failure"},
               {"message", message}, {"reason", reason},   {"code", code}};
  if (!details.is_null()) body["details"] = std::move(details);
  return ApiResponse{code, body, ""};
}

TEST(ServerErrorTest, NotFound) {
  ApiResponse r =
      StatusResponse(404, "NotFound", "services.serving.knative.dev \"hello\" not found");
  EXPECT_EQ(FormatServerError(r),
            "Error from server (NotFound): services.serving.knative.dev \"hello\" not found");
  EXPECT_EQ(FormatServerError(r, "error when deleting \"svc.yaml\""),
            "Error from server (NotFound): error when deleting \"svc.yaml\": "
            "services.serving.knative.dev \"hello\" not found");
}

TEST(ServerErrorTest, Conflicts) {
  EXPECT_EQ(FormatServerError(StatusResponse(
                409, "AlreadyExists", "services.serving.knative.dev \"hello\" already exists")),
            "Error from server (AlreadyExists): services.serving.knative.dev \"hello\" already "
            "exists");
  EXPECT_EQ(FormatServerError(StatusResponse(409, "Conflict", "the object has been modified")),
            "Error from server (Conflict): the object has been modified");
}

TEST(ServerErrorTest, InvalidWithOneCause) {
  json details = {{"name", "bad"},
                  {"kind", "Service"},
                  {"causes",
                   {{{"reason", "FieldValueRequired"},
                     {"message", "Required value"},
                     {"field", "spec.template.spec.containers[0].image"}}}}};
  EXPECT_EQ(FormatServerError(StatusResponse(422, "Invalid", "ignored", details)),
            "The Service \"bad\" is invalid: spec.template.spec.containers[0].image: Required "
            "value");
}

TEST(ServerErrorTest, InvalidWithSeveralCauses) {
  json details = {{"name", "bad"},
                  {"kind", "Service"},
                  {"causes",
                   {{{"message", "Required value"}, {"field", "spec.a"}},
                    {{"message", "must be a DNS-1035 label"}, {"field", "metadata.name"}},
                    {{"message", "Traffic targets sum to 90, want 100"}}}}};
  EXPECT_EQ(FormatServerError(StatusResponse(422, "Invalid", "ignored", details)),
            "The Service \"bad\" is invalid: \n"
            "* spec.a: Required value\n"
            "* metadata.name: must be a DNS-1035 label\n"
            "* Traffic targets sum to 90, want 100");
}

TEST(ServerErrorTest, InvalidWithoutDetails) {
  EXPECT_EQ(FormatServerError(StatusResponse(422, "Invalid", "bad things")),
            "The request is invalid: bad things");
}

TEST(ServerErrorTest, Unauthorized) {
  EXPECT_EQ(FormatServerError(StatusResponse(401, "Unauthorized", "Unauthorized")),
            "error: You must be logged in to the server (Unauthorized)");
  EXPECT_EQ(FormatServerError(ApiResponse{401, nullptr, ""}),
            "error: You must be logged in to the server (the server has asked for the client to "
            "provide credentials)");
}

TEST(ServerErrorTest, BodiesThatAreNotStatus) {
  EXPECT_EQ(FormatServerError(ApiResponse{404, nullptr, "404 page not found\n"}),
            "Error from server (NotFound): the server could not find the requested resource");
  EXPECT_EQ(FormatServerError(ApiResponse{500, nullptr, "oops\n"}),
            "Error from server (InternalError): an error on the server (\"oops\") has prevented "
            "the request from succeeding");
  EXPECT_EQ(FormatServerError(ApiResponse{405, json{{"kind", "Status"}}, ""}),
            "Error from server (MethodNotAllowed): an error on the server (\"unknown\") has "
            "prevented the request from succeeding");
}

TEST(ServerErrorTest, Transport) {
  EXPECT_EQ(FormatTransportError(Status(Code::kUnavailable, "connect 127.0.0.1:6443: refused")),
            "Unable to connect to the server: connect 127.0.0.1:6443: refused");
  EXPECT_EQ(FormatTransportError(Status(Code::kInternal, "malformed watch event: x")),
            "error: malformed watch event: x");
}

TEST(ServerErrorTest, CheckResponse) {
  std::ostringstream err;
  EXPECT_TRUE(CheckResponse(Result<ApiResponse>(ApiResponse{200, nullptr, ""}), err));
  EXPECT_EQ(err.str(), "");
  EXPECT_FALSE(CheckResponse(Result<ApiResponse>(StatusResponse(404, "NotFound", "gone")), err));
  EXPECT_FALSE(CheckResponse(Result<ApiResponse>(Status(Code::kTimeout, "slow")), err));
  EXPECT_EQ(err.str(),
            "Error from server (NotFound): gone\nUnable to connect to the server: slow\n");
}

}  // namespace
}  // namespace ebb::cli
