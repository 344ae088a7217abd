#include "api/codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/codec_internal.h"

namespace ebb::api {
namespace {

using nlohmann::json;

std::vector<json> MustParse(const std::string& text) {
  Result<std::vector<json>> r = ParseManifests(text, "test.yaml");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<json>{};
}

constexpr char kService[] = R"(apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello
  annotations:
    note: "8080"
spec:
  template:
    spec:
      containerConcurrency: 10
      containers:
        - image: ./bin/hello
          env:
            - name: TARGET
              value: 'World'
            - name: DEBUG
              value: "true"
          ports:
            - containerPort: 8080
)";

TEST(ParseManifestsTest, YamlService) {
  std::vector<json> docs = MustParse(kService);
  ASSERT_EQ(docs.size(), 1u);
  const json& s = docs[0];
  EXPECT_EQ(s["kind"], "Service");
  EXPECT_EQ(s["metadata"]["annotations"]["note"], "8080");  // quoted stays a string
  const json& spec = s["spec"]["template"]["spec"];
  EXPECT_EQ(spec["containerConcurrency"], 10);
  EXPECT_TRUE(spec["containerConcurrency"].is_number_integer());
  EXPECT_EQ(spec["containers"][0]["env"][0]["value"], "World");
  EXPECT_EQ(spec["containers"][0]["env"][1]["value"], "true");
  EXPECT_EQ(spec["containers"][0]["ports"][0]["containerPort"], 8080);
}

struct ScalarCase {
  const char* yaml;
  json want;
};

class ScalarTypingTest : public testing::TestWithParam<ScalarCase> {};

TEST_P(ScalarTypingTest, Types) {
  std::vector<json> docs = MustParse(std::string("v: ") + GetParam().yaml);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["v"], GetParam().want) << GetParam().yaml;
  EXPECT_EQ(docs[0]["v"].type(), GetParam().want.type()) << GetParam().yaml;
}

INSTANTIATE_TEST_SUITE_P(
    All, ScalarTypingTest,
    testing::Values(
        ScalarCase{"true", true}, ScalarCase{"True", true}, ScalarCase{"FALSE", false},
        ScalarCase{"null", nullptr}, ScalarCase{"~", nullptr}, ScalarCase{"", nullptr},
        ScalarCase{"42", 42}, ScalarCase{"-7", -7}, ScalarCase{"+3", 3}, ScalarCase{"0o17", 15},
        ScalarCase{"0x1F", 31}, ScalarCase{"1.5", 1.5}, ScalarCase{"1e3", 1000.0},
        ScalarCase{".5", 0.5}, ScalarCase{"18446744073709551615", json(18446744073709551615ull)},
        ScalarCase{"-9223372036854775808", json(INT64_MIN)}, ScalarCase{"'42'", "42"},
        ScalarCase{"\"true\"", "true"}, ScalarCase{"'null'", "null"}, ScalarCase{"yes", "yes"},
        ScalarCase{"on", "on"}, ScalarCase{".inf", ".inf"},
        ScalarCase{"hello world", "hello world"}, ScalarCase{"1.2.3", "1.2.3"},
        ScalarCase{"!!str 42", "42"}, ScalarCase{"!!int 42", 42}, ScalarCase{"!!float 1", 1.0},
        ScalarCase{"!!bool true", true}, ScalarCase{"!!null ~", nullptr},
        ScalarCase{"!custom 5", "5"}, ScalarCase{"|\n  a\n  b\n", "a\nb\n"},
        ScalarCase{">-\n  a\n  b\n", "a b"}, ScalarCase{"[1, \"2\", x]", json({1, "2", "x"})},
        ScalarCase{"{a: 1}", json({{"a", 1}})}, ScalarCase{"2024-01-01", "2024-01-01"}));

