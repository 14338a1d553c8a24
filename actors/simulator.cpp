#include "actors/simulator.hpp"

#include <algorithm>
#include <cstdio>

#include "actors/logic/clock.hpp"
#include "messages/type_ids.hpp"

namespace kscope {

namespace {

std::string host_name_of(const simulator_config& cfg, size_t i) {
  auto digits = std::max<size_t>(5, std::to_string(cfg.hosts).size());
  auto number = std::to_string(i + 1);
  return cfg.prefix + std::string(digits - std::min(digits, number.size()), '0')
         + number;
}

} // namespace

simulated_fleet::simulated_fleet(const simulator_config& cfg)
  : model(cfg.hosts, cfg.seed), seq(cfg.hosts, 0) {
  names.reserve(cfg.hosts);
  for (size_t i = 0; i < cfg.hosts; ++i)
    names.push_back(host_name_of(cfg, i));
}

sampler_actor::behavior_type
simulator(sampler_actor::stateful_pointer<simulator_state> self,
          simulator_config cfg, std::shared_ptr<simulated_fleet> fleet,
          publisher_actor sink) {
  auto slices = std::clamp<size_t>(cfg.slices, 1, std::max<size_t>(cfg.hosts, 1));
  auto step = std::chrono::duration_cast<caf::actor_clock::duration_type>(
    cfg.interval / static_cast<int64_t>(slices));
  self->state.next_tick = self->clock().now();
  self->send(self, tick_atom_v);
  return {
    [=](tick_atom) {
      auto& st = self->state;
      {
        std::lock_guard<std::mutex> guard{fleet->mtx};
        if (cfg.count != 0 && fleet->rounds >= cfg.count) {
          self->quit();
          return;
        }
        auto k = fleet->next_slice;
        auto first = k * cfg.hosts / slices;
        auto last = (k + 1) * cfg.hosts / slices;
        std::vector<sample> batch;
        batch.reserve(last - first);
        auto now = wall_clock_ns();
        for (auto i = first; i < last; ++i) {
          auto& x = batch.emplace_back();
          x.host = fleet->names[i];
          x.seq = ++fleet->seq[i];
          x.ts_ns = now;
          x.cpu = fleet->model.next(i, now);
        }
        if (++fleet->next_slice == slices) {
          fleet->next_slice = 0;
          ++fleet->rounds;
        }
        if (!batch.empty())
          self->send(sink, std::move(batch));
      }
      // Absolute times: a slow turn does not push the rest of the fleet
      // later; a turn missed entirely is caught up on the next.
      st.next_tick += step;
      auto now = self->clock().now();
      auto wait = st.next_tick > now ? st.next_tick - now
                                     : caf::actor_clock::duration_type{0};
      self->delayed_send(self, wait, tick_atom_v);
    },
    [=](stop_atom) { self->quit(); },
  };
}

} // namespace kscope
