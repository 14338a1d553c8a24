#include "actors/logic/terminal_canvas.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

using namespace kscope;

namespace doctest {

/// Prints rendered lines as UTF-8 in failed checks.
template <>
struct StringMaker<std::u32string> {
  static String convert(const std::u32string& x) {
    std::string out = "\"";
    for (auto cp : x) {
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
    }
    out += '"';
    return String(out.c_str());
  }
};

} // namespace doctest

namespace {

constexpr int64_t t0 = 1'700'000'000'000'000'000;
constexpr int64_t sec = 1'000'000'000;

constexpr rgb red{255, 0, 0};
constexpr rgb blue{0, 0, 255};

/// Decodes UTF-8 that the canvas wrote (assumed valid).
std::u32string decode(std::string_view s) {
  std::u32string out;
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1Fu) : len == 3 ? (b & 0x0Fu)
                                                                    : (b & 0x07u);
    for (size_t k = 1; k < len && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    out.push_back(cp);
    i += len;
  }
  return out;
}

/// The rendered frame as lines of code points.
std::vector<std::u32string> lines_of(std::string_view frame) {
  std::vector<std::u32string> out;
  size_t start = 0;
  for (;;) {
    auto end = frame.find('\n', start);
    out.push_back(decode(frame.substr(start, end - start)));
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
  return out;
}

bool is_braille(char32_t c) {
  return c >= 0x2800 && c <= 0x28FF;
}

size_t count_of(std::string_view haystack, std::string_view needle) {
  size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string_view::npos;
       pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

snapshot constant_series(double value, std::string name = "web-1") {
  snapshot snap;
  snap.now_ns = t0;
  series_snapshot s;
  s.name = std::move(name);
  for (int i = 60; i >= 0; --i)
    s.points.push_back({t0 - i * sec, value});
  s.stats = {value, value, value, value};
  snap.series.push_back(std::move(s));
  snap.status.state = broker_state::up;
  return snap;
}

/// Rows holding braille characters between the columns [first, last].
std::set<size_t> braille_rows(const std::vector<std::u32string>& lines,
                              size_t first, size_t last) {
  std::set<size_t> out;
  for (size_t row = 0; row < lines.size(); ++row)
    for (size_t col = first; col <= last && col < lines[row].size(); ++col)
      if (is_braille(lines[row][col]))
        out.insert(row);
  return out;
}

void check_frame_shape(const std::string& frame, int cols, int rows) {
  auto lines = lines_of(frame);
  REQUIRE(lines.size() == static_cast<size_t>(rows));
  for (auto& line : lines)
    CHECK(line.size() == static_cast<size_t>(cols));
}

} // namespace

TEST_CASE("a dot at the top-left is braille dot 1 in the first cell") {
  braille_canvas canvas{4, 2};
  canvas.dot(0, 0, red);
  auto lines = lines_of(canvas.render(false));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == U"\u2801   ");
  CHECK(lines[1] == U"    ");
}

TEST_CASE("each dot of a cell sets its own braille bit") {
  struct dot_case {
    int x;
    int y;
    char32_t cp;
  };
  for (auto d : {dot_case{0, 0, 0x2801}, dot_case{0, 1, 0x2802},
                 dot_case{0, 2, 0x2804}, dot_case{1, 0, 0x2808},
                 dot_case{1, 1, 0x2810}, dot_case{1, 2, 0x2820},
                 dot_case{0, 3, 0x2840}, dot_case{1, 3, 0x2880}}) {
    braille_canvas canvas{1, 1};
    canvas.dot(d.x, d.y, red);
    CHECK(lines_of(canvas.render(false))[0][0] == d.cp);
  }
  braille_canvas full{2, 1};
  for (int x = 2; x < 4; ++x)
    for (int y = 0; y < 4; ++y)
      full.dot(x, y, red);
  CHECK(lines_of(full.render(false))[0] == U" \u28FF");
}

TEST_CASE("dots outside the grid are ignored") {
  braille_canvas canvas{2, 2};
  canvas.dot(-1, 0, red);
  canvas.dot(0, -1, red);
  canvas.dot(4, 0, red);
  canvas.dot(0, 8, red);
  canvas.line({-100, -100}, {-50, 1e9f}, red);
  canvas.column(100, -5, 5, red);
  CHECK(canvas.render(false) == "  \n  ");
}

TEST_CASE("lines and columns set the dots between their ends") {
  braille_canvas canvas{4, 2};
  canvas.line({0, 0}, {7, 0}, red);
  canvas.column(1, 4, 7, blue);
  auto lines = lines_of(canvas.render(false));
  CHECK(lines[0] == U"\u2809\u2809\u2809\u2809");
  CHECK(lines[1][0] == 0x28B8);
  braille_canvas diagonal{2, 2};
  diagonal.line({3, 7}, {0, 0}, red);
  auto d = lines_of(diagonal.render(false));
  CHECK(is_braille(d[0][0]));
  CHECK(is_braille(d[1][1]));
}