TEST(ParseManifestsTest, MultiDocumentSkipsEmptyDocuments) {
  std::vector<json> docs = MustParse("---\nkind: A\n---\n---\n# comment only\n---\nkind: B\n...\n");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0]["kind"], "A");
  EXPECT_EQ(docs[1]["kind"], "B");
  EXPECT_TRUE(MustParse("").empty());
  EXPECT_TRUE(MustParse("# nothing\n").empty());
}

TEST(ParseManifestsTest, ListKindsAreExpanded) {
  std::vector<json> docs =
      MustParse("apiVersion: v1\nkind: List\nitems:\n- kind: A\n- kind: B\n---\nkind: C\n");
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[2]["kind"], "C");
  docs = MustParse(R"({"kind": "ServiceList", "items": [{"kind": "Service"}]})");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["kind"], "Service");
}

TEST(ParseManifestsTest, Json) {
  std::vector<json> docs = MustParse(R"({"kind": "Service", "n": 1.5, "s": "x"})");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["n"], 1.5);
  docs = MustParse(R"([{"kind": "A"}, {"kind": "B"}])");
  ASSERT_EQ(docs.size(), 2u);
}

TEST(ParseManifestsTest, YamlFlowMappingStartingWithBrace) {
  std::vector<json> docs = MustParse("{kind: Service, metadata: {name: x}}");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["metadata"]["name"], "x");
}

struct ErrorCase {
  const char* text;
  const char* want;  // fragment of the message
};

class ParseErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(ParseErrorTest, NamesSourceLineAndColumn) {
  Result<std::vector<json>> r = ParseManifests(GetParam().text, "service.yaml");
  ASSERT_FALSE(r.ok()) << GetParam().text;
  EXPECT_EQ(r.status().code(), Code::kBadRequest);
  EXPECT_NE(r.status().message().find(GetParam().want), std::string::npos) << r.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    All, ParseErrorTest,
    testing::Values(
        ErrorCase{"apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n   bad: [\n",
                  "service.yaml: line 5, column "},
        ErrorCase{"a: 1\n  b: 2\n", "service.yaml: line 2, column 4: illegal map value"},
        ErrorCase{"a: 1\nb: 2\na: 3\n", "service.yaml: line 3, column 1: duplicate key \"a\""},
        ErrorCase{"- a\n- b\n", "service.yaml: line 1, column 1: a manifest must be an object"},
        ErrorCase{"just a string\n", "must be an object"},
        ErrorCase{"? [a, b]\n: c\n", "mapping keys must be plain values"},
        ErrorCase{"v: !!int abc\n", "does not match its tag"},
        ErrorCase{"v: \"\xff\"\n", "invalid UTF-8"},
        ErrorCase{"kind: List\nitems: 3\n", "the items of a List must be a list"},
        ErrorCase{"kind: List\nitems: [1]\n", "every item of a List must be an object"},
        ErrorCase{"{\"kind\": \"Service\",\n  \"spec\": }\n", "service.yaml: line 2, column 11: "},
        ErrorCase{"[1]", "must be an object"}));

