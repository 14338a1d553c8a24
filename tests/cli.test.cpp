// Bad command lines get one clear line and exit code 2.

#include <doctest/doctest.h>

#include <algorithm>
#include <regex>

#include <unistd.h>

#include "actors/options.hpp"
#include "tests/support/process.hpp"

using namespace kscope;
using namespace std::chrono_literals;

TEST_CASE("durations need a unit and accept ms, s and m") {
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("0.5s") == 500ms);
  CHECK(parse_duration("2s") == 2000ms);
  CHECK(parse_duration("1m") == 60000ms);
  CHECK_FALSE(parse_duration("500"));
  CHECK_FALSE(parse_duration("-1s"));
  CHECK_FALSE(parse_duration("1h"));
  CHECK_FALSE(parse_duration("s"));
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("1e300s"));
  CHECK_FALSE(parse_duration("nans"));
}

TEST_CASE("bad produce options exit 2 with one line naming the problem") {
  struct row {
    std::vector<std::string> args;
    std::string says;
  };
  std::vector<row> rows{
    {{"produce", "-i", "40ms"}, "below 50ms"},
    {{"produce", "-i", "fast"}, "invalid --interval 'fast'"},
    {{"produce", "--format", "xml"}, "invalid --format 'xml'"},
    {{"produce", "-X", "no.such.property=1"}, "no.such.property"},
    {{"produce", "-X", "novalue"}, "expected key=value"},
    {{"produce", "--count", "many"}, "--count"},
    {{"produce", "--bogus"}, "--bogus"},
    {{"produce", "--config", "/nonexistent/kscope.toml"}, "kscope.toml"},
    {{}, "subcommand"},
  };
  for (auto& r : rows) {
    std::vector<std::string> argv{test::kscope_binary()};
    argv.insert(argv.end(), r.args.begin(), r.args.end());
    auto res = test::run(argv, 10s);
    INFO(res.output);
    CHECK(res.code == 2);
    CHECK(res.output.find(r.says) != std::string::npos);
    CHECK(res.output.find("error") != std::string::npos);
    // One line.
    CHECK(std::count(res.output.begin(), res.output.end(), '\n') == 1);
  }
}

TEST_CASE("options come from a config file, and flags override it") {
  char path[] = "/tmp/kscope-config-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  std::string text = "[produce]\ninterval = \"20ms\"\n";
  REQUIRE(write(fd, text.data(), text.size())
          == static_cast<ssize_t>(text.size()));
  close(fd);
  // The file's interval is read (and refused)...
  auto res = test::run({test::kscope_binary(), "--config", path, "produce"},
                       10s);
  INFO(res.output);
  CHECK(res.code == 2);
  CHECK(res.output.find("--interval 20ms is below 50ms") != std::string::npos);
  // ...and a flag on the command line wins over it.
  res = test::run({test::kscope_binary(), "--config", path, "produce", "-i",
                   "30ms"},
                  10s);
  CHECK(res.code == 2);
  CHECK(res.output.find("--interval 30ms is below 50ms") != std::string::npos);
  std::remove(path);
}

namespace {

/// Runs kscope with `args`; checks exit code 2 and one error line saying
/// `says`.
void check_usage_error(const std::vector<std::string>& args,
                       const std::string& says) {
  std::vector<std::string> argv{test::kscope_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto res = test::run(argv, 10s);
  INFO(res.output);
  CHECK(res.code == 2);
  CHECK(res.output.find(says) != std::string::npos);
  CHECK(res.output.find("kscope: error:") == 0);
  CHECK(std::count(res.output.begin(), res.output.end(), '\n') == 1);
}

/// Writes `text` to a fresh file in /tmp and returns its path.
std::string config_file(const std::string& text) {
  char path[] = "/tmp/kscope-config-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, text.data(), text.size())
          == static_cast<ssize_t>(text.size()));
  close(fd);
  return path;
}

} // namespace

