// kscope against a real three-node Apache Kafka cluster (scripts/kafka-broker
// --cluster 3, started by scripts/test): the partition leader killed, a
// rolling restart, two brokers down at once. Topics have three replicas and
// the cluster min.insync.replicas=2. Each test prints what it measured
// (MESSAGE) so a run can be quoted; none asserts how fast anything was.

#include <doctest/doctest.h>

#include <cctype>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>

#include "messages/codec.hpp"
#include "tests/support/admin.hpp"
#include "tests/support/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_consumer.hpp"

using namespace kscope;
using namespace std::chrono_literals;

namespace {

using steady = std::chrono::steady_clock;

/// The bootstrap list of the cluster, "host:port,host:port,host:port":
/// node i (its node.id) is the i-th address, and the first address's port
/// is the base port that `scripts/kafka-broker --cluster 3` takes. A run
/// without it fails rather than skipping.
std::string cluster() {
  auto* value = std::getenv("KSCOPE_REAL_KAFKA_CLUSTER");
  if (value == nullptr || *value == '\0')
    FAIL("KSCOPE_REAL_KAFKA_CLUSTER is not set: run the cluster tier "
         "through scripts/test");
  return value;
}

/// The address of node `id` in the bootstrap list.
std::string node_address(const std::string& brokers, int id) {
  std::stringstream in{brokers};
  std::string entry;
  for (int i = 1; std::getline(in, entry, ','); ++i)
    if (i == id)
      return entry;
  return {};
}

/// Runs `scripts/kafka-broker <what> --cluster 3 --port <base> --node <id>`.
test::run_result node_command(const std::string& what, int id) {
  auto first = node_address(cluster(), 1);
  auto base = first.substr(first.rfind(':') + 1);
  return test::run({std::string{KSCOPE_SOURCE_DIR} + "/scripts/kafka-broker",
                    what, "--cluster", "3", "--port", base, "--node",
                    std::to_string(id)},
                   180s);
}

/// Nodes taken down by a test, started again when it ends however it ends,
/// so a failed test leaves the next one a whole cluster.
class downed_nodes {
public:
  downed_nodes() = default;
  downed_nodes(const downed_nodes&) = delete;
  downed_nodes& operator=(const downed_nodes&) = delete;

  ~downed_nodes() {
    for (int id : down_)
      node_command("start", id);
  }

  /// `kill` (SIGKILL) or `stop` (SIGTERM) node `id`.
  test::run_result take_down(const std::string& how, int id) {
    down_.insert(id);
    return node_command(how, id);
  }

