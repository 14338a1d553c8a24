// The supervisor on CAF's deterministic scheduler: restarts with backoff,
// the restart cap, fatal errors and orderly stops.

#include <doctest/doctest.h>

#include <optional>
#include <stdexcept>

#include <caf/exit_reason.hpp>

#include "actors/supervisor.hpp"
#include "messages/errors.hpp"
#include "tests/support/actor_fixture.hpp"

using namespace kscope;
using namespace std::chrono_literals;

namespace {

/// Shared record of what the test children did.
struct child_log {
  int starts = 0;
  int stops = 0;
  caf::actor latest;
  caf::actor upstream_seen;
  /// Quit with a fatal error instead of normally on stop_atom.
  bool fail_on_stop = false;
  /// Stops seen by every child so far when this one stopped.
  std::shared_ptr<int> stop_clock;
  int stopped_at = 0;
};

/// A child that throws on a string message, fails fatally on an int, and
/// stops on stop_atom.
caf::behavior fragile(caf::event_based_actor* self,
                      std::shared_ptr<child_log> log) {
  return {
    [](const std::string& what) -> void { throw std::runtime_error(what); },
    [self](int) {
      self->quit(caf::make_error(errc::kafka_fatal, "fatal Kafka error: test"));
    },
    [self, log](stop_atom) {
      ++log->stops;
      if (log->stop_clock)
        log->stopped_at = ++*log->stop_clock;
      if (log->fail_on_stop)
        self->quit(caf::make_error(errc::kafka_fatal, "failed while stopping"));
      else
        self->quit();
    },
  };
}

struct supervisor_fixture : test::actor_fixture {
  std::shared_ptr<std::vector<caf::message>> inbox
    = std::make_shared<std::vector<caf::message>>();
  std::shared_ptr<child_log> first = std::make_shared<child_log>();
  std::shared_ptr<child_log> second = std::make_shared<child_log>();
  restart_limits limits;
  caf::actor sup;

  bool second_stops_last = false;
  std::shared_ptr<int> stop_clock = std::make_shared<int>(0);

  child_spec spec(const char* name, std::shared_ptr<child_log> log) {
    log->stop_clock = stop_clock;
    return child_spec{
      name,
      [log](caf::actor_system& home, const std::vector<caf::actor>& up) {
        ++log->starts;
        log->latest = home.spawn(fragile, log);
        log->upstream_seen = up.empty() ? caf::actor{} : up.back();
        return log->latest;
      },
      restart_policy::permanent, false,
      second_stops_last && log == second};
  }

  void start() {
    limits.initial_backoff = 100ms;
    limits.max_backoff = 400ms;
    limits.max_restarts = 3;
    limits.window = 10s;
    sup = sys.spawn(supervisor,
                    std::vector<child_spec>{spec("first", first),
                                            spec("second", second)},
                    limits, collector(inbox));
    cleanup.push_back(sup);
    sched.run();
  }

  /// The error of the supervisor's `done` message; nullopt before it.
  std::optional<caf::error> done() const {
    for (auto& msg : *inbox)
      if (msg.match_elements<done_atom, caf::error>())
        return msg.get_as<caf::error>(1);
    return std::nullopt;
  }

  size_t status_lines() const {
    size_t n = 0;
    for (auto& msg : *inbox)
      n += msg.match_elements<status_atom, std::string>() ? 1 : 0;
    return n;
  }
};

} // namespace

TEST_CASE("backoff doubles from the initial delay up to the cap") {
  restart_limits limits;
  limits.initial_backoff = 100ms;
  limits.max_backoff = 5000ms;
  CHECK(backoff_for(limits, 1) == 100ms);
  CHECK(backoff_for(limits, 2) == 200ms);
  CHECK(backoff_for(limits, 3) == 400ms);
  CHECK(backoff_for(limits, 7) == 5000ms);
  CHECK(backoff_for(limits, 1000) == 5000ms);
}

