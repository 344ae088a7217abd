#include "cli/merge_patch.h"

#include <gtest/gtest.h>

namespace ebb::cli {
namespace {

using nlohmann::json;

TEST(MergePatchTest, EqualDocumentsGiveAnEmptyPatch) {
  json a = {{"a", 1}, {"b", {{"c", {1, 2}}}}};
  EXPECT_EQ(CreateMergePatch(a, a), json::object());
}

TEST(MergePatchTest, ChangedAddedAndRemovedKeys) {
  json from = {{"keep", 1}, {"change", "x"}, {"drop", true}, {"nested", {{"a", 1}, {"b", 2}}}};
  json to = {{"keep", 1}, {"change", "y"}, {"add", {1}}, {"nested", {{"a", 1}, {"c", 3}}}};
  json patch = CreateMergePatch(from, to);
  EXPECT_EQ(patch, json::parse(R"({"change":"y","drop":null,"add":[1],
                                   "nested":{"b":null,"c":3}})"));
  json applied = from;
  applied.merge_patch(patch);
  EXPECT_EQ(applied, to);
}

TEST(MergePatchTest, ArraysAndTypeChangesAreReplacedWhole) {
  json from = {{"list", {1, 2, 3}}, {"obj", {{"a", 1}}}};
  json to = {{"list", {1, 2}}, {"obj", "scalar"}};
  EXPECT_EQ(CreateMergePatch(from, to), to);
}

TEST(MergePatchTest, NonObjects) {
  EXPECT_EQ(CreateMergePatch(json(1), json(2)), json(2));
  EXPECT_EQ(CreateMergePatch(json::array(), json{{"a", 1}}), json({{"a", 1}}));
}

}  // namespace
}  // namespace ebb::cli
