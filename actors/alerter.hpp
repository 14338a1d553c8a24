#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/edges/alert_exec.hpp"
#include "actors/edges/kafka.hpp"
#include "actors/logic/alert_rules.hpp"
#include "messages/interfaces.hpp"

namespace kscope {

/// What the alerter keeps across its restarts: the rule engine (so no
/// firing alert is forgotten and none is raised twice) and the events not
/// yet handed on (so none is lost when the alerter dies between the
/// engine's verdict and the alert topic). Engine and outbox change together
/// under one lock.
struct alert_store {
  alert_store(std::vector<alert_rule> rules, int64_t expire_ns)
    : engine(std::move(rules), expire_ns) {
  }

  std::mutex mtx;
  alert_engine engine;
  std::deque<alert_event> outbox;
  uint64_t events = 0;
};

/// Where the alerter's events go and how it is fed.
struct alerter_config {
  std::shared_ptr<alert_store> store;
  /// --alert-topic: the same idempotent, acks=all producer as samples,
  /// for the alert topic; null without one.
  std::shared_ptr<kafka_producer> producer;
  /// --alert-exec: runs the hook; null without one.
  std::shared_ptr<alert_exec> exec;
  /// How often no-data is checked, the summary sent and delivery reports
  /// served.
  std::chrono::milliseconds interval{1000};
  /// Longest wait for the alert topic's messages at a stop.
  std::chrono::milliseconds flush_timeout{10000};
  /// Tests: called with every batch of readings before the engine sees it
  /// (a throw there crashes the alerter like a bug would).
  std::function<void(const std::vector<metric_reading>&)> on_readings;
};

struct alerter_state {
  static inline const char* name = "kscope.alerter";
};

/// Evaluates the --alert rules on the window's readings (the rule engine
/// of actors/logic/alert_rules) and hands every transition on: to the
/// alert topic as one JSON object keyed by host, to --alert-exec, to the
/// log (a line per transition, through `log`), and to the window as an
/// `alert_summary` (what is firing, for the chart). On start it sends
/// `alerts_atom` to `window`, which then sends it every batch of readings.
/// Protocol:
/// - `std::vector<metric_reading>`: evaluate; hand on what changed.
/// - `tick_atom` (every interval): no-data on this machine's clock,
///   delivery reports, the summary.
/// - `stop_atom`: flush the alert topic (up to flush_timeout), quit.
alerter_actor::behavior_type
alerter(alerter_actor::stateful_pointer<alerter_state> self,
        alerter_config cfg, window_actor window, caf::actor log);

/// "alert firing: hot web-1 cpu 95.0 > 90 (warning)" / "alert resolved:
/// ... after 2m 5s".
std::string describe(const alert_event& x);

} // namespace kscope