  test::run_result start(int id) {
    auto result = node_command("start", id);
    if (result.code == 0)
      down_.erase(id);
    return result;
  }

private:
  std::set<int> down_;
};

std::string unique_topic(const std::string& what) {
  static int counter = 0;
  return "kscope-cluster-" + what + "-" + std::to_string(getpid()) + "-"
         + std::to_string(++counter);
}

/// A producer at 20 Hz, CPU only (one CSV row per sample), JSON, with a
/// per-host sequence number; `count` 0 runs until signalled.
test::process producer(const std::string& topic, const std::string& host,
                       uint64_t count) {
  std::vector<std::string> args{test::kscope_binary(), "produce", "-b",
                                cluster(), "-t", topic, "--host", host,
                                "-i", "50ms", "--format", "json", "--metrics",
                                "cpu", "--flush-timeout", "120s"};
  if (count > 0) {
    args.push_back("--count");
    args.push_back(std::to_string(count));
  }
  return test::process{args};
}

/// A viewer without a display (it logs its status lines) writing `csv`.
test::process viewer(const std::string& topic, const std::string& csv,
                     std::vector<std::string> extra) {
  std::vector<std::string> args{"env", "-u", "DISPLAY", test::kscope_binary(),
                                "view", "-b", cluster(), "-t", topic, "-o",
                                "beginning", "--csv", csv};
  args.insert(args.end(), extra.begin(), extra.end());
  return test::process{args};
}

/// Partition 0 of a topic as `kcat -L` reports it.
struct partition_state {
  int leader = -1;
  std::set<int> in_sync;
};

std::set<int> parse_ids(const std::string& text) {
  std::set<int> result;
  std::stringstream in{text};
  std::string id;
  while (std::getline(in, id, ','))
    if (!id.empty() && std::isdigit(static_cast<unsigned char>(id[0])))
      result.insert(std::stoi(id));
  return result;
}

partition_state partition_0(const std::string& topic) {
  auto md = test::run({"kcat", "-L", "-b", cluster(), "-t", topic, "-m", "3"},
                      20s);
  partition_state result;
  // "    partition 0, leader 2, replicas: 2,3,1, isrs: 2,3,1"
  auto at = md.output.find("partition 0, leader ");
  if (md.code != 0 || at == std::string::npos)
    return result;
  auto line = md.output.substr(at, md.output.find('\n', at) - at);
  result.leader = std::stoi(line.substr(std::string{"partition 0, leader "}
                                          .size()));
  auto isrs = line.find("isrs: ");
  if (isrs != std::string::npos)
    result.in_sync = parse_ids(line.substr(isrs + 6));
  return result;
}

/// Polls `done` every 200 ms until it holds or `guard` (a hang guard, not a
/// timing requirement) passes.
bool wait_until(const std::function<bool()>& done,
                std::chrono::seconds guard) {
  auto deadline = steady::now() + guard;
  while (!done()) {
    if (steady::now() >= deadline)
      return false;
    std::this_thread::sleep_for(200ms);
  }
  return true;
}

/// The high watermark of partition 0, asked until a broker tells (a new
/// client may first try a stopped node); -1 only past the hang guard.
int64_t stored(const std::string& topic) {
  int64_t result = -1;
  wait_until([&] { return (result = test::end_offset(cluster(), topic, 0))
                          >= 0; },
             60s);
  return result;
}

/// Now as kscope stamps its log lines (UTC, whole seconds), which compare
/// in time order as text.
std::string utc_stamp() {
  char buf[32];
  auto now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return std::string(buf, std::strftime(buf, sizeof(buf),
                                        "%Y-%m-%dT%H:%M:%SZ", &tm));
}

double seconds_since(steady::time_point t0) {
  return std::chrono::duration<double>(steady::now() - t0).count();
}

/// Sequence numbers of one host against 1..expected.
struct tally {
  uint64_t received = 0;
  uint64_t duplicates = 0;
  uint64_t gaps = 0;
  bool in_order = true;

  bool exactly_once_in_order(uint64_t expected) const {
    return received == expected && duplicates == 0 && gaps == 0 && in_order;
  }
};

tally count(const std::vector<uint64_t>& seqs, uint64_t expected) {
  tally result;
  result.received = seqs.size();
  std::set<uint64_t> seen;
  for (size_t i = 0; i < seqs.size(); ++i) {
    if (!seen.insert(seqs[i]).second)
      ++result.duplicates;
    if (i > 0 && seqs[i] <= seqs[i - 1])
      result.in_order = false;
  }
  for (uint64_t i = 1; i <= expected; ++i)
    result.gaps += seen.count(i) ? 0 : 1;
  return result;
}

std::string describe(const tally& x) {
  return "received " + std::to_string(x.received) + ", duplicates "
         + std::to_string(x.duplicates) + ", gaps " + std::to_string(x.gaps)
         + (x.in_order ? ", in order" : ", OUT OF ORDER");
}

/// Sequence numbers per host in the viewer's CSV, in the order written.
std::map<std::string, std::vector<uint64_t>>
csv_by_host(const std::string& path) {
  std::map<std::string, std::vector<uint64_t>> result;
  for (auto& row : test::read_csv(path))
    result[row.host].push_back(row.seq);
  return result;
}

/// Sequence numbers per host on the topic, read from the beginning by a
/// plain librdkafka consumer.
std::map<std::string, std::vector<uint64_t>>
topic_by_host(const std::string& topic) {
  std::map<std::string, std::vector<uint64_t>> result;
  for (auto& rec : test::consume_all(cluster(), topic, 0, 60s)) {
    sample x;
    if (decode(rec.value, x) == decode_error::none)
      result[x.host].push_back(x.seq);
    else
      result["<undecodable>"].push_back(0);
  }
  return result;
}

/// The number after the last `label` in a producer's output ("sent ",
/// "delivered ", "queued "), or -1.
int64_t last_number(const std::string& output, const std::string& label) {
  auto at = output.rfind(label);
  if (at == std::string::npos)
    return -1;
  return std::stoll(output.substr(at + label.size()));
}

/// The lines of a viewer's or producer's output that speak of the broker.
std::string broker_lines(const std::string& output) {
  std::stringstream in{output};
  std::string line;
  std::string result;
  while (std::getline(in, line))
    if (line.find("broker") != std::string::npos)
      result += "  " + line + "\n";
  return result;
}

/// A fresh topic with one partition of three replicas, all in sync.
void create_replicated_topic(const std::string& topic) {
  test::create_topic(cluster(), topic, 1, 3);
  REQUIRE(wait_until([&] { return partition_0(topic).in_sync.size() == 3; },
                     60s));
}

} // namespace

