#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>

#include "messages/sample.hpp"

namespace kscope {

/// Samples on their way from a sampler to a publisher. One outbox is shared
/// by every incarnation of both actors and outlives them (like the Kafka
/// producer), so a sample taken while the publisher is dead or restarting
/// waits here instead of dying in a dead actor's mailbox. The publisher
/// removes a sample only after librdkafka has taken it: a crash at any
/// moment loses nothing and duplicates nothing. Thread-safe and bounded.
class sample_outbox {
public:
  /// At most `limit` samples wait; more are dropped and counted.
  explicit sample_outbox(size_t limit = 10000) : limit_(limit) {
    // nop
  }

  sample_outbox(const sample_outbox&) = delete;
  sample_outbox& operator=(const sample_outbox&) = delete;

  /// Appends `x`; returns false (and counts a drop) when full.
  bool push(sample x) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (queue_.size() >= limit_) {
      ++dropped_;
      return false;
    }
    queue_.push_back(std::move(x));
    return true;
  }

  /// Calls `f` on every waiting sample, oldest first, and removes each one
  /// after `f` returned; returns how many. A sample whose `f` throws stays.
  template <class F>
  size_t drain(F&& f) {
    std::lock_guard<std::mutex> guard{mtx_};
    size_t n = 0;
    for (; !queue_.empty(); ++n) {
      f(queue_.front());
      queue_.pop_front();
    }
    return n;
  }

  /// Samples waiting.
  size_t size() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return queue_.size();
  }

  /// Samples refused because the outbox was full.
  uint64_t dropped() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return dropped_;
  }

private:
  mutable std::mutex mtx_;
  std::deque<sample> queue_;
  size_t limit_;
  uint64_t dropped_ = 0;
};

} // namespace kscope
