#include "actors/logic/chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <utility>

#include "actors/logic/panel_values.hpp"
#include "actors/logic/text.hpp"

namespace kscope {

namespace {

constexpr int64_t int64_max = std::numeric_limits<int64_t>::max();
constexpr int64_t int64_min = std::numeric_limits<int64_t>::min();

constexpr double ns_per_s = 1e9;

/// Shortest gap a line breaks at, whatever the spacing of the points.
constexpr int64_t min_gap_threshold_ns = 100'000'000;

/// Narrowest span the x axis fits to.
constexpr double min_span_s = 10;

/// Widest span the x axis shows; beyond it the timestamps are garbage.
constexpr double max_span_s = 1e10;

/// Most readout lines shown, whatever the number of series.
constexpr size_t max_readout_lines = 8;

/// Characters left of the plot for the y tick labels, right of it as margin.
constexpr float left_margin_chars = 6;
constexpr float right_margin_chars = 1;

/// Most ticks on the x axis.
constexpr double max_x_ticks = 10;

/// Default series colours: distinguishable on a dark background, red first
/// like the original's line.
constexpr std::array<rgb, 8> default_palette{{
  {255, 0, 0},
  {80, 200, 80},
  {80, 150, 255},
  {240, 200, 60},
  {70, 210, 210},
  {220, 100, 220},
  {255, 150, 50},
  {200, 200, 200},
}};

struct named_color {
  std::string_view name;
  rgb color;
};

constexpr std::array<named_color, 12> named_colors{{
  {"red", {255, 0, 0}},
  {"green", {0, 255, 0}},
  {"blue", {0, 0, 255}},
  {"yellow", {255, 255, 0}},
  {"cyan", {0, 255, 255}},
  {"magenta", {255, 0, 255}},
  {"orange", {255, 165, 0}},
  {"white", {255, 255, 255}},
  {"gray", {128, 128, 128}},
  {"grey", {128, 128, 128}},
  {"purple", {128, 0, 128}},
  {"pink", {255, 192, 203}},
}};

/// `a - b`, saturated to the int64 range instead of overflowing.
int64_t sat_sub(int64_t a, int64_t b) noexcept {
  if (b < 0 && a > int64_max + b)
    return int64_max;
  if (b > 0 && a < int64_min + b)
    return int64_min;
  return a - b;
}

/// `a + b`, saturated to the int64 range instead of overflowing.
int64_t sat_add(int64_t a, int64_t b) noexcept {
  if (b > 0 && a > int64_max - b)
    return int64_max;
  if (b < 0 && a < int64_min - b)
    return int64_min;
  return a + b;
}

/// Seconds from `ts` to `now`; negative when `ts` lies in the future.
double age_s(int64_t now, int64_t ts) noexcept {
  return static_cast<double>(sat_sub(now, ts)) / ns_per_s;
}

/// Median of the positive values of `xs` (reordered); 0 when there are none.
int64_t positive_median(std::vector<int64_t>& xs) {
  xs.erase(std::remove_if(xs.begin(), xs.end(),
                          [](int64_t x) { return x <= 0; }),
           xs.end());
  return median_of(xs, int64_t{0});
}

/// Differences between consecutive timestamps.
std::vector<int64_t> spacings(const std::vector<point>& pts) {
  std::vector<int64_t> out;
  for (size_t i = 1; i < pts.size(); ++i)
    out.push_back(sat_sub(pts[i].ts_ns, pts[i - 1].ts_ns));
  return out;
}

/// Smallest "nice" span in seconds that holds `age` (at least 10 s).
double fit_span_s(double age) {
  constexpr double nice[] = {10,   15,   20,   30,    45,    60,    90,
                             120,  180,  300,  600,   900,   1200,  1800,
                             3600, 5400, 7200, 10800, 21600, 43200, 86400};
  if (!(age > min_span_s))
    return min_span_s;
  for (auto x : nice)
    if (age <= x)
      return x;
  return std::min(std::ceil(age / 86400) * 86400, max_span_s);
}

/// `v`, clamped to 0..y_max, as a y coordinate inside `plot`.
float value_y(const rect& plot, double v, double y_max) {
  auto frac = std::clamp(v, 0.0, y_max) / y_max;
  return plot.y + static_cast<float>(static_cast<double>(plot.h) * (1 - frac));
}

/// The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least
/// `x`; 1 for nothing positive.
double nice_ceiling(double x) {
  if (!(x > 0) || !std::isfinite(x))
    return 1;
  auto scale = std::pow(10.0, std::floor(std::log10(x)));
  for (auto step : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (step * scale >= x * (1 - 1e-12))
      return step * scale;
  return 10 * scale;
}

/// A y tick label in `unit`: "40", "1.5M", "0.25".
std::string y_tick_label(double v, value_unit unit) {
  if (unit == value_unit::bytes_per_s)
    return format_si(v);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

/// A point `age` seconds before now as an x coordinate inside `plot`.
float age_x(const rect& plot, double age, double span) {
  auto frac = 1 - std::clamp(age, 0.0, span) / span;
  return plot.x + static_cast<float>(static_cast<double>(plot.w) * frac);
}

/// `r` cut to the parts inside `bounds`, never with a negative size.
rect clip(rect r, const rect& bounds) {
  auto x0 = std::clamp(r.x, bounds.x, bounds.x + bounds.w);
  auto y0 = std::clamp(r.y, bounds.y, bounds.y + bounds.h);
  auto x1 = std::clamp(r.x + std::max(r.w, 0.0f), x0, bounds.x + bounds.w);
  auto y1 = std::clamp(r.y + std::max(r.h, 0.0f), y0, bounds.y + bounds.h);
  return {x0, y0, x1 - x0, y1 - y0};
}

/// `x` when it is a positive, finite number, else `fallback`.
float positive_or(float x, float fallback) {
  return std::isfinite(x) && x > 0 ? x : fallback;
}

std::string x_tick_label(int64_t seconds) {
  if (seconds == 0)
    return "now";
  return "-" + std::to_string(seconds) + "s";
}

std::vector<tick> make_x_ticks(const rect& plot, double span,
                               const text_metrics& m) {
  // The widest label is the one furthest left.
  auto widest = std::max(
    x_tick_label(static_cast<int64_t>(std::floor(span))).size(), size_t{3});
  auto min_gap = (static_cast<double>(widest) + 2) * m.char_width;
  constexpr double steps[] = {1,    2,    5,     10,    15,    30,
                              60,   120,  300,   600,   900,   1800,
                              3600, 7200, 10800, 21600, 43200, 86400};
  auto fits = [&](double step) {
    auto count = std::floor(span / step + 1e-9) + 1;
    return count <= max_x_ticks && plot.w * step / span >= min_gap;
  };
  double step = 0;
  for (auto x : steps) {
    step = x;
    if (fits(step) || step >= span)
      break;
  }
  while (!fits(step) && step < span)
    step *= 2;
  std::vector<tick> out;
  auto count = static_cast<int64_t>(std::floor(span / step + 1e-9));
  for (int64_t i = 0; i <= count; ++i) {
    auto t = static_cast<double>(i) * step;
    out.push_back({age_x(plot, t, span),
                   x_tick_label(static_cast<int64_t>(std::llround(t)))});
  }
  return out;
}

std::vector<tick> make_y_ticks(const rect& plot, const text_metrics& m,
                               value_unit unit, double y_max) {
  std::vector<tick> out;
  if (unit == value_unit::percent && y_max == 100) {
    auto step = plot.h < 6 * m.line_height ? 50 : 20;
    for (int v = 0; v <= 100; v += step)
      out.push_back({value_y(plot, v, y_max), std::to_string(v)});
    return out;
  }
  int parts = plot.h < 6 * m.line_height ? 2 : 4;
  for (int i = 0; i <= parts; ++i) {
    auto v = y_max * i / parts;
    out.push_back({value_y(plot, v, y_max), y_tick_label(v, unit)});
  }
  return out;
}

/// Points of a series that belong on the chart: finite values only.
std::vector<point> finite_points(const std::vector<point>& pts) {
  std::vector<point> out;
  out.reserve(pts.size());
  for (auto& p : pts)
    if (std::isfinite(p.value))
      out.push_back(p);
  return out;
}

/// Width of one bar: the plot shared by the points in the span, or by the
/// span at the points' spacing when they fill only part of it.
float bar_slot(const rect& plot, const std::vector<point>& shown,
               double span) {
  if (shown.empty())
    return 1;
  auto slots = static_cast<double>(shown.size());
  auto gaps = spacings(shown);
  if (auto med = positive_median(gaps); med > 0)
    slots = std::max(slots, span * ns_per_s / static_cast<double>(med));
  auto slot = static_cast<float>(static_cast<double>(plot.w) / slots);
  return std::max(1.0f, slot);
}

series_shape make_shape(const series_snapshot& s, int64_t now, double span,
                        double y_max, const rect& plot,
                        const chart_style& style) {
  series_shape out;
  out.name = s.name;
  out.color_index = s.color_index;
  auto raw = finite_points(s.points);
  auto threshold = gap_threshold_ns(raw);
  if (style.smooth == smoothing::interval_mean && threshold > 0) {
    // Neighbouring buckets lie one interval apart; only an empty bucket
    // between two of them is a gap.
    auto interval = std::min(style.interval_s * 1.5 * ns_per_s, 9e18);
    if (interval > 0)
      threshold = std::max(threshold, static_cast<int64_t>(interval));
  }
  auto smoothed = smooth_points(raw, style.smooth, style.moving_average_points,
                                style.interval_s);
  std::vector<point> shown;
  for (auto& p : smoothed)
    if (age_s(now, p.ts_ns) <= span)
      shown.push_back(p);
  auto to_canvas = [&](const point& p) {
    return vec2{age_x(plot, age_s(now, p.ts_ns), span),
                value_y(plot, p.value, y_max)};
  };
  if (style.type == chart_type::bar) {
    auto slot = bar_slot(plot, shown, span);
    auto width = slot >= 3 ? slot - std::max(1.0f, slot * 0.2f) : slot;
    width = std::min(width, plot.w);
    auto baseline = plot.y + plot.h;
    for (auto& p : shown) {
      auto pos = to_canvas(p);
      // A bar covers the interval before its sample, ending at its time.
      auto left = std::max(plot.x, std::min(pos.x - width,
                                            plot.x + plot.w - width));
      out.bars.push_back({left, pos.y, width, baseline - pos.y});
    }
    return out;
  }
  for (size_t i = 0; i < shown.size(); ++i) {
    if (i == 0
        || (threshold > 0
            && sat_sub(shown[i].ts_ns, shown[i - 1].ts_ns) > threshold))
      out.segments.emplace_back();
    out.segments.back().push_back(to_canvas(shown[i]));
  }
  return out;
}

std::string format_one_decimal(double x) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.1f", x);
  // Rounding a tiny negative value (an idle core's -0.01 %) prints "-0.0".
  if (std::string_view{buf} == "-0.0")
    return "0.0";
  return buf;
}

char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size()
         && std::equal(a.begin(), a.end(), b.begin(),
                       [](char x, char y) { return lower(x) == lower(y); });
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = lower(c);
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

} // namespace

const char* to_string(chart_type x) {
  switch (x) {
    case chart_type::line:
      return "line";
    case chart_type::area:
      return "area";
    case chart_type::bar:
      return "bar";
  }
  return "unknown";
}

std::optional<chart_type> parse_chart_type(std::string_view x) {
  for (auto t : {chart_type::line, chart_type::area, chart_type::bar})
    if (x == to_string(t))
      return t;
  return std::nullopt;
}

chart_type next(chart_type x) {
  switch (x) {
    case chart_type::line:
      return chart_type::area;
    case chart_type::area:
      return chart_type::bar;
    case chart_type::bar:
      return chart_type::line;
  }
  return chart_type::line;
}

const char* to_string(smoothing x) {
  switch (x) {
    case smoothing::none:
      return "none";
    case smoothing::moving_average:
      return "moving-average";
    case smoothing::interval_mean:
      return "interval-mean";
  }
  return "unknown";
}

std::optional<smoothing> parse_smoothing(std::string_view x) {
  for (auto s : {smoothing::none, smoothing::moving_average,
                 smoothing::interval_mean})
    if (x == to_string(s))
      return s;
  return std::nullopt;
}

smoothing next(smoothing x) {
  switch (x) {
    case smoothing::none:
      return smoothing::moving_average;
    case smoothing::moving_average:
      return smoothing::interval_mean;
    case smoothing::interval_mean:
      return smoothing::none;
  }
  return smoothing::none;
}

std::optional<rgb> parse_color(std::string_view x) {
  for (auto& entry : named_colors)
    if (equals_ignoring_case(x, entry.name))
      return entry.color;
  if (!x.empty() && x.front() == '#')
    x.remove_prefix(1);
  if (x.size() != 6)
    return std::nullopt;
  uint8_t channels[3];
  for (size_t i = 0; i < 3; ++i) {
    auto hi = hex_digit(x[2 * i]);
    auto lo = hex_digit(x[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    channels[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return rgb{channels[0], channels[1], channels[2]};
}

rgb series_color(uint32_t color_index, const std::vector<rgb>& palette) {
  if (palette.empty())
    return default_palette[color_index % default_palette.size()];
  return palette[color_index % palette.size()];
}

chart_layout layout_chart(float width, float height, const text_metrics& m,
                          size_t series_count, bool with_status) {
  auto w = std::isfinite(width) ? std::max(width, 0.0f) : 0.0f;
  auto h = std::isfinite(height) ? std::max(height, 0.0f) : 0.0f;
  auto cw = positive_or(m.char_width, 1);
  auto lh = positive_or(m.line_height, 1);
  chart_layout out;
  out.canvas = {0, 0, w, h};
  out.title = {0, 0, w, lh};
  out.legend = {0, lh, w, lh};
  // Half a line of room above the plot for the "100" label centred on the
  // top edge; two lines below it for the x tick labels and the x label.
  auto plot_top = 2.5f * lh;
  auto below_plot = 2 * lh;
  auto min_plot_h = 2 * lh;
  // Readout lines shrink before the plot does, down to one.
  auto wanted = std::clamp(series_count, size_t{1}, max_readout_lines);
  auto status_h = with_status ? lh : 0.0f;
  auto room = (h - plot_top - below_plot - status_h - min_plot_h) / lh;
  auto fitting = room > 0 ? static_cast<size_t>(room + 1e-4f) : size_t{0};
  auto lines = std::clamp(fitting, size_t{1}, wanted);
  out.status = {0, h - status_h, w, status_h};
  auto readout_h = static_cast<float>(lines) * lh;
  out.readout = {0, out.status.y - readout_h, w, readout_h};
  auto plot_x = left_margin_chars * cw;
  auto plot_h = std::max(out.readout.y - below_plot - plot_top, min_plot_h);
  auto plot_w = std::max(w - plot_x - right_margin_chars * cw, 0.0f);
  out.plot = {plot_x, plot_top, plot_w, plot_h};
  // Only canvases under 40 x 12 characters get here with overlapping parts;
  // they still stay inside the canvas.
  for (auto* r : {&out.title, &out.legend, &out.plot, &out.readout,
                  &out.status})
    *r = clip(*r, out.canvas);
  return out;
}

chart_geometry build_chart(const snapshot& snap, float width, float height,
                           const chart_style& style, const text_metrics& m) {
  return build_chart(snap.series, snap.now_ns, width, height, style, m);
}

chart_geometry build_chart(const std::vector<series_snapshot>& series,
                           int64_t now_ns, float width, float height,
                           const chart_style& style, const text_metrics& m,
                           bool with_status) {
  chart_geometry out;
  out.layout = layout_chart(width, height, m, series.size(), with_status);
  text_metrics metrics{positive_or(m.char_width, 1),
                       positive_or(m.line_height, 1)};
  const auto& plot = out.layout.plot;
  if (std::isfinite(style.span_s) && style.span_s > 0) {
    out.span_s = std::min(style.span_s, max_span_s);
  } else {
    double oldest = 0;
    for (auto& s : series)
      for (auto& p : s.points)
        if (std::isfinite(p.value))
          oldest = std::max(oldest, age_s(now_ns, p.ts_ns));
    out.span_s = fit_span_s(oldest);
  }
  out.y_max = style.y_max;
  if (!(std::isfinite(out.y_max) && out.y_max > 0)) {
    // Fit to what the span shows, so the axis follows the data down too.
    double top = 0;
    for (auto& s : series)
      for (auto& p : s.points)
        if (std::isfinite(p.value) && age_s(now_ns, p.ts_ns) <= out.span_s)
          top = std::max(top, p.value);
    // An idle link or disk still gets an axis worth reading: 0..1 kB/s.
    if (style.unit == value_unit::bytes_per_s)
      top = std::max(top, 1000.0);
    out.y_max = nice_ceiling(top);
  }
  out.x_ticks = make_x_ticks(plot, out.span_s, metrics);
  out.y_ticks = make_y_ticks(plot, metrics, style.unit, out.y_max);
  out.baseline_y = plot.y + plot.h;
  for (auto& s : series)
    out.series.push_back(
      make_shape(s, now_ns, out.span_s, out.y_max, plot, style));
  return out;
}

void translate(chart_geometry& geo, float dx, float dy) {
  auto move = [dx, dy](rect& r) {
    r.x += dx;
    r.y += dy;
  };
  auto& lay = geo.layout;
  for (auto* r : {&lay.canvas, &lay.title, &lay.legend, &lay.plot,
                  &lay.readout, &lay.status})
    move(*r);
  for (auto& t : geo.x_ticks)
    t.pos += dx;
  for (auto& t : geo.y_ticks)
    t.pos += dy;
  geo.baseline_y += dy;
  for (auto& s : geo.series) {
    for (auto& seg : s.segments)
      for (auto& p : seg) {
        p.x += dx;
        p.y += dy;
      }
    for (auto& b : s.bars)
      move(b);
  }
}

chart_style panel_style(metric_kind kind, const chart_style& base) {
  auto out = base;
  out.x_label.clear();
  switch (kind) {
    case metric_kind::cpu:
      // The tick labels say "-10s ... now" under every panel; the x label
      // would take a readout line from each.
      return out;
    case metric_kind::mem:
      out.title = "Memory used";
      out.y_label = "mem %";
      return out;
    case metric_kind::net:
      out.title = "Network (received + sent)";
      out.y_label = "B/s";
      out.unit = value_unit::bytes_per_s;
      out.y_max = 0;
      return out;
    case metric_kind::disk:
      out.title = "Disk (read + written)";
      out.y_label = "B/s";
      out.unit = value_unit::bytes_per_s;
      out.y_max = 0;
      return out;
    case metric_kind::load:
      out.title = "Load average (1 min)";
      out.y_label = "load";
      out.unit = value_unit::plain;
      out.y_max = 0;
      return out;
    case metric_kind::gpu:
      out.title = "GPU utilisation";
      out.y_label = "gpu %";
      return out;
  }
  return out;
}

rgb heat_color(double fraction, rgb background) {
  if (std::isnan(fraction)) {
    auto lift = [](uint8_t c) {
      return static_cast<uint8_t>(std::min(255, c + 14));
    };
    return {lift(background.r), lift(background.g), lift(background.b)};
  }
  // Stops of the scale: dark blue, teal, green, yellow, orange, red.
  constexpr std::array<rgb, 6> stops{{
    {20, 30, 90},
    {20, 120, 140},
    {40, 170, 70},
    {230, 210, 40},
    {245, 130, 30},
    {230, 30, 30},
  }};
  auto f = std::clamp(fraction, 0.0, 1.0) * (stops.size() - 1);
  auto i = std::min(static_cast<size_t>(f), stops.size() - 2);
  auto t = f - static_cast<double>(i);
  auto mix = [t](uint8_t a, uint8_t b) {
    return static_cast<uint8_t>(std::lround(a + (b - a) * t));
  };
  return {mix(stops[i].r, stops[i + 1].r), mix(stops[i].g, stops[i + 1].g),
          mix(stops[i].b, stops[i + 1].b)};
}

float heat_max(const fleet_snapshot& x, size_t c0, size_t c1, size_t r0,
               size_t r1) {
  c1 = std::min<size_t>(c1, x.cols);
  r1 = std::min<size_t>(r1, x.rows);
  auto best = std::numeric_limits<float>::quiet_NaN();
  if (x.heat.size() < size_t{x.rows} * x.cols)
    return best;
  for (auto r = r0; r < r1; ++r)
    for (auto c = c0; c < c1; ++c) {
      auto v = x.heat[r * x.cols + c];
      if (v > best || std::isnan(best))
        best = v;
    }
  return best;
}

namespace {

const char* sort_words(fleet_sort x) {
  switch (x) {
    case fleet_sort::current:
      return "by current value";
    case fleet_sort::average:
      return "by average";
    case fleet_sort::name:
      return "by name";
  }
  return "";
}

/// Lays out a panel in the fleet view on a `w` x `h` cell at the origin:
/// the title and heading lines, the heatmap, the top hosts at the right
/// and the percentile chart under the heatmap, sharing its time axis.
void build_fleet_panel(panel_frame& panel, const panel_snapshot& src,
                       int64_t now_ns, float w, float h,
                       const text_metrics& m) {
  auto cw = positive_or(m.char_width, 1);
  auto lh = positive_or(m.line_height, 1);
  const auto& fl = src.fleet;
  auto& out = panel.fleet;
  out.fleet = &fl;
  // The top hosts' column, when the cell is wide enough to spare it.
  auto names_chars = std::min(28.0f, std::floor(w / cw * 0.3f));
  auto names_w = names_chars >= 14 ? names_chars * cw : 0.0f;
  auto chart_w = std::max(w - names_w, 0.0f);
  // The heatmap gets a little over half the height, at least 2 lines.
  auto heat_part = std::max(std::round(h * 0.55f / lh) * lh, 4 * lh);
  heat_part = std::min(heat_part, h);
  auto chart_style_ = panel.style;
  auto unit = panel.style.unit;
  auto base_title = panel.style.title;
  chart_style_.title = "fleet p50, p90, max";
  chart_style_.x_label.clear();
  panel.geometry = build_chart(src.series, now_ns, chart_w,
                               std::max(h - heat_part, 0.0f), chart_style_,
                               m, false);
  translate(panel.geometry, 0, heat_part);
  panel.style = chart_style_;
  const auto& plot = panel.geometry.layout.plot;
  out.title = clip({0, 0, chart_w, lh}, {0, 0, w, h});
  out.title_text = base_title + ": "
                   + std::to_string(fl.hosts) + " hosts";
  out.heading = clip({0, lh, chart_w, lh}, {0, 0, w, h});
  out.heading_text = std::string{"sorted "} + sort_words(fl.sort)
                     + ", highest on top";
  if (fl.hosts_per_row > 1)
    out.heading_text += ", " + std::to_string(fl.hosts_per_row)
                        + " hosts per row (their highest)";
  out.heat = clip({plot.x, 2 * lh, plot.w, std::max(heat_part - 2.5f * lh,
                                                    lh)},
                  {0, 0, w, h});
  auto span = panel.geometry.span_s;
  if (span > 0 && fl.bin_ns > 0) {
    auto per_s = plot.w / static_cast<float>(span);
    out.col_w = static_cast<float>(static_cast<double>(fl.bin_ns) / ns_per_s)
                * per_s;
    out.col_x0 = plot.x + plot.w
                 - static_cast<float>(age_s(now_ns, fl.first_bin_ns)) * per_s;
  }
  out.y_max = panel.geometry.y_max;
  if (names_w > 0) {
    out.names = {chart_w + cw, 0, names_w - cw, h};
    auto room = static_cast<size_t>(names_chars) - 1;
    out.name_lines.push_back(
      fl.sort == fleet_sort::average ? "top by average" : "top now");
    for (auto& host : fl.top) {
      auto v = format_value(fl.sort == fleet_sort::average ? host.average
                                                           : host.current,
                            unit);
      auto name_room = room > v.size() + 1 ? room - v.size() - 1 : 0;
      auto name = std::string{first_chars(host.name, name_room)};
      auto pad = room - std::min(room, name.size() + v.size());
      out.name_lines.push_back(name + std::string(pad, ' ') + v);
    }
  }
}

void translate(fleet_frame& x, float dx, float dy) {
  for (auto* r : {&x.title, &x.heading, &x.heat, &x.names}) {
    r->x += dx;
    r->y += dy;
  }
  x.col_x0 += dx;
}

} // namespace

rgb severity_color(alert_severity x) {
  return x == alert_severity::critical ? rgb{255, 80, 140}
                                       : rgb{255, 170, 0};
}

namespace {

value_unit unit_of_metric(alert_metric x) {
  switch (x) {
    case alert_metric::cpu:
    case alert_metric::mem:
    case alert_metric::gpu:
      return value_unit::percent;
    case alert_metric::load1:
    case alert_metric::load5:
    case alert_metric::load15:
      return value_unit::plain;
    default:
      return value_unit::bytes_per_s;
  }
}

std::string short_age(int64_t ns) {
  auto s = std::max<int64_t>(ns, 0) / 1'000'000'000;
  if (s < 60)
    return std::to_string(s) + "s";
  if (s < 3600)
    return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + std::to_string(s / 60 % 60) + "m";
}

/// The alerts line: what fires, as much as `chars` holds.
std::string alerts_line(const snapshot& snap, size_t chars) {
  if (snap.status.alerts_firing == 0)
    return "alerts: none firing";
  std::string out = "ALERTS " + std::to_string(snap.status.alerts_firing)
                    + " firing:";
  size_t shown = 0;
  for (auto& a : snap.firing) {
    std::string item = " " + a.rule + " " + a.host;
    if (a.rule != "no-data")
      item += " " + format_value(a.value, unit_of_metric(a.metric));
    item += " " + short_age(snap.now_ns - a.since_ns);
    if (out.size() + item.size() + 2 > chars)
      break;
    out += (shown++ > 0 ? " |" : "") + item;
  }
  if (shown < snap.status.alerts_firing)
    out += " ...";
  return out;
}

/// Thresholds of `kind` across `geo`'s plot, and the series whose host has
/// an alert firing on that panel's metric marked.
void mark_alerts(panel_frame& panel, const snapshot& snap) {
  auto& geo = panel.geometry;
  const auto& plot = geo.layout.plot;
  for (auto& t : snap.thresholds) {
    if (t.panel != panel.kind || !(geo.y_max > 0) || t.value < 0
        || t.value > geo.y_max)
      continue;
    auto y = value_y(plot, t.value, geo.y_max);
    panel.thresholds.push_back(threshold_mark{y, plot.x, plot.x + plot.w,
                                              t.label,
                                              severity_color(t.severity)});
  }
  for (auto& a : snap.firing) {
    auto kind = metric_kind::cpu;
    if (!panel_of(a.metric, kind) || kind != panel.kind)
      continue;
    for (auto& s : geo.series)
      if (s.name == a.host)
        s.alerting = true;
  }
}

} // namespace

frame_geometry build_frame(const snapshot& snap, float width, float height,
                           const chart_style& style, const text_metrics& m) {
  auto zoom = style.zoom;
  frame_geometry out;
  auto lh = positive_or(m.line_height, 1);
  auto w = std::isfinite(width) ? std::max(width, 0.0f) : 0.0f;
  auto full_h = std::isfinite(height) ? std::max(height, 0.0f) : 0.0f;
  // The alerts line takes the bottom line; the rest is laid out above it.
  auto h = full_h;
  if (snap.status.alerting) {
    h = std::max(full_h - lh, 0.0f);
    out.alerts = clip({0, h, w, lh}, {0, 0, w, full_h});
    auto chars = static_cast<size_t>(w / positive_or(m.char_width, 1));
    out.alerts_text = alerts_line(snap, chars);
    out.alerts_color = snap.firing.empty()
                         ? style.foreground
                         : severity_color(snap.firing.front().severity);
  }
  if (snap.panels.empty()) {
    auto& panel = out.panels.emplace_back();
    panel.geometry = build_chart(snap, width, h, style, m);
    panel.style = style;
    panel.series = &snap.series;
    out.status = panel.geometry.layout.status;
    mark_alerts(panel, snap);
    return out;
  }
  out.status = clip({0, h - lh, w, lh}, {0, 0, w, h});
  std::vector<const panel_snapshot*> shown;
  if (zoom > 0)
    shown.push_back(&snap.panels[(zoom - 1) % snap.panels.size()]);
  else
    for (auto& p : snap.panels)
      shown.push_back(&p);
  // Columns by the canvas's shape: three across a wide window, two on a
  // squarer one; rows as many as needed.
  auto n = shown.size();
  size_t cols = n == 1 ? 1 : (w >= 1.5f * h && n > 4 ? 3 : 2);
  cols = std::min(cols, n);
  auto rows = (n + cols - 1) / cols;
  auto cell_w = w / static_cast<float>(cols);
  auto cell_h = std::max(out.status.y, 0.0f) / static_cast<float>(rows);
  for (size_t i = 0; i < n; ++i) {
    auto& panel = out.panels.emplace_back();
    panel.kind = shown[i]->kind;
    panel.style = panel_style(panel.kind, style);
    panel.series = &shown[i]->series;
    if (shown[i]->fleet.hosts > 0)
      build_fleet_panel(panel, *shown[i], snap.now_ns, cell_w, cell_h, m);
    else
      panel.geometry = build_chart(shown[i]->series, snap.now_ns, cell_w,
                                   cell_h, panel.style, m, false);
    auto dx = cell_w * static_cast<float>(i % cols);
    auto dy = cell_h * static_cast<float>(i / cols);
    translate(panel.geometry, dx, dy);
    if (panel.fleet.fleet)
      translate(panel.fleet, dx, dy);
    mark_alerts(panel, snap);
  }
  return out;
}

std::vector<point> smooth_points(const std::vector<point>& pts, smoothing how,
                                 size_t moving_average_points,
                                 double interval_s) {
  if (how == smoothing::moving_average && moving_average_points > 1) {
    std::vector<point> out;
    out.reserve(pts.size());
    double sum = 0;
    for (size_t i = 0; i < pts.size(); ++i) {
      sum += pts[i].value;
      auto count = std::min(i + 1, moving_average_points);
      if (i >= moving_average_points)
        sum -= pts[i - moving_average_points].value;
      out.push_back({pts[i].ts_ns, sum / static_cast<double>(count)});
    }
    return out;
  }
  if (how == smoothing::interval_mean && std::isfinite(interval_s)
      && interval_s > 0 && !pts.empty()) {
    auto interval = static_cast<int64_t>(
      std::clamp(interval_s * ns_per_s, 1.0, 1e18));
    struct bucket {
      double sum = 0;
      size_t count = 0;
      int64_t centre = 0;
    };
    std::map<int64_t, bucket> buckets;
    int64_t newest = int64_min;
    for (auto& p : pts) {
      newest = std::max(newest, p.ts_ns);
      auto index = p.ts_ns / interval;
      auto offset = p.ts_ns % interval;
      if (offset < 0) {
        index -= 1;
        offset += interval;
      }
      auto& b = buckets[index];
      if (b.count == 0)
        b.centre = sat_add(p.ts_ns, interval / 2 - offset);
      b.sum += p.value;
      ++b.count;
    }
    std::vector<point> out;
    out.reserve(buckets.size());
    for (auto& [index, b] : buckets)
      out.push_back({std::min(b.centre, newest),
                     b.sum / static_cast<double>(b.count)});
    return out;
  }
  return pts;
}

int64_t gap_threshold_ns(const std::vector<point>& pts) {
  if (pts.size() < 3)
    return 0;
  auto diffs = spacings(pts);
  auto med = positive_median(diffs);
  if (med <= 0)
    return 0;
  auto threshold = med > int64_max / 3 ? int64_max : 3 * med;
  return std::max(threshold, min_gap_threshold_ns);
}

std::string format_value(double x, value_unit unit) {
  switch (unit) {
    case value_unit::percent:
      return format_one_decimal(x) + '%';
    case value_unit::bytes_per_s:
      return format_rate(x);
    case value_unit::plain:
      break;
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2f", x);
  return std::string_view{buf} == "-0.00" ? "0.00" : buf;
}

std::string fit_readout(const series_snapshot& x, value_unit unit,
                        size_t chars) {
  auto full = readout_line(x, unit);
  auto fits = [chars](const std::string& s) {
    return first_chars(s, chars).size() == s.size();
  };
  if (fits(full) || x.points.empty())
    return std::string{first_chars(full, chars)};
  auto now = x.name + "  now " + format_value(x.stats.current, unit);
  auto detail = x.detail.empty() ? std::string{} : "  " + x.detail;
  for (auto candidate :
       {now + "  max " + format_value(x.stats.max, unit) + detail,
        now + detail})
    if (fits(candidate))
      return candidate;
  return std::string{first_chars(now, chars)};
}

std::string readout_line(const series_snapshot& x, value_unit unit) {
  if (x.points.empty())
    return x.name + "  no data";
  std::string out = x.name;
  out += "  now " + format_value(x.stats.current, unit);
  out += "  min " + format_value(x.stats.min, unit);
  out += "  max " + format_value(x.stats.max, unit);
  out += "  avg " + format_value(x.stats.avg, unit);
  if (!x.detail.empty())
    out += "  (" + x.detail + ')';
  return out;
}

std::string status_text(const viewer_status& x) {
  std::string out = format_one_decimal(x.rate) + " msg/s";
  out += "  received " + std::to_string(x.received);
  out += "  malformed " + std::to_string(x.malformed_total());
  std::string kinds;
  for (size_t i = 0; i < x.malformed.size(); ++i) {
    if (x.malformed[i] == 0)
      continue;
    if (!kinds.empty())
      kinds += ", ";
    kinds += to_string(static_cast<decode_error>(i));
    kinds += ' ';
    kinds += std::to_string(x.malformed[i]);
  }
  if (!kinds.empty())
    out += " (" + kinds + ')';
  if (x.refused > 0 || x.hosts_over_budget > 0)
    out += "  over budget " + std::to_string(x.hosts_over_budget)
           + " hosts (" + std::to_string(x.refused) + " samples)";
  if (x.filtered > 0)
    out += "  filtered " + std::to_string(x.filtered) + " (--hosts)";
  if (x.alerting)
    out += "  alerts " + std::to_string(x.alerts_firing) + " firing ("
           + std::to_string(x.alert_events) + " events)";
  if (x.skipped > 0)
    out += "  skipped " + std::to_string(x.skipped)
           + " (unknown measurements)";
  if (x.skewed > 0)
    out += "  clock-skewed " + std::to_string(x.skewed);
  if (x.latency_ms >= 0) {
    out += "  latency " + format_one_decimal(x.latency_ms) + " ms";
    if (x.latency_max_ms >= 0)
      out += " (max " + format_one_decimal(x.latency_max_ms) + " ms)";
  } else {
    out += "  latency -";
  }
  out += "  broker ";
  out += to_string(x.state, x.state_age_s);
  if (x.state == broker_state::down && !x.last_error.empty())
    out += " (" + x.last_error + ')';
  if (x.paused)
    out += "  PAUSED";
  if (!x.notice.empty())
    out += "  | " + x.notice;
  return out;
}

} // namespace kscope
