#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "actors/logic/latency_histogram.hpp"
#include "messages/sample.hpp"

namespace kscope::bench {

/// The measuring instrument of one pipeline run, shared by the side that
/// sends (the synthetic source or the raw producer thread) and the side that
/// receives (the window's `on_sample` hook or the raw consumer thread).
/// Counters read across threads are atomics; the histogram and the sequence
/// checks have a single writer (the receiving side) and are read only after
/// it stopped.
class probe {
public:
  /// Samples whose host is `warmup_host` only mark the pipeline ready; they
  /// are not measured.
  explicit probe(std::string warmup_host);

  // -- sending side ----------------------------------------------------------

  /// Counts `n` measured samples sent; `ts_ns` is the wall-clock creation
  /// time of the first of them.
  void on_sent(uint64_t n, int64_t ts_ns) noexcept;

  /// The sender sent its last sample.
  void mark_source_done() noexcept {
    source_done_.store(true, std::memory_order_release);
  }

  // -- receiving side --------------------------------------------------------

  /// Accounts for one sample arriving at `now_ns` (wall clock).
  void on_received(const sample& x, int64_t now_ns) noexcept;

  // -- readable at any time --------------------------------------------------

  uint64_t sent() const noexcept {
    return sent_.load(std::memory_order_acquire);
  }

  uint64_t received() const noexcept {
    return received_.load(std::memory_order_acquire);
  }

  /// True once a warm-up sample made it through the pipeline.
  bool ready() const noexcept {
    return ready_.load(std::memory_order_acquire);
  }

  bool source_done() const noexcept {
    return source_done_.load(std::memory_order_acquire);
  }

  const std::string& warmup_host() const noexcept {
    return warmup_host_;
  }

  // -- readable once the receiving side stopped ------------------------------

  const latency_histogram& latency() const noexcept {
    return latency_;
  }

  /// Samples whose sequence number was not above the last one seen.
  uint64_t duplicates() const noexcept {
    return duplicates_;
  }

  /// Sequence numbers skipped (a sample lost or reordered).
  uint64_t gaps() const noexcept {
    return gaps_;
  }

  int64_t first_sent_ns() const noexcept {
    return first_sent_ns_.load(std::memory_order_acquire);
  }

  int64_t first_received_ns() const noexcept {
    return first_received_ns_;
  }

  int64_t last_received_ns() const noexcept {
    return last_received_ns_;
  }

private:
  std::string warmup_host_;
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> received_{0};
  std::atomic<bool> ready_{false};
  std::atomic<bool> source_done_{false};
  std::atomic<int64_t> first_sent_ns_{0};
  latency_histogram latency_;
  uint64_t last_seq_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t gaps_ = 0;
  int64_t first_received_ns_ = 0;
  int64_t last_received_ns_ = 0;
};

} // namespace kscope::bench
