#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>
#include <caf/behavior.hpp>
#include <caf/error.hpp>
#include <caf/stateful_actor.hpp>

namespace kscope {

/// Whether a child that exits is started again.
enum class restart_policy {
  /// Restarted after any exit but an orderly stop by the supervisor.
  permanent,
  /// Restarted only after a crash; a normal exit means its work is done.
  transient,
};

/// How to start one supervised child.
struct child_spec {
  std::string name;
  /// Spawns the child. Gets the handles of the children before it in the
  /// list, all alive, so a child can be wired to its upstream.
  std::function<caf::actor(caf::actor_system&, const std::vector<caf::actor>&)>
    start;
  restart_policy policy = restart_policy::permanent;
  /// When this child exits normally, the supervisor stops the others in an
  /// orderly way and reports success (e.g. the sampler after `--count`).
  bool ends_role = false;
  /// On an orderly stop, stopped after every other child rather than in
  /// reverse start order: the renderer, so the window's final snapshot
  /// (sent when it stops) is the picture it closes on or saves.
  bool stop_last = false;
};

/// Backoff and cap of restarts.
struct restart_limits {
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  /// More restarts than this within `window` end the role.
  size_t max_restarts = 5;
  std::chrono::milliseconds window{60000};
  /// Longest wait for one child to stop on an orderly stop before it is
  /// killed.
  std::chrono::milliseconds stop_timeout{15000};
};

/// Doubles from `initial_backoff` with each restart in the window, capped
/// at `max_backoff`; `restarts` counts this one.
std::chrono::milliseconds backoff_for(const restart_limits& limits,
                                      size_t restarts);

struct supervisor_state {
  static inline const char* name = "kscope.supervisor";
  struct child {
    child_spec spec;
    caf::actor handle;
    /// Times of recent restarts of this child, oldest first.
    std::deque<caf::actor_clock::time_point> restarts;
  };
  std::vector<child> children;
  /// Handles of the running children, shared with the functor that kills
  /// them when the supervisor ends, however it ends.
  std::shared_ptr<std::vector<caf::actor>> running
    = std::make_shared<std::vector<caf::actor>>();
  bool stopping = false;
  /// What the listener gets at the end; none after an orderly stop.
  caf::error outcome;
};

/// Starts `children` in order, monitors them and restarts a crashed child
/// together with every child after it (they are wired to it), after a
/// backoff that doubles up to a cap. Protocol:
/// - `stop_atom` or an exit message with `exit_reason::user_shutdown`: stop
///   the children in reverse order, those marked stop_last after the rest
///   (each gets `stop_atom` and, after stop_timeout, a kill), then report.
/// - a kill ends the supervisor and every child. Children are monitored, not
///   linked: CAF passes a kill on through a link unconditionally, so a child
///   killed from outside would take a linked supervisor with it.
/// - to `listener`: `(status_atom, std::string)` one line per restart;
///   `(done_atom, caf::error)` once at the end, the error empty after an
///   orderly stop and set when a child hit the restart cap or failed with
///   `errc::kafka_fatal` or `errc::surface_failed` (never restarted).
caf::behavior supervisor(caf::stateful_actor<supervisor_state>* self,
                         std::vector<child_spec> children,
                         restart_limits limits, caf::actor listener);

} // namespace kscope
