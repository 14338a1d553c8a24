#include "actors/logic/chart.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

using namespace kscope;

namespace {

constexpr int64_t t0 = 1'700'000'000'000'000'000;
constexpr int64_t sec = 1'000'000'000;

/// Tolerance for coordinates computed in float.
constexpr double eps = 1e-3;

series_snapshot make_series(std::string name, std::vector<point> pts) {
  series_snapshot s;
  s.name = std::move(name);
  s.points = std::move(pts);
  return s;
}

snapshot one_series(std::vector<point> pts) {
  snapshot snap;
  snap.now_ns = t0;
  snap.series.push_back(make_series("web-1", std::move(pts)));
  return snap;
}

chart_style fixed_span(double span_s) {
  chart_style style;
  style.span_s = span_s;
  return style;
}

bool inside(const rect& inner, const rect& outer) {
  return inner.w >= 0 && inner.h >= 0 && inner.x >= outer.x - eps
         && inner.y >= outer.y - eps
         && inner.x + inner.w <= outer.x + outer.w + eps
         && inner.y + inner.h <= outer.y + outer.h + eps;
}

bool overlap(const rect& a, const rect& b) {
  return a.x + a.w > b.x + eps && b.x + b.w > a.x + eps
         && a.y + a.h > b.y + eps && b.y + b.h > a.y + eps;
}

float bottom(const rect& r) {
  return r.y + r.h;
}

float right(const rect& r) {
  return r.x + r.w;
}

} // namespace

TEST_CASE("values map to the right pixels") {
  auto snap = one_series({{t0 - 30 * sec, 50}, {t0, 100}});
  auto geo = build_chart(snap, 1280, 800, fixed_span(60), text_metrics{8, 16});
  const auto& plot = geo.layout.plot;
  CHECK(plot.x == doctest::Approx(48));
  CHECK(plot.y == doctest::Approx(40));
  CHECK(plot.w == doctest::Approx(1224));
  CHECK(plot.h == doctest::Approx(696));
  CHECK(geo.span_s == doctest::Approx(60));
  CHECK(geo.baseline_y == doctest::Approx(736));
  REQUIRE(geo.series.size() == 1);
  REQUIRE(geo.series[0].segments.size() == 1);
  const auto& seg = geo.series[0].segments[0];
  REQUIRE(seg.size() == 2);
  CHECK(seg[0].x == doctest::Approx(48 + 612));
  CHECK(seg[0].y == doctest::Approx(40 + 348));
  CHECK(seg[1].x == doctest::Approx(48 + 1224));
  CHECK(seg[1].y == doctest::Approx(40));
  CHECK(geo.series[0].name == "web-1");
  CHECK(geo.series[0].bars.empty());
}

TEST_CASE("gaps break the line") {
  std::vector<point> pts;
  for (int i = 0; i < 10; ++i)
    pts.push_back({t0 - 30 * sec + i * sec / 2, 40});
  // The last point above is at t0 - 25.5 s; nothing for 10 s.
  for (int i = 0; i < 10; ++i)
    pts.push_back({t0 - 15 * sec + i * sec / 2, 60});
  CHECK(gap_threshold_ns(pts) == 3 * sec / 2);
  auto geo = build_chart(one_series(pts), 1280, 800, fixed_span(60),
                         text_metrics{});
  REQUIRE(geo.series.size() == 1);
  const auto& segs = geo.series[0].segments;
  REQUIRE(segs.size() == 2);
  CHECK(segs[0].size() == 10);
  CHECK(segs[1].size() == 10);
}

TEST_CASE("a single isolated point becomes a one-point segment") {
  auto geo = build_chart(one_series({{t0 - 50 * sec, 10},
                                     {t0 - 3 * sec, 20},
                                     {t0 - 2 * sec, 30},
                                     {t0 - 1 * sec, 40}}),
                         1280, 800, fixed_span(60), text_metrics{});
  const auto& segs = geo.series[0].segments;
  REQUIRE(segs.size() == 2);
  CHECK(segs[0].size() == 1);
  CHECK(segs[1].size() == 3);
}

