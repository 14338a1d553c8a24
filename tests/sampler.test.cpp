// The sampler actor on CAF's deterministic scheduler, fed fixture text.

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include <caf/exit_reason.hpp>

#include "actors/sampler.hpp"
#include "messages/errors.hpp"
#include "tests/support/actor_fixture.hpp"

using namespace kscope;
using namespace std::chrono_literals;

namespace {

/// A proc root in /tmp whose `stat` the test rewrites between ticks.
struct fake_proc {
  std::string root;

  fake_proc() {
    char tmpl[] = "/tmp/kscope-proc-XXXXXX";
    root = mkdtemp(tmpl);
  }

  ~fake_proc() {
    std::remove((root + "/stat").c_str());
    std::remove(root.c_str());
  }

  /// Writes a two-core stat file: each core has spent `busy` ticks in user
  /// and `idle` ticks idle.
  void write(uint64_t busy0, uint64_t idle0, uint64_t busy1, uint64_t idle1) {
    std::ofstream out{root + "/stat", std::ios::trunc};
    out << "cpu  " << busy0 + busy1 << " 0 0 " << idle0 + idle1
        << " 0 0 0 0 0 0\n"
        << "cpu0 " << busy0 << " 0 0 " << idle0 << " 0 0 0 0 0 0\n"
        << "cpu1 " << busy1 << " 0 0 " << idle1 << " 0 0 0 0 0 0\n"
        << "intr 0\nctxt 0\n";
  }
};

struct sampler_fixture : test::actor_fixture {
  fake_proc proc;
  std::shared_ptr<std::vector<caf::message>> inbox
    = std::make_shared<std::vector<caf::message>>();
  std::shared_ptr<sample_sequence> seq = std::make_shared<sample_sequence>();

  caf::actor start(uint64_t count = 0) {
    sampler_config cfg;
    cfg.interval = 500ms;
    cfg.proc_root = proc.root;
    cfg.host = "fixture";
    cfg.count = count;
    auto result = caf::actor_cast<caf::actor>(sys.spawn(
      kscope::sampler, cfg, seq,
      caf::actor_cast<publisher_actor>(collector(inbox))));
    cleanup.push_back(result);
    sched.run();
    return result;
  }

  std::vector<sample> samples() const {
    std::vector<sample> result;
    for (auto& msg : *inbox)
      if (msg.match_elements<sample>())
        result.push_back(msg.get_as<sample>(0));
    return result;
  }
};

} // namespace

TEST_CASE_FIXTURE(sampler_fixture,
                  "each tick makes one sample with the next sequence number") {
  proc.write(0, 0, 0, 0);
  start();
  CHECK(samples().empty()); // The first reading is only a baseline.
  proc.write(50, 50, 100, 0); // cpu0 50 %, cpu1 100 %, total 75 %.
  sched.advance_time(500ms);
  sched.run();
  proc.write(50, 150, 100, 100); // Both idle: 0 %.
  sched.advance_time(500ms);
  sched.run();
  auto xs = samples();
  REQUIRE(xs.size() == 2);
  CHECK(xs[0].seq == 1);
  CHECK(xs[1].seq == 2);
  CHECK(xs[0].host == "fixture");
  CHECK(xs[0].cpu == doctest::Approx(75));
  REQUIRE(xs[0].cores.size() == 2);
  CHECK(xs[0].cores[0] == doctest::Approx(50));
  CHECK(xs[0].cores[1] == doctest::Approx(100));
  CHECK(xs[1].cpu == doctest::Approx(0));
  CHECK(xs[1].ts_ns >= xs[0].ts_ns);
}

TEST_CASE_FIXTURE(sampler_fixture, "no sample is sent before the interval") {
  proc.write(0, 0, 0, 0);
  start();
  proc.write(10, 10, 10, 10);
  sched.advance_time(499ms);
  sched.run();
  CHECK(samples().empty());
  sched.advance_time(1ms);
  sched.run();
  CHECK(samples().size() == 1);
}

TEST_CASE_FIXTURE(sampler_fixture,
                  "a sampler with a count stops after that many samples") {
  proc.write(0, 0, 0, 0);
  auto self = start(3);
  for (int i = 1; i <= 5; ++i) {
    proc.write(10u * i, 10u * i, 10u * i, 10u * i);
    sched.advance_time(500ms);
    sched.run();
  }
  CHECK(samples().size() == 3);
  CHECK(seq->last == 3);
}

TEST_CASE_FIXTURE(sampler_fixture,
                  "a restarted sampler continues the sequence") {
  proc.write(0, 0, 0, 0);
  auto first = start();
  proc.write(10, 10, 10, 10);
  sched.advance_time(500ms);
  sched.run();
  anon_send_exit(first, caf::exit_reason::kill);
  sched.run();
  start();
  proc.write(20, 20, 20, 20);
  sched.advance_time(500ms);
  sched.run();
  auto xs = samples();
  REQUIRE(xs.size() == 2);
  CHECK(xs[0].seq == 1);
  CHECK(xs[1].seq == 2);
}

TEST_CASE_FIXTURE(sampler_fixture,
                  "an unreadable /proc/stat ends the sampler with an error") {
  std::string root = proc.root + "/missing";
  sampler_config cfg;
  cfg.proc_root = root;
  caf::error reason;
  auto s = sys.spawn(kscope::sampler, cfg, seq,
                     caf::actor_cast<publisher_actor>(collector(inbox)));
  s->attach_functor([&](const caf::error& x) { reason = x; });
  sched.run();
  REQUIRE(reason);
  CHECK(reason.category() == caf::atom("kscope"));
  CHECK(describe(reason).find(root + "/stat") != std::string::npos);
}
