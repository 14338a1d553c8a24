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

/// Writes the CSV rows of one sample: one per metric it holds.
void write_csv(std::FILE* out, const sample& x, const panel_values& vals) {
  auto host = csv_field(x.host);
  auto row = [&](const char* metric, double value) {
    std::fprintf(out, "%s,%" PRIu64 ",%" PRId64 ",%s,%.17g\n", host.c_str(),
                 x.seq, x.ts_ns, metric, value);
  };
  if (x.metrics.has(metric_kind::cpu))
    row("cpu", x.cpu);
  if (auto& v = vals[static_cast<size_t>(metric_kind::mem)]) {
    row("mem", v->value);
    row("mem_used", static_cast<double>(x.mem.total - std::min(x.mem.available,
                                                                x.mem.total)));
  }
  if (x.metrics.has(metric_kind::net) && vals[static_cast<size_t>(metric_kind::net)])
    row("net", vals[static_cast<size_t>(metric_kind::net)]->value);
  if (x.metrics.has(metric_kind::disk)
      && vals[static_cast<size_t>(metric_kind::disk)])
    row("disk", vals[static_cast<size_t>(metric_kind::disk)]->value);
  if (x.metrics.has(metric_kind::load))
    row("load1", x.load.load1);
  if (auto& v = vals[static_cast<size_t>(metric_kind::gpu)])
    row("gpu", v->value);
}

/// Where `kind` goes among the panels drawn: kinds in the order of
/// metric_kind when the panels follow what arrives.
void insert_in_order(std::vector<metric_kind>& order, metric_kind kind) {
  auto pos = std::find_if(order.begin(), order.end(), [kind](metric_kind x) {
    return static_cast<int>(x) > static_cast<int>(kind);
  });
  order.insert(pos, kind);
}

/// Most host names remembered for --hosts verdicts and the hosts over the
/// budget.
constexpr size_t max_host_verdicts = 100'000;

/// The fleet grid's first bin width, for the default 500 ms sampling; the
/// grid follows the samples' spacing once two of a series have arrived.
constexpr int64_t initial_fleet_bin_ns = 550'000'000;

/// Most time bins of a fleet grid, whatever --window: a screen shows no
/// more, and each host's row is allocated whole (4 bytes a bin).
constexpr size_t max_fleet_cols = 600;

/// Bins of the fleet grid for a window of `capacity` points, and how many
/// sampling intervals one bin spans so the grid covers the window's time.
size_t fleet_cols(size_t capacity) {
  return std::min(capacity, max_fleet_cols);
}

int64_t fleet_stretch(size_t capacity) {
  auto cols = fleet_cols(capacity);
  return static_cast<int64_t>((capacity + cols - 1) / cols);
}

/// Gives each panel's fleet grid bins that fit the spacing of its samples
/// (a producer at 10 s, Telegraf's default, would leave 19 of 20 bins
/// empty in bins made for 500 ms), refilled from the panel's points.
void rebin(window_state& st, size_t capacity) {
  for (size_t i = 0; i < metric_kind_count; ++i) {
    auto& grid = st.grids[i];
    auto& panel = st.panels[i];
    if (!grid || !panel)
      continue;
    auto spacing = panel->typical_spacing_ns();
    if (spacing <= 0)
      continue;
    auto want = fleet_bin_for(spacing) * fleet_stretch(capacity);
    auto have = grid->bin_ns();
    if (std::abs(want - have) * 10 <= 3 * have)
      continue;
    grid->reset(want);
    auto now = wall_clock_ns();
    panel->for_each([&](const std::string& name, const auto& pts) {
      for (auto& p : pts)
        grid->add(name, p.ts_ns, p.value, now);
    });
  }
}

/// Puts what the panel `kind` draws for a sample (and its parts) into the
/// alerter's reading.
void fill_reading(metric_reading& r, metric_kind kind, const panel_value& v,
                  const sample& x) {
  auto set = [&r](alert_metric m, double value) {
    r.values[static_cast<size_t>(m)] = value;
  };
  switch (kind) {
    case metric_kind::cpu:
      set(alert_metric::cpu, x.cpu);
      break;
    case metric_kind::mem:
      set(alert_metric::mem, v.value);
      break;
    case metric_kind::net:
      set(alert_metric::net, v.value);
      set(alert_metric::net_recv, v.a);
      set(alert_metric::net_sent, v.b);
      break;
    case metric_kind::disk:
      set(alert_metric::disk, v.value);
      set(alert_metric::disk_read, v.a);
      set(alert_metric::disk_write, v.b);
      break;
    case metric_kind::load:
      break;
    case metric_kind::gpu:
      set(alert_metric::gpu, v.value);
      break;
  }
}

} // namespace

