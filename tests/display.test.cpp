// The chart as a person sees it: a real SFML window under Xvfb driven with
// keys and captured to PNG, the --snapshot image, and the terminal chart
// through tmux. Pixels are read back with sf::Image (no display needed).

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <thread>
#include <dirent.h>
#include <unistd.h>

#include <SFML/Graphics/Image.hpp>

#include "actors/logic/chart.hpp"
#include "tests/support/process.hpp"

using namespace kscope;
using namespace std::chrono_literals;

namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/kscope-gui-XXXXXX";
  return mkdtemp(tmpl);
}

/// Files in `dir` whose name ends with `suffix`.
std::vector<std::string> files_in(const std::string& dir,
                                  const std::string& suffix) {
  std::vector<std::string> result;
  if (auto* d = opendir(dir.c_str())) {
    while (auto* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.size() > suffix.size()
          && name.compare(name.size() - suffix.size(), suffix.size(), suffix)
               == 0)
        result.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  return result;
}

bool near(sf::Color c, rgb x, int tolerance) {
  return std::abs(c.r - x.r) <= tolerance && std::abs(c.g - x.g) <= tolerance
         && std::abs(c.b - x.b) <= tolerance;
}

/// Pixels of `img` within the given fraction of its area that are close to
/// `color`.
size_t count_near(const sf::Image& img, rgb color, float x0, float y0,
                  float x1, float y1, int tolerance = 40) {
  auto w = static_cast<float>(img.getSize().x);
  auto h = static_cast<float>(img.getSize().y);
  size_t n = 0;
  for (auto y = static_cast<unsigned>(y0 * h);
       y < static_cast<unsigned>(y1 * h); ++y)
    for (auto x = static_cast<unsigned>(x0 * w);
         x < static_cast<unsigned>(x1 * w); ++x)
      n += near(img.getPixel(x, y), color, tolerance) ? 1 : 0;
  return n;
}

/// The series colour is in the plot (the middle of the image) and text in
/// the foreground colour is in the top rows (title and legend).
void check_chart(const sf::Image& img) {
  chart_style style;
  auto red = series_color(0, {});
  // Down to the plot's bottom edge: an idle machine draws its line at 0 %.
  CHECK(count_near(img, red, 0.05f, 0.05f, 0.99f, 0.91f) > 30);
  CHECK(count_near(img, style.foreground, 0.0f, 0.0f, 1.0f, 0.06f) > 20);
  // Most of the picture is background, so the chart is not a blot.
  CHECK(count_near(img, style.background, 0.0f, 0.0f, 1.0f, 1.0f, 8)
        > img.getSize().x * img.getSize().y / 2);
}

std::string xvfb_script(const std::string& dir, const std::string& body) {
  return "cd " + dir + " || exit 1; " + body;
}

} // namespace