TEST_CASE("the gap threshold is three median spacings and at least 100 ms") {
  CHECK(gap_threshold_ns({}) == 0);
  CHECK(gap_threshold_ns({{0, 1}, {sec, 1}}) == 0);
  CHECK(gap_threshold_ns({{0, 1}, {sec, 1}, {2 * sec, 1}}) == 3 * sec);
  CHECK(gap_threshold_ns({{0, 1}, {10'000'000, 1}, {20'000'000, 1}})
        == 100'000'000);
  // Repeated and backwards timestamps do not count as spacings.
  CHECK(gap_threshold_ns({{0, 1}, {0, 1}, {sec, 1}, {sec, 1}, {2 * sec, 1},
                          {sec, 1}})
        == 3 * sec);
  CHECK(gap_threshold_ns({{5, 1}, {5, 1}, {5, 1}}) == 0);
}

TEST_CASE("resize keeps the layout inside the canvas without overlaps") {
  struct size_case {
    float w;
    float h;
    text_metrics m;
  };
  std::vector<size_case> sizes{
    {1280, 800, {8, 16}},
    {800, 600, {8, 16}},
    {320, 200, {8, 16}},
    {160, 96, {2, 4}},
  };
  for (size_t n_series : {size_t{0}, size_t{1}, size_t{3}, size_t{8},
                          size_t{20}}) {
    for (auto& sz : sizes) {
      CAPTURE(sz.w);
      CAPTURE(sz.h);
      CAPTURE(n_series);
      snapshot snap;
      snap.now_ns = t0;
      for (size_t i = 0; i < n_series; ++i)
        snap.series.push_back(make_series(
          "s" + std::to_string(i), {{t0 - 10 * sec, 0}, {t0, 100}}));
      auto geo = build_chart(snap, sz.w, sz.h, fixed_span(60), sz.m);
      const auto& lay = geo.layout;
      CHECK(lay.canvas.w == doctest::Approx(sz.w));
      CHECK(lay.canvas.h == doctest::Approx(sz.h));
      std::vector<rect> parts{lay.title, lay.legend, lay.plot, lay.readout,
                              lay.status};
      for (size_t i = 0; i < parts.size(); ++i) {
        CAPTURE(i);
        CHECK(inside(parts[i], lay.canvas));
        for (size_t j = i + 1; j < parts.size(); ++j)
          CHECK_FALSE(overlap(parts[i], parts[j]));
      }
      CHECK(lay.plot.w > 0);
      CHECK(lay.plot.h >= 2 * sz.m.line_height);
      CHECK(lay.readout.h >= sz.m.line_height);
      CHECK(lay.readout.h <= 8 * sz.m.line_height + eps);
      // Room for the x tick labels and the x label under the plot.
      CHECK(lay.readout.y - bottom(lay.plot)
            >= 2 * sz.m.line_height - eps);
      for (auto& shape : geo.series) {
        REQUIRE(shape.segments.size() == 1);
        const auto& seg = shape.segments[0];
        REQUIRE(seg.size() == 2);
        CHECK(seg[0].y == doctest::Approx(bottom(lay.plot)));
        CHECK(seg[1].y == doctest::Approx(lay.plot.y));
        CHECK(seg[1].x == doctest::Approx(right(lay.plot)));
      }
    }
  }
}

TEST_CASE("a large canvas gets a large plot and a smaller one recomputes") {
  auto big = layout_chart(1280, 800, text_metrics{8, 16}, 2);
  auto small = layout_chart(800, 600, text_metrics{8, 16}, 2);
  CHECK(big.plot.w > 1200);
  CHECK(big.plot.h > 650);
  CHECK(small.plot.w == doctest::Approx(800 - 7 * 8));
  CHECK(small.plot.h == doctest::Approx(600 - 40 - 32 - 2 * 16 - 16));
  CHECK(small.readout.h == doctest::Approx(32));
}

TEST_CASE("short canvases show fewer readout lines, never fewer than one") {
  // 12 lines of text: title, legend, plot, axis labels, readout, status.
  auto lay = layout_chart(320, 12 * 16, text_metrics{8, 16}, 8);
  CHECK(lay.readout.h == doctest::Approx(4 * 16));
  CHECK(lay.plot.h >= 2 * 16);
  auto one = layout_chart(320, 12 * 16, text_metrics{8, 16}, 0);
  CHECK(one.readout.h == doctest::Approx(16));
}

