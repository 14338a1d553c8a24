#include "actors/logic/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace kscope {

size_t latency_histogram::index_of(int64_t ns) noexcept {
  if (ns < 2 * sub_count)
    return static_cast<size_t>(ns);
  int exponent = 63 - __builtin_clzll(static_cast<uint64_t>(ns));
  if (exponent > max_exponent)
    return bucket_count - 1;
  int shift = exponent - sub_bits;
  return static_cast<size_t>(shift * sub_count + (ns >> shift));
}

int64_t latency_histogram::lower_of(size_t i) noexcept {
  auto idx = static_cast<int64_t>(i);
  if (idx < 2 * sub_count)
    return idx;
  int64_t shift = idx / sub_count - 1;
  return (idx - shift * sub_count) << shift;
}

int64_t latency_histogram::upper_of(size_t i) noexcept {
  auto idx = static_cast<int64_t>(i);
  if (idx < 2 * sub_count)
    return idx + 1;
  int64_t shift = idx / sub_count - 1;
  return (idx - shift * sub_count + 1) << shift;
}

void latency_histogram::record(int64_t ns) noexcept {
  ns = std::max<int64_t>(ns, 0);
  ++buckets_[index_of(ns)];
  ++count_;
  max_ = std::max(max_, ns);
  sum_ += static_cast<long double>(ns);
}

void latency_histogram::merge(const latency_histogram& other) noexcept {
  for (size_t i = 0; i < bucket_count; ++i)
    buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

int64_t latency_histogram::percentile(double q) const noexcept {
  if (count_ == 0)
    return -1;
  q = std::clamp(q, 0.0, 1.0);
  auto rank = static_cast<uint64_t>(
    std::ceil(q * static_cast<double>(count_)));
  rank = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (size_t i = 0; i < bucket_count; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      // The last bucket is open-ended and no bucket holds more than max_.
      auto mid = lower_of(i) + (upper_of(i) - lower_of(i)) / 2;
      return std::min(mid, max_);
    }
  }
  return max_;
}

double latency_histogram::mean() const noexcept {
  if (count_ == 0)
    return -1;
  return static_cast<double>(sum_ / static_cast<long double>(count_));
}

} // namespace kscope