TEST_CASE("bad numbers, durations and broker strings exit 2 with one line "
          "naming the problem") {
  struct row {
    std::vector<std::string> args;
    std::string says;
  };
  std::vector<row> rows{
    {{"produce", "-b", "localhost:notaport"}, "invalid -b 'localhost:notaport'"},
    {{"view", "-b", "kafka:99999"}, "invalid -b 'kafka:99999'"},
    {{"produce", "-b", "a:9092,,b:9092"}, "empty broker entry"},
    {{"view", "-b", "[::1:9092"}, "unclosed ["},
    {{"produce", "-b", "two words:9092"}, "is not host:port"},
    {{"produce", "--count", "-1"}, "--count"},
    {{"view", "--count", "-5"}, "--count"},
    {{"produce", "--count", "1e3"}, "--count"},
    {{"produce", "--flush-timeout", "10"}, "invalid --flush-timeout '10'"},
    {{"produce", "--host", "tab\there"}, "invalid --host"},
    {{"view", "--window", "0"}, "invalid --window '0'"},
    {{"view", "--fps", "nan"}, "--fps"},
    {{"view", "--width", "99999"}, "--width"},
    {{"view", "--expire", "soon"}, "invalid --expire 'soon'"},
    {{"view", "--duration", "-1s"}, "invalid --duration '-1s'"},
    {{"view", "-X", "fetch.wait.max.ms=abc"}, "fetch.wait.max.ms"},
    {{"view", "--frobnicate"}, "--frobnicate"},
    {{"broker", "--partitions", "0"}, "--partitions"},
    {{"run", "--partitions", "many"}, "--partitions"},
  };
  for (auto& r : rows)
    check_usage_error(r.args, r.says);
}

TEST_CASE("a malformed or unreadable config file exits 2 with one line "
          "naming the problem") {
  auto unknown_key = config_file("[produce]\nno-such-option = 3\n");
  auto garbage = config_file(std::string{"\xff\xfe\x00garbage\n[[[\n", 14});
  auto bad_value = config_file("[view]\nfps = \"fast\"\n");
  auto unknown_section = config_file("[produse]\ninterval = \"1s\"\n");
  check_usage_error({"--config", unknown_key, "produce"}, "no-such-option");
  check_usage_error({"--config", garbage, "produce"},
                    "line 1: control character \\x00");
  check_usage_error({"--config", bad_value, "view"}, "--fps");
  check_usage_error({"--config", unknown_section, "produce"}, "produse");
  check_usage_error({"--config", "/tmp", "produce"}, "/tmp");
  for (auto& path : {unknown_key, garbage, bad_value, unknown_section})
    std::remove(path.c_str());
}

TEST_CASE("bad fleet and alert options exit 2 with one line naming the rule "
          "or value and what was expected") {
  struct row {
    std::vector<std::string> args;
    std::string says;
  };
  std::vector<row> rows{
    {{"view", "--alert", "hot: cpu >> 90"},
     "invalid --alert 'hot: cpu >> 90': expected a number after the operator"},
    {{"view", "--alert", "hot cpu > 90"},
     "invalid --alert 'hot cpu > 90': expected ':' after the name 'hot'"},
    {{"alert", "--alert", "n: net > 5%"}, "expected a rate like 100MB/s"},
    {{"run", "--alert", "a: cpu > 1", "--alert", "a: mem > 2"},
     "expected a name no other rule has ('a' is taken)"},
    {{"view", "--alert-topic", "alerts"},
     "--alert-topic needs at least one --alert rule"},
    {{"view", "--alert-exec", "true"},
     "--alert-exec needs at least one --alert rule"},
    {{"alert", "--alert-topic", "bad topic"}, "invalid --alert-topic"},
    {{"view", "--view", "heatmap"}, "invalid --view 'heatmap'"},
    {{"view", "--sort", "random"}, "invalid --sort 'random'"},
    {{"view", "--hosts", "web-("}, "invalid --hosts 'web-('"},
    {{"view", "--budget", "10"}, "invalid --budget '10'"},
    {{"view", "--budget", "1000", "-w", "2000"},
     "--budget 1000 points cannot hold one series of --window 2000 points"},
    {{"simulate", "--hosts", "0"}, "invalid --hosts '0'"},
    {{"simulate", "--format", "seed"}, "carries no host name"},
  };
  for (auto& r : rows)
    check_usage_error(r.args, r.says);
  // The same rules from a config file, as a list.
  auto bad = config_file("[alert]\nalert = [\"ok: cpu > 1\", \"bad: cpu\"]\n");
  check_usage_error({"--config", bad, "alert"},
                    "invalid --alert 'bad: cpu': expected an operator");
  std::remove(bad.c_str());
}

