#include "actors/renderer.hpp"

#include <algorithm>
#include <ctime>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/logic/clock.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

namespace kscope {

namespace {

std::string default_png_name() {
  return format_now("kscope-%Y%m%d-%H%M%S.png", false);
}

} // namespace

renderer_actor::behavior_type
renderer(renderer_actor::stateful_pointer<renderer_state> self,
         renderer_config cfg, snapshot_source window,
         render_event_sink parent) {
  auto& st = self->state;
  std::string err;
  st.screen = cfg.open ? cfg.open(err) : nullptr;
  if (!st.screen) {
    self->quit(caf::make_error(errc::surface_failed,
                               err.empty() ? "no surface to draw on" : err));
    return renderer_actor::behavior_type::make_empty_behavior();
  }
  st.style = cfg.style;
  auto frame = std::chrono::duration_cast<caf::actor_clock::duration_type>(
    std::chrono::duration<double>(1.0 / std::max(cfg.fps, 0.1)));
  auto tick = std::min(
    cfg.input_interval,
    std::chrono::duration_cast<std::chrono::milliseconds>(frame));
  auto tell = [=](render_event_kind kind, std::string detail) {
    if (parent)
      self->send(parent, render_event{kind, std::move(detail)});
  };
  // Draws when the picture changed and a frame is due.
  auto maybe_draw = [=](bool forced) {
    auto& s = self->state;
    if (s.latest.now_ns == 0)
      return; // Nothing to show yet.
    auto now = self->clock().now();
    auto notice = now < s.notice_until ? s.notice : std::string{};
    if (s.latest.status.notice != notice)
      s.latest.status.notice = std::move(notice);
    bool changed = forced || s.dirty || s.screen->resized()
                   || s.latest.revision != s.drawn_revision
                   || s.latest.status != s.drawn_status
                   || s.ns_per_unit <= 0
                   || static_cast<double>(s.latest.now_ns - s.drawn_now_ns)
                        >= s.ns_per_unit;
    if (!changed || (!forced && now < s.next_frame))
      return;
    s.ns_per_unit = s.screen->draw(s.latest, s.style);
    s.drawn_revision = s.latest.revision;
    s.drawn_status = s.latest.status;
    s.drawn_now_ns = s.latest.now_ns;
    s.dirty = false;
    // Snapshots come about one frame apart, with jitter: a frame due a
    // little later than the next snapshot must not push it to the one
    // after (that halved the rate at 60 fps).
    s.next_frame = now + frame * 3 / 4;
    ++s.frames;
  };
  auto save = [=](const std::string& path) {
    auto& s = self->state;
    std::string why;
    bool ok = s.screen->save_png(s.latest, s.style, path, why);
    s.notice = ok ? "saved " + path : why;
    s.notice_until = self->clock().now() + std::chrono::seconds{5};
    if (ok)
      tell(render_event_kind::png_saved, path);
    else
      tell(render_event_kind::png_failed, why);
  };
  self->send(window, subscribe_atom_v);
  self->delayed_send(self, tick, tick_atom_v);
  return {
    [=](snapshot& x) {
      auto& s = self->state;
      if (s.paused) {
        x.status.notice = std::move(s.latest.status.notice);
        s.latest.status = std::move(x.status);
        s.latest.status.paused = true;
      } else {
        s.latest = std::move(x);
      }
      maybe_draw(false);
    },
    [=](tick_atom) {
      auto& s = self->state;
      bool keyed = false;
      for (auto key : s.screen->poll_input()) {
        keyed = true;
        switch (key) {
          case key_action::pause:
            s.paused = !s.paused;
            s.latest.status.paused = s.paused;
            break;
          case key_action::save:
            save(cfg.png_name ? cfg.png_name() : default_png_name());
            break;
          case key_action::cycle_chart:
            s.style.type = next(s.style.type);
            break;
          case key_action::cycle_smoothing:
            s.style.smooth = next(s.style.smooth);
            break;
          case key_action::cycle_zoom:
            // All panels, then each alone, then all again.
            s.style.zoom = s.latest.panels.empty()
                             ? 0
                             : (s.style.zoom + 1) % (s.latest.panels.size() + 1);
            break;
          case key_action::toggle_fleet:
            // The window builds the snapshots, so it switches: it never
            // copies every host's points for a fleet view.
            self->send(window, fleet_atom_v);
            break;
          case key_action::cycle_sort:
            self->send(window, sort_atom_v);
            break;
          case key_action::quit:
            tell(render_event_kind::quit_asked, {});
            break;
        }
      }
      if (keyed)
        s.dirty = true;
      maybe_draw(keyed);
      self->delayed_send(self, tick, tick_atom_v);
    },
    [=](stop_atom) {
      if (!cfg.snapshot_path.empty())
        save(cfg.snapshot_path);
      self->quit();
    },
  };
}

} // namespace kscope