TEST_CASE_FIXTURE(supervisor_fixture,
                  "children start in order, wired to their upstream") {
  start();
  CHECK(first->starts == 1);
  CHECK(second->starts == 1);
  CHECK(second->upstream_seen == first->latest);
}

TEST_CASE_FIXTURE(supervisor_fixture,
                  "a child that throws is restarted after its backoff") {
  start();
  caf::anon_send(second->latest, std::string{"boom"});
  sched.run();
  CHECK(second->starts == 1); // Not before the backoff.
  CHECK(status_lines() == 1);
  sched.advance_time(100ms);
  sched.run();
  CHECK(second->starts == 2);
  CHECK(first->starts == 1); // Upstream untouched.
  CHECK_FALSE(done());
}

TEST_CASE_FIXTURE(supervisor_fixture,
                  "restarting a child restarts the children wired to it") {
  start();
  auto old_first = first->latest;
  caf::anon_send(first->latest, std::string{"boom"});
  sched.run();
  sched.advance_time(100ms);
  sched.run();
  CHECK(first->starts == 2);
  CHECK(second->starts == 2);
  CHECK(second->upstream_seen == first->latest);
  CHECK(second->upstream_seen != old_first);
}

TEST_CASE_FIXTURE(supervisor_fixture,
                  "the restart cap ends the role with a clear error") {
  start();
  for (int i = 0; i < 4; ++i) {
    caf::anon_send(second->latest, std::string{"boom"});
    sched.run();
    sched.advance_time(1s);
    sched.run();
  }
  CHECK(second->starts == 4); // 1 start + 3 restarts, then no more.
  auto err = done();
  REQUIRE(err);
  REQUIRE(*err);
  CHECK(err->code() == static_cast<uint8_t>(errc::restart_cap));
  CHECK(describe(*err).find("second") != std::string::npos);
  CHECK(describe(*err).find("giving up") != std::string::npos);
  // The survivor was stopped in an orderly way.
  CHECK(first->stops == 1);
}

TEST_CASE_FIXTURE(supervisor_fixture,
                  "a fatal Kafka error ends the role without restarts") {
  start();
  caf::anon_send(first->latest, 1);
  sched.run();
  sched.advance_time(1s);
  sched.run();
  CHECK(first->starts == 1);
  auto err = done();
  REQUIRE(err);
  CHECK(describe(*err) == "fatal Kafka error: test");
  CHECK(second->stops == 1);
}

TEST_CASE_FIXTURE(supervisor_fixture,
                  "an orderly stop stops children last to first and reports "
                  "success") {
  start();
  caf::anon_send(sup, stop_atom_v);
  sched.run();
  CHECK(second->stops == 1);
  CHECK(first->stops == 1);
  auto err = done();
  REQUIRE(err);
  CHECK_FALSE(*err);
}

TEST_CASE_FIXTURE(supervisor_fixture,
                  "a child failing during an orderly stop makes the outcome a "
                  "failure") {
  first->fail_on_stop = true;
  start();
  caf::anon_send(sup, stop_atom_v);
  sched.run();
  auto err = done();
  REQUIRE(err);
  REQUIRE(*err);
  CHECK(describe(*err) == "failed while stopping");
}

TEST_CASE_FIXTURE(supervisor_fixture,
                  "an orderly stop goes in reverse start order, a child marked "
                  "stop_last after the rest") {
  start();
  caf::anon_send(sup, stop_atom_v);
  sched.run();
  CHECK(second->stopped_at == 1);
  CHECK(first->stopped_at == 2);
}

TEST_CASE_FIXTURE(supervisor_fixture,
                  "a child marked stop_last stops after the children started "
                  "before it") {
  second_stops_last = true;
  start();
  caf::anon_send(sup, stop_atom_v);
  sched.run();
  CHECK(first->stopped_at == 1);
  CHECK(second->stopped_at == 2);
}
