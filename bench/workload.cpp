#include "bench/workload.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kscope::bench {

sample make_sample(const std::string& host, uint64_t seq, size_t cores) {
  // Real usage is busy ticks / all ticks of an interval: a ratio of small
  // integers, mostly with a long decimal expansion.
  auto ratio = [](uint64_t busy, uint64_t total) {
    return 100.0 * static_cast<double>(busy % (total + 1))
           / static_cast<double>(total);
  };
  sample x;
  x.host = host;
  x.seq = seq;
  x.ts_ns = wall_clock_ns();
  x.cpu = ratio(seq * 7, 199);
  x.user = ratio(seq * 5, 199) * 0.6;
  x.system = ratio(seq * 3, 199) * 0.3;
  x.cores.reserve(cores);
  for (size_t i = 0; i < cores; ++i)
    x.cores.push_back(ratio(seq * 11 + i * 13, 101));
  return x;
}

pacer::pacer(double rate, clock::time_point start,
             std::chrono::microseconds min_period)
  : rate_(rate), start_(start), min_period_(min_period) {
}

uint64_t pacer::due(clock::time_point now) const noexcept {
  if (flat_out())
    return std::numeric_limits<uint64_t>::max();
  if (now < start_)
    return 0;
  auto elapsed = std::chrono::duration<double>(now - start_).count();
  return static_cast<uint64_t>(std::floor(elapsed * rate_)) + 1;
}

pacer::clock::time_point pacer::next_wakeup(uint64_t sent,
                                            clock::time_point now) const
  noexcept {
  if (flat_out())
    return now;
  // Message number `sent` (0-based) is due at start + sent / rate.
  auto at = start_
            + std::chrono::duration_cast<clock::duration>(
              std::chrono::duration<double>(static_cast<double>(sent)
                                            / rate_));
  return std::max(at, now + min_period_);
}

} // namespace kscope::bench
