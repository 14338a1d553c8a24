#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/error.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/edges/status_line.hpp"
#include "messages/interfaces.hpp"
#include "messages/snapshot.hpp"
#include "messages/status.hpp"

namespace kscope {

/// What the reporter says and when the role has done its job.
struct reporter_config {
  /// Prefix of every line, e.g. "kscope produce test-topic@host:9092".
  std::string label = "kscope";
  /// First log line (what the producer samples), empty for none.
  std::string announce;
  /// stdout is a terminal: a live status line; else timestamped lines.
  bool terminal = false;
  /// The chart is drawn in this terminal: log lines wait until the end.
  bool chart_in_terminal = false;
  bool producer = false;
  bool viewer = false;
  /// Producer: samples to deliver (`--count`), 0 for no limit.
  uint64_t produce_count = 0;
  /// Viewer: stop once this many samples were received; 0 for no limit.
  uint64_t view_count = 0;
  /// Viewer: stop after this long.
  std::optional<std::chrono::milliseconds> duration;
  /// Viewer with no surface: log the viewer status this often (0: never).
  std::chrono::milliseconds log_every{0};
  /// False for `kscope alert`: no picture, so no sample-to-screen line.
  bool draws = true;
  /// --snapshot: a PNG that could not be written fails the run.
  bool snapshot = false;
  /// For the line that starts a flush, e.g. "10s".
  std::string flush_timeout;
};

struct reporter_state {
  static inline const char* name = "kscope.reporter";
  std::unique_ptr<status_line> out;
  /// Log lines held back while the chart owns the terminal.
  std::vector<std::string> deferred;
  caf::actor supervisor;
  caf::actor waiter;
  publisher_status last_pub;
  std::optional<viewer_status> last_view;
  broker_state view_state = broker_state::connecting;
  std::chrono::steady_clock::time_point down_since;
  std::chrono::steady_clock::time_point next_log;
  bool stopping = false;
  bool png_failed = false;
};

/// Tells the user what the role does and decides how it ends: the status
/// line and log lines, the stop once `--count` samples were received or
/// `--duration` passed, and the exit code. Protocol:
/// - `publisher_status`, `viewer_status`: the latest progress.
/// - `(status_atom, std::string)`: a line for the log (supervisor).
/// - `render_event`: a quit asked (an orderly stop), a PNG saved or failed.
/// - `(stop_atom, std::string why)`: an orderly stop (first signal).
/// - `abort_atom`: the second signal; one error line saying what is lost,
///   then `(done_atom, int 130)` to the waiter.
/// - `(done_atom, caf::error)` from the supervisor: final lines, then
///   `(done_atom, int exit_code)` to `waiter`; quits.
/// The supervisor it stops is set by `(caf::actor)` after spawning.
reporter_actor::behavior_type
reporter(reporter_actor::stateful_pointer<reporter_state> self,
         reporter_config cfg, caf::actor waiter);

} // namespace kscope
