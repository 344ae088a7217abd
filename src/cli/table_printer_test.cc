#include "cli/table_printer.h"

#include <gtest/gtest.h>

#include <sstream>

namespace ebb::cli {
namespace {

using nlohmann::json;

json Column(const std::string& name, int priority = 0) {
  return {{"name", name}, {"type", "string"}, {"format", ""}, {"priority", priority}};
}

json Row(json cells, const std::string& ns = "default") {
  return {{"cells", std::move(cells)},
          {"object", {{"kind", "PartialObjectMetadata"}, {"metadata", {{"namespace", ns}}}}}};
}

json ServiceTable() {
  return {
      {"kind", "Table"},
      {"columnDefinitions",
       {Column("Name"), Column("URL"), Column("LatestCreated"), Column("Ready"), Column("Reason"),
        Column("Generation", 1), Column("Age")}},
      {"rows",
       {Row({"hello", "http://hello.default.example.com", "hello-00001", "True", nullptr, 1, "7s"}),
        Row({"a", nullptr, nullptr, "Unknown", "RevisionMissing", 2, "3m20s"}, "team-a")}}};
}

std::string Print(const json& table, TableOptions options) {
  TablePrinter printer(options);
  printer.Add(table);
  std::ostringstream out;
  printer.Flush(out);
  return out.str();
}

TEST(TablePrinterTest, AlignsLikeKubectl) {
  EXPECT_EQ(
      Print(ServiceTable(), {}),
      "NAME    URL                                LATESTCREATED   READY     REASON            AGE\n"
      "hello   http://hello.default.example.com   hello-00001     True                        7s\n"
      "a                                                          Unknown   RevisionMissing   "
      "3m20s\n");
}

TEST(TablePrinterTest, WideShowsPriorityColumns) {
  std::string out = Print(ServiceTable(), {.wide = true});
  EXPECT_NE(out.find("REASON            GENERATION   AGE\n"), std::string::npos) << out;
  EXPECT_NE(out.find("RevisionMissing   2            3m20s\n"), std::string::npos) << out;
}

TEST(TablePrinterTest, AllNamespacesAddsNamespaceFirst) {
  json table = {{"columnDefinitions", {Column("Name"), Column("Age")}},
                {"rows", {Row({"hello", "1s"}), Row({"x", "2d"}, "team-a")}}};
  EXPECT_EQ(Print(table, {.with_namespace = true}),
            "NAMESPACE   NAME    AGE\n"
            "default     hello   1s\n"
            "team-a      x       2d\n");
}

TEST(TablePrinterTest, MinimumWidthAndCellKinds) {
  json table = {{"columnDefinitions", {Column("A"), Column("B"), Column("C")}},
                {"rows", {Row({1, true, {{"k", "v"}}}), Row({2.0, 2.5, nullptr})}}};
  EXPECT_EQ(Print(table, {}),
            "A     B      C\n"
            "1     true   {\"k\":\"v\"}\n"
            "2     2.5    \n");
}

TEST(TablePrinterTest, LaterBatchesPrintRowsOnlyAndKeepWidths) {
  json columns = {Column("Name"), Column("Ready"), Column("Age")};
  TablePrinter printer({});
  std::ostringstream out;
  printer.Add({{"columnDefinitions", columns}, {"rows", {Row({"hello", "True", "1s"})}}});
  printer.Flush(out);
  // Watch events carry Tables too, possibly without columnDefinitions.
  printer.Add({{"rows", {Row({"hi", "Unknown", "2s"})}}});
  printer.Flush(out);
  EXPECT_EQ(out.str(),
            "NAME    READY   AGE\n"
            "hello   True    1s\n"
            "hi      Unknown   2s\n");
  EXPECT_EQ(printer.total_rows(), 2u);
}

TEST(TablePrinterTest, EmptyTablePrintsNothing) {
  json table = {{"columnDefinitions", {Column("Name")}}, {"rows", json::array()}};
  EXPECT_EQ(Print(table, {}), "");
  EXPECT_EQ(Print(json::object(), {}), "");
}

TEST(TablePrinterTest, ShortRowsGetBlankCells) {
  json table = {{"columnDefinitions", {Column("Name"), Column("Ready"), Column("Age")}},
                {"rows", {Row({"x"})}}};
  EXPECT_EQ(Print(table, {}), "NAME   READY   AGE\nx              \n");
}

TEST(TablePrinterTest, WidthCountsCharactersNotBytes) {
  EXPECT_EQ(DisplayWidth("h\xc3\xa9llo"), 5u);
  EXPECT_EQ(CellText(nullptr), "");
  EXPECT_EQ(CellText(json(3.0)), "3");
  EXPECT_EQ(CellText(json("s")), "s");
}

}  // namespace
}  // namespace ebb::cli
