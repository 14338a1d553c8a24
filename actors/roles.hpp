#pragma once

// The actor graph of every role, described once. `kscope produce`, `view`
// and `run`, the fault tests and the benchmark all start their actors
// through role_children(), so they run the same wiring:
//
//   supervisor ─┬─ publisher ◀─sample── sampler (or a synthetic source)
//               ├─ window ◀─samples── consumer
//               └─ renderer ◀─snapshot── window     (subscribes at start)
//   reporter ◀─ statuses, render events, the supervisor's outcome
//
// Children are started in that order and restarted with those after them,
// so a renderer restart touches nothing else and a window restart brings a
// new consumer and renderer with it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/alerter.hpp"
#include "actors/consumer.hpp"
#include "actors/edges/kafka.hpp"
#include "actors/edges/sample_outbox.hpp"
#include "actors/publisher.hpp"
#include "actors/renderer.hpp"
#include "actors/reporter.hpp"
#include "actors/sampler.hpp"
#include "actors/supervisor.hpp"
#include "actors/window.hpp"

namespace kscope {

/// Spawns what feeds the publisher in place of the sampler (`kscope bench`'s
/// synthetic source); gets the live publisher.
using source_factory
  = std::function<caf::actor(caf::actor_system&, const caf::actor&)>;

/// Told the name and handle of every child each time it is (re)spawned;
/// for tests that inject faults into live children.
using spawn_hook = std::function<void(const std::string&, const caf::actor&)>;

/// The producer half: sampler (or source) and publisher.
struct producer_half {
  std::shared_ptr<kafka_producer> producer;
  sampler_config sampler;
  publisher_config publisher;
  /// Replaces the sampler when set.
  source_factory source;
  /// The role ends when the sampler is done (--count and no viewer).
  bool ends_role = false;
};

/// The viewer half: consumer, window and, when there is a surface, the
/// renderer.
struct viewer_half {
  std::shared_ptr<kafka_consumer> consumer;
  consumer_config consumer_cfg;
  window_actor_config window;
  /// No renderer when unset (no display, no terminal: status lines only).
  std::optional<renderer_config> renderer;
  /// With --alert rules: the alerter, fed by the window.
  std::optional<alerter_config> alerter;
};

/// Everything one process runs.
struct role_plan {
  std::optional<producer_half> producer;
  std::optional<viewer_half> viewer;
  restart_limits limits;
  spawn_hook on_spawn;
};

/// The supervised children of `plan`, in start order; `sink` gets every
/// status (publisher_status, viewer_status, render_event).
std::vector<child_spec> role_children(const role_plan& plan,
                                      const caf::actor& sink);

/// Configures CAF for kscope in code (CLI11 owns argv): the type IDs, the
/// `sharing` scheduler (condition variables, no polling: an idle producer
/// costs nothing between samples), two threads, no log file.
void configure(caf::actor_system_config& cfg);

/// A role running in this process: its actor system, reporter and
/// supervisor. The thread that made it waits on it and relays signals.
class running_role {
public:
  running_role(role_plan plan, reporter_config report);
  ~running_role();

  running_role(const running_role&) = delete;
  running_role& operator=(const running_role&) = delete;

  /// Waits up to `timeout` for the role to end; its exit code when it did.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);

  /// An orderly stop: sampling ends, the publisher flushes, the renderer
  /// closes; `why` goes into the log line ("stopping", "quitting").
  void stop(const std::string& why);

  /// Gives up at once after one line saying what is lost; returns the exit
  /// code (130). The caller ends the process.
  int abort();

private:
  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::unique_ptr<caf::scoped_actor> self_;
  reporter_actor reporter_;
  caf::actor supervisor_;
  std::optional<int> code_;
};

} // namespace kscope