TEST_CASE("a real window under Xvfb draws the live series and its text, "
          "saves a PNG on s, follows a resize and quits on q") {
  auto dir = temp_dir();
  auto kscope = test::kscope_binary();
  auto script = xvfb_script(
    dir, kscope + " run -i 200ms --host gui-test > run.log 2>&1 & pid=$!; "
         "win=$(xdotool search --sync --name '^kscope$' | head -1); "
         "sleep 4; xdotool key --window $win s; sleep 1; "
         "mkdir -p first && mv kscope-*.png first/; "
         "xdotool windowsize --sync $win 800 500; sleep 2; "
         "xdotool key --window $win s; sleep 1; "
         "xdotool key --window $win q; wait $pid; echo exit=$?; cat run.log");
  auto res = test::run({"xvfb-run", "-a", "-s", "-screen 0 1280x800x24",
                        "sh", "-c", script},
                       60s);
  INFO(res.output);
  REQUIRE(res.code == 0);
  CHECK(res.output.find("exit=0") != std::string::npos);
  auto first = files_in(dir + "/first", ".png");
  REQUIRE(first.size() == 1);
  sf::Image img;
  REQUIRE(img.loadFromFile(first[0]));
  CHECK(img.getSize().x == 1280);
  CHECK(img.getSize().y == 720);
  check_chart(img);
  auto resized = files_in(dir, ".png");
  REQUIRE(resized.size() == 1);
  sf::Image small;
  REQUIRE(small.loadFromFile(resized[0]));
  CHECK(small.getSize().x == 800);
  CHECK(small.getSize().y == 500);
  check_chart(small);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("--snapshot renders the chart to a PNG and exits after --count") {
  auto dir = temp_dir();
  auto png = dir + "/snap.png";
  auto res = test::run({"xvfb-run", "-a", "-s", "-screen 0 1280x800x24",
                        test::kscope_binary(), "run", "-i", "100ms",
                        "--count", "15", "--snapshot", png, "--type", "area"},
                       60s);
  INFO(res.output);
  REQUIRE(res.code == 0);
  CHECK(res.output.find("received 15") != std::string::npos);
  sf::Image img;
  REQUIRE(img.loadFromFile(png));
  check_chart(img);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("without a display the chart is drawn in the terminal with its "
          "readout, and q quits") {
  auto session = "kscope-test-" + std::to_string(getpid());
  auto cmd = "env -u DISPLAY " + test::kscope_binary()
             + " run -i 200ms --host tty-test; echo exit=$? > /tmp/" + session
             + ".exit; sleep 60";
  auto start = test::run({"tmux", "new-session", "-d", "-s", session, "-x",
                          "100", "-y", "30", cmd});
  REQUIRE(start.code == 0);
  std::this_thread::sleep_for(4s);
  auto screen = test::run({"tmux", "capture-pane", "-p", "-t", session});
  INFO(screen.output);
  CHECK(screen.output.find("CPU usage") != std::string::npos);
  CHECK(screen.output.find("now") != std::string::npos);
  CHECK(screen.output.find("100") != std::string::npos);
  CHECK(screen.output.find("tty-test  now ") != std::string::npos);
  CHECK(screen.output.find("msg/s") != std::string::npos);
  CHECK(screen.output.find("broker up") != std::string::npos);
  // Braille dots of the line.
  CHECK(screen.output.find("\xe2\xa0") != std::string::npos);
  test::run({"tmux", "send-keys", "-t", session, "q"});
  std::this_thread::sleep_for(3s);
  std::ifstream in{"/tmp/" + session + ".exit"};
  std::string exit_line;
  in >> exit_line;
  CHECK(exit_line == "exit=0");
  test::run({"tmux", "kill-session", "-t", session});
  std::remove(("/tmp/" + session + ".exit").c_str());
}

TEST_CASE("kscope run draws CPU, memory, network, disk and load as five "
          "panels, each with its series") {
  auto dir = temp_dir();
  auto png = dir + "/panels.png";
  auto res = test::run({"xvfb-run", "-a", "-s", "-screen 0 1280x800x24",
                        test::kscope_binary(), "run", "-i", "100ms",
                        "--count", "20", "--snapshot", png},
                       60s);
  INFO(res.output);
  REQUIRE(res.code == 0);
  sf::Image img;
  REQUIRE(img.loadFromFile(png));
  REQUIRE(img.getSize().x == 1280);
  REQUIRE(img.getSize().y == 720);
  // Three panels across, two rows, inside an 8 px margin and above the
  // status line. In each panel's plot (below its title and legend, above
  // its readout) the host's line is drawn in its colour.
  auto red = series_color(0, {});
  chart_style style;
  const float cell_w = 1264.0f / 3;
  const float cell_h = (704.0f - 16) / 2;
  for (int i = 0; i < 5; ++i) {
    CAPTURE(i);
    auto x0 = 8 + cell_w * static_cast<float>(i % 3);
    auto y0 = 8 + cell_h * static_cast<float>(i / 3);
    CHECK(count_near(img, red, x0 / 1280, (y0 + 0.1f * cell_h) / 720,
                     (x0 + cell_w) / 1280, (y0 + 0.92f * cell_h) / 720)
          > 30);
    // The panel's title and axis labels.
    CHECK(count_near(img, style.foreground, x0 / 1280, y0 / 720,
                     (x0 + cell_w) / 1280, (y0 + 0.1f * cell_h) / 720)
          > 20);
  }
  // The sixth cell is empty.
  CHECK(count_near(img, red, (8 + 2 * cell_w) / 1280, (8 + cell_h) / 720,
                   1.0f, (8 + 2 * cell_h) / 720)
        == 0);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("the terminal shows the five panels too, each with the host's "
          "readout") {
  auto session = "kscope-panels-" + std::to_string(getpid());
  auto cmd = "env -u DISPLAY " + test::kscope_binary()
             + " run -i 200ms --host tty-panels; sleep 60";
  // Wide enough for each readout's detail beside its value.
  auto start = test::run({"tmux", "new-session", "-d", "-s", session, "-x",
                          "160", "-y", "40", cmd});
  REQUIRE(start.code == 0);
  std::this_thread::sleep_for(5s);
  auto screen = test::run({"tmux", "capture-pane", "-p", "-t", session});
  INFO(screen.output);
  for (auto title : {"CPU usage", "Memory used", "Network (received + sent)",
                     "Disk (read + written)", "Load average (1 min)"})
    CHECK(screen.output.find(title) != std::string::npos);
  size_t readouts = 0;
  for (auto pos = screen.output.find("tty-panels  now ");
       pos != std::string::npos;
       pos = screen.output.find("tty-panels  now ", pos + 1))
    ++readouts;
  CHECK(readouts == 5);
  CHECK(screen.output.find(" of ") != std::string::npos); // memory sizes
  CHECK(screen.output.find("B/s") != std::string::npos);
  CHECK(screen.output.find("cpus") != std::string::npos);
  test::run({"tmux", "send-keys", "-t", session, "q"});
  std::this_thread::sleep_for(2s);
  test::run({"tmux", "kill-session", "-t", session});
}

TEST_CASE("a producer node and a broker map no SFML, OpenGL or X11 library, "
          "even with a display: a viewer's window loads them") {
  auto dir = temp_dir();
  auto kscope = test::kscope_binary();
  // Counts the display libraries in a process's memory map.
  std::string count = "grep -c -E 'libsfml|libGL|libX11|kscope-display' ";
  auto script = xvfb_script(
    dir, kscope + " broker --bootstrap-file b > broker.log 2>&1 & bpid=$!; "
         "for i in $(seq 100); do [ -s b ] && break; sleep 0.1; done; "
         + kscope + " produce -b $(cat b) -i 100ms > p.log 2>&1 & ppid=$!; "
         "for i in $(seq 100); do grep -q 'delivered [1-9]' p.log && break; "
         "sleep 0.1; done; "
         "echo produce-maps=$(" + count + "/proc/$ppid/maps); "
         "echo broker-maps=$(" + count + "/proc/$bpid/maps); "
         + kscope + " view -b $(cat b) -o beginning > v.log 2>&1 & vpid=$!; "
         "xdotool search --sync --name '^kscope$' > /dev/null; "
         "echo view-maps=$(" + count + "/proc/$vpid/maps); "
         "kill $vpid $ppid; wait $vpid $ppid; kill $bpid; wait $bpid; "
         "cat p.log v.log");
  auto res = test::run({"xvfb-run", "-a", "-s", "-screen 0 1280x800x24",
                        "sh", "-c", script},
                       60s);
  INFO(res.output);
  REQUIRE(res.code == 0);
  CHECK(res.output.find("produce-maps=0\n") != std::string::npos);
  CHECK(res.output.find("broker-maps=0\n") != std::string::npos);
  // The control: the window is up, so the same count is not 0 for it.
  CHECK(res.output.find("view-maps=") != std::string::npos);
  CHECK(res.output.find("view-maps=0\n") == std::string::npos);
  CHECK(res.output.find("view-maps=\n") == std::string::npos);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("without its display module, kscope refuses the window with one "
          "line and still runs the producer and the terminal") {
  auto dir = temp_dir();
  // The binary alone, away from the kscope-display.so built beside it.
  REQUIRE(std::system(("cp " + test::kscope_binary() + " " + dir).c_str())
          == 0);
  auto lone = dir + "/kscope";
  auto res = test::run({lone, "run", "-i", "100ms", "--count", "3",
                        "--snapshot", dir + "/x.png"},
                       60s);
  INFO(res.output);
  CHECK(res.code == 1);
  CHECK(res.output.find("kscope: error: kscope's display module "
                        "kscope-display.so is missing")
        != std::string::npos);
  CHECK(res.output.find("--terminal") != std::string::npos);
  // A producer node needs no module at all.
  auto produce = test::run({lone, "produce", "-b", "127.0.0.1:1", "--count",
                            "1", "--flush-timeout", "1s"},
                           60s);
  INFO(produce.output);
  CHECK(produce.output.find("display module") == std::string::npos);
  CHECK(produce.output.find("0 of 1 samples delivered") != std::string::npos);
  std::system(("rm -rf " + dir).c_str());
}