window_actor::behavior_type
window(window_actor::stateful_pointer<window_state> self,
       window_actor_config cfg, snapshot_sink renderer,
       viewer_status_sink status_sink) {
  self->state.budget = std::make_shared<point_budget>(
    point_budget{cfg.window.max_points, 0});
  self->state.colors = std::make_shared<color_book>();
  self->state.order = cfg.panels;
  self->state.view = cfg.view;
  self->state.sort = cfg.sort;
  self->state.status.alerting = cfg.alerting;
  self->state.renderer = std::move(renderer);
  if (cfg.csv)
    std::fprintf(cfg.csv.get(), "host,seq,ts_ns,metric,value\n");
  self->state.rate_since = self->clock().now();
  auto frame = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::duration<double>(1.0 / std::max(cfg.fps, 0.1)));
  auto emit = [=] {
    auto& st = self->state;
    auto wall = wall_clock_ns();
    size_t expired = 0;
    for (auto& panel : st.panels)
      if (panel)
        expired += panel->expire(wall);
    for (auto& grid : st.grids)
      if (grid)
        grid->expire(wall, cfg.window.expire_ns);
    // Hosts over the budget: those refused within the expiry time.
    auto recent = cfg.window.expire_ns > 0 ? cfg.window.expire_ns
                                           : int64_t{60'000'000'000};
    for (auto i = st.over_budget.begin(); i != st.over_budget.end();)
      i = wall - i->second > recent ? st.over_budget.erase(i) : std::next(i);
    st.status.hosts_over_budget = st.over_budget.size();
    if (expired > 0) {
      ++st.revision;
      st.colors->retain([&](const std::string& name) {
        return std::any_of(st.panels.begin(), st.panels.end(),
                           [&](const auto& p) { return p && p->holds(name); });
      });
      if (cfg.window.expire_ns > 0)
        st.rates.forget_before(wall - cfg.window.expire_ns);
    }
    // Every sample taken since the last picture is in this one.
    for (auto ts : st.unshown)
      st.to_screen.record(wall - ts);
    st.unshown.clear();
    if (st.to_screen.count() > 0) {
      st.status.screen_p50_ms
        = static_cast<double>(st.to_screen.percentile(0.5)) / 1e6;
      st.status.screen_p99_ms
        = static_cast<double>(st.to_screen.percentile(0.99)) / 1e6;
      st.status.screen_max_ms = static_cast<double>(st.to_screen.max()) / 1e6;
    }
    if (status_sink)
      self->send(status_sink, st.status);
    if (!st.renderer)
      return;
    snapshot snap;
    snap.now_ns = wall;
    auto as_fleet = [&](size_t i) {
      auto& w = st.panels[i];
      bool fleet = st.view == fleet_view::fleet
                   || (st.view == fleet_view::automatic && w
                       && w->series_count() > cfg.fleet_at);
      st.shown_as_fleet[i] = fleet;
      return fleet && st.grids[i] != nullptr;
    };
    if (st.order.size() == 1 && st.order[0] == metric_kind::cpu
        && !as_fleet(0)) {
      if (auto& cpu = st.panels[0])
        snap.series = cpu->snapshot();
    } else {
      for (auto kind : st.order) {
        auto i = static_cast<size_t>(kind);
        auto& panel = snap.panels.emplace_back();
        panel.kind = kind;
        if (as_fleet(i)) {
          // Never a copy of every host's points: the grid's heatmap,
          // percentiles and top hosts.
          panel.fleet = st.grids[i]->snapshot(wall, st.sort, cfg.fleet_rows,
                                              cfg.fleet_top, panel.series);
          for (auto& h : panel.fleet.top)
            h.color_index = st.colors->color_of(h.name);
        } else if (auto& w = st.panels[i]) {
          panel.series = w->snapshot();
        }
      }
    }
    snap.status = st.status;
    snap.revision = st.revision;
    snap.thresholds = cfg.thresholds;
    snap.firing = st.alerts.firing;
    self->send(st.renderer, std::move(snap));
  };
  // Takes one valid sample: counted and recorded whatever happens next,
  // then drawn unless its series is over the cap or its time is off.
  // `now`: when the message holding it arrived (one clock read per batch).
  auto take = [=](const sample& x, int64_t now) {
    auto& st = self->state;
    ++st.status.received;
    ++st.rate_count;
    if (cfg.on_sample)
      cfg.on_sample(x, now);
    // The time axis belongs to this clock: a sample stamped far from it
    // (a producer's clock off by years, a replay of old data) would
    // stretch the axis until every live series is one pixel wide, and
    // would spoil the rates of its counters.
    bool skewed = x.ts_ns != 0 && cfg.max_skew_ns > 0
                  && (x.ts_ns < now - cfg.max_skew_ns
                      || x.ts_ns > now + cfg.max_skew_ns);
    auto vals = values_of(x, skewed ? nullptr : &st.rates);
    if (cfg.csv)
      write_csv(cfg.csv.get(), x, vals);
    if (skewed) {
      ++st.status.skewed;
      return;
    }
    if (cfg.hosts) {
      auto verdict = st.host_verdicts.find(x.host);
      if (verdict == st.host_verdicts.end()) {
        // Endless host names cannot grow the cache without bound.
        if (st.host_verdicts.size() >= max_host_verdicts)
          st.host_verdicts.clear();
        verdict = st.host_verdicts
                    .emplace(x.host, std::regex_search(x.host, *cfg.hosts))
                    .first;
      }
      if (!verdict->second) {
        ++st.status.filtered;
        return;
      }
    }
    bool refused = false;
    bool added = false;
    metric_reading* reading = nullptr;
    if (st.alerter) {
      reading = &st.readings.emplace_back();
      reading->host = x.host;
      reading->ts_ns = x.ts_ns != 0 ? x.ts_ns : now;
      if (x.metrics.has(metric_kind::load)) {
        reading->values[static_cast<size_t>(alert_metric::load1)]
          = x.load.load1;
        reading->values[static_cast<size_t>(alert_metric::load5)]
          = x.load.load5;
        reading->values[static_cast<size_t>(alert_metric::load15)]
          = x.load.load15;
      }
    }
    for (size_t i = 0; i < metric_kind_count; ++i) {
      if (!vals[i])
        continue;
      auto kind = static_cast<metric_kind>(i);
      bool shown = std::find(st.order.begin(), st.order.end(), kind)
                   != st.order.end();
      if (!shown && !cfg.panels.empty() && !reading)
        continue;
      if (kind == metric_kind::net || kind == metric_kind::disk
          || kind == metric_kind::gpu) {
        if (st.merges.size() >= 4 * counter_rates::max_keys)
          st.merges.clear();
        auto& m = st.merges[x.host + '\x1f' + std::string{to_string(kind)}];
        if (m.ts_ns == x.ts_ns && x.ts_ns != 0) {
          m.a += vals[i]->a;
          m.b += vals[i]->b;
        } else {
          m = window_state::parts{x.ts_ns, vals[i]->a, vals[i]->b};
        }
        vals[i] = combine(kind, m.a, m.b, *vals[i]);
      }
      if (reading)
        fill_reading(*reading, kind, *vals[i], x);
      if (!shown && !cfg.panels.empty())
        continue;
      auto& panel = st.panels[i];
      if (!panel)
        panel = std::make_unique<series_window>(cfg.window, st.budget,
                                                st.colors);
      if (!shown)
        insert_in_order(st.order, kind);
      auto value = kind == metric_kind::cpu ? x.cpu : vals[i]->value;
      bool ok = kind == metric_kind::cpu
                  ? panel->add(x.host, x, now)
                  : panel->add_point(x.host, point{x.ts_ns, value}, now,
                                     std::move(vals[i]->detail));
      (ok ? added : refused) = true;
      if (!ok)
        continue;
      auto& grid = st.grids[i];
      if (!grid)
        grid = std::make_unique<fleet_grid>(
          fleet_cols(cfg.window.capacity),
          initial_fleet_bin_ns * fleet_stretch(cfg.window.capacity));
      grid->add(x.host, x.ts_ns != 0 ? x.ts_ns : now, value, now);
    }
    if (refused) {
      ++st.status.refused;
      if (st.over_budget.size() < max_host_verdicts
          || st.over_budget.count(x.host) > 0)
        st.over_budget[x.host] = now;
    }
    if (!added)
      return;
    ++st.revision;
    if (x.ts_ns > 0) {
      st.latencies.push_back(static_cast<double>(now - x.ts_ns) / 1e6);
      st.unshown.push_back(x.ts_ns);
    }
  };
  auto hand_readings = [=] {
    auto& st = self->state;
    if (st.readings.empty())
      return;
    if (st.alerter)
      self->send(st.alerter, std::move(st.readings));
    st.readings = {};
  };
  self->delayed_send(self, frame, tick_atom_v);
  return {
    [=](const sample& x) {
      take(x, wall_clock_ns());
      hand_readings();
    },
    [=](const std::vector<sample>& xs) {
      auto now = wall_clock_ns();
      for (const auto& x : xs)
        take(x, now);
      hand_readings();
    },
    [=](alerts_atom) {
      // An alerter (a new one after a restart) wants the readings.
      self->state.alerter
        = caf::actor_cast<alerter_actor>(self->current_sender());
    },
    [=](alert_summary& x) {
      auto& st = self->state;
      st.status.alerts_firing = x.firing_total;
      st.status.alert_events = x.events;
      st.alerts = std::move(x);
      ++st.revision;
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
        rebin(st, cfg.window.capacity);
      }
      emit();
      self->delayed_send(self, frame, tick_atom_v);
    },
    [=](subscribe_atom) {
      // A renderer (a new one after a restart) wants the pictures.
      self->state.renderer
        = caf::actor_cast<snapshot_sink>(self->current_sender());
    },
    [=](fleet_atom) {
      auto& st = self->state;
      bool fleet_now = std::any_of(st.shown_as_fleet.begin(),
                                   st.shown_as_fleet.end(),
                                   [](bool x) { return x; });
      st.view = fleet_now ? fleet_view::lines : fleet_view::fleet;
      ++st.revision;
      emit();
    },
    [=](sort_atom) {
      auto& st = self->state;
      st.sort = next(st.sort);
      ++st.revision;
      emit();
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
