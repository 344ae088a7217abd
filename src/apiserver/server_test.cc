// End-to-end over HTTPS: a real ApiServer with a SQLite store, driven by net::HttpsRequest.
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "apiserver/media.h"
#include "apiserver/test_support.h"

namespace ebb::apiserver::test {
namespace {

using nlohmann::json;

constexpr char kServices[] = "/apis/serving.knative.dev/v1/namespaces/default/services";
constexpr char kHello[] = "/apis/serving.knative.dev/v1/namespaces/default/services/hello";

json Body(const net::HttpResponse& res) { return json::parse(res.body, nullptr, false); }

TEST_F(ServerTest, RequiresTheBearerToken) {
  for (std::string token : {std::string(), std::string("wrong"), endpoint_.bearer_token + "x"}) {
    net::HttpsEndpoint ep = endpoint_;
    ep.bearer_token = token;
    auto res = net::HttpsRequest(ep, "GET", "/version", "", "", "application/json");
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    EXPECT_EQ(res->status, 401);
    EXPECT_EQ(Body(*res)["reason"], "Unauthorized");
    EXPECT_EQ(Body(*res)["kind"], "Status");
  }
}

TEST_F(ServerTest, ServesTlsThatVerifiesOnlyAgainstTheGeneratedCa) {
  net::HttpsEndpoint other = endpoint_;
  TempDir elsewhere;
  Options opts;
  opts.listen = "127.0.0.1:0";
  opts.data_dir = elsewhere.File("data");
  auto second = ApiServer::Start(opts, *registry_, core_, clock_);
  ASSERT_TRUE(second.ok());
  other.ca_pem = (*second)->ca_pem();  // a different CA
  auto res = net::HttpsRequest(other, "GET", "/version", "", "", "");
  EXPECT_EQ(res.status().code(), Code::kUnavailable);

  net::HttpsEndpoint by_name = endpoint_;
  by_name.host = "localhost";
  auto named = net::HttpsRequest(by_name, "GET", "/version", "", "", "");
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_EQ(named->status, 200);
}

TEST_F(ServerTest, WritesAKubeconfigForTheBoundPort) {
  std::ifstream in(server_->kubeconfig_path());
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("server: https://" + server_->address() + "\n"), std::string::npos);
  EXPECT_NE(text.str().find("token: " + server_->token()), std::string::npos);
  struct stat st {};
  ASSERT_EQ(stat(server_->kubeconfig_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ServerTest, VersionAndDiscovery) {
  EXPECT_EQ(GetJson("/version?timeout=5s")["minor"], "32");

  auto agg = Call("GET", "/apis", "", "",
                  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                  "application/json");
  ASSERT_TRUE(agg.ok());
  EXPECT_EQ(agg->content_type,
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  EXPECT_EQ(Body(*agg)["items"][0]["metadata"]["name"], "serving.knative.dev");

  json legacy = GetJson("/api", "application/json, */*");
  EXPECT_EQ(legacy["kind"], "APIVersions");
  EXPECT_EQ(legacy["serverAddressByClientCIDRs"][0]["serverAddress"], server_->address());
  EXPECT_EQ(GetJson("/apis/serving.knative.dev/v1")["kind"], "APIResourceList");
  EXPECT_EQ(GetJson("/api/v1")["groupVersion"], "v1");
}

TEST_F(ServerTest, OpenApiV3ButNotV2) {
  json root = GetJson("/openapi/v3?timeout=32s");
  std::string url = root["paths"]["apis/serving.knative.dev/v1"]["serverRelativeURL"];
  auto doc = Call("GET", url + "&timeout=32s", "", "", "application/json");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->status, 200);
  EXPECT_EQ(Body(*doc)["openapi"], "3.0.0");
  auto v2 = Call("GET", "/openapi/v2?timeout=32s", "", "",
                 "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->status, 404);
  EXPECT_EQ(Body(*v2)["reason"], "NotFound");
}

TEST_F(ServerTest, CreateGetListDelete) {
  json created = CreateService(MakeService("hello"));
  EXPECT_FALSE(created["metadata"].value("uid", "").empty());
  EXPECT_FALSE(created["metadata"].value("resourceVersion", "").empty());

  json got = GetJson(kHello);
  EXPECT_EQ(got["metadata"]["uid"], created["metadata"]["uid"]);

  json list = GetJson(std::string(kServices) + "?limit=500");
  EXPECT_EQ(list["kind"], "ServiceList");
  EXPECT_FALSE(list["metadata"].value("resourceVersion", "").empty());
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["metadata"]["name"], "hello");
  EXPECT_EQ(GetJson("/apis/serving.knative.dev/v1/services")["items"].size(), 1u);

  auto del = Call("DELETE", kHello, R"({"propagationPolicy":"Background"})");
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(del->status, 200) << del->body;
  EXPECT_EQ(Body(*del)["status"], "Success");
  EXPECT_EQ(Body(*del)["details"]["uid"], created["metadata"]["uid"]);
  auto gone = Call("GET", kHello);
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->status, 404);
  EXPECT_EQ(Body(*gone)["details"],
            json::parse(R"({"name":"hello","group":"serving.knative.dev","kind":"services"})"));
}

TEST_F(ServerTest, CreateErrors) {
  CreateService(MakeService("hello"));
  auto again = Call("POST", kServices, MakeService("hello").dump());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(Body(*again)["reason"], "AlreadyExists");

  auto invalid = Call("POST", kServices, MakeService("bad", "").dump());
  ASSERT_TRUE(invalid.ok());
  EXPECT_EQ(invalid->status, 422) << invalid->body;
  json details = Body(*invalid)["details"];
  EXPECT_EQ(details["kind"], "Service");
  EXPECT_EQ(details["name"], "bad");
  ASSERT_FALSE(details["causes"].empty());
  EXPECT_EQ(details["causes"][0]["field"], "spec.template.spec.containers[0].image");

  auto malformed = Call("POST", kServices, "{\"apiVersion\": \n  oops}");
  ASSERT_TRUE(malformed.ok());
  EXPECT_EQ(malformed->status, 400);
  EXPECT_NE(Body(*malformed)["message"].get<std::string>().find("line 2"), std::string::npos)
      << malformed->body;

  auto empty = Call("POST", kServices, "", "application/json");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->status, 400);
}

TEST_F(ServerTest, DryRunStoresNothing) {
  auto res = Call("POST", std::string(kServices) + "?dryRun=All", MakeService("hello").dump());
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(Call("GET", kHello)->status, 404);
  auto bad = Call("POST", std::string(kServices) + "?dryRun=Some", MakeService("hello").dump());
  EXPECT_EQ(bad->status, 400);
}

TEST_F(ServerTest, TablesForHumanGet) {
  CreateService(MakeService("hello"));
  auto res = Call("GET", std::string(kServices) + "?limit=500", "", "",
                  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;"
                  "v=v1beta1;g=meta.k8s.io,application/json");
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->content_type, kTableType);
  json table = Body(*res);
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["columnDefinitions"][0]["name"], "Name");
  ASSERT_EQ(table["rows"].size(), 1u);
  EXPECT_EQ(table["rows"][0]["cells"][0], "hello");
  EXPECT_EQ(table["rows"][0]["object"]["metadata"]["namespace"], "default");

  json one = GetJson(std::string(kHello) + "?includeObject=Object", kTableType);
  ASSERT_EQ(one["rows"].size(), 1u);
  EXPECT_EQ(one["rows"][0]["object"]["kind"], "Service");
}

