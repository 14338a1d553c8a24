// The client's picture of a Kafka cluster (actors/logic/cluster_view):
// brokers dropped and back, unreachable brokers, partitions that refuse
// acks=all writes.

#include <doctest/doctest.h>

#include "actors/logic/cluster_view.hpp"

using namespace kscope;
using namespace std::chrono_literals;

namespace {

const auto t0 = cluster_view::clock::time_point{} + 1000s;

cluster_answer three_brokers(std::string from = "127.0.0.1:39192") {
  cluster_answer x;
  x.brokers = {{1, "127.0.0.1:39192"},
               {2, "127.0.0.1:39202"},
               {3, "127.0.0.1:39212"}};
  x.from = std::move(from);
  return x;
}

cluster_answer without(cluster_answer x, int32_t id) {
  std::vector<listed_broker> kept;
  for (auto& b : x.brokers)
    if (b.id != id)
      kept.push_back(b);
  x.brokers = kept;
  return x;
}

const char* refused_3 = "127.0.0.1:39212/3: Connect to ipv4#127.0.0.1:39212 "
                        "failed: Connection refused (after 0ms in state "
                        "CONNECT)";

} // namespace

TEST_CASE("nothing is wrong before the cluster first answered") {
  cluster_view view;
  view.connection_failed(refused_3, t0);
  CHECK(view.trouble().empty());
  view.answered(three_brokers(), t0 + 1s);
  CHECK(view.trouble() == refused_3);
}

TEST_CASE("a broker the cluster stops listing is named until it is listed "
          "again") {
  cluster_view view;
  view.answered(three_brokers(), t0);
  CHECK(view.trouble().empty());
  view.answered(without(three_brokers(), 2), t0 + 5s);
  CHECK(view.trouble()
        == "broker 2 at 127.0.0.1:39202 left the cluster (2 of 3 serve)");
  auto two_gone = without(without(three_brokers(), 2), 3);
  view.answered(two_gone, t0 + 6s);
  CHECK(view.trouble()
        == "brokers 2 at 127.0.0.1:39202 and 3 at 127.0.0.1:39212 left the "
           "cluster (1 of 3 serve)");
  view.answered(three_brokers(), t0 + 30s);
  CHECK(view.trouble().empty());
}

TEST_CASE("a broker whose connection failed stays named while the cluster "
          "still lists it, until it is dropped and listed again") {
  cluster_view view;
  view.answered(three_brokers(), t0);
  view.connection_failed(refused_3, t0 + 1s);
  // Not yet fenced by the controller: still listed, still down.
  view.answered(three_brokers(), t0 + 2s);
  CHECK(view.trouble() == refused_3);
  view.answered(without(three_brokers(), 3), t0 + 10s);
  CHECK(view.trouble()
        == "broker 3 at 127.0.0.1:39212 left the cluster (2 of 3 serve)");
  view.answered(three_brokers(), t0 + 11s);
  CHECK(view.trouble().empty());
}

TEST_CASE("a broker whose connection failed is back once it answers itself "
          "or stayed listed past the settle time") {
  SUBCASE("it answered") {
    cluster_view view;
    view.answered(three_brokers(), t0);
    view.connection_failed(refused_3, t0 + 1s);
    view.answered(three_brokers("127.0.0.1:39212"), t0 + 2s);
    CHECK(view.trouble().empty());
  }
  SUBCASE("a bootstrap connection of the same address answered") {
    cluster_view view;
    view.connection_failed(refused_3, t0);
    view.answered(three_brokers("127.0.0.1:39212"), t0 + 1s);
    CHECK(view.trouble().empty());
  }
  SUBCASE("listed long after the failure") {
    cluster_view view{15s};
    view.answered(three_brokers(), t0);
    view.connection_failed(refused_3, t0 + 1s);
    view.answered(three_brokers(), t0 + 15s);
    CHECK(view.trouble() == refused_3);
    view.answered(three_brokers(), t0 + 16s);
    CHECK(view.trouble().empty());
  }
}

