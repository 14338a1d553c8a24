#include "actors/logic/terminal_canvas.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "actors/logic/text.hpp"

namespace kscope {

namespace {

/// Largest grid a canvas allocates; bigger requests are cut to it, so an
/// absurd size cannot exhaust memory.
constexpr int max_cols = 4096;
constexpr int max_rows = 2048;

/// Farthest a line end may lie outside the grid before it is pulled in;
/// keeps the dot arithmetic in range for wild coordinates.
constexpr float max_offgrid = 65536;

constexpr char32_t braille_base = 0x2800;
constexpr char32_t replacement_char = 0xFFFD;
constexpr std::string_view legend_mark = "\u25A0";

constexpr std::string_view too_small_message =
  "terminal too small for the chart (need 40x12)";
constexpr int min_frame_cols = 40;
constexpr int min_frame_rows = 12;

/// Braille bit of the dot at (x, y) inside a 2 x 4 cell.
constexpr uint8_t dot_bits[4][2] = {
  {0x01, 0x08},
  {0x02, 0x10},
  {0x04, 0x20},
  {0x40, 0x80},
};

/// Decodes UTF-8; each invalid byte becomes U+FFFD.
std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  while (!s.empty()) {
    char32_t cp = 0;
    auto len = next_code_point(s, cp);
    out.push_back(len == 0 ? replacement_char : cp);
    s.remove_prefix(std::max<size_t>(len, 1));
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// Control characters would move the cursor or start escapes (a host name
/// comes from the topic); they show as '?'.
bool is_control(char32_t cp) noexcept {
  return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

int text_width(std::string_view s) {
  return static_cast<int>(decode_utf8(s).size());
}

/// The first `width` characters of `s`.
std::string cut_to_width(std::string_view s, size_t width) {
  return std::string{first_chars(s, width)};
}

void append_color(std::string& out, rgb c, bool background = false) {
  out += background ? "\x1b[48;2;" : "\x1b[38;2;";
  out += std::to_string(c.r);
  out += ';';
  out += std::to_string(c.g);
  out += ';';
  out += std::to_string(c.b);
  out += 'm';
}

/// A canvas coordinate as a dot index, pulled into a sane range.
int to_dot(float x) {
  if (!std::isfinite(x))
    return 0;
  return static_cast<int>(std::floor(std::clamp(x, -max_offgrid, max_offgrid)));
}

/// The dots of the plot rectangle: a point on its right or bottom edge
/// belongs to the last dot inside, not to the margin after it.
struct dot_box {
  int x0 = 0;
  int y0 = 0;
  int x1 = 0;
  int y1 = 0;

  explicit dot_box(const rect& r)
    : x0(to_dot(std::ceil(r.x))),
      y0(to_dot(std::ceil(r.y))),
      x1(std::max(x0, to_dot(std::ceil(r.x + r.w)) - 1)),
      y1(std::max(y0, to_dot(std::ceil(r.y + r.h)) - 1)) {
  }

  int x(float v) const {
    return std::clamp(to_dot(v), x0, x1);
  }

  int y(float v) const {
    return std::clamp(to_dot(v), y0, y1);
  }

  vec2 operator()(vec2 p) const {
    return {static_cast<float>(x(p.x)), static_cast<float>(y(p.y))};
  }
};

/// Draws the series shapes of a frame, clamped to the plot's dots.
void draw_series(braille_canvas& canvas, const chart_geometry& geo,
                 const chart_style& style) {
  dot_box box{geo.layout.plot};
  for (auto& shape : geo.series) {
    auto color = series_color(shape.color_index, style.palette);
    for (auto& bar : shape.bars) {
      auto x0 = box.x(bar.x);
      auto x1 = std::max(x0, box.x(std::ceil(bar.x + bar.w) - 1));
      for (auto x = x0; x <= x1; ++x)
        canvas.column(x, box.y(bar.y), box.y1, color);
    }
    for (auto& segment : shape.segments) {
      if (segment.size() == 1) {
        auto p = box(segment.front());
        if (style.type == chart_type::area)
          canvas.column(static_cast<int>(p.x), static_cast<int>(p.y), box.y1,
                        color);
        else
          canvas.dot(static_cast<int>(p.x), static_cast<int>(p.y), color);
        continue;
      }
      for (size_t i = 1; i < segment.size(); ++i) {
        auto a = box(segment[i - 1]);
        auto b = box(segment[i]);
        if (style.type == chart_type::area) {
          auto xa = static_cast<int>(a.x);
          auto xb = static_cast<int>(b.x);
          for (auto x = xa; x <= xb; ++x) {
            auto t = xb == xa ? 1.0f
                              : static_cast<float>(x - xa)
                                  / static_cast<float>(xb - xa);
            auto y = a.y + (b.y - a.y) * t;
            canvas.column(x, static_cast<int>(std::lround(y)), box.y1, color);
          }
        }
        canvas.line(a, b, color);
      }
    }
  }
}

/// The left axis: a column of dots just left of the plot.
void draw_axis(braille_canvas& canvas, const chart_geometry& geo,
               const chart_style& style) {
  dot_box box{geo.layout.plot};
  canvas.column(box.x0 - 1, box.y0, box.y1, style.grid);
}

/// Cell row of a canvas y in dots.
int cell_row(float y) {
  return to_dot(y) / 4;
}

/// Draws a panel's text: title, legend, tick labels, x label, readout.
void draw_text(braille_canvas& canvas, const panel_frame& panel) {
  const auto& geo = panel.geometry;
  const auto& style = panel.style;
  const auto& series = *panel.series;
  const auto& lay = geo.layout;
  // The panel's columns: text stays inside them.
  auto left = to_dot(std::ceil(lay.canvas.x)) / 2;
  auto cols = std::min(canvas.cols(),
                       to_dot(lay.canvas.x + lay.canvas.w) / 2);
  auto fg = style.foreground;
  // Title, centred.
  auto title = cut_to_width(style.title, static_cast<size_t>(
                                           std::max(0, cols - left)));
  auto title_col = left + std::max(0, (cols - left - text_width(title)) / 2);
  canvas.text(title_col, cell_row(lay.title.y), title, fg);
  // Legend line: the y label, then one entry per series.
  auto legend_row = cell_row(lay.legend.y);
  canvas.text(left, legend_row, style.y_label, fg);
  auto col = std::max(to_dot(lay.plot.x) / 2,
                      left + text_width(style.y_label) + 2);
  for (auto& s : series) {
    if (col + text_width(s.name) + 2 > cols)
      break;
    std::string entry{legend_mark};
    entry += ' ';
    entry += s.name;
    canvas.text(col, legend_row, entry,
                series_color(s.color_index, style.palette));
    col += text_width(entry) + 2;
  }
  // y tick labels, right-aligned one cell left of the axis column.
  dot_box box{lay.plot};
  auto plot_col = box.x0 / 2;
  for (auto& t : geo.y_ticks) {
    auto row = box.y(t.pos) / 4;
    canvas.text(plot_col - 1 - text_width(t.label), row, t.label, fg);
  }
  // x tick labels on the first row under the plot, the x label on the next.
  auto tick_row = (to_dot(std::ceil(lay.plot.y + lay.plot.h)) + 3) / 4;
  for (auto& t : geo.x_ticks) {
    auto width = text_width(t.label);
    auto centre = t.pos / 2;
    auto start = static_cast<int>(
      std::lround(centre - static_cast<float>(width) / 2));
    start = std::clamp(start, left, std::max(left, cols - width));
    canvas.text(start, tick_row, t.label, fg);
  }
  auto plot_centre = (lay.plot.x + lay.plot.w / 2) / 2;
  auto label_start = static_cast<int>(std::lround(
    plot_centre - static_cast<float>(text_width(style.x_label)) / 2));
  canvas.text(std::max(left, label_start), tick_row + 1, style.x_label, fg);
  // Readout: one line per series; the last line counts those left out.
  auto readout_row = cell_row(lay.readout.y);
  auto lines = static_cast<size_t>(std::max(0, to_dot(lay.readout.h) / 4));
  auto count = series.size();
  if (count == 0 && lines > 0)
    canvas.text(left, readout_row, "waiting for data", fg);
  for (size_t i = 0; i < count && i < lines; ++i) {
    auto row = readout_row + static_cast<int>(i);
    if (i + 1 == lines && count > lines) {
      canvas.text(left, row, "+" + std::to_string(count - i) + " more series",
                  fg);
      break;
    }
    auto& s = series[i];
    bool alerting = i < geo.series.size() && geo.series[i].alerting;
    canvas.text(left, row, alerting ? "!" : legend_mark,
                series_color(s.color_index, style.palette));
    // Cut at the panel's right edge, so panels side by side stay apart.
    auto room = static_cast<size_t>(std::max(0, cols - left - 3));
    canvas.text(left + 2, row, fit_readout(s, style.unit, room), fg);
  }
}

/// Thresholds: every other dot of their row across the plot, the rule's
/// label at the right end, on the row above.
void draw_thresholds(braille_canvas& canvas, const panel_frame& panel) {
  dot_box box{panel.geometry.layout.plot};
  for (auto& t : panel.thresholds) {
    auto y = box.y(t.y);
    for (auto x = box.x0; x <= box.x1; x += 2)
      canvas.dot(x, y, t.color);
    auto width = text_width(t.label);
    auto col = std::max(box.x0 / 2, box.x1 / 2 - width);
    canvas.text(col, std::max(0, y / 4 - 1), t.label, t.color);
  }
}

/// The fleet view's heatmap, two map rows per cell (each cell showing the
/// highest value of the map cells it covers), its title, heading and the
/// top hosts.
void draw_fleet(braille_canvas& canvas, const fleet_frame& f,
                const chart_style& style) {
  const auto& fl = *f.fleet;
  auto fg = style.foreground;
  auto left = to_dot(std::ceil(f.title.x)) / 2;
  auto right = to_dot(f.title.x + f.title.w) / 2;
  auto title = cut_to_width(f.title_text,
                            static_cast<size_t>(std::max(0, right - left)));
  canvas.text(left + std::max(0, (right - left - text_width(title)) / 2),
              cell_row(f.title.y), title, fg);
  canvas.text(left, cell_row(f.heading.y),
              cut_to_width(f.heading_text, static_cast<size_t>(
                                             std::max(0, right - left))),
              fg);
  auto names_col = to_dot(std::ceil(f.names.x)) / 2;
  auto names_room = static_cast<size_t>(std::max(0, to_dot(f.names.w) / 2));
  auto names_rows = to_dot(f.names.h) / 4;
  for (size_t i = 0; i < f.name_lines.size()
                     && static_cast<int>(i) < names_rows;
       ++i)
    canvas.text(names_col, cell_row(f.names.y) + static_cast<int>(i),
                cut_to_width(f.name_lines[i], names_room), fg);
  if (fl.rows == 0 || fl.cols == 0 || f.col_w <= 0)
    return;
  auto c0 = to_dot(std::ceil(f.heat.x)) / 2;
  auto c1 = to_dot(f.heat.x + f.heat.w) / 2;
  auto r0 = (to_dot(std::ceil(f.heat.y)) + 3) / 4;
  auto r1 = to_dot(f.heat.y + f.heat.h) / 4;
  if (c1 <= c0 || r1 <= r0)
    return;
  auto halves = static_cast<size_t>(2 * (r1 - r0));
  auto top = f.y_max > 0 ? f.y_max : 1.0;
  constexpr char32_t shades[] = {U' ', U'░', U'▒', U'▓',
                                 U'█'};
  // Map columns [a, b) under terminal column `col`: those whose bins
  // start within its two dots.
  auto map_cols = [&](int col, size_t& a, size_t& b) {
    auto x0 = (static_cast<float>(2 * col) - f.col_x0) / f.col_w;
    auto x1 = (static_cast<float>(2 * col + 2) - f.col_x0) / f.col_w;
    auto lo = std::max(0.0f, std::floor(x0));
    auto hi = std::max(lo + 1, std::ceil(x1));
    a = static_cast<size_t>(lo);
    b = static_cast<size_t>(std::min(hi, static_cast<float>(fl.cols)));
  };
  auto map_rows = [&](size_t half, size_t& a, size_t& b) {
    a = half * fl.rows / halves;
    b = std::max(a + 1, (half + 1) * fl.rows / halves);
  };
  for (auto col = c0; col < c1; ++col) {
    size_t a = 0;
    size_t b = 0;
    map_cols(col, a, b);
    if (a >= fl.cols || static_cast<float>(2 * col + 2) < f.col_x0)
      continue;
    for (auto row = r0; row < r1; ++row) {
      auto half = static_cast<size_t>(2 * (row - r0));
      size_t ra = 0;
      size_t rb = 0;
      map_rows(half, ra, rb);
      auto upper = heat_max(fl, a, b, ra, rb);
      map_rows(half + 1, ra, rb);
      auto lower = heat_max(fl, a, b, ra, rb);
      auto hottest = std::isnan(upper) ? lower
                     : (std::isnan(lower) || upper > lower ? upper : lower);
      auto shade = std::isnan(hottest)
                     ? size_t{0}
                     : 1 + static_cast<size_t>(std::clamp(hottest / top, 0.0,
                                                          0.999)
                                               * 4);
      canvas.block(col, row, heat_color(upper / top, style.background),
                   heat_color(lower / top, style.background),
                   shades[std::min<size_t>(shade, 4)]);
    }
  }
}

} // namespace

braille_canvas::braille_canvas(int cols, int rows)
  : cols_(std::clamp(cols, 0, max_cols)), rows_(std::clamp(rows, 0, max_rows)) {
  cells_.resize(static_cast<size_t>(cols_) * static_cast<size_t>(rows_));
}

void braille_canvas::dot(int x, int y, rgb color) {
  if (x < 0 || y < 0 || x >= 2 * cols_ || y >= 4 * rows_)
    return;
  auto& c = cells_[static_cast<size_t>(y / 4) * static_cast<size_t>(cols_)
                   + static_cast<size_t>(x / 2)];
  c.dots |= dot_bits[y % 4][x % 2];
  c.color = color;
}

void braille_canvas::line(vec2 a, vec2 b, rgb color) {
  auto x0 = to_dot(a.x);
  auto y0 = to_dot(a.y);
  auto x1 = to_dot(b.x);
  auto y1 = to_dot(b.y);
  auto dx = std::abs(x1 - x0);
  auto dy = -std::abs(y1 - y0);
  auto sx = x0 < x1 ? 1 : -1;
  auto sy = y0 < y1 ? 1 : -1;
  auto err = dx + dy;
  for (;;) {
    dot(x0, y0, color);
    if (x0 == x1 && y0 == y1)
      break;
    auto e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

void braille_canvas::column(int x, int y0, int y1, rgb color) {
  if (y0 > y1)
    std::swap(y0, y1);
  y0 = std::max(y0, 0);
  y1 = std::min(y1, 4 * rows_ - 1);
  for (auto y = y0; y <= y1; ++y)
    dot(x, y, color);
}

void braille_canvas::block(int col, int row, rgb top, rgb bottom,
                           char32_t plain) {
  if (col < 0 || row < 0 || col >= cols_ || row >= rows_)
    return;
  auto& c = cells_[static_cast<size_t>(row) * static_cast<size_t>(cols_)
                   + static_cast<size_t>(col)];
  c.text = U'\u2580';
  c.color = top;
  c.has_bg = true;
  c.bg = bottom;
  c.plain = plain;
}

void braille_canvas::text(int col, int row, std::string_view s, rgb color) {
  if (row < 0 || row >= rows_)
    return;
  for (auto cp : decode_utf8(s)) {
    if (col >= cols_)
      break;
    if (col >= 0) {
      auto& c = cells_[static_cast<size_t>(row) * static_cast<size_t>(cols_)
                       + static_cast<size_t>(col)];
      c.text = is_control(cp) ? U'?' : cp;
      c.color = color;
      c.has_bg = false;
    }
    ++col;
  }
}

std::string braille_canvas::render(bool color) const {
  std::string out;
  for (int row = 0; row < rows_; ++row) {
    if (row > 0)
      out += '\n';
    bool colored = false;
    rgb current;
    bool on_bg = false;
    rgb current_bg;
    for (int col = 0; col < cols_; ++col) {
      const auto& c = cells_[static_cast<size_t>(row)
                               * static_cast<size_t>(cols_)
                             + static_cast<size_t>(col)];
      char32_t cp = U' ';
      if (c.has_bg && !color)
        cp = c.plain;
      else if (c.text != 0)
        cp = c.text;
      else if (c.dots != 0)
        cp = braille_base + c.dots;
      if (color && c.has_bg && (!on_bg || !(current_bg == c.bg))) {
        append_color(out, c.bg, true);
        current_bg = c.bg;
        on_bg = true;
      } else if (color && !c.has_bg && on_bg) {
        out += "\x1b[49m";
        on_bg = false;
      }
      if (color && cp != U' ' && (!colored || !(current == c.color))) {
        append_color(out, c.color);
        current = c.color;
        colored = true;
      }
      append_utf8(out, cp);
    }
    if (color)
      out += "\x1b[0m";
  }
  return out;
}

std::string render_terminal_frame(const snapshot& snap, int cols, int rows,
                                  const chart_style& style, bool color) {
  braille_canvas canvas{cols, rows};
  if (canvas.cols() < min_frame_cols || canvas.rows() < min_frame_rows) {
    canvas.text(0, 0, too_small_message, style.foreground);
    return canvas.render(color);
  }
  auto frame = build_frame(snap, static_cast<float>(canvas.cols() * 2),
                           static_cast<float>(canvas.rows() * 4), style,
                           text_metrics{2, 4});
  for (auto& panel : frame.panels) {
    draw_axis(canvas, panel.geometry, panel.style);
    draw_series(canvas, panel.geometry, panel.style);
    draw_text(canvas, panel);
    if (panel.fleet.fleet)
      draw_fleet(canvas, panel.fleet, panel.style);
    draw_thresholds(canvas, panel);
  }
  if (!frame.alerts_text.empty())
    canvas.text(0, cell_row(frame.alerts.y), frame.alerts_text,
                frame.alerts_color);
  canvas.text(0, cell_row(frame.status.y), status_text(snap.status),
              style.foreground);
  return canvas.render(color);
}

} // namespace kscope
