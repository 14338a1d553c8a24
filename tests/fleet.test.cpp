// Fleets: `kscope simulate` against the embedded broker, the fleet view's
// layout, and the fleet view as a person sees it (a PNG under Xvfb, the
// terminal through tmux, keys f and o).

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include <unistd.h>

#include <SFML/Graphics/Image.hpp>

#include "actors/logic/chart.hpp"
#include "actors/logic/fleet_grid.hpp"
#include "actors/logic/fleet_model.hpp"
#include "actors/logic/terminal_canvas.hpp"
#include "messages/codec.hpp"
#include "tests/support/broker_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_consumer.hpp"

using namespace kscope;
using namespace std::chrono_literals;

namespace {

constexpr int64_t bin = 550'000'000;

/// A snapshot whose one CPU panel is the fleet view of `hosts` hosts, host
/// i at i % 100 %, ten bins of history each.
snapshot fleet_picture(int hosts, int64_t now) {
  fleet_grid g{200, bin};
  for (int k = 0; k < 10; ++k)
    for (int i = 0; i < hosts; ++i)
      g.add("host-" + std::to_string(i), now - (9 - k) * bin, i % 100, now);
  snapshot snap;
  snap.now_ns = now;
  auto& panel = snap.panels.emplace_back();
  panel.fleet = g.snapshot(now, fleet_sort::current, 256, 10, panel.series);
  return snap;
}

} // namespace

TEST_CASE_FIXTURE(test::broker_fixture,
                  "kscope simulate --hosts 50 --count 3 delivers 150 samples: "
                  "every host keyed by its name with sequence 1..3 in order, "
                  "each on its own curve") {
  auto res = test::run({test::kscope_binary(), "simulate", "-b",
                        broker->bootstrap(), "--hosts", "50", "--count", "3",
                        "-i", "100ms"},
                       60s);
  INFO(res.output);
  REQUIRE(res.code == 0);
  auto records = test::consume_all(broker->bootstrap(), topic, 150);
  REQUIRE(records.size() == 150);
  std::map<std::string, std::vector<uint64_t>> seqs;
  std::set<double> values;
  for (auto& rec : records) {
    sample x;
    REQUIRE(decode(rec.value, x) == decode_error::none);
    CHECK(rec.key == x.host);
    CHECK(x.cpu >= 0);
    CHECK(x.cpu <= 100);
    seqs[x.host].push_back(x.seq);
    values.insert(x.cpu);
  }
  CHECK(seqs.size() == 50);
  CHECK(seqs.begin()->first == "sim-00001");
  for (auto& [host, s] : seqs)
    CHECK_MESSAGE(s == std::vector<uint64_t>({1, 2, 3}), host);
  // Distinct curves, not one value copied 50 times.
  CHECK(values.size() > 100);
}

TEST_CASE("kscope simulate refuses the seed format, which carries no host") {
  auto res = test::run({test::kscope_binary(), "simulate", "--format", "seed"});
  CHECK(res.code == 2);
  CHECK(res.output.find("--format seed carries no host name") !=
        std::string::npos);
}

