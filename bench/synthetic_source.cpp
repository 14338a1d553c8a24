#include "bench/synthetic_source.hpp"

#include <algorithm>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "messages/type_ids.hpp"

namespace kscope::bench {

caf::behavior synthetic_source(caf::stateful_actor<source_state>* self,
                               source_config cfg,
                               std::shared_ptr<probe> meter, caf::actor sink) {
  auto finish = [=] {
    meter->mark_source_done();
    self->quit();
  };
  return {
    [=](start_atom) {
      auto start = pacer::clock::now();
      self->state.pace.emplace(cfg.rate, start);
      self->state.deadline = start + cfg.duration;
      self->send(self, tick_atom_v);
    },
    [=](tick_atom) {
      auto& st = self->state;
      if (!st.pace)
        return;
      auto now = pacer::clock::now();
      bool by_count = cfg.count > 0;
      if ((by_count && st.sent >= cfg.count)
          || (!by_count && now >= st.deadline)) {
        finish();
        return;
      }
      auto target = st.pace->due(now);
      if (by_count)
        target = std::min(target, cfg.count);
      auto received = meter->received();
      auto in_flight = st.sent > received ? st.sent - received : 0;
      auto credit = cfg.in_flight > in_flight ? cfg.in_flight - in_flight : 0;
      auto n = std::min<uint64_t>({target > st.sent ? target - st.sent : 0,
                                   credit, cfg.batch});
      int64_t first_ts = 0;
      // One message for everything due now, as a fast sampler would send:
      // a batch of one when the rate is low.
      std::vector<sample> batch;
      batch.reserve(n);
      for (uint64_t i = 0; i < n; ++i) {
        batch.push_back(make_sample(cfg.host, st.sent + i + 1, cfg.cores));
        if (i == 0)
          first_ts = batch.back().ts_ns;
      }
      if (n > 0) {
        self->send(sink, std::move(batch));
        st.sent += n;
        meter->on_sent(n, first_ts);
      }
      if (by_count && st.sent >= cfg.count) {
        finish();
        return;
      }
      if (n == credit && st.sent < target) {
        // The consumer is behind: give it a moment rather than spin.
        self->delayed_send(self, std::chrono::milliseconds{1}, tick_atom_v);
      } else if (n == cfg.batch && st.sent < target) {
        // More is due now: yield to the mailbox, then carry on.
        self->send(self, tick_atom_v);
      } else {
        auto next = st.pace->next_wakeup(st.sent, now);
        if (!by_count)
          next = std::min(next, st.deadline);
        self->delayed_send(self, next - now, tick_atom_v);
      }
    },
    [=](stop_atom) { finish(); },
  };
}

} // namespace kscope::bench
