#include "bench/probe.hpp"

#include <utility>

namespace kscope::bench {

probe::probe(std::string warmup_host) : warmup_host_(std::move(warmup_host)) {
}

void probe::on_sent(uint64_t n, int64_t ts_ns) noexcept {
  int64_t unset = 0;
  first_sent_ns_.compare_exchange_strong(unset, ts_ns,
                                         std::memory_order_acq_rel);
  sent_.fetch_add(n, std::memory_order_acq_rel);
}

void probe::on_received(const sample& x, int64_t now_ns) noexcept {
  if (x.host == warmup_host_) {
    ready_.store(true, std::memory_order_release);
    return;
  }
  latency_.record(now_ns - x.ts_ns);
  if (first_received_ns_ == 0)
    first_received_ns_ = now_ns;
  last_received_ns_ = now_ns;
  // The seed format carries no sequence number (seq == 0).
  if (x.seq != 0) {
    if (x.seq <= last_seq_)
      ++duplicates_;
    else
      gaps_ += x.seq - last_seq_ - 1;
    if (x.seq > last_seq_)
      last_seq_ = x.seq;
  }
  received_.fetch_add(1, std::memory_order_acq_rel);
}

} // namespace kscope::bench