TEST_CASE("the partition leader killed with SIGKILL and restarted while two "
          "producers run at 20 Hz: every sample arrives exactly once and in "
          "order, and the viewer says the broker went and came back") {
  auto topic = unique_topic("leader-kill");
  create_replicated_topic(topic);
  const uint64_t n = 700; // 35 s at 20 Hz per producer
  auto csv = test::temp_path("cluster-kill.csv");
  std::remove(csv.c_str());
  auto view = viewer(topic, csv, {"--count", std::to_string(2 * n)});
  auto a = producer(topic, "kill-a", n);
  auto b = producer(topic, "kill-b", n);
  REQUIRE(wait_until([&] { return test::end_offset(cluster(), topic, 0)
                                  >= 40; },
                     60s));
  auto leader = partition_0(topic).leader;
  REQUIRE(leader >= 1);
  auto before = stored(topic);
  REQUIRE(before >= 0);
  auto t_kill = steady::now();
  downed_nodes nodes;
  auto killed = nodes.take_down("kill", leader);
  REQUIRE_MESSAGE(killed.code == 0, killed.output);
  // The controller fences the dead broker and elects a new leader from the
  // in-sync replicas; the producers' queued samples then go there.
  REQUIRE(wait_until([&] {
    auto p = partition_0(topic);
    return p.leader >= 1 && p.leader != leader;
  }, 120s));
  auto failover_s = seconds_since(t_kill);
  REQUIRE(wait_until([&] { return test::end_offset(cluster(), topic, 0)
                                  > before; },
                     120s));
  auto resumed_s = seconds_since(t_kill);
  // Two brokers carry the stream for a while before the third returns.
  std::this_thread::sleep_for(5s);
  auto restart_stamp = utc_stamp();
  auto t_start = steady::now();
  auto started = nodes.start(leader);
  REQUIRE_MESSAGE(started.code == 0, started.output);
  auto restart_s = seconds_since(t_start);
  REQUIRE(wait_until([&] { return partition_0(topic).in_sync.count(leader)
                                  > 0; },
                     120s));
  auto rejoin_s = seconds_since(t_start);
  auto code_a = a.wait(180s);
  auto code_b = b.wait(180s);
  CHECK_MESSAGE(code_a == 0, a.output());
  CHECK_MESSAGE(code_b == 0, b.output());
  auto view_code = view.wait(120s);
  auto view_out = view.output();
  CHECK_MESSAGE(view_code == 0, view_out);

  auto seen = csv_by_host(csv);
  auto stored = topic_by_host(topic);
  auto address = node_address(cluster(), leader);
  MESSAGE("killed the leader, node " << leader << " (" << address
          << "): new leader after " << failover_s
          << " s, records flowed again after " << resumed_s
          << " s; restart took " << restart_s
          << " s, back in the ISR after " << rejoin_s << " s");
  for (std::string host : {"kill-a", "kill-b"}) {
    auto viewer_tally = count(seen[host], n);
    auto topic_tally = count(stored[host], n);
    MESSAGE(host << ": sent " << n << "; viewer " << describe(viewer_tally)
                 << "; topic " << describe(topic_tally));
    CHECK(viewer_tally.exactly_once_in_order(n));
    CHECK(topic_tally.exactly_once_in_order(n));
  }
  CHECK(stored.size() == 2);
  MESSAGE("viewer's broker lines:\n" << broker_lines(view_out));
  MESSAGE("producer kill-a's broker lines:\n" << broker_lines(a.output()));
  // The viewer names the broker that went, and says it is back only once
  // it is: not when another broker answers, nor when the new leader serves.
  auto down = view_out.find("broker disconnected (");
  REQUIRE(down != std::string::npos);
  auto down_line = view_out.substr(down, view_out.find('\n', down) - down);
  CHECK(down_line.find(address) != std::string::npos);
  auto back = view_out.find("broker reconnected after", down);
  REQUIRE(back != std::string::npos);
  auto back_stamp = view_out.substr(view_out.rfind('\n', back) + 1,
                                    restart_stamp.size());
  CHECK_MESSAGE(back_stamp >= restart_stamp,
                "back at " << back_stamp << ", restarted at "
                           << restart_stamp);
  std::remove(csv.c_str());
}

