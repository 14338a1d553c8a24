#pragma once

// From a subcommand's options to the role it runs: every value checked,
// the Kafka clients made, the graph (actors/roles.hpp) and what the
// reporter says filled in. Nothing here starts an actor.

#include <functional>
#include <memory>
#include <variant>

#include "actors/edges/embedded_broker.hpp"
#include "actors/options.hpp"
#include "actors/roles.hpp"
#include "messages/errors.hpp"

namespace kscope {

/// A role ready to start.
struct prepared_role {
  role_plan plan;
  reporter_config report;
  /// `kscope run` without -b: the embedded broker, which must outlive the
  /// role.
  std::unique_ptr<embedded_broker> broker;
};

/// The role of `kscope produce`, or the exit code after one error line.
std::variant<prepared_role, int> prepare_produce(const produce_options& opts);

/// The role of `kscope simulate`: N synthetic hosts through the real
/// publisher; or the exit code after one error line.
std::variant<prepared_role, int>
prepare_simulate(const simulate_options& opts);
/// The role of `kscope view`, or the exit code after one error line.
std::variant<prepared_role, int> prepare_view(const view_options& opts,
                                              const kafka_options& kafka);

/// The role of `kscope run`: the embedded broker unless -b, the producer
/// and the viewer; or the exit code after one error line.
std::variant<prepared_role, int> prepare_run(const run_options& opts);

/// `kscope broker`: the embedded broker until `stop_requested()`.
int serve_broker(const broker_options& opts,
                 const std::function<bool()>& stop_requested);

} // namespace kscope
