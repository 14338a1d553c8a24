#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_clock.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/edges/surface.hpp"
#include "actors/logic/chart.hpp"
#include "messages/interfaces.hpp"
#include "messages/snapshot.hpp"
#include "messages/status.hpp"

namespace kscope {

/// Opens the renderer's surface; nullptr and a one-line reason in `err`
/// when it cannot. Called on the renderer's own thread, at every start.
using surface_factory
  = std::function<std::unique_ptr<surface>(std::string& err)>;

/// What the renderer draws on and how.
struct renderer_config {
  surface_factory open;
  chart_style style;
  /// Most frames per second; keys are read every frame, and at least every
  /// input_interval (below 5 fps: keys within 200 ms, and no more wake-ups
  /// than that).
  double fps = 10;
  std::chrono::milliseconds input_interval{200};
  /// --snapshot: on `stop_atom` the last frame is written to this PNG.
  std::string snapshot_path;
  /// Names the PNG the `s` key writes; default kscope-YYYYmmdd-HHMMSS.png.
  std::function<std::string()> png_name;
};

struct renderer_state {
  static inline const char* name = "kscope.renderer";
  std::unique_ptr<surface> screen;
  chart_style style;
  /// The picture to show: the latest snapshot (its series frozen while
  /// paused, its status always the latest).
  snapshot latest;
  bool paused = false;
  /// A key changed the picture: draw at the next chance.
  bool dirty = false;
  /// What the last frame showed, to tell whether a new one is needed.
  uint64_t drawn_revision = 0;
  viewer_status drawn_status;
  int64_t drawn_now_ns = 0;
  /// Nanoseconds of time axis per canvas unit in the last frame.
  double ns_per_unit = 0;
  caf::actor_clock::time_point next_frame;
  /// Frames drawn so far.
  uint64_t frames = 0;
  /// Shown in the status line until notice_until.
  std::string notice;
  caf::actor_clock::time_point notice_until;
};

/// Owns the drawing surface (SFML window, offscreen texture or terminal)
/// for its whole life and draws the window actor's snapshots on it. Spawn
/// it detached: every call to the surface happens on its own thread.
/// On start it opens the surface (quitting with `errc::surface_failed`
/// when it cannot) and sends `subscribe_atom` to `window`, which then sends
/// it every snapshot. It draws a frame only when the picture changed: a
/// new revision or status, a key, a resize, or the clock having moved the
/// time axis by at least one canvas unit; never more than `fps` a second.
/// Protocol:
/// - `snapshot`: the newest picture.
/// - `tick_atom` (its own timer, every input_interval or frame): reads keys.
///   Space pauses, `s` saves a PNG of what is shown, `c` and `m` cycle the
///   chart type and smoothing, `f` and `o` ask the window for the other
///   view (lines or fleet) and the next fleet sort order,
///   `q`/Escape/closing asks to quit.
/// - `stop_atom`: with snapshot_path, write the last picture there; quit.
/// - to `parent`: `render_event` for a quit asked, a PNG saved or failed,
///   and notices. A saved or failed PNG is also said in the chart's status
///   line for 5 s (where the terminal chart owns the screen, the only place
///   a user sees it at once).
/// A throw (a lost display, a failing driver) ends it with an error; its
/// supervisor then starts a new one, which opens a new surface.
renderer_actor::behavior_type
renderer(renderer_actor::stateful_pointer<renderer_state> self,
         renderer_config cfg, snapshot_source window,
         render_event_sink parent);

} // namespace kscope
