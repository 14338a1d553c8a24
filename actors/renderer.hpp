#pragma once

// The drawing surfaces behind the renderer: an SFML window (or an offscreen
// SFML texture for --snapshot) and the terminal. The renderer loop runs on
// the main thread and draws whatever snapshot it holds.

#include <memory>
#include <string>
#include <vector>

#include "actors/chart.hpp"
#include "messages/snapshot.hpp"

namespace kscope {

/// What a user pressed.
enum class key_action {
  pause,           ///< space
  save,            ///< s
  cycle_chart,     ///< c
  cycle_smoothing, ///< m
  quit,            ///< q, Escape, closing the window
};

/// A place to draw snapshots.
class surface {
public:
  virtual ~surface();

  /// Draws one frame.
  virtual void draw(const snapshot& snap, const chart_style& style) = 0;

  /// Keys and window events since the last call. Never blocks.
  virtual std::vector<key_action> poll_input() = 0;

  /// True when the size changed since the last draw (redraw needed).
  virtual bool resized() = 0;

  /// Writes the last drawn frame to a PNG file; false and `err` on failure
  /// or when the surface cannot (the terminal).
  virtual bool save_png(const std::string& path, std::string& err) = 0;
};

/// True when an X display can be opened. SFML aborts the process without
/// one, so ask before creating any SFML window or texture.
bool display_available();

/// Looks for DejaVu Sans Mono in the usual places; empty when not found.
std::string find_default_font();

/// Opens a resizable SFML window of `width` x `height`. nullptr and `err`
/// when there is no display or the font cannot be loaded.
std::unique_ptr<surface> make_window_surface(unsigned width, unsigned height,
                                             const std::string& font_path,
                                             std::string& err);

/// An offscreen SFML surface (for --snapshot): draws into a texture.
std::unique_ptr<surface> make_offscreen_surface(unsigned width,
                                                unsigned height,
                                                const std::string& font_path,
                                                std::string& err);

/// The terminal: alternate screen, raw keys, braille chart. Restores the
/// terminal when destroyed. nullptr and `err` when stdout is no terminal.
std::unique_ptr<surface> make_terminal_surface(std::string& err);

} // namespace kscope
