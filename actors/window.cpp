#include "actors/window.hpp"

#include <algorithm>
#include <cinttypes>

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/logic/clock.hpp"
#include "actors/logic/text.hpp"
#include "messages/type_ids.hpp"

namespace kscope {

namespace {

/// A CSV field: quoted (quotes doubled) when it holds a comma or a quote,
/// so a host name from the topic cannot add columns.
std::string csv_field(const std::string& x) {
  if (x.find_first_of(",\"") == std::string::npos)
    return x;
  std::string out = "\"";
  for (char c : x) {
    if (c == '"')
      out += '"';
    out += c;
  }
  out += '"';
  return out;
}

} // namespace


window_actor::behavior_type
window(window_actor::stateful_pointer<window_state> self,
       window_actor_config cfg, snapshot_sink renderer,
       viewer_status_sink status_sink) {
  self->state.series = std::make_unique<series_window>(cfg.window);
  self->state.renderer = std::move(renderer);
  self->state.rate_since = self->clock().now();
  auto frame = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::duration<double>(1.0 / std::max(cfg.fps, 0.1)));
  auto emit = [=] {
    auto& st = self->state;
    auto wall = wall_clock_ns();
    if (st.series->expire(wall) > 0)
      ++st.revision;
    if (status_sink)
      self->send(status_sink, st.status);
    if (!st.renderer)
      return;
    snapshot snap;
    snap.now_ns = wall;
    snap.series = st.series->snapshot();
    snap.status = st.status;
    snap.revision = st.revision;
    self->send(st.renderer, std::move(snap));
  };
  // Takes one valid sample: counted and recorded whatever happens next,
  // then drawn unless its series is over the cap or its time is off.
  auto take = [=](const sample& x) {
    auto& st = self->state;
    auto now = wall_clock_ns();
    ++st.status.received;
    ++st.rate_count;
    if (cfg.csv)
      std::fprintf(cfg.csv.get(), "%s,%" PRIu64 ",%" PRId64 ",%.17g\n",
                   csv_field(x.host).c_str(), x.seq, x.ts_ns, x.cpu);
    if (cfg.on_sample)
      cfg.on_sample(x, now);
    // The time axis belongs to this clock: a sample stamped far from it
    // (a producer's clock off by years, a replay of old data) would
    // stretch the axis until every live series is one pixel wide.
    if (x.ts_ns != 0 && cfg.max_skew_ns > 0
        && (x.ts_ns < now - cfg.max_skew_ns
            || x.ts_ns > now + cfg.max_skew_ns)) {
      ++st.status.skewed;
      return;
    }
    if (!st.series->add(x.host, x, now)) {
      ++st.status.refused;
      return;
    }
    ++st.revision;
    if (x.ts_ns > 0)
      st.latencies.push_back(static_cast<double>(now - x.ts_ns) / 1e6);
  };
  self->delayed_send(self, frame, tick_atom_v);
  return {
    [=](const sample& x) { take(x); },
    [=](const std::vector<sample>& xs) {
      for (const auto& x : xs)
        take(x);
    },
    [=](const consumer_status& x) {
      auto& st = self->state;
      st.status.malformed = x.malformed;
      st.status.skipped = x.skipped;
      st.status.state = x.state;
      st.status.state_age_s = x.state_age_s;
      st.status.last_error = x.last_error;
    },
    [=](tick_atom) {
      auto& st = self->state;
      auto now = self->clock().now();
      double elapsed = std::chrono::duration<double>(now - st.rate_since)
                         .count();
      if (elapsed >= 1.0) {
        st.status.rate = static_cast<double>(st.rate_count) / elapsed;
        st.rate_count = 0;
        st.rate_since = now;
        // Nothing arrived this second: no latency to show, rather than the
        // last one, which would look current.
        st.status.latency_max_ms = -1;
        if (!st.latencies.empty())
          st.status.latency_max_ms = *std::max_element(st.latencies.begin(),
                                                       st.latencies.end());
        st.status.latency_ms = median_of(st.latencies, -1.0);
        st.latencies.clear();
        if (cfg.csv)
          std::fflush(cfg.csv.get());
      }
      emit();
      self->delayed_send(self, frame, tick_atom_v);
    },
    [=](subscribe_atom) {
      // A renderer (a new one after a restart) wants the pictures.
      self->state.renderer
        = caf::actor_cast<snapshot_sink>(self->current_sender());
    },
    [=](stop_atom) {
      if (cfg.csv)
        std::fflush(cfg.csv.get());
      // What arrived since the last tick (the consumer's last status) is
      // in the final picture.
      emit();
      self->quit();
    },
  };
}

} // namespace kscope
