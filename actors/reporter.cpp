#include "actors/reporter.hpp"

#include <cstdio>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/logic/chart.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

namespace kscope {

namespace {

/// The exit code and its error line, once the supervisor is done.
int final_code(const reporter_config& cfg, const reporter_state& st,
               const caf::error& outcome) {
  if (outcome) {
    error_line(describe(outcome));
    return exit_failure;
  }
  if (st.png_failed)
    return exit_failure;
  auto received = st.last_view ? st.last_view->received : 0;
  if (cfg.viewer && cfg.view_count > 0 && received < cfg.view_count) {
    error_line(std::to_string(received) + " of "
               + std::to_string(cfg.view_count) + " samples received");
    return exit_failure;
  }
  if (cfg.producer) {
    const auto& pub = st.last_pub;
    if (cfg.produce_count > 0 && pub.delivered < cfg.produce_count
        && !cfg.viewer) {
      error_line(std::to_string(pub.delivered) + " of "
                 + std::to_string(cfg.produce_count) + " samples delivered");
      return exit_failure;
    }
    if (pub.failed + pub.dropped > 0) {
      error_line(std::to_string(pub.failed + pub.dropped) + " of "
                 + std::to_string(pub.sent + pub.dropped)
                 + " samples failed or were dropped");
      return exit_failure;
    }
    if (pub.sent > pub.delivered) {
      // No delivery report within the flush timeout: the broker may have
      // them; only its acknowledgement would prove it.
      error_line(std::to_string(pub.sent - pub.delivered) + " of "
                 + std::to_string(pub.sent)
                 + " samples not confirmed by the broker before the flush "
                   "timeout");
      return exit_failure;
    }
  }
  return exit_ok;
}

} // namespace

reporter_actor::behavior_type
reporter(reporter_actor::stateful_pointer<reporter_state> self,
         reporter_config cfg, caf::actor waiter) {
  auto& st = self->state;
  st.out = std::make_unique<status_line>(
    stdout, cfg.terminal && !cfg.chart_in_terminal, cfg.label);
  st.waiter = std::move(waiter);
  st.next_log = std::chrono::steady_clock::now();
  auto log = [=](const std::string& line) {
    auto& s = self->state;
    if (cfg.chart_in_terminal)
      s.deferred.push_back(line);
    else
      s.out->log(line);
  };
  auto stop = [=](const std::string& why) {
    auto& s = self->state;
    if (s.stopping)
      return;
    s.stopping = true;
    if (cfg.producer)
      log(why + ": flushing " + std::to_string(s.last_pub.queued)
          + " queued messages (at most " + cfg.flush_timeout
          + "; signal again to abort)");
    if (s.supervisor)
      caf::anon_send(s.supervisor, stop_atom_v);
  };
  // Stdout gone (`kscope produce | head -1`): an orderly stop, like SIGTERM.
  auto check_output = [=] {
    if (self->state.out->closed())
      stop("stdout closed");
  };
  // Logs the viewer's broker state when it changes.
  auto watch_broker = [=](const viewer_status& x) {
    auto& s = self->state;
    if (x.state == s.view_state)
      return;
    if (x.state == broker_state::down) {
      s.down_since = std::chrono::steady_clock::now();
      auto why = x.last_error.empty() ? std::string{"unreachable"}
                                      : x.last_error;
      // Never reached is not the same as lost.
      if (s.view_state == broker_state::connecting)
        log("cannot reach the broker (" + why + "); retrying");
      else
        log("broker disconnected (" + why + "); reconnecting");
    } else if (x.state == broker_state::up
               && s.view_state == broker_state::down) {
      auto secs = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - s.down_since);
      log("broker reconnected after " + std::to_string(secs.count()) + " s");
    }
    s.view_state = x.state;
  };
  if (!cfg.announce.empty())
    log(cfg.announce);
  if (cfg.duration)
    self->delayed_send(self, *cfg.duration, tick_atom_v);
  return {
    [=](caf::actor& sup) {
      auto& s = self->state;
      s.supervisor = std::move(sup);
      if (s.stopping)
        caf::anon_send(s.supervisor, stop_atom_v);
    },
    [=](publisher_status& x) {
      auto& s = self->state;
      s.last_pub = x;
      if (!cfg.chart_in_terminal)
        s.out->update(x);
      check_output();
    },
    [=](viewer_status& x) {
      auto& s = self->state;
      watch_broker(x);
      auto now = std::chrono::steady_clock::now();
      if (cfg.log_every.count() > 0 && now >= s.next_log) {
        s.out->log(status_text(x));
        s.next_log = now + cfg.log_every;
        check_output();
      }
      if (cfg.view_count > 0 && x.received >= cfg.view_count)
        stop("done");
      s.last_view = std::move(x);
    },
    [=](tick_atom) { stop("done"); },
    [=](status_atom, std::string& line) { log(line); },
    [=](render_event& x) {
      switch (x.kind) {
        case render_event_kind::quit_asked:
          stop("quitting");
          break;
        case render_event_kind::png_saved:
          log((cfg.snapshot ? "wrote " : "saved ") + x.detail);
          break;
        case render_event_kind::png_failed:
          if (cfg.snapshot) {
            self->state.png_failed = true;
            error_line(x.detail);
          } else {
            log(x.detail);
          }
          break;
        case render_event_kind::notice:
          log(x.detail);
          break;
      }
    },
    [=](stop_atom, std::string& why) { stop(why); },
    [=](abort_atom) {
      auto& s = self->state;
      s.out->finish();
      error_line("aborted"
                 + (cfg.producer ? ": " + std::to_string(s.last_pub.queued)
                                     + " messages not delivered"
                                 : std::string{}));
      caf::anon_send(s.waiter, done_atom_v, static_cast<int>(exit_aborted));
    },
    [=](done_atom, caf::error& outcome) {
      auto& s = self->state;
      s.out->finish();
      for (auto& line : s.deferred)
        std::printf("%s  %s\n", cfg.label.c_str(), line.c_str());
      if (cfg.viewer && s.last_view) {
        std::printf("%s\n", status_text(*s.last_view).c_str());
        if (cfg.draws && s.last_view->screen_p99_ms >= 0)
          std::printf("%s  sample to screen over the run: p50 %.1f ms, p99 "
                      "%.1f ms, max %.1f ms\n",
                      cfg.label.c_str(), s.last_view->screen_p50_ms,
                      s.last_view->screen_p99_ms, s.last_view->screen_max_ms);
      }
      std::fflush(stdout);
      auto code = final_code(cfg, s, outcome);
      caf::anon_send(s.waiter, done_atom_v, code);
      self->quit();
    },
  };
}

} // namespace kscope