TEST_F(ServerTest, Selectors) {
  json labelled = MakeService("a");
  labelled["metadata"]["labels"] = {{"team", "x"}};
  CreateService(labelled);
  CreateService(MakeService("b"));
  auto names = [&](const std::string& query) {
    std::vector<std::string> out;
    json list = GetJson(std::string(kServices) + "?" + query);
    for (const json& item : list["items"]) {
      out.push_back(item["metadata"]["name"]);
    }
    return out;
  };
  EXPECT_EQ(names("labelSelector=team%3Dx"), std::vector<std::string>{"a"});
  EXPECT_EQ(names("labelSelector=%21team"), std::vector<std::string>{"b"});
  EXPECT_EQ(names("fieldSelector=metadata.name%3Db"), std::vector<std::string>{"b"});
  auto bad = Call("GET", std::string(kServices) + "?labelSelector=team+in+%28x");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(Body(*bad)["reason"], "BadRequest");
}

TEST_F(ServerTest, Patches) {
  CreateService(MakeService("hello"));
  auto merge = Call("PATCH", kHello, R"({"metadata":{"annotations":{"owner":"me"}}})",
                    "application/merge-patch+json");
  ASSERT_TRUE(merge.ok());
  EXPECT_EQ(merge->status, 200) << merge->body;
  EXPECT_EQ(Body(*merge)["metadata"]["annotations"]["owner"], "me");

  auto json_patch =
      Call("PATCH", kHello, R"([{"op":"add","path":"/metadata/labels","value":{"a":"b"}}])",
           "application/json-patch+json");
  ASSERT_TRUE(json_patch.ok());
  EXPECT_EQ(json_patch->status, 200) << json_patch->body;
  EXPECT_EQ(Body(*json_patch)["metadata"]["labels"]["a"], "b");

  auto strategic =
      Call("PATCH", kHello, R"({"metadata":{}})", "application/strategic-merge-patch+json");
  ASSERT_TRUE(strategic.ok());
  EXPECT_EQ(strategic->status, 415);
  EXPECT_EQ(Body(*strategic)["reason"], "UnsupportedMediaType");
  EXPECT_EQ(Body(*strategic)["message"], kUnsupportedPatchMessage);

  auto missing =
      Call("PATCH", std::string(kServices) + "/nope", "{}", "application/merge-patch+json");
  EXPECT_EQ(missing->status, 404);
}

TEST_F(ServerTest, ServerSideApplyCreatesThenUpdates) {
  std::string target =
      std::string(kHello) + "?fieldManager=kubectl&fieldValidation=Strict&force=false";
  auto first = Call("PATCH", target, MakeService("hello").dump(), "application/apply-patch+yaml");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->status, 201) << first->body;
  auto second = Call("PATCH", target, MakeService("hello", "ghcr.io/x/y:2").dump(),
                     "application/apply-patch+yaml");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->status, 200) << second->body;
  EXPECT_EQ(Body(*second)["spec"]["template"]["spec"]["containers"][0]["image"], "ghcr.io/x/y:2");
}