TEST_CASE("absurdly small canvases keep every part inside with no negative "
          "size") {
  for (auto [w, h] : {std::pair{0.0f, 0.0f}, std::pair{-5.0f, -5.0f},
                      std::pair{10.0f, 10.0f}, std::pair{100.0f, 30.0f}}) {
    CAPTURE(w);
    CAPTURE(h);
    auto geo = build_chart(one_series({{t0, 50}}), w, h, chart_style{},
                           text_metrics{8, 16});
    const auto& lay = geo.layout;
    for (auto& r : {lay.title, lay.legend, lay.plot, lay.readout, lay.status})
      CHECK(inside(r, lay.canvas));
  }
  auto odd = layout_chart(100, 100, text_metrics{0, -1}, 1);
  CHECK(inside(odd.plot, odd.canvas));
}

TEST_CASE("points older than the span are dropped") {
  auto geo = build_chart(one_series({{t0 - 61 * sec, 20},
                                     {t0 - 60 * sec, 30},
                                     {t0 - 30 * sec, 40}}),
                         800, 600, fixed_span(60), text_metrics{});
  const auto& plot = geo.layout.plot;
  REQUIRE(geo.series[0].segments.size() == 1);
  const auto& seg = geo.series[0].segments[0];
  REQUIRE(seg.size() == 2);
  CHECK(seg[0].x == doctest::Approx(plot.x));
}

TEST_CASE("values outside 0..100 and future points are clamped to the plot") {
  auto geo = build_chart(one_series({{t0 - 20 * sec, -20},
                                     {t0 - 10 * sec, 150},
                                     {t0 + 5 * sec, 50}}),
                         800, 600, fixed_span(60), text_metrics{});
  const auto& plot = geo.layout.plot;
  REQUIRE(geo.series[0].segments.size() == 1);
  const auto& seg = geo.series[0].segments[0];
  REQUIRE(seg.size() == 3);
  CHECK(seg[0].y == doctest::Approx(bottom(plot)));
  CHECK(seg[1].y == doctest::Approx(plot.y));
  CHECK(seg[2].x == doctest::Approx(right(plot)));
  for (auto& p : seg)
    CHECK(plot.contains(p));
}

TEST_CASE("auto span fits the oldest point and is at least 10 s") {
  auto span_for = [](std::vector<point> pts) {
    return build_chart(one_series(std::move(pts)), 800, 600, chart_style{},
                       text_metrics{})
      .span_s;
  };
  CHECK(span_for({}) == doctest::Approx(10));
  CHECK(span_for({{t0 - 2 * sec, 10}, {t0, 10}}) == doctest::Approx(10));
  CHECK(span_for({{t0 - 37 * sec, 10}, {t0, 10}}) == doctest::Approx(45));
  CHECK(span_for({{t0 - 60 * sec, 10}}) == doctest::Approx(60));
  CHECK(span_for({{t0 - 61 * sec, 10}}) == doctest::Approx(90));
  CHECK(span_for({{t0 - 1000 * sec, 10}}) == doctest::Approx(1200));
  CHECK(span_for({{t0 + 100 * sec, 10}}) == doctest::Approx(10));
  // The oldest point over all series counts.
  auto snap = one_series({{t0 - 5 * sec, 10}});
  snap.series.push_back(make_series("db-1", {{t0 - 100 * sec, 10}}));
  auto geo = build_chart(snap, 800, 600, chart_style{}, text_metrics{});
  CHECK(geo.span_s == doctest::Approx(120));
  REQUIRE(geo.series.size() == 2);
  CHECK(geo.series[1].segments.at(0).at(0).x
        == doctest::Approx(geo.layout.plot.x
                           + geo.layout.plot.w * (1 - 100.0 / 120)));
}

TEST_CASE("y ticks run from 0 to 100 in steps of 20 at the right pixels") {
  auto geo = build_chart(one_series({}), 1280, 800, fixed_span(60),
                         text_metrics{8, 16});
  const auto& plot = geo.layout.plot;
  REQUIRE(geo.y_ticks.size() == 6);
  for (size_t i = 0; i < 6; ++i) {
    auto v = static_cast<double>(i) * 20;
    CHECK(geo.y_ticks[i].label == std::to_string(i * 20));
    CHECK(geo.y_ticks[i].pos
          == doctest::Approx(plot.y + plot.h * (1 - v / 100)));
  }
}

