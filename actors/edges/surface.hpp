#pragma once

// The drawing surfaces the renderer owns: an SFML window, an offscreen SFML
// texture (for --snapshot) and the terminal. Each is used from one thread
// only, the renderer's, for its whole life. The SFML ones live in the
// display module, loaded at run time (actors/edges/display_module.hpp).

#include <memory>
#include <string>
#include <vector>

#include "actors/logic/chart.hpp"
#include "messages/snapshot.hpp"

namespace kscope {

/// What a user pressed.
enum class key_action {
  pause,           ///< space
  save,            ///< s
  cycle_chart,     ///< c
  cycle_smoothing, ///< m
  cycle_zoom,      ///< z: one panel after another, then all
  toggle_fleet,    ///< f: lines <-> the fleet view (the window decides)
  cycle_sort,      ///< o: the fleet view's sort order (the window sorts)
  quit,            ///< q, Escape, closing the window
};

/// A place to draw snapshots.
class surface {
public:
  // Inline: the display module (a separate shared object) subclasses it
  // and must not need the binary's copy of the vtable.
  virtual ~surface() = default;

  /// Draws one frame and shows it. Returns how many nanoseconds of the
  /// time axis one canvas unit (pixel, braille dot) spans in that frame, so
  /// the caller knows when the clock alone moves the picture; 0 when
  /// unknown.
  virtual double draw(const snapshot& snap, const chart_style& style) = 0;

  /// Keys and window events since the last call. Never blocks.
  virtual std::vector<key_action> poll_input() = 0;

  /// True when the size changed since the last draw (redraw needed).
  virtual bool resized() = 0;

  /// Draws `snap` once more and writes that frame to a PNG file, so the
  /// file equals what is on screen; pixels are read back only here. False
  /// and `err` on failure or when the surface cannot (the terminal).
  virtual bool save_png(const snapshot& snap, const chart_style& style,
                        const std::string& path, std::string& err) = 0;
};

/// How an SFML surface is made.
struct sfml_surface_options {
  unsigned width = 1280;
  unsigned height = 720;
  /// A TTF file; empty looks for DejaVu Sans Mono.
  std::string font;
  /// Multisampling level; 0 (off) by default: 4x costs about 7x the CPU of
  /// a frame under a software rasteriser.
  unsigned antialias = 0;
};

/// True when an X display can be opened. SFML aborts the process without
/// one, so ask before creating any SFML window or texture. Without
/// $DISPLAY this is false without loading the display module; with it, the
/// module is loaded and asked (and when it cannot be loaded, this is true, so
/// that opening the window reports why).
bool display_available();

/// Opens a resizable SFML window, through the display module (see
/// actors/edges/display_module.hpp). nullptr and `err` when the module
/// cannot be loaded, there is no display or the font cannot be loaded.
std::unique_ptr<surface> make_window_surface(const sfml_surface_options& opts,
                                             std::string& err);

/// An offscreen SFML surface (for --snapshot): draws into a texture. Through
/// the display module, like make_window_surface.
std::unique_ptr<surface>
make_offscreen_surface(const sfml_surface_options& opts, std::string& err);

/// The terminal: alternate screen, raw keys, braille chart, only changed
/// lines rewritten. Restores the terminal when destroyed. nullptr and `err`
/// when stdout is no terminal.
std::unique_ptr<surface> make_terminal_surface(std::string& err);

/// Puts a terminal that a terminal surface holds back to normal (main
/// screen, cursor, cooked input) without the surface's help: for an abort
/// that ends the process from another thread. Async-signal-safe; does
/// nothing when no terminal surface is open.
void restore_terminal_now();

} // namespace kscope