TEST_CASE("text overrides dots and takes one cell per code point") {
  braille_canvas canvas{6, 1};
  for (int x = 0; x < 12; ++x)
    canvas.dot(x, 0, red);
  canvas.text(1, 0, "\u00E9\u25A0b", blue);
  CHECK(lines_of(canvas.render(false))[0] == U"\u2809\u00E9\u25A0b\u2809\u2809");
}

TEST_CASE("text is clipped at both edges and control characters are "
          "neutralised") {
  braille_canvas canvas{5, 2};
  canvas.text(-2, 0, "abcdefgh", red);
  canvas.text(3, 1, "\x1b[2J", red);
  canvas.text(0, 5, "off the grid", red);
  canvas.text(0, -1, "off the grid", red);
  auto lines = lines_of(canvas.render(false));
  CHECK(lines[0] == U"cdefg");
  CHECK(lines[1] == U"   ?[");
  braille_canvas bad{4, 1};
  bad.text(0, 0, "\xff\xc3", red);
  CHECK(lines_of(bad.render(false))[0] == U"\uFFFD\uFFFD  ");
}

TEST_CASE("rendering without colour gives exactly rows lines of cols cells") {
  braille_canvas canvas{7, 3};
  canvas.line({0, 0}, {13, 11}, red);
  canvas.text(2, 1, "hi", blue);
  auto out = canvas.render(false);
  CHECK_FALSE(contains(out, "\x1b"));
  check_frame_shape(out, 7, 3);
}

TEST_CASE("rendering with colour emits an escape only where the colour "
          "changes and resets each line") {
  braille_canvas canvas{6, 2};
  canvas.text(0, 0, "ab", red);
  canvas.text(3, 0, "c", red);
  canvas.text(4, 0, "d", blue);
  canvas.dot(0, 4, blue);
  auto out = canvas.render(true);
  CHECK(contains(out, "\x1b[38;2;255;0;0mab c\x1b[38;2;0;0;255md \x1b[0m\n"));
  CHECK(count_of(out, "\x1b[38;2;") == 3);
  CHECK(count_of(out, "\x1b[0m") == 2);
}

TEST_CASE("a frame of one series at 50 percent draws it across the middle of "
          "the plot") {
  auto snap = constant_series(50);
  chart_style style;
  auto frame = render_terminal_frame(snap, 80, 24, style, false);
  INFO(frame);
  check_frame_shape(frame, 80, 24);
  CHECK(contains(frame, "CPU usage"));
  CHECK(contains(frame, "\u25A0 web-1"));
  CHECK(contains(frame, "web-1  now 50.0%"));
  CHECK(contains(frame, "now"));
  CHECK(contains(frame, "100"));
  CHECK(contains(frame, "-60s"));
  CHECK(contains(frame, "broker up"));
  CHECK(contains(frame, style.y_label));
  CHECK(contains(frame, style.x_label));
  // The plot's cells, from the same geometry the frame used.
  auto geo = build_chart(snap, 160, 96, style, text_metrics{2, 4});
  const auto& plot = geo.layout.plot;
  auto first_col = static_cast<size_t>(plot.x) / 2;
  auto last_col = static_cast<size_t>(plot.x + plot.w - 1) / 2;
  auto middle_row = static_cast<size_t>(plot.y + plot.h / 2) / 4;
  auto lines = lines_of(frame);
  CHECK(braille_rows(lines, first_col, last_col)
        == std::set<size_t>{middle_row});
  // The line runs across the whole plot: 60 s of points fill a 60 s span.
  size_t cells = 0;
  for (size_t col = first_col; col <= last_col; ++col)
    cells += is_braille(lines[middle_row][col]) ? 1 : 0;
  CHECK(cells == last_col - first_col + 1);
  // "100" labels the plot's top row, "0" its bottom row.
  auto top_row = static_cast<size_t>(plot.y) / 4;
  auto top = std::u32string_view{lines[top_row]}.substr(0, first_col);
  CHECK(top.find(U"100") != std::u32string_view::npos);
}

