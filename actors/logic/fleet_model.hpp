#pragma once

// Synthetic hosts for `kscope simulate`: every host a distinct, plausible
// CPU curve, reproducible from a seed. Pure logic: the caller passes time.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kscope {

/// What a simulated machine does all day.
enum class host_role : uint8_t {
  /// Serves traffic: a level, a slow swell (periods of minutes) and noise.
  web,
  /// Mostly idle, then a job pins it near 100 % for half a minute or more.
  batch,
  /// Steady and busy, with small noise.
  database,
  /// Nothing to do.
  idle,
  /// Stuck at (nearly) 100 %: a runaway process.
  runaway,
};

/// The CPU curves of `hosts` machines. Host i's role and parameters follow
/// from (seed, i) alone, so two runs with one seed agree, and a host keeps
/// its character whatever the fleet's size. Roles: 60 % web, 15 % batch,
/// 15 % database, 7 % idle, 3 % runaway.
class fleet_model {
public:
  fleet_model(size_t hosts, uint64_t seed);

  size_t hosts() const noexcept {
    return hosts_.size();
  }

  host_role role(size_t index) const {
    return hosts_[index].role;
  }

  /// Host `index`'s CPU % (0..100) at `ts_ns`. Call with non-decreasing
  /// times per host: noise and jobs evolve from one call to the next.
  double next(size_t index, int64_t ts_ns);

private:
  struct machine {
    host_role role = host_role::web;
    double level = 0;
    double swell = 0;
    double period_s = 300;
    double phase = 0;
    double sigma = 3;
    double noise = 0;
    /// A batch job's end, and when the next one starts.
    int64_t job_until = 0;
    int64_t next_job = 0;
    double job_level = 95;
    uint64_t rng = 0;
  };

  std::vector<machine> hosts_;
};

} // namespace kscope
