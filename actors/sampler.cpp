#include "actors/sampler.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/consumer.hpp"
#include "actors/logic/clock.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

namespace kscope {

sampler_actor::behavior_type
sampler(sampler_actor::stateful_pointer<sampler_state> self,
        sampler_config cfg, std::shared_ptr<sample_sequence> seq,
        publisher_actor sink) {
  system_meter_config mcfg;
  mcfg.proc_root = cfg.proc_root;
  mcfg.metrics = cfg.metrics;
  mcfg.interfaces = cfg.interfaces;
  mcfg.disks = cfg.disks;
  mcfg.gpus = cfg.gpus;
  self->state.meter.emplace(std::move(mcfg));
  // The first reading is CPU's baseline (and proves every file readable);
  // the first sample follows one interval later, complete.
  {
    std::string err;
    sample first;
    if (!self->state.meter->measure(first, &err)) {
      self->quit(caf::make_error(errc::sampling_failed, "sampler: " + err));
      return sampler_actor::behavior_type::make_empty_behavior();
    }
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
      sample x;
      x.ts_ns = wall_clock_ns();
      if (!st.meter->measure(x, &err)) {
        self->quit(caf::make_error(errc::sampling_failed, "sampler: " + err));
        return;
      }
      // Only GPUs asked for and none answered this time: no empty message
      // that every viewer would count as malformed.
      bool empty = x.metrics.empty();
      x.host = cfg.host;
      // The kernel allows any byte but '/' and ':' in an interface name;
      // JSON and every viewer want UTF-8 without controls.
      for (auto& n : x.nets)
        sanitize_series_name(n.name);
      for (auto& d : x.disks)
        sanitize_series_name(d.name);
      for (auto& g : x.gpus)
        sanitize_series_name(g.name);
      // Two names alike once cleaned would make the sample contradict
      // itself: the later one is left out.
      auto unique_names = [](auto& xs) {
        for (size_t a = 0; a < xs.size(); ++a)
          for (size_t b = xs.size(); b-- > a + 1;)
            if (xs[b].name == xs[a].name)
              xs.erase(xs.begin() + static_cast<std::ptrdiff_t>(b));
      };
      unique_names(x.nets);
      unique_names(x.disks);
      if (!empty) {
        x.seq = ++seq->last;
        if (cfg.outbox) {
          cfg.outbox->push(std::move(x));
          self->send(sink, outbox_atom_v);
        } else {
          self->send(sink, std::move(x));
        }
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