TEST_CASE("a frame at 0 and 100 percent draws at the plot's bottom and top") {
  chart_style style;
  auto geo = build_chart(constant_series(0), 160, 96, style,
                         text_metrics{2, 4});
  const auto& plot = geo.layout.plot;
  auto first_col = static_cast<size_t>(plot.x) / 2;
  auto last_col = static_cast<size_t>(plot.x + plot.w - 1) / 2;
  auto low = lines_of(render_terminal_frame(constant_series(0), 80, 24, style,
                                            false));
  CHECK(braille_rows(low, first_col, last_col)
        == std::set<size_t>{static_cast<size_t>(plot.y + plot.h - 1) / 4});
  auto high = lines_of(render_terminal_frame(constant_series(100), 80, 24,
                                             style, false));
  CHECK(braille_rows(high, first_col, last_col)
        == std::set<size_t>{static_cast<size_t>(plot.y) / 4});
}

TEST_CASE("area and bar frames fill the plot down to the baseline") {
  for (auto type : {chart_type::area, chart_type::bar}) {
    CAPTURE(to_string(type));
    chart_style style;
    style.type = type;
    auto snap = constant_series(50);
    auto frame = render_terminal_frame(snap, 80, 24, style, false);
    check_frame_shape(frame, 80, 24);
    auto geo = build_chart(snap, 160, 96, style, text_metrics{2, 4});
    const auto& plot = geo.layout.plot;
    auto first_col = static_cast<size_t>(plot.x) / 2;
    auto last_col = static_cast<size_t>(plot.x + plot.w - 1) / 2;
    auto middle_row = static_cast<size_t>(plot.y + plot.h / 2) / 4;
    auto bottom_row = static_cast<size_t>(plot.y + plot.h - 1) / 4;
    auto rows = braille_rows(lines_of(frame), first_col, last_col);
    std::set<size_t> want;
    for (auto row = middle_row; row <= bottom_row; ++row)
      want.insert(row);
    CHECK(rows == want);
  }
}

TEST_CASE("a coloured frame paints each series in its colour") {
  auto snap = constant_series(30);
  auto second = constant_series(70, "db-1").series[0];
  second.color_index = 1;
  snap.series.push_back(second);
  chart_style style;
  style.palette = {{1, 2, 3}, {4, 5, 6}};
  auto frame = render_terminal_frame(snap, 100, 30, style, true);
  CHECK(contains(frame, "\x1b[38;2;1;2;3m"));
  CHECK(contains(frame, "\x1b[38;2;4;5;6m"));
  CHECK(count_of(frame, "\x1b[0m") == 30);
}

TEST_CASE("a frame keeps its size whatever the content") {
  snapshot many;
  many.now_ns = t0;
  for (uint32_t i = 0; i < 12; ++i) {
    series_snapshot s;
    s.name = "a-rather-long-host-name-" + std::to_string(i);
    s.color_index = i;
    s.points = {{t0 - 3600 * sec, 5}, {t0, 95}};
    many.series.push_back(s);
  }
  chart_style style;
  style.title = std::string(200, 'T');
  for (auto [cols, rows] : {std::pair{40, 12}, std::pair{80, 24},
                            std::pair{132, 43}, std::pair{300, 90}}) {
    CAPTURE(cols);
    CAPTURE(rows);
    auto frame = render_terminal_frame(many, cols, rows, style, false);
    check_frame_shape(frame, cols, rows);
  }
  auto frame = render_terminal_frame(many, 80, 24, style, false);
  CHECK(contains(frame, "+5 more series"));
  auto empty = render_terminal_frame(snapshot{}, 80, 24, chart_style{}, false);
  check_frame_shape(empty, 80, 24);
  CHECK(contains(empty, "waiting for data"));
}

TEST_CASE("a tiny terminal gets the too-small message and no crash") {
  auto snap = constant_series(50);
  auto frame = render_terminal_frame(snap, 39, 30, chart_style{}, false);
  auto lines = lines_of(frame);
  REQUIRE(lines.size() == 30);
  CHECK(lines[0] == U"terminal too small for the chart (need ");
  check_frame_shape(frame, 39, 30);
  auto short_frame = render_terminal_frame(snap, 80, 11, chart_style{}, false);
  CHECK(contains(short_frame, "terminal too small for the chart (need 40x12)"));
  check_frame_shape(short_frame, 80, 11);
  CHECK(render_terminal_frame(snap, 0, 0, chart_style{}, false).empty());
  CHECK(render_terminal_frame(snap, -5, -7, chart_style{}, true).empty());
  CHECK_NOTHROW(render_terminal_frame(snap, -5, 3, chart_style{}, false));
  CHECK_NOTHROW(render_terminal_frame(snap, 3, -5, chart_style{}, false));
  braille_canvas none{-3, -4};
  CHECK(none.cols() == 0);
  CHECK(none.rows() == 0);
  none.dot(0, 0, red);
  none.text(0, 0, "x", red);
  CHECK(none.render(true).empty());
}
