#include "actors/logic/fleet_model.hpp"

#include <algorithm>
#include <cmath>

namespace kscope {

namespace {

constexpr double two_pi = 6.283185307179586;
constexpr int64_t ns_per_s = 1'000'000'000;

/// SplitMix64: a small, good generator with 8 bytes of state per host.
uint64_t next_u64(uint64_t& state) {
  auto z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// Uniform in [0, 1).
double uniform(uint64_t& state) {
  return static_cast<double>(next_u64(state) >> 11) * 0x1.0p-53;
}

double between(uint64_t& state, double lo, double hi) {
  return lo + (hi - lo) * uniform(state);
}

/// Roughly standard normal: the sum of four uniforms, centred and scaled
/// (Irwin-Hall), cheap and bounded.
double normalish(uint64_t& state) {
  double sum = 0;
  for (int i = 0; i < 4; ++i)
    sum += uniform(state);
  return (sum - 2.0) * std::sqrt(3.0);
}

int64_t seconds(double s) {
  return static_cast<int64_t>(s * static_cast<double>(ns_per_s));
}

} // namespace

fleet_model::fleet_model(size_t hosts, uint64_t seed) {
  hosts_.resize(hosts);
  for (size_t i = 0; i < hosts; ++i) {
    auto& h = hosts_[i];
    h.rng = seed * 0x2545F4914F6CDD1DULL + i;
    next_u64(h.rng);
    auto pick = uniform(h.rng);
    h.role = pick < 0.60   ? host_role::web
             : pick < 0.75 ? host_role::batch
             : pick < 0.90 ? host_role::database
             : pick < 0.97 ? host_role::idle
                           : host_role::runaway;
    h.phase = between(h.rng, 0, two_pi);
    h.period_s = between(h.rng, 120, 900);
    switch (h.role) {
      case host_role::web:
        h.level = between(h.rng, 12, 45);
        h.swell = between(h.rng, 5, 25);
        h.sigma = between(h.rng, 2, 6);
        break;
      case host_role::batch:
        h.level = between(h.rng, 2, 8);
        h.sigma = between(h.rng, 0.5, 2);
        h.job_level = between(h.rng, 85, 100);
        break;
      case host_role::database:
        h.level = between(h.rng, 40, 70);
        h.swell = between(h.rng, 2, 8);
        h.sigma = between(h.rng, 1, 3);
        break;
      case host_role::idle:
        h.level = between(h.rng, 0.5, 4);
        h.sigma = between(h.rng, 0.2, 1);
        break;
      case host_role::runaway:
        h.level = between(h.rng, 96, 100);
        h.sigma = 0.8;
        break;
    }
  }
}

double fleet_model::next(size_t index, int64_t ts_ns) {
  auto& h = hosts_[index];
  // Noise with memory (AR(1)), so a curve wanders instead of fizzing.
  h.noise = 0.8 * h.noise + h.sigma * 0.6 * normalish(h.rng);
  auto t = static_cast<double>(ts_ns % seconds(86400)) / 1e9;
  double value = h.level + h.swell * std::sin(two_pi * t / h.period_s + h.phase)
                 + h.noise;
  if (h.role == host_role::batch) {
    if (h.next_job == 0)
      h.next_job = ts_ns + seconds(between(h.rng, 0, 240));
    if (ts_ns >= h.next_job) {
      h.job_until = ts_ns + seconds(between(h.rng, 20, 90));
      h.next_job = h.job_until + seconds(between(h.rng, 60, 300));
    }
    if (ts_ns < h.job_until)
      value = h.job_level + h.noise;
  }
  return std::clamp(value, 0.0, 100.0);
}

} // namespace kscope