TEST_CASE("a config file's bytes never reach the terminal raw: errors quote "
          "a short escaped excerpt and name the line") {
  auto escapes = config_file("[produce]\ninterval = \"1s\"\n"
                             "host = \"\x1b[2J\x1b]0;pwned\x07\"\n");
  check_usage_error({"--config", escapes, "produce"}, "line 3");
  check_usage_error({"--config", "/bin/ls", "produce"},
                    "line 1: control character");
  for (auto path : {escapes.c_str(), "/bin/ls"}) {
    auto res = test::run({test::kscope_binary(), "--config", path,
                          "produce"},
                         10s);
    INFO(res.output);
    for (unsigned char c : res.output)
      CHECK((c >= 0x20 || c == '\n'));
    CHECK(res.output.size() < 400);
  }
  std::remove(escapes.c_str());
}

TEST_CASE("empty and illegal names are refused, not replaced by defaults") {
  struct row {
    std::vector<std::string> args;
    std::string says;
  };
  std::vector<row> rows{
    {{"produce", "-b", ""}, "invalid -b '': no broker given"},
    {{"view", "-b", ""}, "invalid -b ''"},
    {{"produce", "--host", ""}, "invalid --host ''"},
    {{"produce", "-t", ""}, "invalid -t ''"},
    {{"produce", "-t", "a b/c"}, "invalid -t 'a b/c'"},
    {{"view", "-t", "ok", "-t", ".."}, "invalid -t '..'"},
    {{"broker", "--topic", "x$y"}, "invalid -t 'x$y'"},
    {{"run", "-t", std::string(250, 'a')}, "1 to 249 characters"},
  };
  for (auto& r : rows)
    check_usage_error(r.args, r.says);
}

TEST_CASE("errors CLI11 words cryptically get a clear line") {
  auto bogus_key = config_file("[produce]\nbogus_key = 1\n");
  auto no_section = config_file("[nosuch]\nx = 1\n");
  check_usage_error({"--config", bogus_key, "produce"},
                    "unknown key 'bogus_key' in section [produce]");
  check_usage_error({"--config", no_section, "produce"},
                    "unknown section [nosuch]");
  check_usage_error({"frobnicate"}, "unknown subcommand 'frobnicate'");
  check_usage_error({"produce", "-c", "-1"},
                    "invalid --count '-1': expected a whole number >= 0");
  check_usage_error({"view", "--window", "-1"}, "invalid --window '-1'");
  for (auto& path : {bogus_key, no_section})
    std::remove(path.c_str());
}

TEST_CASE("--version names kscope's version and commit, librdkafka and CAF") {
  auto res = test::run({test::kscope_binary(), "--version"}, 10s);
  INFO(res.output);
  CHECK(res.code == 0);
  // A clone's build names its commit, 12 hex digits (maybe "-dirty").
  std::regex expected{"kscope [0-9]+\\.[0-9]+\\.[0-9]+"
                      " \\(git [0-9a-f]{12}(-dirty)?\\)\n"
                      "librdkafka 2\\.[0-9]+\\.[0-9]+\n"
                      "CAF 0\\.17\\.[0-9]+\n"};
  CHECK(std::regex_match(res.output, expected));
}
