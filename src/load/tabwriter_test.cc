#include "load/tabwriter.h"

#include <gtest/gtest.h>

namespace ebb::load {
namespace {

TEST(TabFormat, PadsEachColumnBlockToItsWidestCell) {
  EXPECT_EQ(TabFormat("a\tbb\tlast\nccc\td\tx\n"), "a    bb  last\nccc  d   x\n");
}

TEST(TabFormat, LastCellIsNotAligned) {
  EXPECT_EQ(TabFormat("a\tlong last cell\nbbbb\tx\n"), "a     long last cell\nbbbb  x\n");
}

TEST(TabFormat, LineWithoutTabsEndsTheBlock) {
  EXPECT_EQ(TabFormat("a\t1\nbreak\nlonger\t2\n"), "a  1\nbreak\nlonger  2\n");
}

TEST(TabFormat, NestedBlocksOnlyWhereColumnsExist) {
  // Column 1 exists only in the first two lines; the third line's column 0 still aligns.
  EXPECT_EQ(TabFormat("a\tb\tc\naa\tbb\tcc\naaa\tz\n"), "a    b   c\naa   bb  cc\naaa  z\n");
}

TEST(TabFormat, WidthCountsCharactersNotBytes) {
  EXPECT_EQ(Utf8Width("428.25µs"), 8u);
  EXPECT_EQ(TabFormat("µµ\tx\nab\ty\n"), "µµ  x\nab  y\n");
}

TEST(TabFormat, EmptyCellsAndNoFinalNewline) {
  EXPECT_EQ(TabFormat("Bucket\t\t#\n[0s,\t1ms]\t2\n"), "Bucket        #\n[0s,    1ms]  2\n");
  EXPECT_EQ(TabFormat("a\tb"), "a  b");
  EXPECT_EQ(TabFormat(""), "");
}

}  // namespace
}  // namespace ebb::load
