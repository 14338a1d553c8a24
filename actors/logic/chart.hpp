#pragma once

// The chart's geometry as a pure function of a snapshot and a canvas size:
// layout, axes, ticks, labels and the shapes of every series, in canvas
// units (pixels for the SFML window, braille dots for the terminal). No
// display, no SFML: both renderers draw what this computes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/snapshot.hpp"

namespace kscope {

/// How a series is drawn.
enum class chart_type : uint8_t { line, area, bar };

/// How points are smoothed before drawing (the statistics stay raw).
enum class smoothing : uint8_t {
  none,
  /// Mean of the last `moving_average_points` points at each point.
  moving_average,
  /// One point per `interval_s` bucket: the mean of its points, at the
  /// bucket's centre.
  interval_mean,
};

/// "line", "area", "bar".
const char* to_string(chart_type x);
std::optional<chart_type> parse_chart_type(std::string_view x);
/// The next type in the cycle line -> area -> bar -> line (key `c`).
chart_type next(chart_type x);

/// "none", "moving-average", "interval-mean".
const char* to_string(smoothing x);
std::optional<smoothing> parse_smoothing(std::string_view x);
/// The next in the cycle none -> moving-average -> interval-mean -> none
/// (key `m`).
smoothing next(smoothing x);

/// What a chart's values are, for its axis labels and readout.
enum class value_unit : uint8_t {
  percent,     ///< 0..100, "42.0%"
  bytes_per_s, ///< throughput, "1.2 MB/s", axis "1.2M"
  plain,       ///< a number, "1.25" (load)
};

/// A colour.
struct rgb {
  uint8_t r = 0;
  uint8_t g = 0;
  uint8_t b = 0;
};

inline bool operator==(rgb x, rgb y) {
  return x.r == y.r && x.g == y.g && x.b == y.b;
}

/// Parses "#rrggbb", "rrggbb" or a name (red, green, blue, yellow, cyan,
/// magenta, orange, white, gray/grey, purple, pink).
std::optional<rgb> parse_color(std::string_view x);

/// Colour of the series with `color_index`: palette[index % size], or the
/// default palette (8 colours distinguishable on a dark background, red
/// first like the original's line) when `palette` is empty.
rgb series_color(uint32_t color_index, const std::vector<rgb>& palette);

/// Everything about the chart's look a user can set.
struct chart_style {
  std::string title = "CPU usage";
  std::string x_label = "seconds before now";
  std::string y_label = "CPU %";
  chart_type type = chart_type::line;
  smoothing smooth = smoothing::none;
  size_t moving_average_points = 5;
  double interval_s = 5;
  /// Width of the x axis in seconds; 0 fits the oldest point held (at
  /// least 10 s, rounded up to a tick-friendly value).
  double span_s = 0;
  /// Series colours; empty means the default palette.
  std::vector<rgb> palette;
  rgb background{16, 18, 24};
  rgb foreground{220, 220, 220};
  rgb grid{60, 64, 72};
  value_unit unit = value_unit::percent;
  /// Top of the y axis; 0 fits it to the largest value shown, rounded up
  /// to 1, 2, 2.5 or 5 times a power of ten.
  double y_max = 100;
  /// With several panels: 0 shows them all, k > 0 only the k-th (key `z`
  /// cycles).
  size_t zoom = 0;
};

/// A point on the canvas; y grows downwards.
struct vec2 {
  float x = 0;
  float y = 0;
};

/// An axis-aligned rectangle on the canvas.
struct rect {
  float x = 0;
  float y = 0;
  float w = 0;
  float h = 0;

