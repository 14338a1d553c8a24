// The renderer actor on a fake surface, on CAF's deterministic scheduler:
// snapshots in, frames out, keys turned into messages, no frame drawn when
// nothing changed. And a renderer that throws in the real role wiring: the
// supervisor gives it a new surface while the producer and consumer go on.

#include <doctest/doctest.h>

#include <cstdio>
#include <deque>
#include <mutex>
#include <set>

#include "actors/edges/embedded_broker.hpp"
#include "actors/renderer.hpp"
#include "actors/roles.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/support/broker_fixture.hpp"
#include "tests/support/files.hpp"

using namespace kscope;
using namespace std::chrono_literals;

namespace {

/// What a fake surface saw, shared with the test.
struct surface_log {
  std::mutex mtx;
  /// Each frame drawn: the snapshot's revision, status and style.
  std::vector<snapshot> frames;
  std::vector<chart_style> styles;
  std::vector<std::string> saved;
  std::deque<key_action> keys;
  /// Surfaces opened so far.
  int opened = 0;
  /// Throw from the draw with this number (1-based, counted over every
  /// surface), 0 for never.
  size_t throw_at = 0;
  size_t draws = 0;
};

class fake_surface : public surface {
public:
  explicit fake_surface(std::shared_ptr<surface_log> log)
    : log_(std::move(log)) {
  }

  double draw(const snapshot& snap, const chart_style& style) override {
    std::lock_guard<std::mutex> guard{log_->mtx};
    if (++log_->draws == log_->throw_at)
      throw std::runtime_error("the display went away");
    log_->frames.push_back(snap);
    log_->styles.push_back(style);
    return 1e8; // 100 ms of time axis per pixel
  }

  std::vector<key_action> poll_input() override {
    std::lock_guard<std::mutex> guard{log_->mtx};
    std::vector<key_action> result{log_->keys.begin(), log_->keys.end()};
    log_->keys.clear();
    return result;
  }

  bool resized() override {
    return false;
  }

  bool save_png(const snapshot&, const chart_style&, const std::string& path,
                std::string&) override {
    std::lock_guard<std::mutex> guard{log_->mtx};
    log_->saved.push_back(path);
    return true;
  }

private:
  std::shared_ptr<surface_log> log_;
};

surface_factory fake_factory(std::shared_ptr<surface_log> log) {
  return [log](std::string&) -> std::unique_ptr<surface> {
    {
      std::lock_guard<std::mutex> guard{log->mtx};
      ++log->opened;
    }
    return std::make_unique<fake_surface>(log);
  };
}

snapshot picture(uint64_t revision, int64_t now_ns, uint64_t received) {
  snapshot x;
  x.now_ns = now_ns;
  x.revision = revision;
  x.status.received = received;
  x.series.push_back(series_snapshot{"h", {{now_ns, 42.0}}, {}, 0, {}});
  return x;
}

struct renderer_fixture : test::actor_fixture {
  std::shared_ptr<surface_log> log = std::make_shared<surface_log>();
  std::shared_ptr<std::vector<caf::message>> window_inbox
    = std::make_shared<std::vector<caf::message>>();
  std::shared_ptr<std::vector<caf::message>> parent_inbox
    = std::make_shared<std::vector<caf::message>>();
  caf::actor rend;

  renderer_fixture() {
    renderer_config cfg;
    cfg.open = fake_factory(log);
    cfg.fps = 10;
    cfg.png_name = [] { return std::string{"shot.png"}; };
    auto win = collector(window_inbox);
    auto parent = collector(parent_inbox);
    rend = caf::actor_cast<caf::actor>(
      sys.spawn(renderer, cfg, caf::actor_cast<snapshot_source>(win),
                caf::actor_cast<render_event_sink>(parent)));
    cleanup = {rend, win, parent};
    sched.run();
  }

  size_t frames() {
    return log->frames.size();
  }

  void show(snapshot x) {
    caf::anon_send(rend, std::move(x));
    sched.run();
  }

  /// Lets the renderer's timer fire once (keys are read then).
  void tick() {
    sched.advance_time(100ms);
    sched.run();
  }

  std::vector<render_event> events() {
    std::vector<render_event> result;
    for (auto& msg : *parent_inbox)
      if (msg.match_element<render_event>(0))
        result.push_back(msg.get_as<render_event>(0));
    return result;
  }
};

constexpr int64_t t0 = 1'700'000'000'000'000'000;

} // namespace

TEST_CASE_FIXTURE(renderer_fixture,
                  "the renderer subscribes to the window and draws a new "
                  "picture, but not one in which nothing changed") {
  REQUIRE(window_inbox->size() == 1);
  CHECK((*window_inbox)[0].match_elements<subscribe_atom>());
  CHECK(log->opened == 1);
  show(picture(1, t0, 1));
  REQUIRE(frames() == 1);
  CHECK(log->frames[0].revision == 1);
  // The same picture 50 ms later: the axis moved half a pixel, no frame.
  tick();
  show(picture(1, t0 + 50'000'000, 1));
  tick();
  CHECK(frames() == 1);
  // The clock alone moved the axis by a pixel: a frame.
  show(picture(1, t0 + 150'000'000, 1));
  CHECK(frames() == 2);
  // New data: a frame, but not sooner than one per 1/fps.
  show(picture(2, t0 + 160'000'000, 2));
  CHECK(frames() == 2);
  tick();
  CHECK(frames() == 3);
  CHECK(log->frames.back().revision == 2);
  // A changed status alone is drawn too (rates, broker state).
  auto x = picture(2, t0 + 170'000'000, 2);
  x.status.state = broker_state::down;
  show(x);
  tick();
  CHECK(frames() == 4);
  // Nothing at all for a while: no frames.
  for (int i = 0; i < 5; ++i)
    tick();
  CHECK(frames() == 4);
}