TEST_CASE("the fleet model's hosts differ, stay in 0..100 and repeat with "
          "the seed") {
  fleet_model a{1000, 7};
  fleet_model b{1000, 7};
  std::map<host_role, int> roles;
  double lo = 100;
  double hi = 0;
  for (size_t i = 0; i < 1000; ++i) {
    ++roles[a.role(i)];
    for (int64_t t = 0; t < 50; ++t) {
      auto ts = 1'800'000'000'000'000'000 + t * 500'000'000;
      auto x = a.next(i, ts);
      CHECK(x == b.next(i, ts));
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  }
  CHECK(roles.size() == 5);
  CHECK(roles[host_role::web] > 500);
  CHECK(lo < 5);
  CHECK(hi > 95);
}

TEST_CASE("the fleet view lays the heatmap over the percentile chart on one "
          "time axis, with the top hosts at the right") {
  auto now = 1'800'000'000'000'000'000;
  auto snap = fleet_picture(1000, now);
  auto frame = build_frame(snap, 1264, 704, chart_style{}, text_metrics{8, 16});
  REQUIRE(frame.panels.size() == 1);
  auto& p = frame.panels[0];
  REQUIRE(p.fleet.fleet != nullptr);
  const auto& plot = p.geometry.layout.plot;
  const auto& heat = p.fleet.heat;
  CHECK(heat.x == plot.x);
  CHECK(heat.w == plot.w);
  CHECK(heat.y + heat.h <= p.geometry.layout.title.y);
  CHECK(heat.h > 100);
  // The newest column holds now: it starts left of the plot's right edge
  // (now) and ends right of it.
  auto cols = static_cast<float>(p.fleet.fleet->cols);
  CHECK(p.fleet.col_x0 + (cols - 1) * p.fleet.col_w <= plot.x + plot.w);
  CHECK(p.fleet.col_x0 + cols * p.fleet.col_w >= plot.x + plot.w);
  CHECK(p.fleet.names.x >= plot.x + plot.w);
  CHECK(p.fleet.title_text == "CPU usage: 1000 hosts");
  CHECK(p.fleet.heading_text.find("4 hosts per row") != std::string::npos);
  REQUIRE(p.fleet.name_lines.size() == 11);
  CHECK(p.fleet.name_lines[1].find("99.0%") != std::string::npos);
  CHECK(p.style.title == "fleet p50, p90, max");
}

TEST_CASE("the terminal draws the fleet view: the hottest rows on top, the "
          "coolest at the bottom, and names the top hosts") {
  auto now = 1'800'000'000'000'000'000;
  auto snap = fleet_picture(100, now);
  auto text = render_terminal_frame(snap, 160, 48, chart_style{}, false);
  INFO(text);
  CHECK(text.find("CPU usage: 100 hosts") != std::string::npos);
  CHECK(text.find("top now") != std::string::npos);
  CHECK(text.find("host-99") != std::string::npos);
  // Shades by value: full blocks in the first map row, light ones in the
  // last; the map's rows are the lines holding shades.
  std::vector<std::string> rows;
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    auto line = text.substr(start, end - start);
    if (line.find("\u2588") != std::string::npos
        || line.find("\u2591") != std::string::npos)
      rows.push_back(line);
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  REQUIRE(rows.size() > 4);
  CHECK(rows.front().find("\u2588") != std::string::npos);
  CHECK(rows.back().find("\u2588") == std::string::npos);
  CHECK(rows.back().find("\u2591") != std::string::npos);
}

TEST_CASE_FIXTURE(test::broker_fixture,
                  "a viewer of 300 simulated hosts draws the fleet view under "
                  "Xvfb: hot hosts red at the top of the heatmap, idle ones "
                  "blue at its bottom") {
  char tmpl[] = "/tmp/kscope-fleet-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  auto png = dir + "/fleet.png";
  auto kscope = test::kscope_binary();
  test::process sim{{kscope, "simulate", "-b", broker->bootstrap(), "--hosts",
                     "300", "--duration", "30s"}};
  auto res = test::run({"xvfb-run", "-a", "-s", "-screen 0 1280x800x24",
                        kscope, "view", "-b", broker->bootstrap(), "-o",
                        "beginning", "--duration", "8s", "--snapshot", png},
                       60s);
  INFO(res.output);
  REQUIRE(res.code == 0);
  CHECK(res.output.find("sample to screen over the run: p50") !=
        std::string::npos);
  sf::Image img;
  REQUIRE(img.loadFromFile(png));
  // The heatmap's band: below the two heading lines, left of the top hosts.
  auto count = [&](rgb want, float y0, float y1) {
    size_t n = 0;
    auto w = img.getSize().x;
    auto h = static_cast<float>(img.getSize().y);
    for (auto y = static_cast<unsigned>(y0 * h);
         y < static_cast<unsigned>(y1 * h); ++y)
      for (unsigned x = w / 10; x < w * 8 / 10; ++x) {
        auto c = img.getPixel(x, y);
        if (std::abs(c.r - want.r) + std::abs(c.g - want.g)
              + std::abs(c.b - want.b)
            < 60)
          ++n;
      }
    return n;
  };
  auto bg = chart_style{}.background;
  auto hot = heat_color(0.98, bg);
  auto cold = heat_color(0.02, bg);
  CHECK(count(hot, 0.06f, 0.12f) > 500);
  CHECK(count(cold, 0.06f, 0.12f) == 0);
  CHECK(count(cold, 0.40f, 0.52f) > 500);
  CHECK(count(hot, 0.40f, 0.52f) == 0);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE_FIXTURE(test::broker_fixture,
                  "in the terminal, 100 simulated hosts show as the fleet "
                  "view: o sorts by average and f switches to lines") {
  auto session = "kscope-fleet-" + std::to_string(getpid());
  auto kscope = test::kscope_binary();
  test::process sim{{kscope, "simulate", "-b", broker->bootstrap(), "--hosts",
                     "100", "--duration", "40s"}};
  auto cmd = "env -u DISPLAY " + kscope + " view -b " + broker->bootstrap()
             + "; sleep 60";
  REQUIRE(test::run({"tmux", "new-session", "-d", "-s", session, "-x", "160",
                     "-y", "48", cmd})
            .code == 0);
  auto screen = [&] {
    return test::run({"tmux", "capture-pane", "-p", "-t", session}).output;
  };
  auto wait_for = [&](const std::string& what) {
    std::string out;
    for (int i = 0; i < 40; ++i) {
      out = screen();
      if (out.find(what) != std::string::npos)
        return out;
      std::this_thread::sleep_for(250ms);
    }
    return out;
  };
  auto fleet = wait_for("CPU usage: 100 hosts");
  INFO(fleet);
  CHECK(fleet.find("CPU usage: 100 hosts") != std::string::npos);
  CHECK(fleet.find("sorted by current value") != std::string::npos);
  CHECK(fleet.find("top now") != std::string::npos);
  CHECK(fleet.find("sim-00") != std::string::npos);
  test::run({"tmux", "send-keys", "-t", session, "o"});
  auto sorted = wait_for("sorted by average");
  INFO(sorted);
  CHECK(sorted.find("sorted by average") != std::string::npos);
  CHECK(sorted.find("top by average") != std::string::npos);
  test::run({"tmux", "send-keys", "-t", session, "f"});
  auto lines = wait_for("more series");
  INFO(lines);
  CHECK(lines.find("hosts per row") == std::string::npos);
  CHECK(lines.find("more series") != std::string::npos);
  test::run({"tmux", "send-keys", "-t", session, "q"});
  std::this_thread::sleep_for(1s);
  test::run({"tmux", "kill-session", "-t", session});
}