TEST_CASE("a short plot gets y ticks at 0, 50 and 100 only") {
  // 12 lines and no series: the plot is 5.5 lines high.
  auto geo = build_chart(snapshot{}, 320, 12 * 16, fixed_span(60),
                         text_metrics{8, 16});
  REQUIRE(geo.y_ticks.size() == 3);
  CHECK(geo.y_ticks[0].label == "0");
  CHECK(geo.y_ticks[1].label == "50");
  CHECK(geo.y_ticks[2].label == "100");
  CHECK(geo.y_ticks[2].pos == doctest::Approx(geo.layout.plot.y));
}

TEST_CASE("x ticks are at most 10, start with now at the right edge and do "
          "not overlap") {
  struct size_case {
    float w;
    float h;
    text_metrics m;
  };
  std::vector<size_case> sizes{
    {1280, 800, {8, 16}},
    {320, 200, {8, 16}},
    {80, 48, {2, 4}},
    {160, 96, {2, 4}},
  };
  for (double span : {0.5, 10.0, 12.5, 45.0, 60.0, 300.0, 3600.0, 86400.0,
                      1e6}) {
    for (auto& sz : sizes) {
      CAPTURE(span);
      CAPTURE(sz.w);
      auto geo = build_chart(one_series({}), sz.w, sz.h, fixed_span(span),
                             sz.m);
      const auto& ticks = geo.x_ticks;
      REQUIRE(!ticks.empty());
      CHECK(ticks.size() <= 10);
      CHECK(ticks[0].label == "now");
      CHECK(ticks[0].pos == doctest::Approx(right(geo.layout.plot)));
      for (size_t i = 1; i < ticks.size(); ++i) {
        const auto& a = ticks[i - 1];
        const auto& b = ticks[i];
        CHECK(b.pos < a.pos);
        CHECK(b.pos >= geo.layout.plot.x - eps);
        CHECK(b.label.front() == '-');
        CHECK(b.label.back() == 's');
        auto half_a = static_cast<float>(a.label.size()) * sz.m.char_width / 2;
        auto half_b = static_cast<float>(b.label.size()) * sz.m.char_width / 2;
        CHECK(b.pos + half_b < a.pos - half_a);
      }
    }
  }
}

TEST_CASE("x tick labels count seconds before now") {
  auto geo = build_chart(one_series({}), 1280, 800, fixed_span(60),
                         text_metrics{8, 16});
  std::vector<std::string> labels;
  for (auto& t : geo.x_ticks)
    labels.push_back(t.label);
  CHECK(labels
        == std::vector<std::string>{"now", "-10s", "-20s", "-30s", "-40s",
                                    "-50s", "-60s"});
  CHECK(geo.x_ticks.back().pos == doctest::Approx(geo.layout.plot.x));
}

TEST_CASE("moving average smoothing takes the mean of the last k points") {
  std::vector<point> pts{{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 8}};
  auto out = smooth_points(pts, smoothing::moving_average, 3, 5);
  REQUIRE(out.size() == 5);
  std::vector<double> want{1, 1.5, 2, 3, 5};
  for (size_t i = 0; i < 5; ++i) {
    CHECK(out[i].ts_ns == pts[i].ts_ns);
    CHECK(out[i].value == doctest::Approx(want[i]));
  }
  CHECK(smooth_points(pts, smoothing::moving_average, 1, 5) == pts);
  CHECK(smooth_points(pts, smoothing::moving_average, 0, 5) == pts);
  auto all = smooth_points(pts, smoothing::moving_average, 100, 5);
  CHECK(all.back().value == doctest::Approx(18.0 / 5));
}

TEST_CASE("interval mean smoothing gives one point per bucket at its centre") {
  std::vector<point> pts{{sec / 10, 10},
                         {sec / 5, 20},
                         {3 * sec / 2, 30},
                         {32 * sec / 10, 40},
                         {39 * sec / 10, 60}};
  auto out = smooth_points(pts, smoothing::interval_mean, 5, 1.0);
  REQUIRE(out.size() == 3);
  CHECK(out[0] == point{sec / 2, 15});
  CHECK(out[1] == point{3 * sec / 2, 30});
  CHECK(out[2] == point{7 * sec / 2, 50});
  // The last bucket's centre does not lie past the newest point.
  auto clamped = smooth_points({{sec / 10, 10}}, smoothing::interval_mean, 5,
                               1.0);
  CHECK(clamped == std::vector<point>{{sec / 10, 10}});
  // Buckets before the epoch round down too.
  auto negative = smooth_points({{-3 * sec / 10, 10}, {sec / 10, 20}},
                                smoothing::interval_mean, 5, 1.0);
  CHECK(negative == std::vector<point>{{-sec / 2, 10}, {sec / 10, 20}});
  // A useless interval leaves the points alone.
  CHECK(smooth_points(pts, smoothing::interval_mean, 5, 0) == pts);
  CHECK(smooth_points(pts, smoothing::interval_mean, 5, -1) == pts);
}

