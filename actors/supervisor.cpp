#include "actors/supervisor.hpp"

#include <algorithm>

#include <caf/actor_addr.hpp>
#include <caf/atom.hpp>
#include <caf/system_messages.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

namespace kscope {

std::chrono::milliseconds backoff_for(const restart_limits& limits,
                                      size_t restarts) {
  auto result = limits.initial_backoff;
  for (size_t i = 1; i < restarts && result < limits.max_backoff; ++i)
    result *= 2;
  return std::min(result, limits.max_backoff);
}

namespace {

/// Errors no restart can mend: they end the role at once.
bool is_fatal(const caf::error& reason) {
  return reason.category() == caf::atom("kscope")
         && (reason.code() == static_cast<uint8_t>(errc::kafka_fatal)
             || reason.code() == static_cast<uint8_t>(errc::surface_failed));
}

bool is_normal(const caf::error& reason) {
  return !reason || reason == caf::exit_reason::normal;
}

std::string millis(std::chrono::milliseconds x) {
  return std::to_string(x.count()) + " ms";
}

} // namespace

caf::behavior supervisor(caf::stateful_actor<supervisor_state>* self,
                         std::vector<child_spec> children,
                         restart_limits limits, caf::actor listener) {
  using child = supervisor_state::child;
  for (auto& spec : children)
    self->state.children.push_back(child{std::move(spec), {}, {}});
  self->attach_functor([running = self->state.running](const caf::error&) {
    for (auto& x : *running)
      caf::anon_send_exit(x, caf::exit_reason::kill);
  });
  // Drops a child's handle, which is no longer running.
  auto forget = [=](caf::actor& handle) {
    auto& running = *self->state.running;
    running.erase(std::remove(running.begin(), running.end(), handle),
                  running.end());
    handle = nullptr;
  };
  // Starts every child from index `first` on that is not running.
  auto start_from = [=](size_t first) {
    auto& cs = self->state.children;
    std::vector<caf::actor> upstream;
    for (size_t i = 0; i < cs.size(); ++i) {
      if (i >= first && !cs[i].handle) {
        cs[i].handle = cs[i].spec.start(self->system(), upstream);
        self->monitor(cs[i].handle);
        self->state.running->push_back(cs[i].handle);
      }
      upstream.push_back(cs[i].handle);
    }
  };
  // Asks the last running child to stop; reports once none runs.
  auto stop_next = [=] {
    auto& cs = self->state.children;
    for (bool last : {false, true}) {
      for (auto i = cs.size(); i-- > 0;) {
        if (cs[i].handle && cs[i].spec.stop_last == last) {
          self->send(cs[i].handle, stop_atom_v);
          self->delayed_send(self, limits.stop_timeout, stop_atom_v,
                             cs[i].handle.address());
          return;
        }
      }
    }
    self->send(listener, done_atom_v, self->state.outcome);
    self->quit();
  };
  auto begin_stop = [=](caf::error outcome) {
    auto& st = self->state;
    if (st.stopping)
      return;
    st.stopping = true;
    st.outcome = std::move(outcome);
    stop_next();
  };
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    auto& cs = st.children;
    auto pos = std::find_if(cs.begin(), cs.end(), [&](const child& c) {
      return c.handle && c.handle.address() == msg.source;
    });
    if (pos == cs.end())
      return; // A child we killed ourselves, already replaced.
    auto index = static_cast<size_t>(pos - cs.begin());
    forget(pos->handle);
    auto& reason = msg.reason;
    if (st.stopping) {
      // A child failing while it stops (a fatal Kafka error during the
      // final flush) still makes the outcome a failure.
      if (!is_normal(reason) && reason != caf::exit_reason::kill
          && !st.outcome)
        st.outcome = reason;
      stop_next();
      return;
    }
    if (is_normal(reason)) {
      if (pos->spec.ends_role) {
        begin_stop(caf::none);
        return;
      }
      if (pos->spec.policy == restart_policy::transient)
        return;
    }
    if (is_fatal(reason)) {
      begin_stop(reason);
      return;
    }
    auto why = is_normal(reason) ? std::string{"exited"}
                                 : "failed: " + describe(reason);
    auto now = self->clock().now();
    auto& times = pos->restarts;
    while (!times.empty() && now - times.front() > limits.window)
      times.pop_front();
    times.push_back(now);
    if (times.size() > limits.max_restarts) {
      auto seconds = std::to_string(limits.window.count() / 1000);
      begin_stop(caf::make_error(
        errc::restart_cap, pos->spec.name + " " + why + " ("
                             + std::to_string(times.size()) + " times within "
                             + seconds + " s); giving up"));
      return;
    }
    // Children after this one hold its old handle: restart them with it.
    for (auto i = index + 1; i < cs.size(); ++i) {
      if (cs[i].handle) {
        self->send_exit(cs[i].handle, caf::exit_reason::kill);
        forget(cs[i].handle);
      }
    }
    auto delay = backoff_for(limits, times.size());
    self->send(listener, status_atom_v,
               pos->spec.name + " " + why + "; restart "
                 + std::to_string(times.size()) + "/"
                 + std::to_string(limits.max_restarts) + " in "
                 + millis(delay));
    self->delayed_send(self, delay, restart_atom_v,
                       static_cast<uint64_t>(index));
  });
  // Children's exits are handled as down messages. Someone asking the
  // supervisor itself to shut down gets an orderly stop; a kill (not
  // trappable) ends it at once, and the attached functor kills the
  // children.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    if (msg.reason == caf::exit_reason::user_shutdown)
      begin_stop(caf::none);
  });
  start_from(0);
  return {
    [=](restart_atom, uint64_t index) {
      if (!self->state.stopping)
        start_from(static_cast<size_t>(index));
    },
    [=](stop_atom) { begin_stop(caf::none); },
    [=](stop_atom, const caf::actor_addr& who) {
      // A child did not stop in time.
      auto& st = self->state;
      for (auto& c : st.children) {
        if (c.handle && c.handle.address() == who) {
          if (!st.outcome)
            st.outcome = caf::make_error(errc::stop_timeout,
                                         c.spec.name + " did not stop within "
                                           + millis(limits.stop_timeout));
          self->send_exit(c.handle, caf::exit_reason::kill);
        }
      }
    },
  };
}

} // namespace kscope