TEST_F(ServerTest, ServerSideApplyTakesYaml) {
  std::string yaml =
      "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: hello\n"
      "spec:\n  template:\n    spec:\n      containers:\n      - image: ghcr.io/x/y:3\n";
  auto res = Call("PATCH", std::string(kHello) + "?fieldManager=ebb&force=true", yaml,
                  "application/apply-patch+yaml");
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 201) << res->body;
  auto bad = Call("PATCH", kHello, "spec: [unclosed", "application/apply-patch+yaml");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400) << bad->body;
}

TEST_F(ServerTest, ReplaceChecksTheResourceVersion) {
  json stale = CreateService(MakeService("hello"));
  auto touched =
      Call("PATCH", kHello, R"({"metadata":{"labels":{"a":"b"}}})", "application/merge-patch+json");
  ASSERT_EQ(touched->status, 200);
  stale["spec"]["template"]["spec"]["containers"][0]["image"] = "ghcr.io/x/y:2";
  json current = stale;
  current["metadata"]["resourceVersion"] = Body(*touched)["metadata"]["resourceVersion"];
  ASSERT_NE(current["metadata"]["resourceVersion"], stale["metadata"]["resourceVersion"]);

  auto conflict = Call("PUT", kHello, stale.dump());
  ASSERT_TRUE(conflict.ok());
  EXPECT_EQ(conflict->status, 409) << conflict->body;
  EXPECT_EQ(Body(*conflict)["reason"], "Conflict");
  EXPECT_EQ(Body(*conflict)["details"]["kind"], "services");

  auto ok = Call("PUT", kHello, current.dump());
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(Body(*ok)["spec"]["template"]["spec"]["containers"][0]["image"], "ghcr.io/x/y:2");

  json renamed = current;
  renamed["metadata"]["name"] = "other";
  EXPECT_EQ(Call("PUT", kHello, renamed.dump())->status, 400);
}

TEST_F(ServerTest, YamlBodiesForCreate) {
  std::string yaml =
      "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: hello\n"
      "spec:\n  template:\n    spec:\n      containers:\n      - image: ghcr.io/x/y:1\n";
  auto res = Call("POST", kServices, yaml, "application/yaml");
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 201) << res->body;
}

TEST_F(ServerTest, BodiesOverTheLimitAre413) {
  std::string big(4u << 20, ' ');
  big.front() = '{';
  big.back() = '}';
  auto res = Call("POST", kServices, big);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(Body(*res)["reason"], "RequestEntityTooLarge");
}

TEST_F(ServerTest, UnknownPathsAndMethods) {
  auto res = Call("GET", "/apis/apps/v1/deployments");
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(Body(*res)["message"], "the server could not find the requested resource");
  auto post = Call("POST", "/version", "{}");
  EXPECT_EQ(post->status, 405);
  auto put_list = Call("PUT", kServices, "{}");
  EXPECT_EQ(put_list->status, 405);
}

TEST_F(ServerTest, StatusSubresource) {
  json created = CreateService(MakeService("hello"));
  json with_status = created;
  with_status["status"] = {{"observedGeneration", 1}, {"url", "http://hello.default.example.com"}};
  auto res = Call("PUT", std::string(kHello) + "/status", with_status.dump());
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(GetJson(std::string(kHello) + "/status")["status"]["url"],
            "http://hello.default.example.com");
  EXPECT_EQ(
      Call("PATCH", std::string(kHello) + "/status", "{}", "application/merge-patch+json")->status,
      405);
}

TEST_F(ServerTest, DeleteCollection) {
  CreateService(MakeService("a"));
  CreateService(MakeService("b"));
  auto res = Call("DELETE", kServices);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(Body(*res)["items"].size(), 2u);
  EXPECT_TRUE(GetJson(kServices)["items"].empty());
}

}  // namespace
}  // namespace ebb::apiserver::test

namespace ebb::apiserver::test {
namespace {

TEST_F(ServerTest, StartChecksItsOptions) {
  TempDir other;
  Options opts;
  opts.data_dir = other.File("data");
  opts.listen = "localhost:0";
  auto local = ApiServer::Start(opts, *registry_, core_, clock_);
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ((*local)->address().rfind("127.0.0.1:", 0), 0u) << (*local)->address();

  opts.listen = "no-port";
  EXPECT_EQ(ApiServer::Start(opts, *registry_, core_, clock_).status().code(), Code::kBadRequest);
  opts.listen = "127.0.0.1:0";
  opts.data_dir = "";
  EXPECT_EQ(ApiServer::Start(opts, *registry_, core_, clock_).status().code(), Code::kBadRequest);
  opts.data_dir = other.File("data2");
  opts.listen = server_->address();  // taken
  EXPECT_EQ(ApiServer::Start(opts, *registry_, core_, clock_).status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace ebb::apiserver::test
