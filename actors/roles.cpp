#include "actors/roles.hpp"

#include <caf/actor_cast.hpp>
#include <caf/after.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "messages/type_ids.hpp"

namespace kscope {

std::vector<child_spec> role_children(const role_plan& plan,
                                      const caf::actor& sink) {
  std::vector<child_spec> children;
  auto hook = plan.on_spawn;
  // Wraps a spawn function so the hook hears of every incarnation.
  auto told = [hook](std::string name, auto spawn) {
    return [hook, name, spawn](caf::actor_system& home,
                               const std::vector<caf::actor>& up) {
      auto x = caf::actor_cast<caf::actor>(spawn(home, up));
      if (hook)
        hook(name, x);
      return x;
    };
  };
  if (plan.producer) {
    auto half = *plan.producer;
    // Shared by every incarnation of sampler and publisher: a sample taken
    // while the publisher restarts waits there.
    auto outbox = half.publisher.outbox ? half.publisher.outbox
                                        : std::make_shared<sample_outbox>();
    half.publisher.outbox = outbox;
    half.sampler.outbox = outbox;
    auto seq = std::make_shared<sample_sequence>();
    children.push_back(child_spec{
      "publisher",
      told("publisher",
           [half, sink](caf::actor_system& home,
                        const std::vector<caf::actor>&) {
             return home.spawn(publisher, half.producer, half.publisher,
                               caf::actor_cast<publisher_status_sink>(sink));
           }),
      restart_policy::permanent, false});
    if (half.source) {
      children.push_back(child_spec{
        "source",
        told("source",
             [half](caf::actor_system& home,
                    const std::vector<caf::actor>& up) {
               return half.source(home, up.back());
             }),
        restart_policy::transient, half.ends_role});
    } else {
      children.push_back(child_spec{
        "sampler",
        told("sampler",
             [half, seq](caf::actor_system& home,
                         const std::vector<caf::actor>& up) {
               return home.spawn(sampler, half.sampler, seq,
                                 caf::actor_cast<publisher_actor>(up.back()));
             }),
        restart_policy::transient, half.ends_role});
    }
  }
  if (plan.viewer) {
    auto half = *plan.viewer;
    children.push_back(child_spec{
      "window",
      told("window",
           [half, sink](caf::actor_system& home,
                        const std::vector<caf::actor>&) {
             return home.spawn(window, half.window, snapshot_sink{},
                               caf::actor_cast<viewer_status_sink>(sink));
           }),
      restart_policy::permanent, false});
    children.push_back(child_spec{
      "consumer",
      told("consumer",
           [half](caf::actor_system& home, const std::vector<caf::actor>& up) {
             return home.spawn<caf::detached>(
               consumer, half.consumer, half.consumer_cfg,
               caf::actor_cast<window_actor>(up.back()));
           }),
      restart_policy::permanent, false});
    auto window_index = children.size() - 2;
    if (half.alerter) {
      children.push_back(child_spec{
        "alerter",
        told("alerter",
             [half, sink, window_index](caf::actor_system& home,
                                        const std::vector<caf::actor>& up) {
               return home.spawn<caf::detached>(
                 alerter, *half.alerter,
                 caf::actor_cast<window_actor>(up[window_index]), sink);
             }),
        restart_policy::permanent, false});
    }
    if (half.renderer) {
      children.push_back(child_spec{
        "renderer",
        told("renderer",
             [half, sink, window_index](caf::actor_system& home,
                                        const std::vector<caf::actor>& up) {
               return home.spawn<caf::detached>(
                 renderer, *half.renderer,
                 caf::actor_cast<snapshot_source>(up[window_index]),
                 caf::actor_cast<render_event_sink>(sink));
             }),
        restart_policy::permanent, false, true});
    }
  }
  return children;
}

void configure(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::kscope>();
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("scheduler.max-threads", 2);
  cfg.set("logger.verbosity", caf::atom("quiet"));
}

running_role::running_role(role_plan plan, reporter_config report) {
  configure(cfg_);
  sys_ = std::make_unique<caf::actor_system>(cfg_);
  self_ = std::make_unique<caf::scoped_actor>(*sys_, true);
  if (plan.producer)
    plan.limits.stop_timeout = plan.producer->publisher.flush_timeout
                               + std::chrono::seconds{5};
  reporter_ = sys_->spawn(reporter, std::move(report),
                          caf::actor{*self_});
  auto sink = caf::actor_cast<caf::actor>(reporter_);
  supervisor_ = sys_->spawn(supervisor, role_children(plan, sink),
                            plan.limits, sink);
  (*self_)->send(reporter_, supervisor_);
}

running_role::~running_role() {
  if (!code_) {
    caf::anon_send_exit(supervisor_, caf::exit_reason::kill);
    caf::anon_send_exit(reporter_, caf::exit_reason::kill);
  }
}

std::optional<int> running_role::wait_for(std::chrono::milliseconds timeout) {
  if (code_)
    return code_;
  (*self_)->receive([&](done_atom, int code) { code_ = code; },
                    caf::after(timeout) >> [] {});
  return code_;
}

void running_role::stop(const std::string& why) {
  (*self_)->send(reporter_, stop_atom_v, why);
}

int running_role::abort() {
  (*self_)->send(reporter_, abort_atom_v);
  // The reporter's line first; a reporter that cannot answer is no reason
  // to wait long.
  for (int i = 0; i < 20 && !code_; ++i)
    wait_for(std::chrono::milliseconds{50});
  return exit_aborted;
}

} // namespace kscope