TEST_CASE_FIXTURE(renderer_fixture,
                  "keys become messages and styles: quit, save, pause, "
                  "cycle chart and smoothing") {
  show(picture(1, t0, 1));
  REQUIRE(frames() == 1);
  log->keys = {key_action::cycle_chart, key_action::cycle_smoothing};
  tick();
  REQUIRE(frames() == 2);
  CHECK(log->styles.back().type == chart_type::area);
  CHECK(log->styles.back().smooth == smoothing::moving_average);
  log->keys = {key_action::save};
  tick();
  REQUIRE(log->saved.size() == 1);
  CHECK(log->saved[0] == "shot.png");
  // Said on the chart itself too, for a few seconds.
  CHECK(log->frames.back().status.notice == "saved shot.png");
  log->keys = {key_action::pause};
  tick();
  CHECK(log->frames.back().status.paused);
  // Paused: new data does not reach the picture, the status does.
  show(picture(7, t0 + 1'000'000'000, 9));
  tick();
  CHECK(log->frames.back().revision == 1);
  CHECK(log->frames.back().status.received == 9);
  log->keys = {key_action::quit};
  tick();
  auto evs = events();
  REQUIRE(evs.size() == 2);
  CHECK(evs[0].kind == render_event_kind::png_saved);
  CHECK(evs[0].detail == "shot.png");
  CHECK(evs[1].kind == render_event_kind::quit_asked);
}

TEST_CASE("a renderer that cannot open its surface ends the role with its "
          "reason") {
  test::actor_fixture fx;
  renderer_config cfg;
  cfg.open = [](std::string& err) -> std::unique_ptr<surface> {
    err = "no X display";
    return nullptr;
  };
  auto inbox = std::make_shared<std::vector<caf::message>>();
  auto win = fx.collector(inbox);
  fx.cleanup = {win};
  auto rend = fx.sys.spawn(renderer, cfg,
                           caf::actor_cast<snapshot_source>(win),
                           render_event_sink{});
  caf::error reason;
  rend->attach_functor([&](const caf::error& x) { reason = x; });
  fx.sched.run();
  CHECK(reason.code() == static_cast<uint8_t>(errc::surface_failed));
  CHECK(describe(reason) == "no X display");
  CHECK(inbox->empty());
}

TEST_CASE("a renderer that throws is restarted with a new surface while the "
          "producer keeps delivering and every sample arrives once") {
  test::broker_fixture fx;
  auto& broker = fx.broker;
  std::string err;
  producer_settings pset;
  pset.brokers = broker->bootstrap();
  consumer_settings cset;
  cset.brokers = broker->bootstrap();
  cset.topics = {"test-topic"};
  cset.start.kind = start_offset::beginning;
  role_plan plan;
  producer_half prod;
  prod.producer = kafka_producer::make(pset, err);
  REQUIRE_MESSAGE(prod.producer, err);
  prod.sampler.interval = 100ms;
  prod.sampler.host = "restart-host";
  prod.sampler.count = 30;
  plan.producer = prod;
  viewer_half view;
  view.consumer = kafka_consumer::make(cset, err);
  REQUIRE_MESSAGE(view.consumer, err);
  auto csv = test::temp_path("renderer-restart.csv");
  view.window.csv = std::shared_ptr<std::FILE>{std::fopen(csv.c_str(), "w"),
                                               &std::fclose};
  view.window.fps = 20;
  auto log = std::make_shared<surface_log>();
  log->throw_at = 5;
  renderer_config draw;
  draw.open = fake_factory(log);
  draw.fps = 20;
  view.renderer = draw;
  plan.viewer = view;
  plan.limits.initial_backoff = 50ms;
  auto spawned = std::make_shared<std::vector<std::string>>();
  auto mtx = std::make_shared<std::mutex>();
  plan.on_spawn = [spawned, mtx](const std::string& name, const caf::actor&) {
    std::lock_guard<std::mutex> guard{*mtx};
    spawned->push_back(name);
  };
  reporter_config report;
  report.producer = true;
  report.viewer = true;
  report.produce_count = 30;
  report.view_count = 30;
  report.flush_timeout = "10s";
  int code = -1;
  {
    running_role role{plan, report};
    for (int i = 0; i < 120; ++i) {
      if (auto x = role.wait_for(500ms)) {
        code = *x;
        break;
      }
    }
  }
  CHECK(code == 0);
  CHECK(log->opened == 2);
  {
    std::lock_guard<std::mutex> guard{*mtx};
    // Only the renderer was started again.
    CHECK(std::count(spawned->begin(), spawned->end(), "renderer") == 2);
    for (auto name : {"publisher", "sampler", "window", "consumer"})
      CHECK(std::count(spawned->begin(), spawned->end(), name) == 1);
  }
  // The new surface went on drawing.
  CHECK(log->frames.size() > 4);
  auto rows = test::read_csv(csv);
  REQUIRE(rows.size() == 30);
  for (size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].host == "restart-host");
    CHECK(rows[i].seq == i + 1);
  }
  std::remove(csv.c_str());
}