TEST_CASE("no smoothing is the identity and empty input stays empty") {
  std::vector<point> pts{{1, 5}, {2, 7}, {9, 1}};
  CHECK(smooth_points(pts, smoothing::none, 5, 5) == pts);
  for (auto how : {smoothing::none, smoothing::moving_average,
                   smoothing::interval_mean})
    CHECK(smooth_points({}, how, 5, 5).empty());
}

TEST_CASE("interval mean smoothing does not break a steady line at every "
          "bucket") {
  std::vector<point> pts;
  for (int i = 0; i <= 100; ++i)
    pts.push_back({t0 - 50 * sec + i * sec / 2, 30});
  auto style = fixed_span(60);
  style.smooth = smoothing::interval_mean;
  style.interval_s = 5;
  auto geo = build_chart(one_series(pts), 800, 600, style, text_metrics{});
  REQUIRE(geo.series[0].segments.size() == 1);
  CHECK(geo.series[0].segments[0].size() == 11);
}

TEST_CASE("bar charts give bars inside the plot and no segments") {
  std::vector<point> pts;
  for (int i = 0; i < 20; ++i)
    pts.push_back({t0 - 57 * sec + i * 3 * sec, static_cast<double>(i * 5)});
  auto style = fixed_span(60);
  style.type = chart_type::bar;
  for (auto [w, h, m] : {std::tuple{1280.0f, 800.0f, text_metrics{8, 16}},
                         std::tuple{160.0f, 96.0f, text_metrics{2, 4}}}) {
    CAPTURE(w);
    auto geo = build_chart(one_series(pts), w, h, style, m);
    const auto& shape = geo.series.at(0);
    CHECK(shape.segments.empty());
    REQUIRE(shape.bars.size() == 20);
    for (auto& bar : shape.bars) {
      CHECK(inside(bar, geo.layout.plot));
      CHECK(bar.w >= 1);
      CHECK(bottom(bar) == doctest::Approx(geo.baseline_y));
    }
    for (size_t i = 1; i < shape.bars.size(); ++i)
      CHECK(shape.bars[i - 1].x + shape.bars[i - 1].w
            <= shape.bars[i].x + eps);
    CHECK(shape.bars.back().y == doctest::Approx(
            geo.layout.plot.y + geo.layout.plot.h * (1 - 95.0 / 100)));
    CHECK(right(shape.bars.back()) == doctest::Approx(right(geo.layout.plot)));
  }
}

TEST_CASE("area and line charts give segments and no bars") {
  for (auto type : {chart_type::line, chart_type::area}) {
    auto style = fixed_span(60);
    style.type = type;
    auto geo = build_chart(one_series({{t0 - sec, 1}, {t0, 2}}), 800, 600,
                           style, text_metrics{});
    CHECK(geo.series[0].segments.size() == 1);
    CHECK(geo.series[0].bars.empty());
  }
}

TEST_CASE("chart types and smoothings parse, print and cycle") {
  for (auto t : {chart_type::line, chart_type::area, chart_type::bar})
    CHECK(parse_chart_type(to_string(t)) == t);
  CHECK(std::string{to_string(chart_type::area)} == "area");
  CHECK_FALSE(parse_chart_type("pie"));
  CHECK_FALSE(parse_chart_type(""));
  CHECK(next(chart_type::line) == chart_type::area);
  CHECK(next(chart_type::area) == chart_type::bar);
  CHECK(next(chart_type::bar) == chart_type::line);
  for (auto s : {smoothing::none, smoothing::moving_average,
                 smoothing::interval_mean})
    CHECK(parse_smoothing(to_string(s)) == s);
  CHECK(std::string{to_string(smoothing::moving_average)} == "moving-average");
  CHECK(std::string{to_string(smoothing::interval_mean)} == "interval-mean");
  CHECK_FALSE(parse_smoothing("median"));
  CHECK(next(smoothing::none) == smoothing::moving_average);
  CHECK(next(smoothing::moving_average) == smoothing::interval_mean);
  CHECK(next(smoothing::interval_mean) == smoothing::none);
}