  bool contains(vec2 p) const {
    return p.x >= x && p.x <= x + w && p.y >= y && p.y <= y + h;
  }
};

/// Size of one character of the renderer's font in canvas units (text is
/// treated as monospace for layout).
struct text_metrics {
  float char_width = 8;
  float line_height = 16;
};

/// A tick on an axis: its position along the axis in canvas units (x for
/// the x axis, y for the y axis) and its label.
struct tick {
  float pos = 0;
  std::string label;
};

/// Where everything goes. Title on top, legend under it, the plot with room
/// for tick labels on the left and below, then one readout line per series
/// and the status line at the bottom. Nothing overlaps; every part lies
/// inside the canvas for any size of at least 40 x 12 characters. The y
/// label goes at the left of the legend line, the x tick labels on the first
/// line under the plot and the x label on the second. The readout holds
/// readout.h / line_height lines: one per series, at most 8, fewer when the
/// canvas is short.
struct chart_layout {
  rect canvas;
  rect title;
  rect legend;
  rect plot;
  rect readout;
  rect status;
};

/// Computes the layout for a canvas of `width` x `height` with
/// `series_count` series (readout lines, at most 8 shown).
chart_layout layout_chart(float width, float height, const text_metrics& m,
                          size_t series_count, bool with_status = true);

/// The drawable shape of one series inside the plot rectangle.
struct series_shape {
  std::string name;
  uint32_t color_index = 0;
  /// Polylines, in canvas units, oldest point first; the line breaks where
  /// points are further apart than the gap threshold, so gaps show.
  std::vector<std::vector<vec2>> segments;
  /// For bar charts: one bar per (smoothed) point, from the 0 % line up.
  std::vector<rect> bars;
  /// An alert on this panel's metric fires for this series' host: drawn
  /// thicker, its readout marked "!".
  bool alerting = false;
};

/// An alert rule's threshold across a panel's plot.
struct threshold_mark {
  float y = 0;
  float x0 = 0;
  float x1 = 0;
  /// "hot > 90", drawn at the line's right end.
  std::string label;
  rgb color;
};

/// Colour of a threshold line and of the alerts line: amber for warning,
/// a pinkish red for critical (apart from the first series' pure red).
rgb severity_color(alert_severity x);

/// Everything a renderer needs to draw one frame.
struct chart_geometry {
  chart_layout layout;
  /// x ticks: seconds before now ("0", "-10", ... or "now", "-10s"), placed
  /// at nice steps (1, 2, 5, 10, 15, 30, 60, ... s) with at most ~10 ticks.
  std::vector<tick> x_ticks;
  /// y ticks: 0, 20, 40, 60, 80, 100 (fewer when the plot is short), or
  /// quarters of y_max.
  std::vector<tick> y_ticks;
  /// Seconds the x axis spans.
  double span_s = 0;
  /// Top of the y axis.
  double y_max = 100;
  /// y of the 0 % line (the plot's bottom edge), for area fills and bars.
  float baseline_y = 0;
  std::vector<series_shape> series;
};

/// Maps a snapshot onto a canvas of `width` x `height`. x: time relative to
/// snap.now_ns, right edge = now, left edge = now - span; y: 0 % at the
/// bottom of the plot, 100 % at its top (values are clamped to 0..100).
/// Points older than the span are left out; a line never leaves the plot.
chart_geometry build_chart(const snapshot& snap, float width, float height,
                           const chart_style& style, const text_metrics& m);

/// The same for the series of one panel, without the status line when
/// `with_status` is false.
chart_geometry build_chart(const std::vector<series_snapshot>& series,
                           int64_t now_ns, float width, float height,
                           const chart_style& style, const text_metrics& m,
                           bool with_status = true);

/// Moves every coordinate of `geo` by (dx, dy): a panel's chart into its
/// place on the canvas.
void translate(chart_geometry& geo, float dx, float dy);

/// The fleet view's part of a panel: a heading line, the heatmap (hosts x
/// time, on the same time axis as the percentile chart under it) and the
/// top hosts named in a column at the right.
struct fleet_frame {
  const fleet_snapshot* fleet = nullptr;
  /// The panel's title and host count ("CPU usage: 10000 hosts").
  rect title;
  std::string title_text;
  /// "sorted by current, hottest on top, 40 hosts per row".
  rect heading;
  std::string heading_text;
  /// Where the cells go; cells outside it are cut.
  rect heat;
  /// x of column 0's left edge and the width of one column (time bin).
  float col_x0 = 0;
  float col_w = 0;
  /// Top of the value scale the colours map onto (the chart's y_max).
  double y_max = 100;
  /// The top hosts column: a title line, then one line per host.
  rect names;
  std::vector<std::string> name_lines;
};

/// One chart of a frame: its geometry in canvas units, its style (title,
/// unit) and the series it draws (pointing into the snapshot). In the
/// fleet view the series are the fleet's percentiles and `fleet` holds the
/// heatmap.
struct panel_frame {
  metric_kind kind = metric_kind::cpu;
  chart_geometry geometry;
  chart_style style;
  const std::vector<series_snapshot>* series = nullptr;
  fleet_frame fleet;
  std::vector<threshold_mark> thresholds;
};

/// The heatmap's colour for `fraction` of the scale (0..1, clamped): dark
/// blue through green and yellow to red, like btop's meters; `nan` (no
/// data) is `background` lightened a little, so a silent host shows.
rgb heat_color(double fraction, rgb background);

/// The highest value of the heatmap cells in columns [c0, c1) and rows
/// [r0, r1) (clamped to the map); NaN when none holds a value. Renderers
/// whose cells are coarser than the map's (the terminal) draw this.
float heat_max(const fleet_snapshot& x, size_t c0, size_t c1, size_t r0,
               size_t r1);

/// Everything a renderer draws for one snapshot: the charts and the one
/// status line at the bottom.
struct frame_geometry {
  std::vector<panel_frame> panels;
  rect status;
  /// With --alert rules: one line under the status line, "alerts: none
  /// firing" or the firing alerts, most severe and oldest first.
  rect alerts;
  std::string alerts_text;
  rgb alerts_color;
};

/// The style of `kind`'s panel: `base` with the panel's title, y label,
/// unit and y range. The CPU panel keeps base's title and labels.
chart_style panel_style(metric_kind kind, const chart_style& base);

/// Lays the charts of `snap` out on a `width` x `height` canvas: the one
/// CPU chart as before when `snap.panels` is empty, else a grid of panels
/// (columns by the canvas's shape) above one status line. style.zoom 0
/// shows every panel, k > 0 only the k-th (wrapped to the panels held).
frame_geometry build_frame(const snapshot& snap, float width, float height,
                           const chart_style& style, const text_metrics& m);

/// Applies `how` to points (oldest first); pure, for tests and renderers.
std::vector<point> smooth_points(const std::vector<point>& pts, smoothing how,
                                 size_t moving_average_points,
                                 double interval_s);

/// Gap threshold of a series in ns: 3 x the median spacing of its points
/// and at least 100 ms; 0 (never break) with fewer than 3 points.
int64_t gap_threshold_ns(const std::vector<point>& pts);

/// One readout line: "<name>  now 42.0%  min 3.1%  max 97.0%  avg 40.2%",
/// values in `unit`, then the series' detail when it has one.
std::string readout_line(const series_snapshot& x,
                         value_unit unit = value_unit::percent);

/// The fullest readout of `x` that fits `chars` characters: every figure
/// and the detail, else now, max and the detail, else now and the detail,
/// else now (cut to `chars`).
std::string fit_readout(const series_snapshot& x, value_unit unit,
                        size_t chars);

/// `x` as the readout prints it in `unit`: "42.0%", "1.2 MB/s", "1.25".
std::string format_value(double x, value_unit unit);

/// The status line: "12.0 msg/s  received 1234  malformed 3 (empty 1,
/// malformed 2)  latency 1.2 ms (max 3.0 ms)  broker up", plus "  PAUSED"
/// when paused and the broker's last error when it is down.
std::string status_text(const viewer_status& x);

} // namespace kscope
