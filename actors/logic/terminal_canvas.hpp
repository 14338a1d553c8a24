#pragma once

// The chart in a terminal: braille dots (2 x 4 per cell) in colour, with the
// same title, legend, axes, readout and status as the window. Pure text
// output, testable without a terminal.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/logic/chart.hpp"

namespace kscope {

/// A grid of `cols` x `rows` terminal cells. Graphics go on a dot grid of
/// (2 cols) x (4 rows) braille dots; text goes on cells and wins over dots.
class braille_canvas {
public:
  braille_canvas(int cols, int rows);

  int cols() const noexcept {
    return cols_;
  }
  int rows() const noexcept {
    return rows_;
  }

  /// Sets one dot; dots outside the grid are ignored.
  void dot(int x, int y, rgb color);

  /// Draws a line between two points in dot units (Bresenham or DDA).
  void line(vec2 a, vec2 b, rgb color);

  /// Fills dots of column x from y0 to y1 inclusive (area and bars).
  void column(int x, int y0, int y1, rgb color);

  /// Paints cell (col, row) as two stacked squares: an upper half block in
  /// `top` on a background of `bottom` (the fleet view's heatmap, two rows
  /// per cell); `plain` stands in for it without colour.
  void block(int col, int row, rgb top, rgb bottom, char32_t plain);

  /// Writes text starting at cell (col, row), clipped at the right edge.
  /// Text is UTF-8; each code point takes one cell.
  void text(int col, int row, std::string_view s, rgb color);

  /// The grid as lines joined by '\n' (no trailing newline). With `color`,
  /// 24-bit ANSI colour escapes (ESC[38;2;r;g;bm, ESC[48;2;r;g;bm for
  /// blocks) and a reset at each line end; without, plain characters
  /// (braille U+2800.., text and the blocks' stand-ins).
  std::string render(bool color) const;

private:
  struct cell {
    uint8_t dots = 0;
    rgb color;
    char32_t text = 0;
    /// Set for blocks: their background and plain stand-in.
    bool has_bg = false;
    rgb bg;
    char32_t plain = 0;
  };

  int cols_;
  int rows_;
  std::vector<cell> cells_;
};

/// Renders a whole frame of `cols` x `rows` cells: build_chart on a canvas of
/// (2 cols) x (4 rows) dots with text_metrics{2, 4}, then the series shapes
/// as braille lines (area: columns filled down to the baseline; bar: filled
/// columns), the y tick labels left of the plot, the x tick labels under it,
/// the title, a legend ("■ name" per series in its colour), one readout line
/// per series and the status line. Tiny terminals (under 40 x 12) get a
/// one-line message saying the terminal is too small, not a crash.
std::string render_terminal_frame(const snapshot& snap, int cols, int rows,
                                  const chart_style& style, bool color);

} // namespace kscope