TEST_CASE("a rolling restart of all three brokers (SIGTERM, start, back in "
          "the ISR, one at a time) while producers run loses and "
          "duplicates nothing") {
  auto topic = unique_topic("rolling");
  create_replicated_topic(topic);
  auto csv = test::temp_path("cluster-rolling.csv");
  std::remove(csv.c_str());
  auto view = viewer(topic, csv, {"--duration", "15m"});
  auto a = producer(topic, "roll-a", 0);
  auto b = producer(topic, "roll-b", 0);
  REQUIRE(wait_until([&] { return test::end_offset(cluster(), topic, 0)
                                  >= 40; },
                     60s));
  auto t_roll = steady::now();
  downed_nodes nodes;
  for (int id = 1; id <= 3; ++id) {
    CAPTURE(id);
    auto leader_before = partition_0(topic).leader;
    auto t0 = steady::now();
    auto stopped = nodes.take_down("stop", id);
    REQUIRE_MESSAGE(stopped.code == 0, stopped.output);
    auto stop_s = seconds_since(t0);
    auto leader_between = partition_0(topic).leader;
    auto started = nodes.start(id);
    REQUIRE_MESSAGE(started.code == 0, started.output);
    auto up_s = seconds_since(t0);
    REQUIRE(wait_until([&] { return partition_0(topic).in_sync.size() == 3; },
                       120s));
    MESSAGE("node " << id << ": stopped after " << stop_s
                    << " s, serving again after " << up_s
                    << " s, back in the ISR after " << seconds_since(t0)
                    << " s; leader " << leader_before << " before, "
                    << leader_between << " while it was down");
  }
  auto roll_s = seconds_since(t_roll);
  // A little traffic on the restored cluster, then an orderly stop.
  std::this_thread::sleep_for(2s);
  a.signal(SIGTERM);
  b.signal(SIGTERM);
  auto code_a = a.wait(180s);
  auto code_b = b.wait(180s);
  auto out_a = a.output();
  auto out_b = b.output();
  CHECK_MESSAGE(code_a == 0, out_a);
  CHECK_MESSAGE(code_b == 0, out_b);
  std::map<std::string, uint64_t> sent;
  for (auto [host, out] : std::vector<std::pair<std::string, std::string*>>{
         {"roll-a", &out_a}, {"roll-b", &out_b}}) {
    auto s = last_number(*out, "sent ");
    REQUIRE(s > 0);
    CHECK(last_number(*out, "delivered ") == s);
    sent[host] = static_cast<uint64_t>(s);
  }
  auto total = sent["roll-a"] + sent["roll-b"];
  // The viewer has read everything once its CSV holds that many rows; a
  // moment more would show a late duplicate.
  CHECK(wait_until([&] { return test::read_csv(csv).size() >= total; },
                   60s));
  std::this_thread::sleep_for(2s);
  view.signal(SIGTERM);
  auto view_code = view.wait(60s);
  auto view_out = view.output();
  CHECK_MESSAGE(view_code == 0, view_out);

  auto seen = csv_by_host(csv);
  auto stored = topic_by_host(topic);
  MESSAGE("rolling restart of 3 nodes took " << roll_s << " s");
  for (auto& [host, n] : sent) {
    auto viewer_tally = count(seen[host], n);
    auto topic_tally = count(stored[host], n);
    MESSAGE(host << ": sent " << n << "; viewer " << describe(viewer_tally)
                 << "; topic " << describe(topic_tally));
    CHECK(viewer_tally.exactly_once_in_order(n));
    CHECK(topic_tally.exactly_once_in_order(n));
  }
  CHECK(stored.size() == 2);
  MESSAGE("viewer's broker lines:\n" << broker_lines(view_out));
  MESSAGE("producer roll-a's broker lines:\n" << broker_lines(out_a));
  std::remove(csv.c_str());
}

