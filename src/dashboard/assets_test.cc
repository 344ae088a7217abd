#include "dashboard/assets.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ebb::dashboard {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Assets, EveryEmbeddedFileMatchesItsSourceByteForByte) {
  ASSERT_GE(EmbeddedAssets().size(), 3u);
  for (const Asset& a : EmbeddedAssets()) {
    std::string disk = ReadFile(std::string(EBB_DASHBOARD_ASSET_DIR) + "/" + std::string(a.name));
    ASSERT_FALSE(disk.empty()) << a.name;
    EXPECT_EQ(a.content, disk) << a.name;
  }
}

TEST(Assets, FindAsset) {
  ASSERT_TRUE(FindAsset("index.html").has_value());
  EXPECT_NE(FindAsset("index.html")->find("<!doctype html>"), std::string_view::npos);
  EXPECT_FALSE(FindAsset("nope.js").has_value());
}

TEST(Assets, PageIsSelfContained) {
  const std::string& page = PageHtml();
  // Every script and stylesheet the page names is embedded and inlined: nothing is fetched.
  EXPECT_EQ(page.find("<script src="), std::string::npos);
  EXPECT_EQ(page.find("<link rel=\"stylesheet\""), std::string::npos);
  for (const char* remote : {"src=\"http", "href=\"http", "url(http", "fetch('http", "@import"}) {
    EXPECT_EQ(page.find(remote), std::string::npos) << remote;
  }
  for (const Asset& a : EmbeddedAssets()) {
    if (a.name == "index.html") continue;
    EXPECT_NE(page.find(a.content.substr(0, 200)), std::string::npos) << a.name;
  }
  // What the end-to-end test reads from the DOM.
  EXPECT_NE(page.find("id=\"trace-timeline\""), std::string::npos);
  EXPECT_NE(page.find("data-points"), std::string::npos);
}

TEST(InlineAssets, ReplacesKnownReferencesOnly) {
  std::vector<Asset> assets = {{"a.css", "body{}"}, {"b.js", "let x = 1;"}};
  std::string html =
      "<link rel=\"stylesheet\" href=\"a.css\"><script src=\"b.js\"></script>"
      "<script src=\"c.js\"></script><script src=\"b.js\"></script>";
  EXPECT_EQ(InlineAssets(html, assets),
            "<style>\nbody{}</style><script>\nlet x = 1;</script>"
            "<script src=\"c.js\"></script><script>\nlet x = 1;</script>");
}

TEST(InlineAssets, ClosingTagsInsideContentAreEscaped) {
  std::vector<Asset> assets = {{"s.js", "a('</script>'); b('</script>');"},
                               {"s.css", "/* </style> */"}};
  std::string out = InlineAssets(
      "<script src=\"s.js\"></script><link rel=\"stylesheet\" href=\"s.css\">", assets);
  EXPECT_EQ(out,
            "<script>\na('<\\/script>'); b('<\\/script>');</script>"
            "<style>\n/* <\\/style> */</style>");
}

}  // namespace
}  // namespace ebb::dashboard