TEST_CASE("errors that name no broker id are not taken for a broker") {
  cluster_view view;
  view.answered(three_brokers(), t0);
  view.connection_failed("127.0.0.1:39212/bootstrap: Connect to "
                         "ipv4#127.0.0.1:39212 failed: Connection refused",
                         t0);
  view.connection_failed("3/3 brokers are down", t0);
  view.connection_failed("Local: Broker transport failure", t0);
  view.answered(three_brokers(), t0 + 1s);
  CHECK(view.trouble().empty());
}

TEST_CASE("a scheme before the broker's name is no part of its address") {
  cluster_view view;
  view.connection_failed("sasl_ssl://kafka3:9093/3: Disconnected", t0);
  cluster_answer x;
  x.brokers = {{3, "kafka3:9093"}};
  x.from = "kafka3:9093";
  view.answered(x, t0 + 1s);
  CHECK(view.trouble().empty());
}

TEST_CASE("a partition with fewer replicas in sync than min.insync.replicas "
          "is said to refuse acks=all writes (NOT_ENOUGH_REPLICAS)") {
  cluster_view view;
  auto x = without(without(three_brokers(), 1), 3);
  x.partitions = {{"metrics", 0, 2, 3, 1}, {"metrics", 1, 2, 3, 1}};
  SUBCASE("min.insync.replicas known") {
    x.min_insync["metrics"] = 2;
    view.answered(three_brokers(), t0);
    view.answered(x, t0 + 1s);
    CHECK(view.trouble()
          == "topic metrics partition 0 has 1 of 3 replicas in sync, fewer "
             "than min.insync.replicas=2: its leader refuses acks=all "
             "writes (NOT_ENOUGH_REPLICAS) (and 1 more partitions); brokers "
             "1 at 127.0.0.1:39192 and 3 at 127.0.0.1:39212 left the "
             "cluster (1 of 3 serve)");
  }
  SUBCASE("min.insync.replicas unknown: no claim about writes") {
    view.answered(x, t0);
    CHECK(view.trouble().empty());
  }
  SUBCASE("enough in sync") {
    x.min_insync["metrics"] = 1;
    view.answered(x, t0);
    CHECK(view.trouble().empty());
  }
}

TEST_CASE("a partition that took a write since the last answer no longer "
          "counts as refusing writes") {
  cluster_view view;
  auto x = three_brokers();
  x.partitions = {{"metrics", 0, 2, 3, 1}, {"metrics", 1, 2, 3, 1}};
  x.min_insync["metrics"] = 2;
  view.answered(x, t0);
  view.accepted("metrics", 1);
  view.accepted("other", 0);
  CHECK(view.trouble()
        == "topic metrics partition 0 has 1 of 3 replicas in sync, fewer "
           "than min.insync.replicas=2: its leader refuses acks=all writes "
           "(NOT_ENOUGH_REPLICAS)");
  view.accepted("metrics", 0);
  CHECK(view.trouble().empty());
}

TEST_CASE("a partition without a leader is named") {
  cluster_view view;
  auto x = three_brokers();
  x.partitions = {{"metrics", 4, -1, 3, 0}};
  view.answered(x, t0);
  CHECK(view.trouble() == "topic metrics partition 4 has no leader");
}

TEST_CASE("the picture is set aside after three unanswered requests and "
          "taken up again with the next answer") {
  cluster_view view;
  view.answered(three_brokers(), t0);
  view.answered(without(three_brokers(), 2), t0 + 1s);
  auto dropped = view.trouble();
  REQUIRE_FALSE(dropped.empty());
  view.unanswered();
  view.unanswered();
  CHECK(view.trouble() == dropped);
  view.unanswered();
  CHECK(view.trouble().empty());
  view.answered(without(three_brokers(), 2), t0 + 5s);
  CHECK(view.trouble() == dropped);
}
