#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace kscope {

/// Counts durations in nanoseconds in log-linear buckets: exact below 256 ns,
/// then 128 buckets per power of two (under 0.8 % error). Fixed memory
/// whatever the count, so recording millions of latencies costs no RSS.
/// Not thread-safe: one writer, read after the writer stopped.
class latency_histogram {
public:
  /// Adds one duration; negatives (clock steps) count as zero.
  void record(int64_t ns) noexcept;

  /// Adds every count of `other`.
  void merge(const latency_histogram& other) noexcept;

  uint64_t count() const noexcept {
    return count_;
  }

  /// The duration below which a fraction `q` (0..1) of the recorded ones
  /// lie, as the middle of its bucket; -1 when empty.
  int64_t percentile(double q) const noexcept;

  /// Largest recorded duration; -1 when empty.
  int64_t max() const noexcept {
    return count_ == 0 ? -1 : max_;
  }

  /// Arithmetic mean; -1 when empty.
  double mean() const noexcept;

private:
  static constexpr int sub_bits = 7;
  static constexpr int64_t sub_count = int64_t{1} << sub_bits;
  /// Durations from 2^40 ns (18 minutes) up share the last bucket.
  static constexpr int max_exponent = 40;
  static constexpr size_t bucket_count = (max_exponent - sub_bits + 2)
                                         * sub_count;

  static size_t index_of(int64_t ns) noexcept;
  /// Lowest and one-past-highest duration of bucket `i`.
  static int64_t lower_of(size_t i) noexcept;
  static int64_t upper_of(size_t i) noexcept;

  std::array<uint64_t, bucket_count> buckets_{};
  uint64_t count_ = 0;
  int64_t max_ = 0;
  long double sum_ = 0;
};

} // namespace kscope
