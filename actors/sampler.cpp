#include "actors/sampler.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/logic/clock.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

namespace kscope {

sampler_actor::behavior_type
sampler(sampler_actor::stateful_pointer<sampler_state> self,
        sampler_config cfg, std::shared_ptr<sample_sequence> seq,
        publisher_actor sink) {
  self->state.meter.emplace(cfg.proc_root);
  // The first reading is the baseline; the first sample follows one interval
  // later.
  if (std::string err; !self->state.meter->measure(&err) && !err.empty()) {
    self->quit(caf::make_error(errc::sampling_failed, "sampler: " + err));
    return sampler_actor::behavior_type::make_empty_behavior();
  }
  if (cfg.count != 0 && seq->last.load() >= cfg.count) {
    self->quit();
    return sampler_actor::behavior_type::make_empty_behavior();
  }
  self->state.next_tick = self->clock().now() + cfg.interval;
  self->delayed_send(self, cfg.interval, tick_atom_v);
  return {
    [=](tick_atom) {
      auto& st = self->state;
      std::string err;
      auto usage = st.meter->measure(&err);
      if (!usage) {
        self->quit(caf::make_error(errc::sampling_failed, "sampler: " + err));
        return;
      }
      sample x;
      x.host = cfg.host;
      x.seq = ++seq->last;
      x.ts_ns = wall_clock_ns();
      x.cpu = usage->total.busy;
      x.user = usage->total.user;
      x.system = usage->total.system;
      x.cores = std::move(usage->cores);
      if (cfg.outbox) {
        cfg.outbox->push(std::move(x));
        self->send(sink, outbox_atom_v);
      } else {
        self->send(sink, std::move(x));
      }
      if (cfg.count != 0 && seq->last.load() >= cfg.count) {
        self->quit();
        return;
      }
      st.next_tick += cfg.interval;
      auto now = self->clock().now();
      // After a stall (suspended process, overloaded machine) skip the
      // missed ticks rather than firing a burst.
      if (st.next_tick <= now)
        st.next_tick = now + cfg.interval;
      self->delayed_send(self, st.next_tick - now, tick_atom_v);
    },
    [=](stop_atom) { self->quit(); },
  };
}

} // namespace kscope