TEST(ParseJsonTest, LineAndColumn) {
  Result<json> ok = ParseJson(R"({"a": [1, 2]})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["a"][1], 2);
  Result<json> bad = ParseJson("{\n  \"a\": 1,\n  \"b\" 2\n}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kBadRequest);
  EXPECT_EQ(bad.status().message().rfind("line 3, column 7: ", 0), 0u) << bad.status().message();
  EXPECT_NE(bad.status().message().find("syntax error"), std::string::npos);
  EXPECT_FALSE(ParseJson("").ok());
  EXPECT_FALSE(ParseJson("{} {}").ok());
}

TEST(ParseJsonTest, RefusesDeepNesting) {
  std::string deep(1001, '[');
  deep += std::string(1001, ']');
  Result<json> r = ParseJson(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nesting deeper than 1000"), std::string::npos);
  std::string ok(1000, '[');
  ok += std::string(1000, ']');
  EXPECT_TRUE(ParseJson(ok).ok());
  EXPECT_TRUE(ParseJson(R"({"a": "[[[[\"[[[["})").ok());  // brackets in strings do not count
}

TEST(ToYamlTest, KubectlLayout) {
  json obj = {
      {"apiVersion", "serving.knative.dev/v1"},
      {"kind", "Service"},
      {"metadata", {{"name", "hello"}, {"labels", json::object()}, {"generation", 1}}},
      {"spec",
       {{"template",
         {{"spec",
           {{"containers",
             {{{"image", "./bin/hello"},
               {"args", json::array()},
               {"env", {{{"name", "A"}, {"value", "1"}}, {{"name", "B"}, {"value", "yes"}}}}}}},
            {"timeoutSeconds", 300}}}}},
        {"traffic", {{{"latestRevision", true}, {"percent", 100}}}}}},
      {"status", {{"ratio", 0.5}, {"gone", nullptr}}}};
  EXPECT_EQ(ToYaml(obj), R"(apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  generation: 1
  labels: {}
  name: hello
spec:
  template:
    spec:
      containers:
      - args: []
        env:
        - name: A
          value: "1"
        - name: B
          value: "yes"
        image: ./bin/hello
      timeoutSeconds: 300
  traffic:
  - latestRevision: true
    percent: 100
status:
  gone: null
  ratio: 0.5
)");
}

struct QuoteCase {
  const char* in;
  const char* out;
};

class ToYamlQuotingTest : public testing::TestWithParam<QuoteCase> {};

TEST_P(ToYamlQuotingTest, Quotes) {
  EXPECT_EQ(ToYaml(json{{"k", GetParam().in}}), std::string("k: ") + GetParam().out + "\n");
}

INSTANTIATE_TEST_SUITE_P(
    All, ToYamlQuotingTest,
    testing::Values(
        QuoteCase{"plain", "plain"}, QuoteCase{"two words", "two words"}, QuoteCase{"", "\"\""},
        QuoteCase{"true", "\"true\""}, QuoteCase{"null", "\"null\""}, QuoteCase{"~", "\"~\""},
        QuoteCase{"123", "\"123\""}, QuoteCase{"1.5", "\"1.5\""}, QuoteCase{"0x1F", "\"0x1F\""},
        QuoteCase{"yes", "\"yes\""}, QuoteCase{"Off", "\"Off\""}, QuoteCase{"1:20", "\"1:20\""},
        QuoteCase{"1_000", "\"1_000\""}, QuoteCase{"*", "'*'"}, QuoteCase{"-", "'-'"},
        QuoteCase{"- x", "'- x'"}, QuoteCase{"-x", "-x"}, QuoteCase{"a: b", "'a: b'"},
        QuoteCase{"a #b", "'a #b'"}, QuoteCase{"a#b", "a#b"}, QuoteCase{"key:", "'key:'"},
        QuoteCase{" lead", "' lead'"}, QuoteCase{"trail ", "'trail '"}, QuoteCase{"it's", "it's"},
        QuoteCase{"'q'", "'''q'''"}, QuoteCase{"{x}", "'{x}'"}, QuoteCase{"@at", "'@at'"},
        QuoteCase{"%p", "'%p'"}, QuoteCase{"---", "'---'"},
        QuoteCase{"tab\there", "\"tab\\there\""}, QuoteCase{"bell\x07", "\"bell\\x07\""},
        QuoteCase{"http://x.io/a?b=c", "http://x.io/a?b=c"},
        QuoteCase{"caf\xC3\xA9", "caf\xC3\xA9"}, QuoteCase{"a\"b", "a\"b"},
        QuoteCase{" \n", "\" \\n\""}, QuoteCase{"\nx", "\"\\nx\""},
        QuoteCase{"a \nb", "\"a \\nb\""}));

TEST(ToYamlTest, LiteralBlocks) {
  EXPECT_EQ(ToYaml(json{{"a", {{"k", "line1\nline2\n"}}}}), "a:\n  k: |\n    line1\n    line2\n");
  EXPECT_EQ(ToYaml(json{{"k", "x\ny"}}), "k: |-\n  x\n  y\n");
  EXPECT_EQ(ToYaml(json{{"k", "x\n\n"}}), "k: |+\n  x\n\n");
  EXPECT_EQ(ToYaml(json{{"k", "x\n\ny\n"}}), "k: |\n  x\n\n  y\n");
  EXPECT_EQ(ToYaml(json{{"l", {"a\nb\n"}}}), "l:\n- |\n  a\n  b\n");
}

TEST(ToYamlTest, TopLevelShapes) {
  EXPECT_EQ(ToYaml(json::object()), "{}\n");
  EXPECT_EQ(ToYaml(json::array()), "[]\n");
  EXPECT_EQ(ToYaml(json(5)), "5\n");
  EXPECT_EQ(ToYaml(json("true")), "\"true\"\n");
  EXPECT_EQ(ToYaml(json{1, "a"}), "- 1\n- a\n");
  EXPECT_EQ(ToYaml(json::parse(R"([[1, 2], {"a": 1, "b": [3]}])")),
            "- - 1\n  - 2\n- a: 1\n  b:\n  - 3\n");
  EXPECT_EQ(ToYaml(json{{"true", 1}, {"a b", 2}}), "a b: 2\n\"true\": 1\n");
}

// Everything ToYaml writes reads back as the same JSON.
class RoundTripTest : public testing::TestWithParam<const char*> {};

TEST_P(RoundTripTest, YamlThenParse) {
  json in = json::parse(GetParam());
  std::string yaml = ToYaml(in);
  Result<std::vector<json>> back = ParseManifests(yaml, "roundtrip");
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << yaml;
  ASSERT_EQ(back->size(), 1u) << yaml;
  EXPECT_EQ((*back)[0], in) << yaml;
}

INSTANTIATE_TEST_SUITE_P(
    All, RoundTripTest,
    testing::Values(
        R"({"a": "true", "b": true, "c": "1", "d": 1, "e": 1.5, "f": "1.5", "g": null,
            "h": "null", "i": "", "j": [], "k": {}, "l": "yes", "m": "~"})",
        R"({"s": ["- x", "a: b", "#c", "'q'", "\"dq\"", "x\ny", "x\n", "x\n\n", " a", "b ",
                  "tab\tx", "uni\u00e9", "\u0001", "{}", "[]", "&a", "*a", "!t", "%", "@",
                  "`", "|", ">", "?", ":", "? x", ": x", "-", "--- x", "... x", "\n", " \n",
                  "a \n b", "1:20", "0o7", "0x1", "1e3", ".5", "+1", "-0", "1_0"]})",
        R"({"last-applied": "{\"apiVersion\":\"v1\",\"kind\":\"Service\"}\n",
            "nested": {"deep": [[1, [2, {"x": []}]], {"y": {"z": {}}}]},
            "big": 18446744073709551615, "neg": -9223372036854775808, "f": 1e+100})"));

TEST(PlainScalarTest, Resolution) {
  EXPECT_TRUE(internal::ResolvePlainScalar("12").is_number_integer());
  EXPECT_TRUE(internal::ResolvePlainScalar("99999999999999999999999").is_number_float());
  EXPECT_TRUE(internal::ResolvePlainScalar("-99999999999999999999").is_number_float());
  EXPECT_TRUE(internal::ResolvePlainScalar("1.").is_number_float());
  EXPECT_TRUE(internal::ResolvePlainScalar("0o8").is_string());
  EXPECT_TRUE(internal::PlainTextIsAmbiguous("on"));
  EXPECT_FALSE(internal::PlainTextIsAmbiguous("hello"));
  EXPECT_FALSE(internal::PlainTextIsAmbiguous("1.2.3"));
}

}  // namespace
}  // namespace ebb::api