TEST_CASE("with two of three brokers down (below min.insync.replicas=2) "
          "producers say why (NOT_ENOUGH_REPLICAS), queue, count nothing "
          "undelivered as delivered, and deliver it all once the brokers "
          "are back") {
  auto topic = unique_topic("two-down");
  create_replicated_topic(topic);
  const uint64_t n = 600; // 30 s at 20 Hz per producer
  auto a = producer(topic, "short-a", n);
  auto b = producer(topic, "short-b", n);
  REQUIRE(wait_until([&] { return test::end_offset(cluster(), topic, 0)
                                  >= 40; },
                     60s));
  auto leader = partition_0(topic).leader;
  REQUIRE(leader >= 1);
  std::vector<int> others;
  for (int id = 1; id <= 3; ++id)
    if (id != leader)
      others.push_back(id);
  // SIGTERM, one after the other: the controller quorum keeps its majority
  // while each leaves, so the ISR shrinks to the leader alone, which then
  // refuses acks=all writes. (SIGKILL would take the quorum's majority with
  // the second node before it could shrink the ISR: the leader would wait
  // for a dead follower instead.)
  auto t_down = steady::now();
  downed_nodes nodes;
  for (int id : others) {
    auto stopped = nodes.take_down("stop", id);
    REQUIRE_MESSAGE(stopped.code == 0, stopped.output);
  }
  REQUIRE(wait_until([&] {
    return partition_0(topic).in_sync == std::set<int>{leader};
  }, 60s));
  REQUIRE_MESSAGE(a.wait_for_output("NOT_ENOUGH_REPLICAS", 60s), a.output());
  REQUIRE_MESSAGE(b.wait_for_output("NOT_ENOUGH_REPLICAS", 60s), b.output());
  auto said_s = seconds_since(t_down);
  auto stored_before = stored(topic);
  REQUIRE(stored_before >= 0);
  // Samples keep coming and wait; nothing reaches the topic meanwhile.
  std::this_thread::sleep_for(5s);
  auto stored_during = topic_by_host(topic);
  CHECK(stored(topic) == stored_before);
  for (auto [host, proc] : std::vector<std::pair<std::string, test::process*>>{
         {"short-a", &a}, {"short-b", &b}}) {
    auto out = proc->output();
    auto delivered = last_number(out, "delivered ");
    auto queued = last_number(out, "queued ");
    MESSAGE(host << " during the outage: says delivered " << delivered
                 << ", queued " << queued << "; the topic holds "
                 << stored_during[host].size() << " of its samples");
    CHECK(delivered >= 0);
    CHECK(static_cast<uint64_t>(delivered) <= stored_during[host].size());
    CHECK(queued > 0);
  }
  auto t_back = steady::now();
  for (int id : others) {
    auto started = nodes.start(id);
    REQUIRE_MESSAGE(started.code == 0, started.output);
  }
  auto outage_s = std::chrono::duration<double>(t_back - t_down).count();
  REQUIRE(wait_until([&] { return test::end_offset(cluster(), topic, 0)
                                  > stored_before; },
                     120s));
  auto flowing_s = seconds_since(t_back);
  auto code_a = a.wait(180s);
  auto code_b = b.wait(180s);
  auto out_a = a.output();
  auto out_b = b.output();
  // --count: exit 0 only when every sample was acknowledged.
  CHECK_MESSAGE(code_a == 0, out_a);
  CHECK_MESSAGE(code_b == 0, out_b);
  auto stored = topic_by_host(topic);
  MESSAGE("stopped nodes " << others[0] << " and " << others[1] << " (leader "
          << leader << " stayed); the producers named NOT_ENOUGH_REPLICAS "
          << said_s << " s after the first stop; the outage lasted "
          << outage_s << " s; records flowed again " << flowing_s
          << " s after the restarts began");
  for (auto [host, out] : std::vector<std::pair<std::string, std::string*>>{
         {"short-a", &out_a}, {"short-b", &out_b}}) {
    auto delivered = last_number(*out, "delivered ");
    auto topic_tally = count(stored[host], n);
    MESSAGE(host << ": sent " << n << ", the producer counted " << delivered
                 << " delivered; topic " << describe(topic_tally));
    CHECK(delivered == static_cast<int64_t>(n));
    CHECK(topic_tally.exactly_once_in_order(n));
  }
  CHECK(stored.size() == 2);
  MESSAGE("producer short-a's broker lines:\n" << broker_lines(out_a));
}
