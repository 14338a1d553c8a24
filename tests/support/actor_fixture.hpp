#pragma once

#include <memory>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/message.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "messages/type_ids.hpp"

namespace kscope::test {

/// An actor system on CAF's deterministic scheduler: nothing runs until a
/// test calls sched.run(), and time moves only by sched.advance_time().
struct actor_fixture {
  static caf::actor_system_config& configured(caf::actor_system_config& cfg) {
    cfg.add_message_types<caf::id_block::kscope>();
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    return cfg;
  }

  caf::actor_system_config sys_cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;

  actor_fixture()
    : sys(configured(sys_cfg)),
      sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())) {
  }

  /// Actors still running at the end of a test; killed by the destructor so
  /// the actor system can shut down.
  std::vector<caf::actor> cleanup;

  ~actor_fixture() {
    for (auto& x : cleanup)
      caf::anon_send_exit(x, caf::exit_reason::kill);
    sched.run();
  }

  /// Spawns an actor that appends every message it gets to `inbox`.
  caf::actor collector(std::shared_ptr<std::vector<caf::message>> inbox) {
    // The inbox is a spawn argument, not a capture: for a function actor
    // spawned without arguments CAF 0.17.6 dereferences a null argument
    // tuple (undefined behaviour that UBSan reports).
    return sys.spawn(
      [](caf::event_based_actor* self,
         std::shared_ptr<std::vector<caf::message>> box) -> caf::behavior {
        self->set_default_handler(
          [box](caf::scheduled_actor*,
                caf::message_view& x) -> caf::result<caf::message> {
            box->push_back(x.move_content_to_message());
            return caf::message{};
          });
        // Everything goes to the default handler.
        return {[](caf::ok_atom, caf::ok_atom) {}};
      },
      std::move(inbox));
  }
};

} // namespace kscope::test