TEST_CASE("colours parse from hex and names and refuse anything else") {
  CHECK(parse_color("#ff0000") == rgb{255, 0, 0});
  CHECK(parse_color("00FF80") == rgb{0, 255, 128});
  CHECK(parse_color("red") == rgb{255, 0, 0});
  CHECK(parse_color("Grey") == parse_color("gray"));
  CHECK(parse_color("orange") == rgb{255, 165, 0});
  CHECK_FALSE(parse_color(""));
  CHECK_FALSE(parse_color("#"));
  CHECK_FALSE(parse_color("#ff00"));
  CHECK_FALSE(parse_color("#gg0000"));
  CHECK_FALSE(parse_color("#ff00000"));
  CHECK_FALSE(parse_color("reddish"));
}

TEST_CASE("series colours come from the palette by index") {
  CHECK(series_color(0, {}) == rgb{255, 0, 0});
  CHECK(series_color(8, {}) == series_color(0, {}));
  CHECK_FALSE(series_color(1, {}) == series_color(0, {}));
  std::vector<rgb> palette{{1, 2, 3}, {4, 5, 6}};
  CHECK(series_color(3, palette) == rgb{4, 5, 6});
}

TEST_CASE("the readout line shows now, min, max and avg with one decimal") {
  auto s = make_series("web-1", {{t0, 42}});
  s.stats = {42, 3.14, 97, 40.25};
  CHECK(readout_line(s)
        == "web-1  now 42.0%  min 3.1%  max 97.0%  avg 40.2%");
  CHECK(readout_line(make_series("db-2", {})) == "db-2  no data");
}

TEST_CASE("a value that rounds to zero reads 0.0, never -0.0") {
  auto s = make_series("idle", {{t0, 0}});
  s.stats = {-0.01, -0.04, 0.02, -0.001};
  CHECK(readout_line(s) == "idle  now 0.0%  min 0.0%  max 0.0%  avg 0.0%");
}

TEST_CASE("the status line shows rate, counts, latency and the broker") {
  viewer_status st;
  st.rate = 12;
  st.received = 1234;
  st.malformed[static_cast<size_t>(decode_error::empty)] = 1;
  st.malformed[static_cast<size_t>(decode_error::malformed)] = 2;
  st.latency_ms = 1.23;
  st.latency_max_ms = 3;
  st.state = broker_state::up;
  CHECK(status_text(st)
        == "12.0 msg/s  received 1234  malformed 3 (empty 1, malformed 2)"
           "  latency 1.2 ms (max 3.0 ms)  broker up");
  viewer_status idle;
  CHECK(status_text(idle)
        == "0.0 msg/s  received 0  malformed 0  latency -  broker connecting");
  viewer_status down;
  down.state = broker_state::down;
  down.last_error = "all brokers down";
  down.paused = true;
  down.malformed[static_cast<size_t>(decode_error::out_of_range)] = 4;
  CHECK(status_text(down)
        == "0.0 msg/s  received 0  malformed 4 (out_of_range 4)  latency -"
           "  broker down (all brokers down)  PAUSED");
  // A state other than up held for 3 s or more carries its age.
  down.paused = false;
  down.state_age_s = 2;
  CHECK(status_text(down).find("broker down (all") != std::string::npos);
  down.state_age_s = 75;
  CHECK(status_text(down).find("broker down for 75 s (all")
        != std::string::npos);
  idle.state_age_s = 600;
  CHECK(status_text(idle).find("broker connecting for 10 min")
        != std::string::npos);
  idle.state_age_s = 3 * 3600 + 5 * 60 + 9;
  CHECK(status_text(idle).find("broker connecting for 3 h 5 min")
        != std::string::npos);
  viewer_status up;
  up.state = broker_state::up;
  up.state_age_s = 600;
  CHECK(status_text(up).find("broker up  ") == std::string::npos);
  CHECK(status_text(up).find("broker up") != std::string::npos);
  CHECK(status_text(up).find(" for ") == std::string::npos);
}
