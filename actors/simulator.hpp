#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/logic/fleet_model.hpp"
#include "messages/interfaces.hpp"

namespace kscope {

/// What `kscope simulate` publishes.
struct simulator_config {
  /// Hosts, named `prefix` + a zero-padded number from 1 ("sim-00001").
  size_t hosts = 100;
  std::string prefix = "sim-";
  /// Each host samples once per interval.
  std::chrono::milliseconds interval{500};
  /// Samples per host before stopping; 0 means never.
  uint64_t count = 0;
  uint64_t seed = 1;
  /// Hosts are spread over the interval in this many slices, like a real
  /// fleet whose machines do not tick in step.
  size_t slices = 10;
};

/// The fleet's curves and every host's last sequence number: kept across
/// restarts of the simulator, so a restarted one continues each host's
/// sequence and curve.
struct simulated_fleet {
  explicit simulated_fleet(const simulator_config& cfg);

  std::mutex mtx;
  fleet_model model;
  std::vector<uint64_t> seq;
  std::vector<std::string> names;
  /// Samples sent per host so far (every host equally, slice by slice).
  uint64_t rounds = 0;
  size_t next_slice = 0;
};

struct simulator_state {
  static inline const char* name = "kscope.simulator";
  caf::actor_clock::time_point next_tick;
};

/// Stands in for the sampler of `kscope simulate`: every interval / slices
/// it samples the next slice of hosts from the fleet model, stamped with
/// the wall clock, and sends them to `sink` (the publisher) as one batch.
/// Quits normally after `cfg.count` samples per host. Protocol:
/// - `tick_atom`: its own timer (absolute times, no drift);
/// - `stop_atom`: quit normally.
sampler_actor::behavior_type
simulator(sampler_actor::stateful_pointer<simulator_state> self,
          simulator_config cfg, std::shared_ptr<simulated_fleet> fleet,
          publisher_actor sink);

} // namespace kscope
